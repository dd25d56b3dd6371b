import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '@keel/core';
import { RedisListener, RedisLocksService, RedisStreamRPCClient, RedisTransportService } from '@keel/redis';
import { describeBoth, waitUntil, type RedisTarget } from '@keel/test-utils';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../src/index.js';
import { launchBrowser, SCREENSHOTS, type TestBrowser } from './browser.js';
import { appName, sendAndPartlyAck, startWorkApp, stopWorkApps, workLog } from './fixtures.js';

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser.close();
  await stopWorkApps();
});

describeBoth(
  'dashboard in a browser',
  (target: RedisTarget) => {
    let app: App;
    let dashboard: DashboardServer;
    let page: Page;
    const shot = async (name: string, on: Page = page): Promise<void> => {
      if (target.mode === 'standalone')
        await on.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    };
    const open = async (hash: string, on: Page = page): Promise<void> => {
      await on.goto(`${dashboard.url}#/${hash}`);
      await on.locator('[data-testid=connection]').waitFor();
    };
    const text =
      (selector: string, on: Page = page) =>
      () =>
        on.locator(selector).first().textContent();

    beforeAll(async () => {
      app = await startWorkApp(target, { listener: { pendingMessagesTimeMs: null } });
      dashboard = await startDashboardServer({
        transport: app.services.get(RedisTransportService),
        app,
        port: 0,
      });
      page = await browser.newPage();
    });
    afterAll(async () => {
      await page.close();
      await dashboard.close();
    });

    it('shows the exact length, pending and lag of a stream after N sent and M acknowledged', async () => {
      const svc = appName('svc');
      const { key, delivered: ids } = await sendAndPartlyAck(
        target,
        app.services.get(RedisStreamRPCClient),
        svc,
      );
      const redis = target.client();

      await open('streams');
      await page.fill('[data-testid=streams-match]', `test.${svc}.*`);
      await page.press('[data-testid=streams-match]', 'Enter');
      const row = `[data-testid=stream-row][data-key="${key}"]`;
      await expect.poll(text(`${row} [data-field=length]`)).toBe('7');
      expect(await page.locator(`${row} [data-group=workers] [data-field=pending]`).textContent()).toBe('3');
      expect(await page.locator(`${row} [data-group=workers] [data-field=lag]`).textContent()).toBe('2');
      expect(await page.locator(`${row} [data-group=workers] [data-field=consumers]`).textContent()).toBe(
        '1',
      );
      // Auto-refresh picks up a change of the rows on the page.
      await redis.xack(key, 'workers', ids[2] ?? '');
      await expect.poll(text(`${row} [data-group=workers] [data-field=pending]`)).toBe('2');
      await expect.poll(text('[data-testid=last-updated]')).toMatch(/last updated \d{4}-/);

      await page.click(`${row} [data-field=key]`);
      await expect.poll(text('[data-testid=group-row][data-group=workers] [data-field=pending]')).toBe('2');
      expect(
        await page.locator('[data-testid=consumer][data-consumer=c1] [data-field=pending]').textContent(),
      ).toBe('2');
      await open('streams');
      // Every stream (the first page): this one and the app's own.
      await expect.poll(text(`${row} [data-field=length]`)).toBe('7');
      await shot('streams');
    });

    it('shows entries decoded and never runs HTML stored in params', async () => {
      const client = app.services.get(RedisStreamRPCClient);
      const svc = appName('svc');
      const markup = '<script>window.__keelXss = 1</script><img src=x onerror="window.__keelXss = 2">';
      await client.call(
        'orders.create',
        { sku: 'A1', qty: 2 },
        { app: svc, headers: { 'Correlation-Id': 'c-1' } },
      );
      await client.call('orders.note', { text: markup }, { app: svc });
      const key = client.streamKey({ app: svc });
      await open(`stream?key=${encodeURIComponent(key)}`);
      await page.locator('[data-testid=entry]').nth(1).waitFor();
      expect(await page.locator('[data-testid=entry] [data-field=method]').allTextContents()).toEqual([
        'orders.note',
        'orders.create',
      ]);
      expect(await page.locator('[data-testid=entry] [data-testid=params]').first().textContent()).toBe(
        JSON.stringify({ text: markup }, null, 2),
      );
      expect(await page.locator('[data-testid=entry] img').count()).toBe(0);
      expect(await page.locator('[data-testid=entries] script').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as { __keelXss?: number }).__keelXss)).toBeUndefined();
      await shot('stream-entries');
    });

    it('lists a poison message as a dead letter; two replays at once run it once; delete removes it', async () => {
      const listener = app.services.get(RedisListener);
      const log = workLog(app.name);
      const runs = log.runs;
      log.poisoned = true;
      const client = app.services.get(RedisStreamRPCClient);
      await client.call('work.run', { poison: true, order: 7 });
      await waitUntil(() => listener.metrics.deadLettered === 1, { what: 'the dead letter' });

      const tabs = [page, await browser.newPage()];
      for (const tab of tabs) await open(`stream?key=${encodeURIComponent(listener.stream)}&tab=dead`, tab);
      for (const tab of tabs) await tab.locator('[data-testid=dead-letter]').waitFor();
      expect(await page.locator('[data-testid=dead-letter] [data-field=deliveries]').textContent()).toBe('1');
      expect(await page.locator('[data-testid=dead-letter] [data-field=error]').textContent()).toContain(
        'Internal error',
      );
      await shot('dead-letters');

      log.poisoned = false;
      // Auto-refresh off, so that the entry stays on both tabs until both clicks are in.
      for (const tab of tabs) await tab.uncheck('[data-testid=auto-refresh]');
      await Promise.all(tabs.map((tab) => tab.click('[data-testid=dead-letter] [data-testid=replay]')));
      await waitUntil(() => log.runs === runs + 1, { what: 'the replayed message to run' });
      const notices = await Promise.all(tabs.map((tab) => text('[data-testid=notice]', tab)()));
      expect(notices.sort()).toEqual(['Replayed 0. 1 already replayed or deleted.', 'Replayed 1.']);
      await expect.poll(text('[data-testid=dead-count]')).toBe('0 dead letter(s)');
      await tabs[1]?.close();
      await page.check('[data-testid=auto-refresh]');

      log.poisoned = true;
      await client.call('work.run', { poison: true, order: 8 });
      await waitUntil(() => listener.metrics.deadLettered === 2, { what: 'a second dead letter' });
      await page.locator('[data-testid=dead-letter]').waitFor();
      await page.click('[data-testid=dead-letter] [data-testid=delete]');
      await page.click('[data-testid=dead-letter] [data-testid=delete-yes]');
      await expect.poll(text('[data-testid=notice]')).toBe('Deleted 1 dead letter(s).');
      await expect.poll(() => page.locator('[data-testid=dead-letter]').count()).toBe(0);
      expect(log.runs).toBe(runs + 1);
      log.poisoned = false;
    });

    it('pausing from the UI stops the running listener and resuming restarts it', async () => {
      const listener = app.services.get(RedisListener);
      const log = workLog(app.name);
      const runs = log.runs;
      try {
        await open(`stream?key=${encodeURIComponent(listener.stream)}`);
        await page.click('[data-testid=pause]');
        await expect.poll(text('[data-testid=pause-state]')).toMatch(/^paused by keel-dashboard@/);
        await waitUntil(() => listener.metrics.paused, { what: 'the listener to pause' });
        const id = await app.services.get(RedisStreamRPCClient).call('work.run', { while: 'paused' });
        // The message is the newest entry (not acknowledged, so never trimmed), and two refreshes
        // of the page later it has not run.
        await page.locator(`[data-testid=entry][data-id="${id}"]`).waitFor();
        for (let refresh = 0; refresh < 2; refresh++) {
          const seen = await page.locator('[data-testid=last-updated]').textContent();
          await expect.poll(text('[data-testid=last-updated]')).not.toBe(seen);
        }
        expect(log.runs).toBe(runs);
        expect(listener.metrics.paused).toBe(true);
        await shot('stream-paused');

        await page.click('[data-testid=resume]');
        await waitUntil(() => log.runs === runs + 1, { what: 'the resumed listener to run the message' });
        await expect.poll(text('[data-testid=pause-state]')).toBe('not paused');
        expect(listener.metrics.paused).toBe(false);
      } finally {
        // A failure above must not leave the topic paused for the next tests.
        await target.client().del(`${listener.stream}._lock`);
      }
    });

    it('shows a lock with its owner and fencing token', async () => {
      const locks = app.services.get(RedisLocksService);
      const prefix = `test.${appName('locks')}.`;
      const lock = await locks.acquire(`${prefix}order-7`, { identifier: 'worker-7', ttl: 60_000 });
      await open(`locks?prefix=${encodeURIComponent(prefix)}`);
      const row = `[data-testid=lock-row][data-key="${prefix}order-7"]`;
      await expect.poll(text(`${row} [data-field=owner]`)).toBe('worker-7');
      expect(await page.locator(`${row} [data-field=token]`).textContent()).toBe(String(lock.token));
      await shot('locks');
      await locks.release(lock);
      await expect.poll(() => page.locator(row).count()).toBe(0);
    });

    it('tails keyspace events: a SET shows within 1 s', async () => {
      const pattern = `ks:${appName('k')}:*`;
      await open('keyspace');
      await page.fill('[data-testid=ks-pattern]', pattern);
      await page.fill('[data-testid=ks-names]', 'set,del');
      await page.click('[data-testid=ks-start]');
      await expect.poll(text('[data-testid=ks-status]')).toMatch(/^listening on \d node/);
      const key = pattern.replace('*', 'user-1');
      await target.client().set(key, 'alice');
      await page
        .locator(`[data-testid=ks-row][data-key="${key}"][data-event=set]`)
        .waitFor({ timeout: 1000 });
      await target.client().expire(key, 100); // `expire` is filtered out by the event names
      await target.client().del(key);
      await page
        .locator(`[data-testid=ks-row][data-key="${key}"][data-event=del]`)
        .waitFor({ timeout: 1000 });
      expect(await page.locator('[data-testid=ks-row][data-event=expire]').count()).toBe(0);
      await shot('keyspace');
      await page.click('[data-testid=ks-pause]');
      await expect.poll(text('[data-testid=ks-status]')).toBe('paused');
    });

    it('sends a request from the RPC form and shows the result', async () => {
      const listener = app.services.get(RedisListener);
      await open(`rpc?key=${encodeURIComponent(listener.stream)}`);
      await page.fill('[data-testid=rpc-method]', 'work.double');
      await page.fill('[data-testid=rpc-params]', '{"value": 21}');
      await page.click('[data-testid=rpc-send]');
      await expect.poll(text('[data-testid=rpc-result]')).toBe('42');
      await shot('rpc');
      await page.fill('[data-testid=rpc-method]', 'work.missing');
      await page.click('[data-testid=rpc-send]');
      await expect.poll(text('[data-testid=rpc-error]')).toBe('-32601 Method not found');
    });

    it('shows the serving app, its services and its listener counters', async () => {
      await open('app');
      await expect.poll(text('[data-testid=app-healthy]')).toBe('healthy');
      const listener = app.services.get(RedisListener);
      const row = `[data-testid=listener-row][data-name="${listener.name}"]`;
      await expect.poll(text(`${row} [data-field=deadLettered]`)).toBe(String(listener.metrics.deadLettered));
      expect(await page.locator('[data-testid=service-row]').count()).toBe(app.services.all().length);
      await shot('app');
      expect(browser.pageErrors).toEqual([]);
    });
  },
  // Sentinel is a single server to the dashboard: its API tests cover it; the browser and the
  // large data sets run on the two shapes that differ.
  { modes: ['standalone', 'cluster'] },
);

describeBoth(
  'dashboard in a browser, with a token',
  (target: RedisTarget) => {
    const token = 'browser-test-token-0123456789';
    let dashboard: DashboardServer;
    beforeAll(async () => {
      dashboard = await startDashboardServer({ transport: await target.transport(), port: 0, token });
    });
    afterAll(async () => {
      await dashboard.close();
    });

    it('asks for the token, keeps it for the tab, and takes it from the URL fragment', async () => {
      const page = await browser.newPage();
      await page.goto(`${dashboard.url}#/streams`);
      await page.locator('[data-testid=token-form]').waitFor();
      await page.fill('[data-testid=token-input]', 'wrong-token-wrong-token');
      await page.press('[data-testid=token-input]', 'Enter');
      await expect
        .poll(() => page.locator('[data-testid=error]').textContent())
        .toMatch(/valid dashboard token/);
      await page.fill('[data-testid=token-input]', token);
      await page.press('[data-testid=token-input]', 'Enter');
      await page.locator('[data-testid=streams-table]').waitFor();
      await page.reload();
      await page.locator('[data-testid=streams-table]').waitFor(); // sessionStorage kept it
      await page.close();

      const fresh = await browser.newPage();
      await fresh.goto(`${dashboard.url}#token=${token}`);
      await fresh.locator('[data-testid=streams-table]').waitFor();
      expect(new URL(fresh.url()).hash).toBe('#/streams');
      await fresh.close();
    });
  },
  { modes: ['standalone'] },
);
