// The server's own headless Chromium (Debian's, driven by playwright-core): it opens the wizard's
// pages as a signed-in user to take the runbook's screenshots and print its PDF. It signs in with
// a session row minted for it alone, two minutes long and deleted as soon as it is done: no
// other way in is opened, and the pages check that session like any other.
import 'server-only';
import type { Browser, BrowserContext } from 'playwright-core';
import type { Runtime } from '@/lib/runtime';
import { audit, createSession, deleteSession } from '@/lib/store/repo';
import { getStep, type StepSlug } from '@/lib/steps/registry';
import { STEP_MODULES } from '@/lib/steps/modules';
import { saveScreenshot, type ScreenshotMeta } from './storage';

const SESSION_COOKIE = 'wizard_session'; // lib/auth/session.ts
const CAPTURE_SESSION_MS = 2 * 60 * 1000;

/**
 * Where the server's Chromium reaches the app: WIZARD_SELF_URL, else the loopback address on the
 * port the server listens on (next start sets PORT). Never the request's Host header: the minted
 * session cookie must only ever go to the wizard itself.
 */
const g = globalThis as unknown as { __wizardSelfOrigin?: string };
export function rememberOrigin(origin: string): void {
  if (/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(origin)) g.__wizardSelfOrigin = origin;
}
export function selfOrigin(): string {
  if (process.env.WIZARD_SELF_URL) return process.env.WIZARD_SELF_URL.replace(/\/+$/, '');
  if (process.env.PORT) return `http://127.0.0.1:${process.env.PORT}`;
  return g.__wizardSelfOrigin ?? 'http://127.0.0.1:3000';
}

async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic'],
  });
}

function userIdFor(rt: Pick<Runtime, 'db'>, username: string): number {
  const id = rt.db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(username) as number | undefined;
  // "system" (a verification after a restart) has no row: the first administrator signs for it.
  return id ?? (rt.db.prepare('SELECT id FROM users ORDER BY id LIMIT 1').pluck().get() as number | undefined) ?? -1;
}

/** Runs `fn` with a browser context signed in as `actor` on `origin`; the session dies after. */
export async function withSignedInBrowser<T>(rt: Pick<Runtime, 'db'>, actor: string, origin: string, fn: (ctx: BrowserContext) => Promise<T>): Promise<T> {
  const userId = userIdFor(rt, actor);
  if (userId < 0) throw new Error('No user exists to sign the capture in as');
  const { token } = createSession(rt.db, userId, CAPTURE_SESSION_MS);
  let browser: Browser | undefined;
  try {
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: origin, httpOnly: true, sameSite: 'Strict' }]);
    return await fn(context);
  } finally {
    deleteSession(rt.db, token);
    await browser?.close().catch(() => undefined);
  }
}

/** Opens a step page and waits for what it shows to settle (a live step re-checks on open). */
async function shootStep(context: BrowserContext, origin: string, deploymentId: string, slug: StepSlug): Promise<Buffer> {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/deployments/${deploymentId}/${slug}`, { waitUntil: 'load', timeout: 60_000 });
    if (new URL(page.url()).pathname !== `/deployments/${deploymentId}/${slug}`) throw new Error(`The capture was sent to ${new URL(page.url()).pathname} instead of the step page`);
    // A live step probes on open when its checks are older than 15 s: the request stays in
    // flight until every node has answered, then the page refreshes.
    await page.waitForTimeout(500);
    await page.waitForLoadState('networkidle', { timeout: 150_000 });
    if (STEP_MODULES[slug]) {
      await page.waitForFunction(() => ![...document.querySelectorAll('[role=status]')].some((e) => e.textContent === 'Probing…'), null, { timeout: 150_000 });
      await page.waitForLoadState('networkidle', { timeout: 60_000 });
    }
    return await page.screenshot({ fullPage: true, type: 'png' });
  } finally {
    await page.close();
  }
}

export type CaptureRequest = { deploymentId: string; slugs: StepSlug[]; actor: string; origin: string; reason: ScreenshotMeta['reason']; onProgress?: (text: string) => void };

// One capture at a time: a verification of several steps at once must not start a browser each.
const queue = globalThis as unknown as { __wizardCaptureQueue?: Promise<unknown> };

/** Screenshots of the given steps, one browser for all; each stored as soon as it is taken. */
export function captureSteps(rt: Pick<Runtime, 'db' | 'env'>, req: CaptureRequest): Promise<ScreenshotMeta[]> {
  const run = (queue.__wizardCaptureQueue ?? Promise.resolve()).catch(() => undefined).then(() => captureNow(rt, req));
  queue.__wizardCaptureQueue = run.catch(() => undefined);
  return run;
}

async function captureNow(rt: Pick<Runtime, 'db' | 'env'>, req: CaptureRequest): Promise<ScreenshotMeta[]> {
  const taken: ScreenshotMeta[] = [];
  await withSignedInBrowser(rt, req.actor, req.origin, async (context) => {
    for (const slug of req.slugs) {
      req.onProgress?.(`Screenshot of "${getStep(slug).title}"`);
      const png = await shootStep(context, req.origin, req.deploymentId, slug);
      const status = (rt.db.prepare('SELECT status FROM step_state WHERE deployment_id = ? AND step = ?').pluck().get(req.deploymentId, slug) as ScreenshotMeta['status'] | undefined) ?? 'not-checked';
      taken.push(saveScreenshot(rt, req.deploymentId, { slug, capturedAt: new Date().toISOString(), status, reason: req.reason }, png));
    }
  });
  audit(rt.db, { actor: req.actor, action: 'runbook.screenshot', target: `deployment/${req.deploymentId}`, result: 'ok', detail: `${req.reason}: ${req.slugs.join(', ')}` });
  return taken;
}

/** The runbook page printed by Chromium (print CSS), A4. */
export async function printRunbookPdf(rt: Pick<Runtime, 'db'>, deploymentId: string, actor: string, origin: string): Promise<Buffer> {
  return withSignedInBrowser(rt, actor, origin, async (context) => {
    const page = await context.newPage();
    await page.emulateMedia({ media: 'print' });
    await page.goto(`${origin}/deployments/${deploymentId}/runbook?print=1`, { waitUntil: 'networkidle', timeout: 60_000 });
    if (!new URL(page.url()).pathname.endsWith('/runbook')) throw new Error('The runbook page did not open for printing');
    await page.evaluate(async () => {
      await Promise.all([...document.images].map((img) => (img.complete ? null : new Promise((r) => img.addEventListener('load', r, { once: true })))));
    });
    return page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' }, displayHeaderFooter: false });
  });
}

/**
 * For the engine and the step service: call when a step has just become verified (its checks all
 * pass after an apply or a re-check). Takes its screenshot in the background as `actor` (a user
 * name; "system" signs in as the first administrator); a failure is audited, never thrown.
 */
export function onStepVerified(rt: Pick<Runtime, 'db'>, deploymentId: string, slug: StepSlug, actor = 'system'): void {
  // The runtime the service holds has its env at run time even where its type is narrowed.
  const env = (rt as Partial<Pick<Runtime, 'env'>>).env;
  if (!env) return;
  const full = { db: rt.db, env };
  void captureSteps(full, { deploymentId, slugs: [slug], actor, origin: selfOrigin(), reason: 'verified' }).catch((e: unknown) => {
    audit(rt.db, { actor, action: 'runbook.screenshot', target: `deployment/${deploymentId}`, result: 'failed', detail: e instanceof Error ? e.message : String(e) });
  });
}
