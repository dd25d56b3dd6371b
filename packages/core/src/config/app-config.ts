/** Where a value came from: file and YAML path (e.g. `services[4]`). */
export interface ConfigSource {
  readonly file: string;
  readonly path: string;
}

/** One service entry after loading: normalised, templated, validated, defaults applied. */
export interface ServiceConfig {
  /** Registered class name (`cls:`). */
  readonly cls: string;
  /** Unique service name; defaults to `cls`. */
  readonly name: string;
  /** `false`: the service is never built. */
  readonly enabled: boolean;
  /** `false`: an init failure is logged and the app starts without it. */
  readonly required: boolean;
  /** `true`: replaces an earlier entry with the same name. */
  readonly override: boolean;
  /** Names of services that must be initialised before this one. */
  readonly dependsOn: readonly string[];
  /** Per-service init timeout override in ms, if set. */
  readonly initTimeoutMs?: number;
  /** camelCase settings, validated against the class's spec, defaults applied. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Where the entry was declared. */
  readonly source: ConfigSource;
}

/** The `app:` section. */
export interface AppSection {
  readonly name: string;
  readonly env: string;
  /** Instance id; a random one is generated when unset. */
  readonly id?: string;
  /** Default init timeout per service in ms (30 000). */
  readonly initTimeoutMs: number;
  /** Bound on close per service in ms (10 000). */
  readonly closeTimeoutMs: number;
  /** Log level (`info`). */
  readonly logLevel: string;
  /** `false`: services record no metrics and `/metrics` is empty (`true`). */
  readonly metrics: boolean;
}

/** A fully loaded configuration, ready to build an app from. */
export interface AppConfig {
  /** Module specifiers that were imported (resolved against the listing file). */
  readonly packages: readonly string[];
  readonly app: AppSection;
  /** Enabled and disabled entries in list order, overrides applied. */
  readonly services: readonly ServiceConfig[];
  /** The files that were merged, in order. */
  readonly files: readonly string[];
}
