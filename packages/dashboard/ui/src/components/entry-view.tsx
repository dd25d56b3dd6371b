// One stream entry: its calls and headers decoded, or its raw fields when it is not decodable.
import type { DecodedEntry, RawField } from '../../../src/index.js';
import { formatTime } from '../format.js';
import { JsonView } from './json-view.js';

/** The decoded message of `entry`, or why it could not be decoded and its raw fields. */
export function EntryView({ entry }: { entry: DecodedEntry }) {
  return (
    <div class="entry-body">
      <div class="muted">
        <code data-field="id">{entry.id}</code> · {formatTime(entry.at)}
        {entry.message?.batch === true ? (
          <span class="badge">batch of {entry.message.calls.length}</span>
        ) : null}
      </div>
      {entry.message === null ? (
        <div class="undecodable" data-testid="undecodable">
          not in Keel's wire format: {entry.error}
        </div>
      ) : (
        <>
          {entry.message.calls.map((call, index) => (
            <div class="call" key={index}>
              <div class="method" data-field="method">
                {call.method}
              </div>
              <JsonView value={call.params} testId="params" />
            </div>
          ))}
          {isEmpty(entry.message.headers) ? null : (
            <details>
              <summary>headers</summary>
              <JsonView value={entry.message.headers} testId="headers" />
            </details>
          )}
        </>
      )}
      {entry.fields.length === 0 ? null : (
        <table class="raw" data-testid="raw-fields">
          <tbody>
            {entry.fields.map((field, index) => (
              <RawRow key={index} field={field} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function RawRow({ field }: { field: RawField }) {
  return (
    <tr>
      <th>{field.name}</th>
      <td>
        {field.text === null ? (
          <code class="base64" title="base64 (raw MessagePack or binary)">
            base64: {field.base64}
            {field.truncated ? '…' : ''}
          </code>
        ) : (
          <code>{field.text}</code>
        )}
        <span class="muted"> ({field.bytes} bytes)</span>
      </td>
    </tr>
  );
}

function isEmpty(value: unknown): boolean {
  return value === null || (typeof value === 'object' && Object.keys(value).length === 0);
}
