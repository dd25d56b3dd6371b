// `keel run --admin [host:]port`: the AdminHttpService added to (or set on) every app's config.
import { adminHttpSettings, type AppConfig, type ServiceConfig } from '@keel/core';
import { InvalidArgumentError } from 'commander';

/** Class name of the admin service in the config. */
const ADMIN_CLASS = 'AdminHttpService';

/** Where `--admin` listens. */
export interface AdminAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parses `--admin`: `9464`, `0.0.0.0:9464`, `[::]:9464` (a bare port listens on 127.0.0.1; port 0
 * takes a free one). A commander argument parser: bad input is an `InvalidArgumentError`.
 */
export function parseAdminAddress(value: string): AdminAddress {
  const match = /^(?:(\[[^\]]+\]|[^:[\]]+):)?(\d+)$/.exec(value.trim());
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError('expected [host:]port, e.g. 9464 or 0.0.0.0:9464 (port 0 to 65535)');
  }
  const host = match[1]?.replace(/^\[|\]$/g, '') ?? adminHttpSettings.defaults.host;
  return { host, port };
}

/** Checks a `--admin-token` (or `KEEL_ADMIN_TOKEN`) without echoing it; a message when it is refused. */
export function adminTokenProblem(token: string): string | undefined {
  return token.length < 16 || token.length > 1024
    ? 'the admin token (--admin-token or KEEL_ADMIN_TOKEN) must be 16 to 1024 characters'
    : undefined;
}

/**
 * The port of app number `index` (0-based, in `--each` order): `port + index`, or 0 (each a free
 * port) for port 0.
 */
export function adminPortOf(address: AdminAddress, index: number): number {
  return address.port === 0 ? 0 : address.port + index;
}

/**
 * `config` with an admin service on `host:port` (and `token`). An enabled AdminHttpService in the
 * config gets these (its other settings, such as `dashboard`, are kept); otherwise one named
 * `admin` is added at the front of the list.
 */
export function withAdminService(
  config: AppConfig,
  address: AdminAddress,
  token: string | undefined,
): AppConfig {
  const given = { host: address.host, port: address.port, ...(token === undefined ? {} : { token }) };
  const existing = config.services.findIndex((service) => service.cls === ADMIN_CLASS && service.enabled);
  const current = config.services[existing];
  if (current !== undefined) {
    const services = [...config.services];
    services[existing] = { ...current, settings: { ...current.settings, ...given } };
    return { ...config, services };
  }
  const admin: ServiceConfig = {
    cls: ADMIN_CLASS,
    name: 'admin',
    enabled: true,
    required: true,
    override: false,
    dependsOn: [],
    settings: { ...adminHttpSettings.defaults, ...given },
    source: { file: '--admin', path: 'services[admin]' },
  };
  return { ...config, services: [admin, ...config.services] };
}
