// The options of the dashboard server and handler, declared once with their defaults.
import { defineSettings, type SettingsSpec } from '@keel/core';
import typia, { type tags } from 'typia';

/** Options of `keel dashboard` / {@link startDashboardServer} (the handler uses all but host and port). */
export interface DashboardSettings {
  /**
   * Address to listen on. Anything but a loopback address (`127.0.0.1`, `::1`, `localhost`)
   * requires a `token`.
   * @default "127.0.0.1"
   */
  host: string & tags.MinLength<1>;
  /**
   * Port to listen on (`0`: any free port).
   * @default 9465
   */
  port: number & tags.Type<'uint32'> & tags.Maximum<65535>;
  /**
   * Bearer token every API request must carry (`Authorization: Bearer <token>`); at least 16
   * characters. Unset: no token (loopback only).
   */
  token?: string & tags.MinLength<16> & tags.MaxLength<1024>;
  /**
   * Largest accepted POST body, in bytes.
   * @default 65536
   */
  bodyLimitBytes: number & tags.Type<'uint32'> & tags.Minimum<1024> & tags.Maximum<16777216>;
  /**
   * `merge`: the keyspace tail adds the flags it needs to `notify-keyspace-events`; `never`:
   * it only checks them.
   * @default "merge"
   */
  keyspaceConfigure: 'merge' | 'never';
  /**
   * Keyspace tails open at once.
   * @default 4
   */
  maxKeyspaceTails: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<64>;
}

export const dashboardSettings: SettingsSpec<DashboardSettings> = defineSettings<DashboardSettings>({
  validate: typia.createValidateEquals<Partial<DashboardSettings>>(),
  keys: typia.misc.literals<keyof DashboardSettings>(),
  defaults: {
    host: '127.0.0.1',
    port: 9465,
    bodyLimitBytes: 65_536,
    keyspaceConfigure: 'merge',
    maxKeyspaceTails: 4,
  },
});
