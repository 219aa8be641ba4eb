#!/usr/bin/env node
// End-to-end check of the public link page /s/{token} against a running Atrium server, in
// the system's Chromium (no browser download), as a guest with no account:
//   the file-drop link shows the firm's name and asks for its password → a wrong password
//   is refused with the server's message → the right one opens the drop zone → the guest
//   types a name and uploads a large file, which goes up in chunks through
//   /public.php/dav/uploads/{token} (MKCOL, PUT 1…N, MOVE .file) with the name on every
//   request, and the total bar reaches 100 % → the view link of a folder lists it, opens a
//   subfolder (?path=), comes back, fits a phone's width, and its zip and one file download.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_DROP_TOKEN=… ATRIUM_DROP_PASSWORD=… \
//   ATRIUM_VIEW_TOKEN=… ATRIUM_BIG_FILE=/tmp/big.bin ATRIUM_INSTANCE_NAME='Cabinet Martin' \
//   node e2e/public-link-flow.mjs
//
// BrowserTest makes the links (owner alice: a file drop with a password on "Dépôt client",
// a read-only link on "Dossier 2026" holding bilan.txt and Annexes/détail.txt) and then
// checks that alice has the file byte for byte and that the link's activity names the guest.
// Exit 0 on success; on failure prints what failed, saves a screenshot to $ATRIUM_E2E_OUT
// (default /tmp) and exits 1.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { finish, openBrowser, q, steps, textOf, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const DROP = process.env.ATRIUM_DROP_TOKEN ?? '';
const DROP_PASSWORD = process.env.ATRIUM_DROP_PASSWORD ?? '';
const VIEW = process.env.ATRIUM_VIEW_TOKEN ?? '';
const BIG = process.env.ATRIUM_BIG_FILE ?? '';
const INSTANCE = process.env.ATRIUM_INSTANCE_NAME ?? '';
const NICKNAME = 'Amélie Client';
const CHUNK = 10 * 1024 * 1024;
const ACTION_TIMEOUT = 10_000;
const UPLOAD_TIMEOUT = 330_000;
const WHOLE_RUN = 400_000;

if (!BASE || !DROP || !DROP_PASSWORD || !VIEW || !BIG) {
  console.error('Set ATRIUM_URL, ATRIUM_DROP_TOKEN, ATRIUM_DROP_PASSWORD, ATRIUM_VIEW_TOKEN and ATRIUM_BIG_FILE.');
  process.exit(2);
}

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

async function main() {
  ({ context, page, userDataDir } = await openBrowser(browserProblems, ACTION_TIMEOUT));
  const size = statSync(BIG).size;
  const name = basename(BIG);

  await run('the file-drop link asks for its password under the firm’s name', async () => {
    const res = await page.goto(`${BASE}/s/${DROP}`, { waitUntil: 'domcontentloaded' });
    if (res.status() !== 200) throw new Error(`/s/{token} answered ${res.status()}`);
    await page.locator(tid('public-password-form')).waitFor();
    if (INSTANCE && (await textOf(page, tid('auth-brand'))) !== INSTANCE) throw new Error(`the page shows "${await textOf(page, tid('auth-brand'))}"`);
    if (await page.locator(tid('user-display-name')).count()) throw new Error('the console chrome is on the public page');
  });

  await run('a wrong password is refused with the server’s message', async () => {
    await page.locator(tid('public-password')).fill('not-the-password');
    await page.locator(tid('public-password-submit')).click();
    await page.locator(tid('public-password-error')).waitFor();
    const said = await textOf(page, tid('public-password-error'));
    if (!/password/i.test(said)) throw new Error(`a wrong password said "${said}"`);
  });

  await run('the right password opens the drop zone, which shows nothing of the folder', async () => {
    await page.locator(tid('public-password')).fill(DROP_PASSWORD);
    await page.locator(tid('public-password-submit')).click();
    await page.locator(`${tid('public-view')}[data-file-drop="true"]`).waitFor();
    await page.locator(tid('public-dropzone')).waitFor();
    if (await page.locator(tid('public-list')).count()) throw new Error('the file drop lists the folder');
  });

  await run(`the guest uploads ${name} (${(size / 1048576).toFixed(0)} MiB) in chunks with a name`, async () => {
    await page.locator(tid('public-nickname')).fill(NICKNAME);
    const requests = [];
    const onRequest = (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith(`/public.php/dav/uploads/${DROP}/`) || path.startsWith(`/public.php/dav/files/${DROP}/`)) {
        requests.push({ what: `${r.method()} ${path.split('/').slice(5).join('/') || '(folder)'}`, nickname: r.headers()['x-nc-nickname'] });
      }
    };
    page.on('request', onRequest);
    const started = Date.now();
    await page.locator(tid('public-file-input')).setInputFiles(BIG, { timeout: 60_000 });
    const row = `${tid('upload-row')}[data-name=${q(name)}]`;
    await page.locator(row).waitFor();
    if ((await page.locator(row).getAttribute('data-chunked')) !== 'true') throw new Error('the upload is not marked as chunked');
    // The total bar, sampled while the upload runs: it must move, then be full.
    const seen = new Set();
    const total = page.locator(tid('uploads-total')).locator('[role="progressbar"]');
    let outcome = null;
    while (!outcome && Date.now() - started < UPLOAD_TIMEOUT) {
      if (await total.count()) {
        const now = Number(await total.getAttribute('aria-valuenow'));
        if (now > 0 && now < size) seen.add(Math.floor((now / size) * 10));
      }
      const status = await page.locator(row).getAttribute('data-status');
      if (status === 'done' || status === 'failed') outcome = status;
      else await page.waitForTimeout(250);
    }
    page.off('request', onRequest);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (!outcome) throw new Error(`the upload did not finish within ${UPLOAD_TIMEOUT / 1000} s`);
    if (outcome === 'failed') throw new Error(`the upload failed: ${await textOf(page, `${row} ${tid('upload-error')}`)}`);
    log(`  uploaded in ${seconds} s (${(size / 1048576 / Number(seconds)).toFixed(1)} MiB/s)`);
    const now = Number(await total.getAttribute('aria-valuenow'));
    const max = Number(await total.getAttribute('aria-valuemax'));
    if (now !== size || max !== size) throw new Error(`the total bar ends at ${now} of ${max}, not ${size}`);
    if (seen.size < 2) throw new Error(`the total bar was seen at only ${[...seen].map((d) => d * 10 + ' %').join(', ')} on the way`);
    const what = requests.map((r) => r.what);
    const puts = what.filter((w) => /^PUT web-[0-9a-f]+\/\d+$/.test(w));
    if (!what.some((w) => /^MKCOL web-[0-9a-f]+$/.test(w)) || puts.length !== Math.ceil(size / CHUNK) || !what.some((w) => /^MOVE web-[0-9a-f]+\/\.file$/.test(w))) {
      throw new Error(`unexpected upload requests: ${JSON.stringify(what.slice(0, 8))}… (${what.length} in all)`);
    }
    const unnamed = requests.filter((r) => r.nickname !== encodeURIComponent(NICKNAME) && !r.what.startsWith('PROPFIND'));
    if (unnamed.length) throw new Error(`requests without the name: ${JSON.stringify(unnamed.slice(0, 3))}`);
    log(`  ${what[0]}, ${what[1]}, ${puts.length} PUTs of ${CHUNK / 1048576} MiB, ${what.at(-1)}; total bar at 100 %`);
  });

  await run('the view link lists its folder and opens a subfolder', async () => {
    const res = await page.goto(`${BASE}/s/${VIEW}`, { waitUntil: 'domcontentloaded' });
    if (res.status() !== 200) throw new Error(`/s/{view} answered ${res.status()}`);
    await page.locator(tid('public-list')).waitFor();
    for (const entry of ['bilan.txt', 'Annexes']) await page.locator(`${tid('public-entry')}[data-name=${q(entry)}]`).waitFor();
    if (await page.locator(tid('public-upload')).count()) throw new Error('a read-only link offers an upload');
    await page.locator(`${tid('public-entry')}[data-name="Annexes"]`).locator(tid('public-entry-open')).click();
    await page.locator(`${tid('public-entry')}[data-name=${q('détail.txt')}]`).waitFor();
    if (new URL(page.url()).searchParams.get('path') !== 'Annexes') throw new Error(`the subfolder's address is ${page.url()}`);
    await page.goBack();
    await page.locator(`${tid('public-entry')}[data-name="bilan.txt"]`).waitFor();
  });

  await run('on a phone-sized screen the page fits the width', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    if (widths[0] > widths[1]) throw new Error(`the page is ${widths[0]} px wide on a ${widths[1]} px screen`);
    const box = await page.locator(tid('public-download-zip')).boundingBox();
    if (!box || box.x < 0 || box.x + box.width > 375) throw new Error(`the zip button is off screen: ${JSON.stringify(box)}`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await run('the folder downloads as a zip and a file on its own', async () => {
    // The links are read rather than clicked: the guest's cookies come with context.request.
    const zipHref = await page.locator(tid('public-download-zip')).getAttribute('href');
    const zip = await context.request.get(new URL(zipHref, BASE).href);
    if (zip.status() !== 200) throw new Error(`GET ${zipHref} answered ${zip.status()}`);
    const body = await zip.body();
    if (body.readUInt32LE(0) !== 0x04034b50) throw new Error('the download does not start like a zip');
    for (const entry of ['bilan.txt', 'Annexes/détail.txt']) {
      if (!body.includes(Buffer.from(entry, 'utf8'))) throw new Error(`the zip has no entry ${entry}`);
    }
    const fileHref = await page.locator(`${tid('public-entry')}[data-name="bilan.txt"]`).locator(tid('public-entry-download')).getAttribute('href');
    const file = await context.request.get(new URL(fileHref, BASE).href);
    const text = await file.text();
    if (file.status() !== 200 || text !== 'Contenu de /Dossier 2026/bilan.txt') throw new Error(`GET ${fileHref}: ${file.status()} "${text}"`);
  });

  await run('an unknown link says so without the console', async () => {
    const res = await page.goto(`${BASE}/s/${VIEW}x`, { waitUntil: 'domcontentloaded' });
    if (res.status() !== 404) throw new Error(`an unknown token answered ${res.status()}`);
    await page.locator(`${tid('public-unavailable')}[data-status="404"]`).waitFor();
  });
}

finish(main, { name: 'public-link', wholeRun: WHOLE_RUN, log, state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }) });
