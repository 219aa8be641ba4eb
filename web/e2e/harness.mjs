// What every end-to-end script shares: Debian's Chromium launched the way this machine
// allows (never a downloaded browser), and the ending — a screenshot and the browser's
// complaints on failure, a watchdog, the temporary profile removed either way.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.ATRIUM_CHROMIUM || '/usr/bin/chromium';
const OUT = process.env.ATRIUM_E2E_OUT || '/tmp';

/** A fresh profile and page; what the page reports as errors goes into `problems`. */
export async function openBrowser(problems, actionTimeout) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(actionTimeout);
  context.setDefaultNavigationTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { userDataDir, context, page };
}

/**
 * Runs main under a watchdog and exits 0 or 1. `state()` gives the current step, page,
 * context, profile directory and browser problems, read at the moment of failure.
 */
export function finish(main, { name, wholeRun, log, state }) {
  // `others`: more browsers of the same run ({ context, userDataDir }), e.g. a second person's.
  async function cleanup() {
    const { context, userDataDir, others = [] } = state();
    for (const b of [{ context, userDataDir }, ...others]) {
      try {
        await b.context?.close();
      } catch {
        // already gone
      }
      if (b.userDataDir) rmSync(b.userDataDir, { recursive: true, force: true });
    }
  }

  async function failAndExit(err) {
    const { step, page, problems } = state();
    console.error(`\nFAILED at step "${step}": ${err?.stack ?? err}`);
    try {
      if (page) {
        console.error(`page: ${page.url()}`);
        mkdirSync(OUT, { recursive: true });
        const file = join(OUT, `atrium-e2e-${name}-failure-${Date.now()}.png`);
        await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
        console.error(`screenshot: ${file}`);
      }
    } catch (e) {
      console.error(`(no screenshot: ${e.message})`);
    }
    if (problems.length) console.error(`browser reported:\n  ${problems.join('\n  ')}`);
    await cleanup();
    process.exit(1);
  }

  const watchdog = setTimeout(() => void failAndExit(new Error(`the whole run took over ${wholeRun / 1000} s`)), wholeRun);
  main().then(
    async () => {
      clearTimeout(watchdog);
      await cleanup();
      log(`OK: ${name} flow passed`);
      process.exit(0);
    },
    (err) => {
      clearTimeout(watchdog);
      void failAndExit(err);
    },
  );
}

/**
 * The named steps of a script and its log: `run(name, fn)` logs the step and remembers it,
 * `current()` says which step a failure happened in, `log` prefixes the seconds since start.
 */
export function steps() {
  const t0 = Date.now();
  const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);
  let current = 'starting';
  return {
    log,
    run(name, fn) {
      current = name;
      log(name);
      return fn();
    },
    current: () => current,
  };
}

/** Waits for one of several outcomes on the page and says which came first. */
export async function firstOf(page, selectors, timeout = 10_000) {
  const found = await Promise.any(
    Object.entries(selectors).map(([name, sel]) => page.locator(sel).first().waitFor({ state: 'visible', timeout }).then(() => name)),
  ).catch(() => null);
  if (!found) {
    // A 401 answered with "WWW-Authenticate: Basic" leaves headless Chromium waiting for credentials.
    throw new Error(`none of ${Object.keys(selectors).join(', ')} appeared within ${timeout} ms (a request may still be pending)`);
  }
  return found;
}

/** Signs `who` ({ login, password }) in on the sign-in page; fails unless the app opens (no 2FA step). */
export async function signIn(page, base, who) {
  await page.goto(`${base}/login`, { waitUntil: 'domcontentloaded' });
  await page.locator(tid('login-username')).fill(who.login);
  await page.locator(tid('login-password')).fill(who.password);
  await page.locator(tid('login-submit')).click();
  const outcome = await firstOf(page, { shell: tid('user-display-name'), error: tid('login-error'), totp: tid('login-totp-code'), enrol: tid('login-enrol') });
  if (outcome !== 'shell') throw new Error(`${who.login} could not sign in (${outcome}): ${outcome === 'error' ? await textOf(page, tid('login-error')) : ''}`);
}

/** The folder the Files page shows, once it has loaded it: 'table' or 'empty'; its error thrown. */
export async function expectFolder(page, path) {
  await page.locator(`${tid('files-page')}[data-path=${q(path)}]`).waitFor();
  const outcome = await firstOf(page, { table: tid('files-table'), empty: tid('files-empty'), error: tid('files-error') });
  if (outcome === 'error') throw new Error(`the listing of ${path} failed: ${await textOf(page, tid('files-error'))}`);
  return outcome;
}

/** The trimmed text of the first element the selector finds. */
export async function textOf(page, selector) {
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

/** A refusal shown must be the server's own sentence with every part, not raw XML/JSON or a generic error. */
export function expectRefusal(error, parts) {
  for (const part of parts) {
    if (!error.includes(part)) throw new Error(`the refusal shown does not say ${JSON.stringify(part)}: ${JSON.stringify(error)}`);
  }
  if (/[<>{}]/.test(error)) throw new Error(`the refusal is shown raw: ${JSON.stringify(error)}`);
}

/**
 * The server and the two people of a two-browser flow, from ATRIUM_URL, ATRIUM_ALICE_PASSWORD
 * and ATRIUM_BOB_PASSWORD; exits 2 when one is missing.
 */
export function aliceAndBob() {
  const base = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
  const alice = { login: 'alice', password: process.env.ATRIUM_ALICE_PASSWORD ?? '' };
  const bob = { login: 'bob', password: process.env.ATRIUM_BOB_PASSWORD ?? '' };
  if (!base || !alice.password || !bob.password) {
    console.error('Set ATRIUM_URL, ATRIUM_ALICE_PASSWORD and ATRIUM_BOB_PASSWORD.');
    process.exit(2);
  }
  return { base, alice, bob };
}

/** Any alert/confirm/prompt on `page` is a script that should not have run: a problem. */
export function forbidDialogs(page, who, problems) {
  page.on('dialog', (d) => {
    problems.push(`${who} got a ${d.type()} dialog: ${d.message()}`);
    void d.dismiss();
  });
}

/**
 * `finish` for a flow of alice's and bob's browsers, and any more in `browsers` (a guest's…):
 * the screenshot is bob's page; every browser is closed.
 */
export function finishTwo(main, { name, wholeRun, log, current, browsers, problems }) {
  finish(main, {
    name,
    wholeRun,
    log,
    state: () => ({
      step: current(),
      page: browsers.bob?.page ?? browsers.alice?.page,
      context: browsers.alice?.context,
      userDataDir: browsers.alice?.userDataDir,
      others: Object.entries(browsers).filter(([who]) => who !== 'alice').map(([, b]) => b),
      problems,
    }),
  });
}

/** Opens Chat and waits until its WebSocket is caught up, so what others do arrives live. */
export async function openChat(page, base) {
  await page.goto(`${base}/chat`, { waitUntil: 'domcontentloaded' });
  await page.locator(`${tid('chat-page')}[data-connection="live"]`).waitFor();
}

/**
 * In the open group's settings (left open), makes its guest link with `password` and gives the
 * link's full URL, checked to be a join link of this server.
 */
export async function makeGuestLink(page, base, password) {
  await page.locator(tid('chat-settings-open')).click();
  await page.locator(tid('chat-link-none')).waitFor();
  await page.locator(tid('chat-link-password')).fill(password);
  await page.locator(tid('chat-link-make')).click();
  await page.locator(`${tid('chat-link')}[data-public="true"]`).waitFor();
  const url = await page.locator(tid('chat-link-url')).inputValue();
  if (!url.startsWith(`${base}/chat/join/`)) throw new Error(`the link shown is ${JSON.stringify(url)}`);
  return url;
}

/** The selector of a test id (web/TESTIDS.md). */
export const tid = (id) => `[data-testid="${id}"]`;
/** A CSS attribute value in double quotes, for names with spaces, quotes, #, % … */
export const q = (value) => `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** A row of the Files app's listing, by name. */
export const row = (name) => `${tid('file-row')}[data-name=${q(name)}]`;
/** A row of the upload panel, by name. */
export const uploadRow = (name) => `${tid('upload-row')}[data-name=${q(name)}]`;

/**
 * A whole flow in one call: opens the browser, runs `main({ page, context, run, log })`
 * under `finish`'s watchdog, and on failure names the step, with a screenshot. The older
 * scripts keep the same state in their own module variables.
 */
export function runFlow({ name, wholeRun, actionTimeout }, main) {
  const { log, run, current } = steps();
  const problems = [];
  const browser = {};
  finish(
    async () => {
      Object.assign(browser, await openBrowser(problems, actionTimeout));
      await main({ page: browser.page, context: browser.context, run, log });
    },
    { name, wholeRun, log, state: () => ({ step: current(), ...browser, problems }) },
  );
}
