// How other code calls the notes app over Redis: the one place that knows how its requests are sent.
import { App, configFromObject, createLogger } from '@keel/core';
import { RedisStreamRPCClient, type TypedStreamClient } from '@keel/redis';
import type { Note } from './note.js';
import type { NotesApi } from './notes.js';

/** The app serving `notes.*` (`app.name` in app.yaml). */
export const NOTES_APP = 'notes';

/** How long a call waits for its answer, in ms. */
const TIMEOUT_MS = 5000;

/**
 * Calls `notes.*` over the notes app's stream; each answer comes back on the client's reply
 * stream. Method names, params and results are checked at compile time against {@link NotesApi}.
 */
export class NotesClient {
  readonly #rpc: TypedStreamClient<NotesApi>;

  constructor(rpc: RedisStreamRPCClient) {
    this.#rpc = rpc.client<NotesApi>({ app: NOTES_APP, timeout: TIMEOUT_MS });
  }

  add(text: string): Promise<Note> {
    return this.#rpc.request('notes.add', { text });
  }

  get(id: string): Promise<Note | null> {
    return this.#rpc.request('notes.get', { id });
  }
}

/** A connected {@link NotesClient} and how to disconnect it. */
export interface NotesConnection {
  readonly notes: NotesClient;
  close(): Promise<void>;
}

/**
 * Starts a small client app (a transport and a stream RPC client) on the Redis at `redisUrl`.
 * `env` must be the notes app's env (`APP_ENV`, default `dev`): stream keys start with it.
 */
export async function connectNotes(
  redisUrl: string,
  env = process.env['APP_ENV'] ?? 'dev',
): Promise<NotesConnection> {
  const config = await configFromObject({
    packages: ['@keel/redis'],
    app: { name: 'notes-client', env },
    services: [{ cls: 'RedisTransportService', settings: { url: redisUrl } }, 'RedisStreamRPCClient'],
  });
  const app = new App(config, { logger: createLogger({ level: 'warn' }) });
  await app.start();
  return { notes: new NotesClient(app.services.get(RedisStreamRPCClient)), close: () => app.stop() };
}
