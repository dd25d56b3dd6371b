import type { BenchSuite } from '../harness/suite.js';
import { cacheSuite } from './cache.js';
import { forwarderSuite } from './forwarder.js';
import { keyspaceSuite } from './keyspace.js';
import { locksSuite } from './locks.js';
import { streamsMemorySuite, streamsSuite } from './streams.js';
import { transportSuite } from './transport.js';

/** Every suite, by name. Add new suites here. */
export const suites: ReadonlyMap<string, BenchSuite> = new Map([
  [transportSuite.name, transportSuite],
  [keyspaceSuite.name, keyspaceSuite],
  [forwarderSuite.name, forwarderSuite],
  [locksSuite.name, locksSuite],
  [cacheSuite.name, cacheSuite],
  [streamsSuite.name, streamsSuite],
  [streamsMemorySuite.name, streamsMemorySuite],
]);
