/* A host and port, and the `"host:port"` text form of node and sentinel addresses. */

/** A plain host and port. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parses `"host:port"` (`"[::1]:7000"` for IPv6) with a port in 1..65535; undefined when malformed. */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || match[1] === '' || match[1] === undefined || !(port >= 1 && port <= 65_535)) {
    return undefined;
  }
  return { host: match[1], port };
}
