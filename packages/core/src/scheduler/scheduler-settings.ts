import typia from 'typia';
import { defineSettings, type SettingsSpec } from '../settings/settings-spec.js';

/** Settings of the {@link Scheduler} service. */
export interface SchedulerSettings {
  /**
   * How long `close()` waits for running tasks before aborting their signals, in ms.
   * @default 5000
   */
  closeTimeoutMs: number & typia.tags.Type<'uint32'>;
}

export const schedulerSettings: SettingsSpec<SchedulerSettings> = defineSettings<SchedulerSettings>({
  validate: typia.createValidateEquals<Partial<SchedulerSettings>>(),
  keys: typia.misc.literals<keyof SchedulerSettings>(),
  defaults: { closeTimeoutMs: 5000 },
});
