// A topic's dead letters: why each failed, replay (one or all) and delete.
import { useState } from 'preact/hooks';
import type { DeadLetter, DeadLetterPage, ReplayResult } from '../../../src/index.js';
import { apiGet, apiPost } from '../api.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { EntryView } from '../components/entry-view.js';
import { ErrorBox } from '../components/error-box.js';
import { JsonView } from '../components/json-view.js';
import { Pager, usePaging } from '../components/pager.js';
import { useRefresh } from '../use-refresh.js';

const PAGE_SIZE = 25;

/** The dead-letter stream of `streamKey`, newest first. */
export function DeadLettersPanel({ streamKey, auto }: { streamKey: string; auto: boolean }) {
  const paging = usePaging();
  const [notice, setNotice] = useState<string | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const page = useRefresh(
    `dead:${streamKey}:${paging.cursor ?? ''}`,
    (signal) =>
      apiGet<DeadLetterPage>(
        'stream/dead',
        { key: streamKey, before: paging.cursor, count: PAGE_SIZE },
        signal,
      ),
    auto && paging.first,
  );
  const act = (route: 'replay' | 'delete', body: object): void => {
    setError(undefined);
    apiPost<ReplayResult | { deleted: number }>(`stream/dead/${route}`, { key: streamKey, ...body }).then(
      (result) => {
        setNotice(describe(result));
        page.reload();
      },
      (failure: unknown) => {
        setError(failure instanceof Error ? failure : new Error(String(failure)));
      },
    );
  };
  const length = page.data?.length ?? 0;
  return (
    <div data-testid="dead-letters">
      <div class="toolbar">
        <span data-testid="dead-count">{length} dead letter(s)</span>
        <ConfirmButton
          label="Replay all"
          question={`Replay all ${length} dead letters to the topic?`}
          disabled={length === 0}
          testId="replay-all"
          onConfirm={() => {
            act('replay', { all: true });
          }}
        />
        <ConfirmButton
          label="Delete all"
          question={`Delete all ${length} dead letters for good?`}
          disabled={length === 0}
          danger
          testId="delete-all"
          onConfirm={() => {
            act('delete', { all: true });
          }}
        />
      </div>
      {notice === undefined ? null : (
        <div class="notice" role="status" data-testid="notice">
          {notice}
        </div>
      )}
      <ErrorBox error={error ?? page.error} />
      <ol class="entries">
        {page.data?.entries.map((entry) => (
          <DeadLetterItem
            key={entry.id}
            entry={entry}
            onReplay={() => {
              act('replay', { ids: [entry.id] });
            }}
            onDelete={() => {
              act('delete', { ids: [entry.id] });
            }}
          />
        ))}
      </ol>
      <Pager paging={paging} next={page.data?.next} labels={['← Newer', 'Older →']} />
    </div>
  );
}

function DeadLetterItem({
  entry,
  onReplay,
  onDelete,
}: {
  entry: DeadLetter;
  onReplay: () => void;
  onDelete: () => void;
}) {
  return (
    <li class="entry dead" data-testid="dead-letter" data-id={entry.id}>
      <div class="toolbar">
        <button type="button" data-testid="replay" onClick={onReplay}>
          Replay
        </button>
        <ConfirmButton
          label="Delete"
          question="Delete this dead letter?"
          danger
          testId="delete"
          onConfirm={onDelete}
        />
      </div>
      <div class="failure">
        <b>error</b> <span data-field="error">{failureText(entry.failure)}</span> · <b>deliveries</b>{' '}
        <span data-field="deliveries">{entry.deliveries ?? '?'}</span> · <b>original id</b>{' '}
        <code>{entry.originalId ?? '?'}</code> · <b>group</b> {entry.group ?? '?'} · <b>consumer</b>{' '}
        <code>{entry.consumer ?? '?'}</code> · <b>at</b> {entry.deadAt ?? '?'}
      </div>
      <details>
        <summary>error details</summary>
        <JsonView value={entry.failure} />
      </details>
      <EntryView entry={entry} />
    </li>
  );
}

function failureText(failure: unknown): string {
  if (typeof failure === 'object' && failure !== null) {
    const { code, message, reason } = failure as { code?: unknown; message?: unknown; reason?: unknown };
    const parts = [code, message, reason === message ? undefined : reason].filter(
      (part) => part !== undefined,
    );
    return parts.map(String).join(' · ');
  }
  return String(failure);
}

function describe(result: ReplayResult | { deleted: number }): string {
  if ('deleted' in result) return `Deleted ${result.deleted} dead letter(s).`;
  const parts = [`Replayed ${result.replayed.length}.`];
  if (result.missing.length > 0) parts.push(`${result.missing.length} already replayed or deleted.`);
  if (result.unreplayable.length > 0) parts.push(`${result.unreplayable.length} had nothing to replay.`);
  return parts.join(' ');
}
