// Locks held under a key prefix: owner, time left, fencing token.
import { useState } from 'preact/hooks';
import type { LockPage } from '../../../src/index.js';
import { apiGet } from '../api.js';
import { ErrorBox } from '../components/error-box.js';
import { Pager, usePaging } from '../components/pager.js';
import { RefreshBar } from '../components/refresh-bar.js';
import { formatDuration } from '../format.js';
import { navigate } from '../route.js';
import { useRefresh } from '../use-refresh.js';
import { TextField } from '../components/text-field.js';

/** The locks page; `prefix` comes from the address (`#/locks?prefix=…`). */
export function LocksPage({ prefix }: { prefix: string }) {
  const [draft, setDraft] = useState(prefix);
  const [auto, setAuto] = useState(true);
  const paging = usePaging();
  const page = useRefresh(
    `locks:${prefix}:${paging.cursor ?? ''}`,
    (signal) => apiGet<LockPage>('locks', { prefix, cursor: paging.cursor, count: 50 }, signal),
    auto,
  );
  return (
    <section>
      <h1>Locks</h1>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          paging.reset();
          navigate('locks', { prefix: draft });
        }}
      >
        <TextField
          wide
          placeholder="key prefix, e.g. prod.orders.lock"
          value={draft}
          onValue={setDraft}
          testId="locks-prefix"
        />
        <button type="submit">Show</button>
        <RefreshBar auto={auto} onAuto={setAuto} updatedAt={page.updatedAt} onReload={page.reload} />
      </form>
      <p class="muted">
        String keys under the prefix that expire (every lock has a time to live), with the fencing-token
        counter kept next to each.
      </p>
      <ErrorBox error={page.error} />
      <table class="grid" data-testid="locks-table">
        <thead>
          <tr>
            <th>key</th>
            <th>owner</th>
            <th class="num">ttl left</th>
            <th class="num">fencing token</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.locks.map((lock) => (
            <tr key={lock.key} data-testid="lock-row" data-key={lock.key}>
              <td>
                <code>{lock.key}</code>
              </td>
              <td data-field="owner">
                <code>{lock.owner}</code>
              </td>
              <td class="num" data-field="ttl">
                {formatDuration(lock.ttlMs)}
              </td>
              <td class="num" data-field="token">
                {lock.token ?? '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager paging={paging} next={page.data?.cursor} />
    </section>
  );
}
