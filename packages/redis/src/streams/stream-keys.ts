import { Namespace } from '@keel/core';

/** The key part between the namespace and the topic of a topic stream (kaiju's `_stream`). */
export const STREAM_KEY_PART = '_stream';
/** The key part of reply streams of {@link RedisStreamRPCClient.request}. */
export const REPLY_KEY_PART = '_reply';

/** A topic stream key: `<namespace>._stream.<topic>`, e.g. `dev.orders._stream.rpc`. */
export function topicStreamKey(namespace: Namespace, topic: string): string {
  return namespace.key(STREAM_KEY_PART, topic);
}

/** The topic stream of another app of the same env: `<env>.<app>._stream.<topic>`. */
export function appTopicStreamKey(env: string, app: string, topic: string): string {
  return topicStreamKey(new Namespace(env, app), topic);
}

/**
 * The part of a key Redis Cluster hashes to pick its slot: the text between the first `{` and
 * the first `}` after it when that is not empty, else the whole key.
 */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open === -1) return key;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/**
 * The dead-letter stream of `stream`, in the same cluster slot so that moving an entry there and
 * acknowledging it is one atomic script: `{<stream>}._dead` for a stream without a hash tag
 * (Redis hashes the whole untagged key, which is exactly the tag of the dead-letter key), else
 * `<stream>._dead` (it keeps the stream's own tag). A stream key holding braces that do not form
 * a hash tag (`a{}b`) cannot be paired this way in a cluster; Keel's keys never contain braces.
 */
export function deadLetterKey(stream: string): string {
  return hashTagOf(stream) === stream ? `{${stream}}._dead` : `${stream}._dead`;
}

/** The reply stream of one client instance: `<env>.<app>._reply.<clientId>`. */
export function replyStreamKey(namespace: Namespace, clientId: string): string {
  return namespace.key(REPLY_KEY_PART, clientId);
}

/**
 * True when `key` looks like a reply stream of `env` (`<env>.<app>._reply.<id>`). A listener
 * writes replies only to such keys, so a crafted `Reply-To` header cannot make it write into
 * an arbitrary key.
 */
export function isReplyStreamKey(key: string, env: string): boolean {
  const parts = key.split('.');
  return (
    parts.length === 4 &&
    parts[0] === env &&
    parts[2] === REPLY_KEY_PART &&
    parts.every((part) => part !== '')
  );
}
