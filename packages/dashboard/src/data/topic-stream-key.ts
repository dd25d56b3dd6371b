// Recognises Keel topic stream keys (`<env>.<app>._stream.<topic>`) and names their parts.
import { SHARED_NAMESPACE } from '@keel/core';
import { STREAM_KEY_PART } from '@keel/redis';

/** The parts of a topic stream key. */
export interface TopicStreamKey {
  readonly key: string;
  /** The namespace before `._stream.`, e.g. `dev.orders` (`{dev.orders}` keeps its braces). */
  readonly namespace: string;
  readonly topic: string;
  /** The env and app when the namespace is `<env>.<app>` (the only form RPC can target). */
  readonly env: string | undefined;
  readonly app: string | undefined;
  /** True for `<env>._shared._stream.<topic>`. */
  readonly shared: boolean;
}

const TOPIC = /^[^.{}]+$/;

/**
 * The parts of `key` when it is a topic stream key — `<namespace>._stream.<topic>`, the topic
 * without `.`, `{` or `}` — else `undefined`. Dead-letter streams (`{…}._dead`), pause locks
 * (`…._lock`) and reply streams (`…._reply.…`) are not topic streams.
 */
export function parseTopicStreamKey(key: string): TopicStreamKey | undefined {
  const marker = `.${STREAM_KEY_PART}.`;
  const at = key.lastIndexOf(marker);
  if (at <= 0) return undefined;
  const namespace = key.slice(0, at);
  const topic = key.slice(at + marker.length);
  if (!TOPIC.test(topic)) return undefined;
  const parts = namespace.split('.');
  const plain = parts.length === 2 && parts.every((part) => part !== '' && !/[{}]/.test(part));
  const env = plain ? parts[0] : undefined;
  const app = plain ? parts[1] : undefined;
  return { key, namespace, topic, env, app, shared: app === SHARED_NAMESPACE };
}

/** The SCAN pattern of every topic stream. */
export const TOPIC_STREAM_PATTERN = `*.${STREAM_KEY_PART}.*`;
