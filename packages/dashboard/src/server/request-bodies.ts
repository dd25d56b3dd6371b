// The bodies of the API's POST routes, checked with typia (a 400 listing every problem).
import typia, { type tags } from 'typia';
import { DashboardRequestError } from '../dashboard-request-error.js';

type Key = string & tags.MinLength<1> & tags.MaxLength<1024>;
type StreamId = string & tags.Pattern<'^\\d{1,20}-\\d{1,20}$'>;

/** `POST api/stream/dead/replay` and `…/delete`: some ids, or every dead letter present now. */
export interface DeadLettersBody {
  /** The topic stream. */
  key: Key;
  ids?: StreamId[] & tags.MinItems<1> & tags.MaxItems<1000>;
  all?: boolean;
}

/** `POST api/stream/pause`. */
export interface PauseBody {
  key: Key;
  /** How long the pause lasts unless renewed, ms (default 5 minutes). */
  ttlMs?: number & tags.Type<'uint32'> & tags.Minimum<1000> & tags.Maximum<86400000>;
}

/** `POST api/stream/resume`. */
export interface ResumeBody {
  key: Key;
  /** Release the lock whoever holds it. */
  force?: boolean;
}

/** `POST api/rpc`. */
export interface RpcBody {
  /** The topic stream of the app to call. */
  key: Key;
  method: string & tags.MinLength<1> & tags.MaxLength<256>;
  params?: unknown;
  timeoutMs?: number & tags.Type<'uint32'> & tags.Minimum<1> & tags.Maximum<300000>;
  headers?: Record<string, string | number | boolean>;
}

/** The body of each kind of POST. */
interface Bodies {
  deadLetters: DeadLettersBody;
  pause: PauseBody;
  resume: ResumeBody;
  rpc: RpcBody;
}

/** The body kinds of {@link checkBody}. */
export type BodyKind = keyof Bodies;

const validators: { readonly [K in BodyKind]: (input: unknown) => typia.IValidation<Bodies[K]> } = {
  deadLetters: typia.createValidateEquals<DeadLettersBody>(),
  pause: typia.createValidateEquals<PauseBody>(),
  resume: typia.createValidateEquals<ResumeBody>(),
  rpc: typia.createValidateEquals<RpcBody>(),
};

/** `body` checked as a `kind` body; a 400 naming each wrong field, expected and got. */
export function checkBody<K extends BodyKind>(kind: K, body: unknown): Bodies[K] {
  const result = (validators[kind] as (input: unknown) => typia.IValidation<Bodies[K]>)(body);
  if (result.success) return result.data;
  const problems = result.errors.slice(0, 10).map((error) => {
    const path = error.path.replace(/^\$input\.?/, '') || 'body';
    const got =
      error.value === undefined
        ? 'nothing'
        : (JSON.stringify(error.value) as string | undefined)?.slice(0, 80);
    return error.expected === 'undefined'
      ? `${path}: unknown field`
      : `${path}: expected ${error.expected}, got ${got}`;
  });
  throw new DashboardRequestError(400, problems.join('; '));
}

/** The ids of a dead-letters body, or `'all'`; a 400 when it names neither or both. */
export function idsOrAll(body: DeadLettersBody): readonly string[] | 'all' {
  if (body.all === true && body.ids === undefined) return 'all';
  if (body.all !== true && body.ids !== undefined) return body.ids;
  throw new DashboardRequestError(400, 'give either ids (a list of dead-letter ids) or all: true');
}
