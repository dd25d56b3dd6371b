// One stream: its groups and consumers, the pause lock, and its entries or dead letters.
import { useState } from 'preact/hooks';
import type { StreamDetail } from '../../../src/index.js';
import { apiGet } from '../api.js';
import { ErrorBox } from '../components/error-box.js';
import { RefreshBar } from '../components/refresh-bar.js';
import { formatCount, formatDuration, formatTime } from '../format.js';
import { href } from '../route.js';
import { useRefresh } from '../use-refresh.js';
import { DeadLettersPanel } from './dead-letters-panel.js';
import { EntriesPanel } from './entries-panel.js';
import { PauseControls } from './pause-controls.js';

/** The page of stream `key`; `tab` is `entries` or `dead`. */
export function StreamPage({ streamKey, tab }: { streamKey: string; tab: string }) {
  const [auto, setAuto] = useState(true);
  const detail = useRefresh(
    `stream:${streamKey}`,
    (signal) => apiGet<StreamDetail>('stream', { key: streamKey }, signal),
    auto,
  );
  const stream = detail.data;
  return (
    <section>
      <h1>
        <a href={href('streams')}>Streams</a> / <span data-testid="stream-key">{streamKey}</span>
      </h1>
      <RefreshBar auto={auto} onAuto={setAuto} updatedAt={detail.updatedAt} onReload={detail.reload} />
      <ErrorBox error={detail.error} />
      {stream === undefined ? null : (
        <>
          <dl class="facts">
            <dt>length</dt>
            <dd data-field="length">{formatCount(stream.length)}</dd>
            <dt>first entry</dt>
            <dd>{formatTime(stream.firstAt)}</dd>
            <dt>last entry</dt>
            <dd>{formatTime(stream.lastAt)}</dd>
            <dt>entries added</dt>
            <dd>{formatCount(stream.entriesAdded)}</dd>
            <dt>trim</dt>
            <dd>
              {stream.trim === null
                ? 'unknown (no listener of this app)'
                : stream.trim.mode === 'delivered'
                  ? 'trim delivered'
                  : `maxlen ~${formatCount(stream.trim.size)}`}
            </dd>
            <dt>pause lock</dt>
            <dd data-testid="pause-state">
              {stream.pause === null
                ? 'not paused'
                : `paused by ${stream.pause.holder}, ${formatDuration(stream.pause.ttlMs)} left`}
            </dd>
          </dl>
          <PauseControls streamKey={streamKey} paused={stream.pause !== null} onChange={detail.reload} />
          <h2>Groups</h2>
          <table class="grid" data-testid="groups-table">
            <thead>
              <tr>
                <th>group</th>
                <th class="num">consumers</th>
                <th class="num">pending</th>
                <th class="num">lag</th>
                <th>last delivered</th>
                <th>consumers (pending · idle)</th>
              </tr>
            </thead>
            <tbody>
              {stream.groups.map((group) => (
                <tr key={group.name} data-testid="group-row" data-group={group.name}>
                  <td>{group.name}</td>
                  <td class="num" data-field="consumers">
                    {group.consumers}
                  </td>
                  <td class="num" data-field="pending">
                    {formatCount(group.pending)}
                  </td>
                  <td class="num" data-field="lag">
                    {group.lag === null ? '?' : formatCount(group.lag)}
                  </td>
                  <td>
                    <code>{group.lastDeliveredId}</code>
                  </td>
                  <td>
                    {group.consumerList.map((consumer) => (
                      <div key={consumer.name} data-testid="consumer" data-consumer={consumer.name}>
                        <code>{consumer.name}</code> · <span data-field="pending">{consumer.pending}</span> ·{' '}
                        {formatDuration(consumer.idleMs)}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <nav class="tabs">
        <a
          href={href('stream', { key: streamKey })}
          class={tab === 'dead' ? '' : 'active'}
          data-testid="tab-entries"
        >
          Entries
        </a>
        <a
          href={href('stream', { key: streamKey, tab: 'dead' })}
          class={tab === 'dead' ? 'active' : ''}
          data-testid="tab-dead"
        >
          Dead letters ({formatCount(stream?.deadLetters)})
        </a>
        <a href={href('rpc', { key: streamKey })}>Send a request…</a>
      </nav>
      {tab === 'dead' ? (
        <DeadLettersPanel streamKey={streamKey} auto={auto} />
      ) : (
        <EntriesPanel streamKey={streamKey} auto={auto} />
      )}
    </section>
  );
}
