// KeyspaceChannels: the channel patterns a keyspace source subscribes to, and what each pmessage is.
import { globToRegExp } from './glob-to-regexp.js';
import type { KeyspaceEvent } from './keyspace-event.js';
import { eventClassOf, type KeyspaceEventClass } from './keyspace-flags.js';

/** Key prefix of failover fences. */
export const FENCE_PREFIX = '__keel:fence:';
const FENCE_PREFIX_BYTES = Buffer.from(FENCE_PREFIX);

/** A pmessage read by {@link KeyspaceChannels.read}: a failover fence or an event to report. */
export type KeyspaceMessage =
  | { readonly kind: 'fence'; readonly key: string }
  | { readonly kind: 'event'; readonly event: KeyspaceEvent };

/**
 * The `__keyspace@<db>__:<glob>` channel patterns of a set of key globs (plus the fence pattern
 * in a cluster), and the reading of their messages: a key matching several globs is reported
 * once (for the first glob it matches), fences are told apart, event classes are filtered.
 */
export class KeyspaceChannels {
  /** The channel patterns to `PSUBSCRIBE`. */
  readonly patterns: readonly string[];
  readonly #db: number;
  readonly #classes: ReadonlySet<KeyspaceEventClass>;
  readonly #prefix: Buffer;
  readonly #fencePattern: string;
  /** Channel pattern → index of its glob; regexps (over latin1 keys) to report a key once. */
  readonly #patternIndex = new Map<string, number>();
  readonly #patternRegExps: readonly RegExp[];

  constructor(
    db: number,
    globs: readonly string[],
    classes: ReadonlySet<KeyspaceEventClass>,
    withFences: boolean,
  ) {
    this.#db = db;
    this.#classes = classes;
    const prefix = `__keyspace@${db}__:`;
    this.#prefix = Buffer.from(prefix);
    this.#fencePattern = `${prefix}${FENCE_PREFIX}*`;
    const channelPatterns = [...new Set(globs)].map((glob) => `${prefix}${glob}`);
    channelPatterns.forEach((channel, index) => this.#patternIndex.set(channel, index));
    this.#patternRegExps = [...new Set(globs)].map((glob) =>
      globToRegExp(Buffer.from(glob).toString('latin1')),
    );
    this.patterns = withFences ? [...channelPatterns, this.#fencePattern] : channelPatterns;
  }

  /** What a `pmessage` from `node` is; `undefined` when it is not to be reported. */
  read(node: string, pattern: string, channel: Buffer, message: Buffer): KeyspaceMessage | undefined {
    const keyBytes = channel.subarray(this.#prefix.length);
    const isFence = keyBytes.subarray(0, FENCE_PREFIX_BYTES.length).equals(FENCE_PREFIX_BYTES);
    if (pattern === this.#fencePattern)
      return isFence ? { kind: 'fence', key: keyBytes.toString() } : undefined;
    if (isFence) return undefined;
    if (this.#patternRegExps.length > 1) {
      const latin1 = keyBytes.toString('latin1');
      const first = this.#patternRegExps.findIndex((regexp) => regexp.test(latin1));
      if (first !== this.#patternIndex.get(pattern)) return undefined;
    }
    const event = message.toString('latin1');
    const eventClass = eventClassOf(event);
    if (!this.#classes.has(eventClass)) return undefined;
    return {
      kind: 'event',
      event: {
        key: keyBytes.toString(),
        keyBytes,
        event,
        eventClass,
        db: this.#db,
        node,
        receivedAt: Date.now(),
      },
    };
  }
}
