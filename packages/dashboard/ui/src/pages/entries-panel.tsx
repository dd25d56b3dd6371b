// A stream's entries, newest first, a page at a time.
import type { EntryPage } from '../../../src/index.js';
import { apiGet } from '../api.js';
import { EntryView } from '../components/entry-view.js';
import { ErrorBox } from '../components/error-box.js';
import { Pager, usePaging } from '../components/pager.js';
import { useRefresh } from '../use-refresh.js';

const PAGE_SIZE = 25;

/** Pages of `XREVRANGE`; the newest page refreshes with the page, older pages stay still. */
export function EntriesPanel({ streamKey, auto }: { streamKey: string; auto: boolean }) {
  const paging = usePaging();
  const page = useRefresh(
    `entries:${streamKey}:${paging.cursor ?? ''}`,
    (signal) =>
      apiGet<EntryPage>(
        'stream/entries',
        { key: streamKey, before: paging.cursor, count: PAGE_SIZE },
        signal,
      ),
    auto && paging.first,
  );
  return (
    <div data-testid="entries">
      <ErrorBox error={page.error} />
      {page.data?.entries.length === 0 ? <p class="muted">No entries.</p> : null}
      <ol class="entries">
        {page.data?.entries.map((entry) => (
          <li key={entry.id} class="entry" data-testid="entry" data-id={entry.id}>
            <EntryView entry={entry} />
          </li>
        ))}
      </ol>
      <Pager paging={paging} next={page.data?.next} labels={['← Newer', 'Older →']} />
    </div>
  );
}
