import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import type { RedisTransportService } from '../../src/transport/redis-transport-service.js';

/** Counts the socket's writes to the kernel (`_write` for one chunk, `_writev` for several). */
function countWrites(client: Redis): { readonly count: number } {
  const stream = client.stream as Socket & {
    _write: (...args: unknown[]) => void;
    _writev?: (...args: unknown[]) => void;
  };
  const counter = { count: 0 };
  const write = stream._write.bind(stream);
  stream._write = (...args: unknown[]) => {
    counter.count++;
    write(...args);
  };
  const writev = stream._writev?.bind(stream);
  if (writev !== undefined) {
    stream._writev = (...args: unknown[]) => {
      counter.count++;
      writev(...args);
    };
  }
  return counter;
}

/** A connection of `transport` to one server (a master's in a cluster). */
function serverConnection(transport: RedisTransportService): Redis {
  const [first] = transport.masters();
  if (first === undefined) throw new Error('no master');
  return first;
}

/** 50 ECHOs on `client` in one tick, awaited together; each reply is its own argument. */
async function fiftyEchoes(client: Redis): Promise<void> {
  const sent = Array.from({ length: 50 }, (_, i) => `echo-${i}`);
  expect(await Promise.all(sent.map((text) => client.echo(text)))).toEqual(sent);
}

describeBoth('RedisTransportService coalesceWrites', (target) => {
  it.each([
    { coalesceWrites: true, writes: 2, what: 'in two socket writes (the first at once), in order' },
    { coalesceWrites: false, writes: 50, what: 'each on its own with coalesceWrites: false' },
  ])('sends the commands of one tick $what', async ({ coalesceWrites, writes }) => {
    const client = serverConnection(await target.transport({ coalesceWrites }));
    await client.ping();
    const counted = countWrites(client);
    await fiftyEchoes(client);
    expect(counted.count).toBe(writes);
  });

  it('writes a lone command at once, not at the end of the tick', async () => {
    const client = serverConnection(await target.transport());
    await client.ping();
    const counted = countWrites(client);
    const reply = client.echo('alone');
    expect(counted.count).toBe(1);
    expect(await reply).toBe('alone');
  });

  it('coalesces the writes of connections made with duplicate() (as services make them)', async () => {
    const transport = await target.transport();
    const duplicate = serverConnection(transport).duplicate();
    try {
      await duplicate.ping();
      const writes = countWrites(duplicate);
      await fiftyEchoes(duplicate);
      expect(writes.count).toBe(2);
    } finally {
      duplicate.disconnect();
    }
  });
});

// A cluster's node connections do not reconnect: the cluster makes new ones (with the same options).
describeBoth(
  'RedisTransportService coalesceWrites after a reconnect',
  (target) => {
    it('coalesces the writes of the new socket', async () => {
      const client = (await target.transport()).client as Redis;
      await new Promise<void>((resolve) => {
        client.once('ready', resolve);
        client.disconnect(true);
      });
      const writes = countWrites(client);
      await fiftyEchoes(client);
      expect(writes.count).toBe(2);
    });
  },
  { modes: ['standalone', 'sentinel'] },
);
