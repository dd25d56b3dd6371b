import { expect, it } from 'vitest';
import { describeBoth } from '../../../test-utils/src/index.js';
import { isKeelError, type KeelError } from '@keel/core';

const PASSWORD = 'Sup3r-s3cret_pw';
const ALICE_PASSWORD = 'alice-Pw-9731';
const WRONG_PASSWORD = 'wr0ng-Pa55word';

/** Everything an error could leak through: message, stack, cause chain, details, JSON. */
function allText(error: KeelError): string {
  const parts = [error.message, error.stack ?? '', JSON.stringify(error.details), JSON.stringify(error)];
  let cause: unknown = error.cause;
  while (cause instanceof Error) {
    parts.push(
      cause.message,
      cause.stack ?? '',
      JSON.stringify(cause),
      JSON.stringify(Object.entries(cause)),
    );
    cause = cause.cause;
  }
  return parts.join('\n');
}

async function connectError(promise: Promise<unknown>): Promise<KeelError> {
  try {
    await promise;
  } catch (error) {
    if (isKeelError(error)) return error;
    throw error;
  }
  throw new Error('expected the connection to fail');
}

describeBoth(
  'RedisTransportService with authentication',
  (target) => {
    it('connects with the default user password', async () => {
      const transport = await target.transport();
      expect(await transport.client.set('auth:k', 'v')).toBe('OK');
      expect(await transport.ping()).toBeGreaterThan(0);
    });

    it('connects as an ACL user with username and password', async () => {
      const transport = await target.transport({ username: 'alice', password: ALICE_PASSWORD });
      const [master] = transport.masters();
      expect(await master!.acl('WHOAMI')).toBe('alice');
      const duplicate = await transport.duplicate();
      expect(await duplicate.call('ACL', 'WHOAMI')).toBe('alice');
    });

    it('connects as an ACL user given in the url', async () => {
      const transport = await target.transport({
        url: target.url({ username: 'alice', password: ALICE_PASSWORD }),
        password: undefined,
        ...(target.mode === 'cluster' ? { nodes: [] } : {}),
      } as object);
      const [master] = transport.masters();
      expect(await master!.acl('WHOAMI')).toBe('alice');
    });

    it('fails fast with REDIS_CONNECT_FAILED naming host and port, never the password', async () => {
      const settings = target.transportSettings({ password: WRONG_PASSWORD, connectTimeout: 20_000 });
      const error = await connectError(target.transport(settings));
      expect(error.code).toBe('REDIS_CONNECT_FAILED');
      const seed = target.seed;
      expect(error.message).toContain(`${seed.host}:${seed.port}`);
      expect(error.message).toMatch(/WRONGPASS|invalid username-password|Failed to refresh slots/i);
      expect(error.details).toMatchObject({ timedOut: false });
      const text = allText(error);
      expect(text).not.toContain(WRONG_PASSWORD);
      expect(text).not.toContain(PASSWORD);
    });

    it('fails for a wrong ACL user password given in the url, without leaking it', async () => {
      const seed = target.seed;
      const url = target.url({ username: 'alice', password: WRONG_PASSWORD });
      const error = await connectError(
        target.transport({ url, ...(target.mode === 'cluster' ? { nodes: [] } : {}) }),
      );
      expect(error.code).toBe('REDIS_CONNECT_FAILED');
      expect(error.message).toContain(String(seed.port));
      expect(allText(error)).not.toContain(WRONG_PASSWORD);
    });

    it('fails without a password when the server requires one', async () => {
      const settings = { ...target.transportSettings(), password: undefined } as object;
      const error = await connectError(target.transport(settings));
      expect(error.code).toBe('REDIS_CONNECT_FAILED');
      expect(error.message).toMatch(/NOAUTH|Authentication required|Failed to refresh slots/i);
    });
  },
  { password: PASSWORD, users: [`alice on >${ALICE_PASSWORD} ~* &* +@all`] },
);
