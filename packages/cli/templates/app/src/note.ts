// The Note type and the params of the notes routes, checked at run time by validators typia generates.
import { struct } from '@keel/redis';
import typia, { type IValidation, type tags } from 'typia';

/** A note, as `notes.add` returns it and as the cache stores it. */
export interface Note {
  id: string & tags.Format<'uuid'>;
  text: string & tags.MinLength<1> & tags.MaxLength<1000>;
  createdAt: Date;
}

/** Params of `notes.add`. */
export interface AddNote {
  text: string & tags.MinLength<1> & tags.MaxLength<1000>;
}

/** Params of `notes.get`. */
export interface GetNote {
  id: string & tags.Format<'uuid'>;
}

/**
 * The cache's type for notes: stored as a positional msgpack struct, and validated as a Note on
 * every read (a value of another shape raises CacheDecodeError instead of being returned).
 */
export const NoteType = struct(typia.createValidate<Note>(), typia.reflect.schema<Note>());

export const validateAddNote: (input: unknown) => IValidation<AddNote> = typia.createValidate<AddNote>();
export const validateGetNote: (input: unknown) => IValidation<GetNote> = typia.createValidate<GetNote>();
