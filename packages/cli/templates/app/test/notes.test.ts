// The notes app as app.yaml wires it, on a throwaway redis-server, called over its stream by NotesClient.
import { fileURLToPath } from 'node:url';
import {
  App,
  createLogger,
  defaultImportModule,
  loadConfig,
  type ModuleImporter,
  RpcError,
} from '@keel/core';
import { RedisCache, startRedisServer, type RedisServerHandle } from '@keel/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNotes, type NotesConnection } from '../src/client.js';
import { NoteType } from '../src/note.js';

const APP_YAML = fileURLToPath(new URL('../app.yaml', import.meta.url));

/** app.yaml's own services come from the sources here (vitest compiles them), not from dist/. */
const importModule: ModuleImporter = (specifier, fromFile) =>
  specifier === './dist/services.js'
    ? import('../src/services.js')
    : defaultImportModule(specifier, fromFile);

describe('the notes app', () => {
  let redis: RedisServerHandle;
  let app: App;
  let client: NotesConnection;

  beforeAll(async () => {
    redis = await startRedisServer(); // redis-server from PATH, on a free port, no persistence
    const config = await loadConfig([APP_YAML], { env: { REDIS_URL: redis.url }, importModule });
    app = new App(config, { logger: createLogger({ level: 'error' }) });
    await app.start();
    client = await connectNotes(redis.url, app.env);
  });

  afterAll(async () => {
    await client.close();
    await app.stop();
    await redis.stop();
  });

  it('adds a note over the stream and reads it back', async () => {
    const note = await client.notes.add('buy milk');
    expect(note.text).toBe('buy milk');
    expect(note.createdAt).toBeInstanceOf(Date);
    expect(await client.notes.get(note.id)).toEqual(note);
  });

  it('stores the note in the cache as a typed struct', async () => {
    const note = await client.notes.add('call mum');
    const cache = app.services.get(RedisCache);
    expect(await cache.get(app.namespace.key('note', note.id), NoteType)).toEqual(note);
  });

  it('answers null for an unknown note', async () => {
    expect(await client.notes.get('0b9f3b55-7a3e-4d8f-9a37-6ad3c4c1f1aa')).toBeNull();
  });

  it('rejects invalid params with an error naming the field', async () => {
    const failure = await client.notes.add('').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RpcError);
    expect(failure).toMatchObject({
      code: 'RPC_INVALID_PARAMS',
      data: { problems: [expect.objectContaining({ path: '$input.text' })] },
    });
  });
});
