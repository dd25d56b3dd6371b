// The serving app's services, their health, its listeners' counters and its Keel metrics.
import { useState } from 'preact/hooks';
import type { AppStatus } from '../../../src/index.js';
import { apiGet } from '../api.js';
import { ErrorBox } from '../components/error-box.js';
import { JsonView } from '../components/json-view.js';
import { RefreshBar } from '../components/refresh-bar.js';
import { useRefresh } from '../use-refresh.js';

const COUNTERS = [
  'processed',
  'failed',
  'deadLettered',
  'retried',
  'claimed',
  'inFlight',
  'errors',
  'trimmed',
  'pending',
  'lag',
];

/** Health and metrics, when an app serves the dashboard. */
export function AppPage() {
  const [auto, setAuto] = useState(true);
  const status = useRefresh('app', (signal) => apiGet<{ app: AppStatus | null }>('app', {}, signal), auto);
  const app = status.data?.app;
  return (
    <section>
      <h1>App</h1>
      <RefreshBar auto={auto} onAuto={setAuto} updatedAt={status.updatedAt} onReload={status.reload} />
      <ErrorBox error={status.error} />
      {status.data !== undefined && app === null ? (
        <p class="muted" data-testid="no-app">
          This dashboard is not served by an app (it runs as <code>keel dashboard</code>): there is no app
          health to show.
        </p>
      ) : null}
      {app === undefined || app === null ? null : (
        <>
          <p data-testid="app-name">
            <b>{app.name}</b> (env {app.env}, id <code>{app.id}</code>) —{' '}
            <span class={app.healthy ? 'ok' : 'bad'} data-testid="app-healthy">
              {app.healthy ? 'healthy' : 'unhealthy'}
            </span>
          </p>
          <h2>Services</h2>
          <table class="grid" data-testid="services-table">
            <thead>
              <tr>
                <th>service</th>
                <th>state</th>
                <th>health</th>
                <th>details</th>
              </tr>
            </thead>
            <tbody>
              {app.services.map((service) => (
                <tr key={service.name} data-testid="service-row" data-name={service.name}>
                  <td>{service.name}</td>
                  <td>{service.state}</td>
                  <td class={service.healthy ? 'ok' : 'bad'} data-field="healthy">
                    {service.healthy ? 'healthy' : 'unhealthy'}
                  </td>
                  <td>
                    <JsonView value={service.details} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Listeners</h2>
          <table class="grid" data-testid="listeners-table">
            <thead>
              <tr>
                <th>listener</th>
                {COUNTERS.map((name) => (
                  <th class="num" key={name}>
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {app.listeners.map((listener) => {
                const metrics = listener.metrics as Record<string, unknown>;
                return (
                  <tr key={listener.name} data-testid="listener-row" data-name={listener.name}>
                    <td>
                      {listener.name}
                      <div class="muted">
                        <code>{listener.stream}</code> · {listener.group} · <code>{listener.consumer}</code>
                        {metrics['paused'] === true ? <span class="badge warn">paused</span> : null}
                      </div>
                    </td>
                    {COUNTERS.map((name) => (
                      <td class="num" key={name} data-field={name}>
                        {metrics[name] === null || metrics[name] === undefined
                          ? '—'
                          : JSON.stringify(metrics[name])}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
          <h2>Metrics</h2>
          {app.metrics.length === 0 ? (
            <p class="muted" data-testid="no-metrics">
              No Keel metrics recorded yet (or the app runs with <code>metrics: false</code>).
            </p>
          ) : (
            <table class="grid" data-testid="metrics-table">
              <thead>
                <tr>
                  <th>metric</th>
                  <th>labels</th>
                  <th class="num">value</th>
                </tr>
              </thead>
              <tbody>
                {app.metrics.map((series, index) => (
                  <tr key={index} data-testid="metric-row" data-name={series.name}>
                    <td>
                      <code>{series.name}</code> <span class="muted">{series.type}</span>
                    </td>
                    <td>
                      <code>
                        {Object.entries(series.labels)
                          .map(([key, value]) => `${key}="${value}"`)
                          .join(', ')}
                      </code>
                    </td>
                    <td class="num">{series.value === null ? '—' : series.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
