// Every topic stream, a SCAN page at a time; auto-refresh re-reads only the keys on the page.
import { useState } from 'preact/hooks';
import type { StreamSummary } from '../../../src/index.js';
import { apiGet } from '../api.js';
import { ErrorBox } from '../components/error-box.js';
import { Pager, usePaging } from '../components/pager.js';
import { RefreshBar } from '../components/refresh-bar.js';
import { formatCount, formatDuration, formatTime } from '../format.js';
import { href } from '../route.js';
import { useRefresh } from '../use-refresh.js';
import { TextField } from '../components/text-field.js';

interface StreamsPage {
  readonly streams: StreamSummary[];
  readonly cursor: string | null;
}

/** The streams list: filter, pages, one row per stream with its groups. */
export function StreamsPage() {
  const [match, setMatch] = useState('');
  const [applied, setApplied] = useState('');
  const [auto, setAuto] = useState(true);
  const paging = usePaging();
  // The page itself: one SCAN batch (re-read only when the page changes).
  const page = useRefresh(
    `page:${applied}:${paging.cursor ?? ''}`,
    (signal) =>
      apiGet<StreamsPage>(
        'streams',
        { match: applied === '' ? undefined : applied, cursor: paging.cursor, count: 50 },
        signal,
      ),
    false,
  );
  const keys = page.data?.streams.map((stream) => stream.key) ?? [];
  // Auto-refresh: the summaries of the page's keys only.
  const fresh = useRefresh(
    `summary:${keys.join('\n')}`,
    (signal) =>
      keys.length === 0
        ? Promise.resolve({ streams: [] as StreamSummary[] })
        : apiGet<{ streams: StreamSummary[] }>('streams/summary', { key: keys }, signal),
    auto && keys.length > 0,
  );
  const streams = fresh.data?.streams ?? page.data?.streams ?? [];
  return (
    <section>
      <h1>Streams</h1>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          paging.reset();
          setApplied(match.trim());
        }}
      >
        <TextField
          wide
          placeholder="key glob, e.g. prod.orders.* (default: every *._stream.*)"
          value={match}
          onValue={setMatch}
          testId="streams-match"
        />
        <button type="submit">Filter</button>
        <RefreshBar
          auto={auto}
          onAuto={setAuto}
          updatedAt={fresh.updatedAt ?? page.updatedAt}
          onReload={() => {
            page.reload();
            fresh.reload();
          }}
        />
      </form>
      <ErrorBox error={fresh.error ?? page.error} />
      <table class="grid" data-testid="streams-table">
        <thead>
          <tr>
            <th>stream</th>
            <th class="num">length</th>
            <th>first entry</th>
            <th>last entry</th>
            <th>trim</th>
            <th>groups</th>
            <th class="num">dead letters</th>
            <th>paused</th>
          </tr>
        </thead>
        <tbody>
          {streams.map((stream) => (
            <StreamRow key={stream.key} stream={stream} />
          ))}
          {page.data !== undefined && streams.length === 0 ? (
            <tr>
              <td colSpan={8} class="muted">
                No topic streams in this page{page.data.cursor === null ? '.' : '; try the next one.'}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <Pager paging={paging} next={page.data?.cursor} />
    </section>
  );
}

function StreamRow({ stream }: { stream: StreamSummary }) {
  return (
    <tr data-testid="stream-row" data-key={stream.key}>
      <td>
        <a href={href('stream', { key: stream.key })} data-field="key">
          {stream.key}
        </a>
        {stream.exists ? null : <span class="badge">deleted</span>}
      </td>
      <td class="num" data-field="length">
        {formatCount(stream.length)}
      </td>
      <td data-field="first-at">{formatTime(stream.firstAt)}</td>
      <td data-field="last-at">{formatTime(stream.lastAt)}</td>
      <td data-field="trim">
        {stream.trim === null ? (
          <span class="muted">unknown</span>
        ) : stream.trim.mode === 'delivered' ? (
          'delivered'
        ) : (
          `maxlen ~${formatCount(stream.trim.size)}`
        )}
      </td>
      <td>
        {stream.groups.length === 0 ? <span class="muted">no groups</span> : null}
        {stream.groups.map((group) => (
          <div class="group" data-testid="group" data-group={group.name} key={group.name}>
            <b>{group.name}</b>: <span data-field="consumers">{group.consumers}</span> consumer(s) ·{' '}
            <span data-field="pending">{formatCount(group.pending)}</span> pending · lag{' '}
            <span data-field="lag">{group.lag === null ? '?' : formatCount(group.lag)}</span> · last{' '}
            <code>{group.lastDeliveredId}</code>
          </div>
        ))}
      </td>
      <td class="num">
        <a href={href('stream', { key: stream.key, tab: 'dead' })} data-field="dead-letters">
          {formatCount(stream.deadLetters)}
        </a>
      </td>
      <td data-field="paused">
        {stream.pause === null ? (
          <span class="muted">no</span>
        ) : (
          <span class="badge warn" title={`expires in ${formatDuration(stream.pause.ttlMs)}`}>
            paused by {stream.pause.holder}
          </span>
        )}
      </td>
    </tr>
  );
}
