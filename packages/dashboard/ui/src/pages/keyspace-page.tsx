// A live tail of keyspace events for a pattern: bounded rate, pausable, filtered by event.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBox } from '../components/error-box.js';
import { formatTime } from '../format.js';
import { openTail, type TailQuery } from '../keyspace-tail.js';

interface Row {
  readonly seq: number;
  readonly key: string;
  readonly event: string;
  readonly node: string;
  readonly at: number;
}

/** Rows kept on the page. */
const MAX_ROWS = 500;

/** The keyspace page: a form, a running/paused state and the newest events first. */
export function KeyspacePage() {
  const [draft, setDraft] = useState<TailQuery>({ pattern: '*', events: 'A', names: '', rate: 50 });
  const [query, setQuery] = useState<TailQuery | undefined>();
  const [running, setRunning] = useState(false);
  const [status, setStatus] = useState('stopped');
  const [dropped, setDropped] = useState(0);
  const [rows, setRows] = useState<readonly Row[]>([]);
  const [error, setError] = useState<Error | undefined>();
  const seq = useRef(0);

  useEffect(() => {
    if (query === undefined || !running) return undefined;
    const controller = new AbortController();
    setStatus('subscribing…');
    setError(undefined);
    openTail(
      query,
      (message) => {
        if (message.type === 'ready') setStatus(`listening on ${message.nodes.length} node(s)`);
        else if (message.type === 'dropped') setDropped((n) => n + message.count);
        else if (message.type === 'notice') setStatus(message.message);
        else if (message.type === 'error') setError(new Error(message.message));
        else {
          const row: Row = {
            seq: ++seq.current,
            key: message.key,
            event: message.event,
            node: message.node,
            at: message.at,
          };
          setRows((previous) => [row, ...previous].slice(0, MAX_ROWS));
        }
      },
      controller.signal,
    ).then(
      () => {
        if (!controller.signal.aborted) setStatus('ended by the server');
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setStatus('stopped');
        setError(failure instanceof Error ? failure : new Error(String(failure)));
      },
    );
    return () => {
      controller.abort();
      setStatus('paused');
    };
  }, [query, running]);

  const field = (name: keyof TailQuery, label: string, testId: string, placeholder = '') => (
    <label>
      {label}
      <input
        value={String(draft[name])}
        placeholder={placeholder}
        data-testid={testId}
        onInput={(event) => {
          const value = event.currentTarget.value;
          setDraft({ ...draft, [name]: name === 'rate' ? Number(value) : value });
        }}
      />
    </label>
  );

  return (
    <section>
      <h1>Live keyspace</h1>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setRows([]);
          setDropped(0);
          setQuery({ ...draft });
          setRunning(true);
        }}
      >
        {field('pattern', 'pattern', 'ks-pattern', 'user:*')}
        {field('events', 'event classes', 'ks-events', 'A or g$lshzxetd')}
        {field('names', 'events', 'ks-names', 'set,del (empty: all)')}
        {field('rate', 'max events/s', 'ks-rate')}
        <button type="submit" data-testid="ks-start">
          {query === undefined ? 'Start' : 'Restart'}
        </button>
        <button
          type="button"
          disabled={query === undefined}
          data-testid="ks-pause"
          onClick={() => {
            setRunning(!running);
          }}
        >
          {running ? 'Pause' : 'Resume'}
        </button>
        <button
          type="button"
          onClick={() => {
            setRows([]);
            setDropped(0);
          }}
        >
          Clear
        </button>
      </form>
      <p>
        <span data-testid="ks-status">{status}</span>
        {dropped > 0 ? <span class="badge warn"> {dropped} events over the rate, not shown</span> : null}
      </p>
      <ErrorBox error={error} />
      <table class="grid" data-testid="ks-table">
        <thead>
          <tr>
            <th>received</th>
            <th>event</th>
            <th>key</th>
            <th>node</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.seq} data-testid="ks-row" data-key={row.key} data-event={row.event}>
              <td>{formatTime(row.at)}</td>
              <td>{row.event}</td>
              <td>
                <code>{row.key}</code>
              </td>
              <td class="muted">{row.node}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
