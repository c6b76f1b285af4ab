// The desk in a real browser (SPEC §12): Debian's Chromium driven by playwright-core against
// `wiregate serve`. Sign in with a token, read a story in full, sign out and see the excerpt; a
// revoked token's session sees the excerpt on its next page load; a cross-origin form POST is refused.
// Screenshots at 1280 and 390 px go to build/screenshots/ for people to look at.

import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/node/sqlite-driver.ts';
import { revoke } from '../../src/store/writes.ts';
import { LATE, LICENSE_LINE, SLUG } from '../support/gateway.ts';
import { ROOT, runCli, tempCopies } from './support/scratch.ts';
import { serveIn, type Served } from './support/serve.ts';

const tempCopy = tempCopies('desk');
const SHOTS = join(ROOT, 'build', 'screenshots');
const COOKIE_NAME = '__Host-wiregate-session';

let dir = '';
let served: Served;
let base = '';
let browser: Browser;
let elsewhere: { server: Server; origin: string };
/** What the other origin's page holds: a form that posts to the desk. */
let elsewhereHtml = '';
const tokens: string[] = [];

function token(jti?: string): string {
  const r = runCli(['token', '--demo', '--sub', 'demo-newsroom', '--scope', 'feed:world', '--ttl', '1d', ...(jti ? ['--jti', jti] : [])], { cwd: dir });
  expect(r.status, r.output).toBe(0);
  const t = r.stdout.trim();
  tokens.push(t);
  return t;
}

async function signIn(page: Page, t: string): Promise<void> {
  await page.goto(`${base}/desk`);
  await page.getByLabel('License token').fill(t);
  await page.keyboard.press('Tab');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/desk`);
  await expect.poll(() => page.textContent('h1')).toBe('Demo Newsroom');
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = tempCopy();
  // localhost, not 127.0.0.1: Chromium treats it as a secure context, so a Secure __Host- cookie works over http.
  served = await serveIn(dir, (port) => ({ WIREGATE_PUBLIC_URL: `http://localhost:${port}`, WIREGATE_RECEIPT_SECRET: 'desk-browser-secret' }));
  base = `http://localhost:${served.port}`;
  expect(runCli(['feed-key', 'issue', '--licensee', 'demo-newsroom', '--feeds', 'world', '--label', 'Night desk (newsboat)'], { cwd: dir }).status).toBe(0);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Another origin (127.0.0.1 is another site than localhost) whose page posts a form to the desk.
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(elsewhereHtml);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  elsewhere = { server, origin: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (elsewhere ? elsewhere.server.close(() => resolve()) : resolve()));
  await served?.stop();
});

describe('the desk in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });
  afterAll(() => context.close());

  it('refuses a bad token with a 401 page that names the code, and sets no cookie', async () => {
    await page.goto(`${base}/desk`);
    await shoot(page, 'desk-sign-in');
    await page.getByLabel('License token').fill('not-a-license-token');
    const answer = page.waitForResponse((r) => r.url() === `${base}/desk/session`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await answer).status()).toBe(401);
    await expect.poll(() => page.textContent('[role=alert]')).toContain('token_malformed');
    expect(await context.cookies()).toHaveLength(0);
    await shoot(page, 'desk-refused');
  });

  it('signs in from the keyboard and sets an HttpOnly, Secure, SameSite=Strict __Host- cookie', async () => {
    await page.goto(`${base}/desk`);
    await page.getByLabel('License token').focus();
    await page.keyboard.insertText(token());
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/desk`);
    await expect.poll(() => page.textContent('h1')).toBe('Demo Newsroom');
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: COOKIE_NAME, path: '/', httpOnly: true, secure: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    const html = await page.content();
    expect(html).toContain('LIC-DEMO-0001');
    expect(html).toContain('Night desk (newsboat)');
    await shoot(page, 'desk');
  });

  it('reads a story in full from the desk, with the license line and a receipt', async () => {
    await page
      .getByRole('link', { name: /Israeli and Moroccan defense ministers/ })
      .first()
      .click();
    await page.waitForURL(`${base}/articles/${SLUG}`);
    const text = await page.textContent('body');
    expect(text).toContain(LATE);
    expect(text).toContain(LICENSE_LINE);
    expect(await page.textContent('code.receipt')).toMatch(/^wg-[0-9a-f]{24}$/);
    await shoot(page, 'story-licensed');
  });

  it('refuses a cross-origin form POST (403) and the session lives on', async () => {
    elsewhereHtml = `<!doctype html><form id="f" method="post" action="${base}/desk/sign-out"></form><script>document.getElementById('f').submit()</script>`;
    const refused = page.waitForResponse((r) => r.url() === `${base}/desk/sign-out`);
    await page.goto(`${elsewhere.origin}/`);
    expect((await refused).status()).toBe(403);
    await expect.poll(() => page.textContent('body')).toContain('origin_refused');
    await page.goto(`${base}/articles/${SLUG}`);
    expect(await page.textContent('body')).toContain(LATE);
  });

  it('signs out and sees the excerpt again', async () => {
    await page.goto(`${base}/desk`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/desk`);
    await expect.poll(() => page.getByLabel('License token').count()).toBe(1);
    expect(await context.cookies()).toHaveLength(0);
    await page.goto(`${base}/articles/${SLUG}`);
    const text = await page.textContent('body');
    expect(text).not.toContain(LATE);
    expect(text).toContain('sign in to the licensee desk');
    await shoot(page, 'story-public');
  });
});

describe('sessions that must end', () => {
  it('a revoked token: its session sees the excerpt on the next page load', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const jti = `browser-revoke-${crypto.randomUUID()}`;
    await signIn(page, token(jti));
    await page.goto(`${base}/articles/${SLUG}`);
    expect(await page.textContent('body')).toContain(LATE);
    const { driver, close } = openSqlite(join(dir, '.wiregate', 'wiregate.db'));
    try {
      await revoke(driver, jti, { operator: 'test' }, Date.now());
    } finally {
      close();
    }
    await page.reload();
    expect(await page.textContent('body')).not.toContain(LATE);
    await page.goto(`${base}/desk`);
    expect(await page.textContent('body')).toContain('session has ended');
    await context.close();
  });

  it('a cross-origin sign-in form is refused with 403 and sets no cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    elsewhereHtml = `<!doctype html><form id="f" method="post" action="${base}/desk/session"><input type="hidden" name="token" value="${token()}"></form><script>document.getElementById('f').submit()</script>`;
    const refused = page.waitForResponse((r) => r.url() === `${base}/desk/session`);
    await page.goto(`${elsewhere.origin}/`);
    expect((await refused).status()).toBe(403);
    expect(await context.cookies(base)).toHaveLength(0);
    await context.close();
  });

  it('the server printed no token and no session id', () => {
    const log = served.logSinceStart();
    for (const t of tokens) expect(log).not.toContain(t.split('.')[2]!);
    expect(log).not.toContain(COOKIE_NAME);
  });
});
