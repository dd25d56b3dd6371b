import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@keel/core';
import type { RedisClient } from '../transport/redis-client.js';
import type { TypeToken } from './codec/type-token.js';
import { CacheArgumentError } from './cache-argument-error.js';
import { CacheLoadTimeoutError } from './cache-load-timeout-error.js';
import { CacheLoaderError } from './cache-loader-error.js';
import type { OpContext } from './cache-op.js';
import { countingDecodeErrors } from './cache-prometheus.js';
import { leaseFailScript, leaseFulfilScript, leaseOrGetScript, leaseRenewScript } from './cache-scripts.js';
import type { GetOrSetOptions, ValueOf } from './cache-types.js';
import { sameSlotKey } from '../cluster/same-slot-key.js';
import { LOAD_CHANNEL, type LoadNotifier } from './load-notifier.js';
import { sendCommand } from './redis-command.js';
import { writeTtlMs } from './ttl-ms.js';
import { decodeAs, encodeFor } from './value-coding.js';

/** Suffix of the lease key of a value key (in the same slot). */
export const LEASE_SUFFIX = ':keel-lease';
/** Suffix of the loader-error key of a value key (in the same slot). */
export const LOADER_ERROR_SUFFIX = ':keel-error';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_LEASE_MS = 5_000;
/** First and longest pause between a waiter's re-checks, when no notification comes. */
const FIRST_RECHECK_MS = 100;
const MAX_RECHECK_MS = 1_000;

/** What the lease-or-get script replies (`buffer` mode). */
type LeaseReply = readonly [0, Buffer] | readonly [1] | readonly [2, Buffer] | readonly [3, Buffer, number];

/** What the coordinator needs from its cache. */
export interface GetOrSetDeps {
  readonly client: () => RedisClient;
  readonly context: () => OpContext;
  readonly notifier: LoadNotifier;
  readonly logger: Logger;
}

function positiveMs(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new CacheArgumentError(`getOrSet: ${name} must be a positive number of ms, got ${String(value)}`);
  }
  return Math.ceil(value);
}

/** ±25 % jitter, so that waiters of many processes do not re-check in step. */
function jitter(ms: number): number {
  return Math.max(1, Math.round(ms * (0.75 + Math.random() * 0.5)));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `getOrSet` across processes: a caller that finds no value takes the key's lease (a companion
 * key set with NX PX, in a Lua script that reads the value in the same step) and runs the loader;
 * the others wait — woken by a pub/sub notification, with jittered re-checks as fallback — and
 * read the value it stored, or the error its loader threw. The lease is renewed while the loader
 * runs; if its holder dies, it runs out and a waiter takes over.
 */
export class GetOrSetCoordinator {
  constructor(private readonly deps: GetOrSetDeps) {}

  /** Reads `key` or loads it once across processes (see the class). */
  async load<K extends TypeToken | undefined>(
    key: string,
    loader: () => Promise<ValueOf<K>> | ValueOf<K>,
    options: GetOrSetOptions<K>,
  ): Promise<ValueOf<K>> {
    const timeout = positiveMs(options.timeout ?? DEFAULT_TIMEOUT_MS, 'timeout');
    const lease = positiveMs(options.lease ?? DEFAULT_LEASE_MS, 'lease');
    const ttlMs = writeTtlMs(options.ttl, this.deps.context().defaultTtlMs);
    const type = options.type as K;
    const keys = [key, sameSlotKey(key, LEASE_SUFFIX), sameSlotKey(key, LOADER_ERROR_SUFFIX)] as const;
    const token = randomBytes(12).toString('hex');
    const deadline = performance.now() + timeout;
    let awaited = '';
    let recheck = FIRST_RECHECK_MS;
    let subscribing = true;
    for (;;) {
      const watch = this.deps.notifier.watch(key);
      try {
        const reply = (await sendCommand(this.deps.client(), {
          script: leaseOrGetScript,
          keys,
          args: [token, lease, awaited],
          key,
          buffer: true,
        })) as LeaseReply;
        switch (reply[0]) {
          case 0:
            return this.#decode(reply[1], type, key);
          case 1:
            return await this.#lead(key, keys, token, loader, type, { ttlMs, lease, timeout, deadline });
          case 2:
            throw new CacheLoaderError(key, reply[1].toString('utf8'));
          case 3:
            break;
        }
        awaited = reply[1].toString('utf8');
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw new CacheLoadTimeoutError(key, timeout);
        if (subscribing) {
          subscribing = false;
          // Subscribed now: look again at once, as the load may have finished meanwhile.
          if (await this.deps.notifier.subscribed()) continue;
        }
        const leaseLeft = Math.max(0, reply[2]) + 10;
        await watch.wait(Math.min(remaining, jitter(Math.min(recheck, leaseLeft))));
        recheck = Math.min(recheck * 2, MAX_RECHECK_MS);
      } finally {
        watch.close();
      }
    }
  }

  /** Runs the loader under the lease (renewed meanwhile), within this caller's timeout. */
  async #lead<K extends TypeToken | undefined>(
    key: string,
    keys: readonly [string, string, string],
    token: string,
    loader: () => Promise<ValueOf<K>> | ValueOf<K>,
    type: K,
    limits: { ttlMs: number | undefined; lease: number; timeout: number; deadline: number },
  ): Promise<ValueOf<K>> {
    const client = this.deps.client();
    const renewal = setInterval(
      () => {
        sendCommand(client, {
          script: leaseRenewScript,
          keys: [keys[1]],
          args: [token, limits.lease],
          key: keys[1],
          buffer: false,
        }).catch((error: unknown) => {
          this.deps.logger.warn({ key, error: messageOf(error) }, 'getOrSet: cannot renew the lease');
        });
      },
      Math.max(1, Math.floor(limits.lease / 3)),
    );
    renewal.unref();
    let timedOut = false;
    const work = this.#loadAndStore(client, key, keys, token, loader, type, limits).finally(() => {
      clearInterval(renewal);
    });
    work.catch((error: unknown) => {
      if (timedOut)
        this.deps.logger.warn({ key, error: messageOf(error) }, 'getOrSet: a timed-out load failed');
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => {
              timedOut = true;
              reject(new CacheLoadTimeoutError(key, limits.timeout));
            },
            Math.max(0, limits.deadline - performance.now()),
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Loads, stores and announces the value — or records and announces the loader's error. */
  async #loadAndStore<K extends TypeToken | undefined>(
    client: RedisClient,
    key: string,
    keys: readonly [string, string, string],
    token: string,
    loader: () => Promise<ValueOf<K>> | ValueOf<K>,
    type: K,
    limits: { ttlMs: number | undefined; lease: number },
  ): Promise<ValueOf<K>> {
    let bytes: Buffer;
    try {
      const value = await loader();
      bytes = encodeFor(this.deps.context(), key, value, type);
    } catch (error) {
      const message = messageOf(error);
      await sendCommand(client, {
        script: leaseFailScript,
        keys,
        args: [token, message, limits.lease, LOAD_CHANNEL],
        key,
        buffer: false,
      }).catch((failure: unknown) => {
        this.deps.logger.warn({ key, error: messageOf(failure) }, 'getOrSet: cannot record the loader error');
      });
      throw new CacheLoaderError(key, message, error);
    }
    await sendCommand(client, {
      script: leaseFulfilScript,
      keys,
      args: [token, bytes, limits.ttlMs ?? 0, LOAD_CHANNEL],
      key,
      buffer: false,
    });
    // Every caller gets the value as stored (and validated), the loading one included.
    return this.#decode(bytes, type, key);
  }

  #decode<K extends TypeToken | undefined>(bytes: Buffer, type: K, key: string): ValueOf<K> {
    return countingDecodeErrors(this.deps.context().decodeErrors, () => decodeAs(bytes, type, key));
  }
}
