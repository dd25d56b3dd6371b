import { RedisStreamRPCClient } from '@keel/redis';
import { describeBoth } from '@keel/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHost, startDashboardServer } from '../src/index.js';
import { startDashboard, startWorkApp, stopWorkApps, type DashboardFixture } from './fixtures.js';

const TOKEN = 'a-long-enough-test-token';
const JSON_POST = { 'content-type': 'application/json', 'x-keel-dashboard': '1' };

describe('isLoopbackHost', () => {
  it('knows loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'example.com', '192.168.1.1', '::ffff:10.0.0.1']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});

describeBoth(
  'dashboard API security',
  (target) => {
    let open: DashboardFixture;
    let locked: DashboardFixture;
    let stream: string;
    beforeAll(async () => {
      open = await startDashboard(target);
      locked = await startDashboard(target, { token: TOKEN });
      const app = await startWorkApp(target, { listener: false });
      const client = app.services.get(RedisStreamRPCClient);
      await client.call('work.run', {});
      stream = client.streamKey();
    });
    afterAll(async () => {
      await Promise.all([open.server.close(), locked.server.close(), stopWorkApps()]);
    });

    const errorOf = async (response: Response): Promise<{ status: number; message: string }> => {
      const body = (await response.json()) as { error: { status: number; message: string } };
      expect(body.error.status).toBe(response.status);
      expect(body.error.message).not.toMatch(/\n\s+at /); // never a stack trace
      return body.error;
    };

    it('answers 401 without the token, or with a wrong one, and 200 with it', async () => {
      const bare = await fetch(new URL('api/info', locked.server.url));
      expect(bare.status).toBe(401);
      expect((await errorOf(bare)).message).toMatch(/Bearer/);
      const wrong = await fetch(new URL('api/streams', locked.server.url), {
        headers: { authorization: 'Bearer not-the-token-at-all' },
      });
      expect(wrong.status).toBe(401);
      const post = await fetch(new URL('api/stream/pause', locked.server.url), {
        method: 'POST',
        headers: JSON_POST,
        body: JSON.stringify({ key: stream }),
      });
      expect(post.status).toBe(401);
      expect(await target.client().exists(`${stream}._lock`)).toBe(0);
      expect(await locked.get('info')).toMatchObject({ redis: { mode: target.mode } });
      // The page itself loads without the token (it asks for it); only the API is protected.
      const page = await fetch(locked.server.url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    });

    it('refuses to start on a non-loopback host without a token', async () => {
      const transport = await target.transport();
      await expect(startDashboardServer({ transport, host: '0.0.0.0', port: 0 })).rejects.toMatchObject({
        code: 'DASHBOARD_TOKEN_REQUIRED',
        message: expect.stringMatching(/0\.0\.0\.0.*token/) as string,
      });
      await expect(startDashboardServer({ transport, port: 0, token: 'short' })).rejects.toMatchObject({
        code: 'DASHBOARD_OPTIONS_INVALID',
      });
    });

    it('refuses POSTs without the CSRF header or a JSON content type', async () => {
      const noHeader = await open.fetch('stream/pause', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: stream }),
      });
      expect(noHeader.status).toBe(403);
      const form = await open.fetch('stream/pause', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-keel-dashboard': '1' },
        body: `key=${encodeURIComponent(stream)}`,
      });
      expect(form.status).toBe(400);
      expect((await errorOf(form)).message).toMatch(/Content-Type: application\/json/);
      const get = await open.fetch(`stream/pause?key=${encodeURIComponent(stream)}`);
      expect(get.status).toBe(405);
      expect(await target.client().exists(`${stream}._lock`)).toBe(0);
    });

    it('answers malformed, oversized and invalid bodies with a 400 and a clear message', async () => {
      const post = (body: string) =>
        open.fetch('stream/dead/replay', { method: 'POST', headers: JSON_POST, body });
      const malformed = await post('{"key": ');
      expect(malformed.status).toBe(400);
      expect((await errorOf(malformed)).message).toMatch(/^the body is not valid JSON/);
      const oversized = await post(JSON.stringify({ key: stream, ids: ['1-0'], pad: 'x'.repeat(100_000) }));
      expect(oversized.status).toBe(400);
      expect((await errorOf(oversized)).message).toBe('the body is larger than 65536 bytes');
      const unknown = await post(JSON.stringify({ key: stream, ids: ['1-0'], extra: 1 }));
      expect((await errorOf(unknown)).message).toBe('extra: unknown field');
      const badId = await post(JSON.stringify({ key: stream, ids: ['nope'] }));
      expect((await errorOf(badId)).message).toMatch(/^ids\[0\]: expected string & Pattern/);
      const neither = await post(JSON.stringify({ key: stream }));
      expect((await errorOf(neither)).message).toBe(
        'give either ids (a list of dead-letter ids) or all: true',
      );
      const notStream = await post(JSON.stringify({ key: 'plain-key', all: true }));
      expect((await errorOf(notStream)).message).toMatch(/is not a topic stream key/);
      const proto = await post('{"key": "a._stream.b", "__proto__": {"all": true}}');
      expect((await errorOf(proto)).message).toBe('__proto__: unknown field');
      const pause = await open.fetch('stream/pause', {
        method: 'POST',
        headers: JSON_POST,
        body: JSON.stringify({ key: stream, ttlMs: 5 }),
      });
      expect((await errorOf(pause)).message).toBe('ttlMs: expected number & Minimum<1000>, got 5');
      const rpc = await open.fetch('rpc', {
        method: 'POST',
        headers: JSON_POST,
        body: JSON.stringify({ key: 'x{y}._stream.rpc', method: 'a.b' }),
      });
      expect((await errorOf(rpc)).message).toMatch(/not a topic stream of an app/);
    });

    it('answers bad query parameters with a 400 and unknown routes with a 404', async () => {
      const cases: [string, number, RegExp][] = [
        ['streams?cursor=bm90LWEtY3Vyc29y', 400, /^cursor: not a cursor/],
        ['streams?count=0', 400, /^count: expected an integer from 1 to 500/],
        [
          `stream/entries?key=${encodeURIComponent(stream)}&before=abc`,
          400,
          /^before: "abc" is not a stream id/,
        ],
        ['stream/entries', 400, /^key: required/],
        ['stream?key=missing._stream.rpc', 404, /^no stream/],
        ['keyspace/events?events=Q', 400, /^events: expected A or flags/],
        ['nothing-here', 404, /^no API route/],
      ];
      for (const [route, status, message] of cases) {
        const response = await open.fetch(route);
        expect(response.status, route).toBe(status);
        expect((await errorOf(response)).message, route).toMatch(message);
      }
      const missingPage = await fetch(new URL('nothing.js', open.server.url));
      expect(missingPage.status).toBe(404);
    });
  },
  { modes: ['standalone'] },
);
