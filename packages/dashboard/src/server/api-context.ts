// What every API route is handed: the request, its URL and body, and the dashboard's parts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '@keel/core';
import type { DashboardRedis } from '../data/dashboard-redis.js';
import type { RpcGateway } from '../data/rpc-gateway.js';
import type { TrimModeLookup } from '../data/stream-summaries.js';
import type { KeyspaceTails } from './keyspace-tail.js';

/** The parts of a running dashboard the routes use. */
export interface DashboardParts {
  readonly redis: DashboardRedis;
  readonly rpc: RpcGateway;
  readonly tails: KeyspaceTails;
  /** The app serving the dashboard, if any. */
  readonly app: App | undefined;
  readonly trimMode: TrimModeLookup;
  /** The identifier the dashboard holds pause locks under. */
  readonly owner: string;
  readonly keyspaceConfigure: 'merge' | 'never';
}

/** One API request. */
export interface ApiContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The parsed JSON body of a POST (`undefined` for a GET). */
  readonly body: unknown;
  readonly parts: DashboardParts;
}

/** What a route resolves with: a JSON answer, or `STREAMED` when it wrote the answer itself. */
export type RouteResult = unknown;

/** A route's marker for an answer it wrote itself (server-sent events). */
export const STREAMED: unique symbol = Symbol('streamed');

/** One API route. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST';
  /** The path after `api/`. */
  readonly path: string;
  readonly handle: (context: ApiContext) => Promise<RouteResult>;
}
