// The page frame: header with what the dashboard is connected to, navigation, the token prompt.
import { useEffect, useState } from 'preact/hooks';
import type { DashboardInfo } from '../../src/index.js';
import { ApiError, apiGet } from './api.js';
import { ErrorBox } from './components/error-box.js';
import { AppPage } from './pages/app-page.js';
import { KeyspacePage } from './pages/keyspace-page.js';
import { LocksPage } from './pages/locks-page.js';
import { RpcPage } from './pages/rpc-page.js';
import { StreamPage } from './pages/stream-page.js';
import { StreamsPage } from './pages/streams-page.js';
import { href, useRoute, type Route } from './route.js';
import { setToken } from './token.js';

const PAGES: readonly [page: string, label: string][] = [
  ['streams', 'Streams'],
  ['locks', 'Locks'],
  ['keyspace', 'Keyspace'],
  ['rpc', 'RPC'],
  ['app', 'App'],
];

/** The whole UI. */
export function App() {
  const route = useRoute();
  const [info, setInfo] = useState<DashboardInfo | undefined>();
  const [error, setError] = useState<Error | undefined>();
  const [needsToken, setNeedsToken] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    apiGet<DashboardInfo>('info').then(
      (answer) => {
        setInfo(answer);
        setNeedsToken(false);
        setError(undefined);
      },
      (failure: unknown) => {
        setNeedsToken(failure instanceof ApiError && failure.status === 401);
        setError(failure instanceof Error ? failure : new Error(String(failure)));
      },
    );
  }, [attempt]);

  return (
    <>
      <header class="top">
        <a class="brand" href={href('streams')}>
          Keel dashboard
        </a>
        <nav>
          {PAGES.map(([page, label]) => (
            <a
              key={page}
              href={href(page)}
              class={route.page === page || (page === 'streams' && route.page === 'stream') ? 'active' : ''}
            >
              {label}
            </a>
          ))}
        </nav>
        {info === undefined ? null : (
          <span class="muted" data-testid="connection">
            {info.redis.mode} · {info.redis.masters.length} master(s) · redis {info.redis.version ?? '?'}
            {info.app === null ? '' : ` · app ${info.app.name} (${info.app.env})`}
          </span>
        )}
      </header>
      <main>
        {needsToken ? (
          <TokenPrompt
            error={attempt > 0 ? error : undefined}
            onToken={(token) => {
              setToken(token);
              setAttempt((n) => n + 1);
            }}
          />
        ) : info === undefined ? (
          <ErrorBox error={error} />
        ) : (
          <Page route={route} />
        )}
      </main>
    </>
  );
}

function Page({ route }: { route: Route }) {
  const { page, params } = route;
  if (page === 'stream')
    return (
      <StreamPage
        key={params.toString()}
        streamKey={params.get('key') ?? ''}
        tab={params.get('tab') ?? 'entries'}
      />
    );
  if (page === 'locks') return <LocksPage prefix={params.get('prefix') ?? ''} />;
  if (page === 'keyspace') return <KeyspacePage />;
  if (page === 'rpc') return <RpcPage initialKey={params.get('key') ?? ''} />;
  if (page === 'app') return <AppPage />;
  return <StreamsPage />;
}

function TokenPrompt({ onToken, error }: { onToken: (token: string) => void; error: Error | undefined }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="form token"
      data-testid="token-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (value !== '') onToken(value);
      }}
    >
      <h1>Token required</h1>
      <p>
        This dashboard needs its token. It is kept for this tab only (sessionStorage) and sent as a header.
      </p>
      <input
        type="password"
        autocomplete="off"
        value={value}
        data-testid="token-input"
        onInput={(event) => {
          setValue(event.currentTarget.value);
        }}
      />
      <button type="submit">Open</button>
      <ErrorBox error={error} />
    </form>
  );
}
