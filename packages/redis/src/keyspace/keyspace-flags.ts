import { KeelError } from '@keel/core';

/**
 * A keyspace event class, as a `notify-keyspace-events` flag: `g` generic (del, expire,
 * rename…), `$` string, `l` list, `s` set, `h` hash, `z` sorted set, `x` expired, `e` evicted,
 * `t` stream, `d` module, `m` key miss, `n` new key.
 */
export type KeyspaceEventClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'd' | 'm' | 'n';

/** The classes Redis's `A` stands for (`m` and `n` are not part of it). */
// prettier-ignore
export const ALL_CLASSES_ALIAS: readonly KeyspaceEventClass[] = ['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd'];

/** Every class flag, in Redis's order. */
export const KEYSPACE_EVENT_CLASSES: readonly KeyspaceEventClass[] = [...ALL_CLASSES_ALIAS, 'm', 'n'];

const CLASS_SET = new Set<string>(KEYSPACE_EVENT_CLASSES);

/** Adds the classes a flag character names (`A`: the group); false when it names none. */
function addClass(classes: Set<KeyspaceEventClass>, char: string): boolean {
  if (char === 'A') for (const alias of ALL_CLASSES_ALIAS) classes.add(alias);
  else if (CLASS_SET.has(char)) classes.add(char as KeyspaceEventClass);
  else return false;
  return true;
}

/**
 * Parses a flag string such as `A`, `g$h` or Redis's own `KEA` into the classes it names. `A`
 * expands to `g$lshzxetd`; `K` and `E` (which channel Redis publishes on) are accepted and
 * ignored. Throws `KEYSPACE_SETTINGS_INVALID` for any other character or an empty set.
 */
export function parseEventClasses(flags: string): Set<KeyspaceEventClass> {
  const classes = new Set<KeyspaceEventClass>();
  for (const char of flags) {
    if (!addClass(classes, char) && char !== 'K' && char !== 'E') {
      throw new KeelError(
        'KEYSPACE_SETTINGS_INVALID',
        `Unknown keyspace event flag "${char}" in "${flags}"; use A or any of ${KEYSPACE_EVENT_CLASSES.join(' ')}`,
        { details: { flags } },
      );
    }
  }
  if (classes.size === 0) {
    throw new KeelError(
      'KEYSPACE_SETTINGS_INVALID',
      `No keyspace event class in "${flags}"; use A or any of ${KEYSPACE_EVENT_CLASSES.join(' ')}`,
      { details: { flags } },
    );
  }
  return classes;
}

/** Writes classes as a flag string, `A` for the `g$lshzxetd` group. */
export function formatEventClasses(classes: ReadonlySet<KeyspaceEventClass>): string {
  const all = ALL_CLASSES_ALIAS.every((flag) => classes.has(flag));
  const rest = KEYSPACE_EVENT_CLASSES.filter(
    (flag) => classes.has(flag) && !(all && ALL_CLASSES_ALIAS.includes(flag)),
  );
  return `${all ? 'A' : ''}${rest.join('')}`;
}

/** What a server's `notify-keyspace-events` value enables. */
export interface NotifyConfig {
  /** `K`: keyspace channels (`__keyspace@<db>__:<key>`), the ones Keel subscribes to. */
  readonly keyspace: boolean;
  /** `E`: keyevent channels. */
  readonly keyevent: boolean;
  readonly classes: ReadonlySet<KeyspaceEventClass>;
}

/** Parses a `notify-keyspace-events` value as `CONFIG GET` returns it (e.g. `AKE`, `Kgx`, ``). */
export function parseNotifyConfig(value: string): NotifyConfig {
  const classes = new Set<KeyspaceEventClass>();
  for (const char of value) addClass(classes, char);
  return { keyspace: value.includes('K'), keyevent: value.includes('E'), classes };
}

/** The flags (`K` and classes) that `current` lacks to publish `needed` on keyspace channels. */
export function missingNotifyFlags(current: string, needed: ReadonlySet<KeyspaceEventClass>): string {
  const config = parseNotifyConfig(current);
  const missing = KEYSPACE_EVENT_CLASSES.filter((flag) => needed.has(flag) && !config.classes.has(flag));
  return `${config.keyspace ? '' : 'K'}${missing.join('')}`;
}

const STRING_EVENTS = new Set(['set', 'setrange', 'incrby', 'incrbyfloat', 'append']);
const GENERIC_EVENTS = new Set([
  'del',
  'expire',
  'persist',
  'rename_from',
  'rename_to',
  'move_from',
  'move_to',
  'copy_to',
  'restore',
]);
const LIST_EVENTS = new Set([
  'lpush',
  'rpush',
  'lpop',
  'rpop',
  'linsert',
  'lset',
  'lrem',
  'ltrim',
  'sortstore',
]);
const SET_EVENTS = new Set(['sadd', 'srem', 'spop', 'sinterstore', 'sunionstore', 'sdiffstore']);

/**
 * The class of a keyspace event name (`set` → `$`, `hset` → `h`, `expired` → `x`…). Names Keel
 * does not know are taken as module events (`d`).
 */
export function eventClassOf(event: string): KeyspaceEventClass {
  if (STRING_EVENTS.has(event)) return '$';
  if (GENERIC_EVENTS.has(event)) return 'g';
  if (event === 'expired') return 'x';
  if (event === 'evicted') return 'e';
  if (event === 'keymiss') return 'm';
  if (event === 'new') return 'n';
  if (LIST_EVENTS.has(event)) return 'l';
  if (SET_EVENTS.has(event)) return 's';
  if (event.startsWith('h')) return 'h';
  if (event.startsWith('z')) return 'z';
  if (event.startsWith('x')) return 't';
  return 'd';
}

/** Classes whose events prove the key holds something other than a string (no `GET` needed). */
export const NON_STRING_CLASSES: ReadonlySet<KeyspaceEventClass> = new Set(['l', 's', 'h', 'z', 't']);
