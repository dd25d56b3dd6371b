export {
  appTopicStreamKey,
  deadLetterKey,
  isReplyStreamKey,
  REPLY_KEY_PART,
  replyStreamKey,
  STREAM_KEY_PART,
  topicStreamKey,
} from './stream-keys.js';
export * from './stream-packr.js';
export * from './stream-errors.js';
export * from './wire-format.js';
export * from './rpc-reply.js';
export * from './stream-replies.js';
export * from './listener-metrics.js';
export * from './pause-lock.js';
export * from './trim-stream.js';
export * from './redis-listener-settings.js';
export * from './redis-listener.js';
export * from './redis-stream-rpc-client-settings.js';
export * from './stream-call-options.js';
export * from './typed-stream-client.js';
export * from './redis-stream-rpc-client.js';
