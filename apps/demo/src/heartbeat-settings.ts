import { defineSettings, type SettingsSpec } from '@keel/core';
import typia from 'typia';

/** Settings of the demo {@link Heartbeat} service. */
export interface HeartbeatSettings {
  /**
   * How often to beat, in ms.
   * @default 2000
   */
  intervalMs: number & typia.tags.Type<'uint32'> & typia.tags.Minimum<10>;
  /** Name of the transport service to use (the only one when unset). */
  transport?: string;
}

export const heartbeatSettings: SettingsSpec<HeartbeatSettings> = defineSettings<HeartbeatSettings>({
  validate: typia.createValidateEquals<Partial<HeartbeatSettings>>(),
  keys: typia.misc.literals<keyof HeartbeatSettings>(),
  defaults: { intervalMs: 2000 },
});
