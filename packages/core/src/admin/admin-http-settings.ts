// The settings of AdminHttpService, declared once with their defaults.
import typia, { type tags } from 'typia';
import { defineSettings, type SettingsSpec } from '../settings/settings-spec.js';

/** Settings of the {@link AdminHttpService}. */
export interface AdminHttpSettings {
  /**
   * Address to listen on (`0.0.0.0` or `::` for every interface, e.g. in a container).
   * @default "127.0.0.1"
   */
  host: string & tags.MinLength<1>;
  /**
   * Port to listen on; `0` takes a free one (read it from `service.port`).
   * @default 9464
   */
  port: number & tags.Type<'uint32'> & tags.Maximum<65535>;
  /**
   * Bearer token (16 to 1024 characters): every route but `/health/live` then requires
   * `Authorization: Bearer <token>` (401 otherwise). Never logged. Unset: no token.
   */
  token?: string & tags.MinLength<16> & tags.MaxLength<1024>;
  /**
   * Bound on each service's health check behind `/health/ready`, in ms; a service that takes
   * longer counts as unhealthy (503).
   * @default 2000
   */
  readinessTimeoutMs: number & tags.Type<'uint32'> & tags.Minimum<1>;
  /**
   * Serve the @keel/dashboard UI at `/dashboard` (the package must be installed). A non-loopback
   * `host` then requires a `token`.
   * @default false
   */
  dashboard: boolean;
  /**
   * The RedisTransportService the dashboard shows, by service name (default: the app's only one).
   */
  dashboardTransport?: string & tags.MinLength<1>;
}

export const adminHttpSettings: SettingsSpec<AdminHttpSettings> = defineSettings<AdminHttpSettings>({
  validate: typia.createValidateEquals<Partial<AdminHttpSettings>>(),
  keys: typia.misc.literals<keyof AdminHttpSettings>(),
  defaults: { host: '127.0.0.1', port: 9464, readinessTimeoutMs: 2000, dashboard: false },
});
