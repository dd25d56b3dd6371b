// The Notes service: its routes are the methods notes.add and notes.get, served by the app's RedisListener.
import { randomUUID } from 'node:crypto';
import { type ApiOf, Scope, Service, dependency, route, type RpcService } from '@keel/core';
import { RedisCache } from '@keel/redis';
import { type AddNote, type GetNote, type Note, NoteType, validateAddNote, validateGetNote } from './note.js';

const cache = dependency(RedisCache);

/** How long a note is kept, in seconds. */
const NOTE_TTL_SECONDS = 24 * 3600;

/** Stores notes in the Redis cache as typed structs and serves them over JSON-RPC. */
export class Notes extends Service implements RpcService {
  static override serviceName = 'notes';
  static override dependencies = [cache];

  /**
   * Each route with the validator its params are checked with before it runs (a bad call gets a
   * JSON-RPC "invalid params" error). Keep the inferred type: {@link NotesApi} is derived from it.
   */
  get routes() {
    return {
      add: route(validateAddNote, (params) => this.add(params)),
      get: route(validateGetNote, (params) => this.get(params), { only: 'request' }),
    };
  }

  get permissions(): Readonly<Record<string, Scope>> {
    return { '*': Scope.USER };
  }

  /** Stores a new note and returns it. */
  async add({ text }: AddNote): Promise<Note> {
    const note: Note = { id: randomUUID(), text, createdAt: new Date() };
    await this.use(cache).set(this.noteKey(note.id), note, { ttl: NOTE_TTL_SECONDS, type: NoteType });
    this.logger.info({ note: note.id }, 'note added');
    return note;
  }

  /** The note with this id, or null when there is none. */
  get({ id }: GetNote): Promise<Note | null> {
    return this.use(cache).get(this.noteKey(id), NoteType);
  }

  /** `<env>.notes.note.<id>`: keys are namespaced by env and app name. */
  noteKey(id: string): string {
    return this.app.namespace.key('note', id);
  }
}

/** The methods clients call, typed from the routes: `stream.client<NotesApi>({ app: 'notes' })`. */
export type NotesApi = ApiOf<Notes, 'notes'>;
