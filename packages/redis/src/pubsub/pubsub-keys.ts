import type { Namespace } from '@keel/core';

/** The key part between the namespace and the topic of a pub/sub channel. */
export const PUBSUB_KEY_PART = '_pubsub';

/** A topic channel: `<namespace>._pubsub.<topic>`, e.g. `dev.orders._pubsub.rpc`. */
export function topicChannel(namespace: Namespace, topic: string): string {
  return namespace.key(PUBSUB_KEY_PART, topic);
}
