// The live-ops dashboard as an operator sees it, in headless Chromium (Debian's, driven by puppeteer-core): every
// panel says so when its answer is empty; events sent while the page is open (reactions, clicks, sessions, logins,
// finished Connect-4 games) show up without a reload, the reactions through the live feed; a backend that stops
// answering shows as unavailable on its panel, which recovers once it answers again. A screenshot of the page under
// simulated traffic is saved to docs/dashboard.png.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createGamepulseClients,
  Emoticon,
  EngagementKind,
  EventSender,
  ModeAction,
  timestampFromDate,
  type EventInit,
} from '@gamepulse/client';
import { createNodeTransport } from '@gamepulse/client/node';
import type { RunningStack } from '../../scripts/launcher.js';
import { TrafficModel } from '../../scripts/simulation/traffic-model.js';
import { repoRoot } from '../../services/shared/repo-root.js';
import { realGamesCsv } from '../support/shared-data.js';
import { startIsolatedStack } from '../support/stack.js';

let stack: RunningStack;
let gateway: string;
let browser: Browser;
let page: Page;
const profile = mkdtempSync(join(tmpdir(), 'gamepulse-chromium-'));
const MATCH = 'final-4';
const AREA = 'W9';

beforeAll(async () => {
  stack = await startIsolatedStack('dashboard_e2e');
  gateway = `http://127.0.0.1:${stack.ports.gateway}`;
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    userDataDir: profile,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(profile, { recursive: true, force: true });
});

/** What a panel shows now: its state (shown, empty, down) and its text. */
const panelState = (id: string) =>
  page.$eval(`#${id} .body`, (element) => {
    const body = element as unknown as { dataset: Record<string, string | undefined>; textContent: string | null };
    return { state: body.dataset.state ?? '', text: body.textContent ?? '' };
  });

/** Waits until a panel's state and text satisfy `expected`, or fails saying what it showed last. */
async function until(id: string, state: string, text: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = { state: '', text: '' };
  while (Date.now() < deadline) {
    last = await panelState(id);
    if (last.state === state && text.test(last.text)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect.fail(`panel ${id}: expected ${state} ${String(text)}, last showed ${last.state} "${last.text.slice(0, 200)}"`);
}

async function send(events: EventInit[]): Promise<void> {
  const sender = new EventSender(createGamepulseClients(createNodeTransport({ baseUrl: gateway })).ingest);
  for (const event of events) await sender.send(event);
  expect(await sender.close()).toMatchObject({ accepted: events.length, rejected: 0 });
}

describe('/dashboard', () => {
  it('serves its page and script with a content security policy, and 404 for anything else under /dashboard', async () => {
    const script = await fetch(`${gateway}/dashboard/app.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('content-security-policy')).toContain("default-src 'self'");
    for (const path of ['/dashboard/nope.js', '/dashboard/..%2F..%2Fpackage.json', '/dashboard/x/y']) {
      expect((await fetch(`${gateway}${path}`)).status, path).toBe(404);
    }
  });

  it('says so on every panel when there is nothing to show yet', async () => {
    await page.goto(`${gateway}/dashboard?match=${MATCH}&area=${AREA}&hours=6`, { waitUntil: 'domcontentloaded' });
    await until('reactions', 'empty', new RegExp(`no reactions on ${MATCH} yet`));
    await until('engagement', 'empty', /no clicks or impressions this hour yet/);
    await until('sessions', 'empty', /no session starts in the last 6 h/);
    await until('modes', 'empty', new RegExp(`nobody is playing in ${AREA} now`));
    await until('connect4', 'empty', /no finished games yet/);
  });

  it('shows events sent while it is open, without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: string }).loadedOnce = 'yes'));
    const ts = timestampFromDate(new Date());
    await send([
      ...Array.from({ length: 30 }, (_, i): EventInit => ({
        payload: { case: 'reaction', value: { userId: `fan-${i}`, matchId: MATCH, emoticon: i % 3 ? Emoticon.HEART : Emoticon.FIRE, ts } },
      })),
      ...Array.from({ length: 5 }, (_, i): EventInit => ({
        payload: { case: 'engagement', value: { user: `viewer-${i}`, kind: EngagementKind.CLICK, ts } },
      })),
      ...['FR', 'FR', 'BR'].map((country, i): EventInit => ({
        payload: { case: 'sessionStart', value: { playerId: `p-${i}`, sessionId: crypto.randomUUID(), country, ts } },
      })),
      { payload: { case: 'mode', value: { userId: 'p-0', areaCode: AREA, mode: 'duel', action: ModeAction.LOGIN, ts } } },
    ]);
    const csv = readFileSync(realGamesCsv(), 'utf8').split('\n');
    const firstGames = csv.filter((line, index) => index === 0 || Number(line.split(',')[0]) <= 40).join('\n');
    expect(
      (await fetch(`${gateway}/connect4/games`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: firstGames })).status,
    ).toBe(200);

    await until('reactions', 'shown', /^30reactions on final-4.*heart20 intensity 1.*fire10 intensity 1/);
    await until('engagement', 'shown', /^5unique users5clicks0impressions$/);
    await until('sessions', 'shown', /^FR2BR1$/);
    await until('modes', 'shown', /^1\. duel1 players$/);
    await until('connect4', 'shown', /first move.*games per nationality.*players with exactly one game/);

    await send(
      Array.from({ length: 20 }, (): EventInit => ({
        payload: { case: 'reaction', value: { userId: 'late', matchId: MATCH, emoticon: Emoticon.CLAP, ts } },
      })),
    );
    await until('reactions', 'shown', /^50reactions on final-4/);
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: string }).loadedOnce)).toBe('yes');
  });

  it('shows a backend that does not answer as unavailable on its panel, and recovers', { timeout: 60_000 }, async () => {
    const reaction = stack.processes.reaction;
    reaction.signal('SIGSTOP');
    try {
      await until('engagement', 'down', /unavailable: DeadlineExceeded/);
      expect((await panelState('sessions')).state).toBe('shown');
    } finally {
      reaction.signal('SIGCONT');
    }
    await until('engagement', 'shown', /^5unique users/);
  });

  it('moves under simulated traffic (the screenshot in the README)', { timeout: 90_000 }, async () => {
    const model = new TrafficModel(300);
    const traffic: EventInit[] = [];
    for (let i = 0; i < 4000; i++) traffic.push(model.next(new Date()));
    await send(traffic);
    await page.goto(`${gateway}/dashboard`, { waitUntil: 'domcontentloaded' });
    await until('reactions', 'shown', /reactions on sim-match-1/);
    await until('modes', 'shown', /1\. /);
    await until('sessions', 'shown', /FR/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await page.screenshot({ path: join(repoRoot(), 'docs/dashboard.png'), fullPage: true });
  });
});
