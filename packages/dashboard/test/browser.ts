// One headless Chromium (Debian's, driven by playwright-core) for a test file.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where `.ci/run` installs Chromium (apt `chromium`). */
export const CHROMIUM = process.env['KEEL_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Where the browser tests write their screenshots: docs/dashboard/ (the pictures of
 * docs/dashboard.md) with `UPDATE_SCREENSHOTS=1`, else a temporary folder, so that a test run
 * leaves the working tree as it found it.
 */
export const SCREENSHOTS =
  process.env['UPDATE_SCREENSHOTS'] === '1'
    ? join(import.meta.dirname, '..', '..', '..', 'docs', 'dashboard')
    : join(tmpdir(), 'keel-dashboard-screenshots');

/** A browser with a fresh profile. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** A new tab; errors thrown by the page's scripts are collected in `pageErrors`. */
  newPage(): Promise<Page>;
  readonly pageErrors: string[];
  close(): Promise<void>;
}

/** Launches Chromium headless with a throwaway user-data-dir. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'keel-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(15_000);
  const pageErrors: string[] = [];
  return {
    context,
    pageErrors,
    newPage: async () => {
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      return page;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
