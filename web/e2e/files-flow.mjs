#!/usr/bin/env node
// End-to-end check of the Files app against a running Atrium server (WebDAV at
// /remote.php/dav/files/{login}/), in the system's Chromium (no browser download):
//   admin signs in → Files → creates "Rapports 2026" → opens it → uploads two
//   files (accented name; "#", "%" and parentheses) → sees both with their sizes →
//   renames one → moves the other to the root with the folder picker → deletes
//   one → breadcrumbs, reload, back/forward → the moved file downloads → a
//   25 MB file goes up in 10 MB chunks (uploads/… MKCOL, PUTs, MOVE) and downloads
//   whole → a PNG uploaded into the folder shows a thumbnail → search from the root
//   finds it in its folder, case and accents aside → the folder downloads as a zip
//   holding it → the quota shows a used size → in "Tri 2026", three items selected with
//   the keyboard, a Shift-click and Ctrl-clicks (select all, Escape) download as one zip
//   of exactly those → two move into a folder together → the third is deleted from the
//   selection bar → copying both back out where one already is copies the other and lists
//   the clash → at 360 px wide the boxes and the bar fit.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ADMIN_PASSWORD=... node e2e/files-flow.mjs
//
// Needs /usr/bin/chromium and a fresh server: admin without 2FA and no
// "Rapports 2026" in admin's files. Exit 0 on success; on failure prints what
// failed, saves a screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { expectFolder, finish, firstOf, openBrowser, q, row, steps, textOf, tid, uploadRow } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ADMIN_PASSWORD = process.env.ATRIUM_ADMIN_PASSWORD ?? '';
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 170_000;

const FOLDER = 'Rapports 2026';
// Built in memory. Names in NFC, as typed; the server must give back the same bytes.
const BILAN = { name: 'bilan-été.txt', mimeType: 'text/plain', buffer: Buffer.from('Bilan de l’année 2026 : tout va bien.\n', 'utf8') };
const COMPTE_RENDU = {
  name: 'compte-rendu #3 (100%).txt',
  mimeType: 'text/plain',
  buffer: Buffer.from('Réunion du 12 mars.\n'.repeat(40), 'utf8'),
};
const RENAMED = 'bilan-été 2026.txt';
// Over the console's 10 MiB chunk size: sent as three chunks.
const BIG = { name: 'archive-2026.bin', mimeType: 'application/octet-stream', buffer: randomBytes(25 * 1024 * 1024) };
const PHOTO = { name: 'photo-été.png', mimeType: 'image/png', buffer: png(96, 64) };

/** A real PNG (RGB, 8 bits), made here: left half red, right half blue. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const line = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) line.set(x < width / 2 ? [220, 30, 30] : [30, 30, 220], 1 + x * 3);
    rows.push(line);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
// The multi-select steps: a folder of its own, a sub-folder and three notes.
const SORTING = 'Tri 2026';
const SUB = 'Archivé';
const NOTES = ['note-1.txt', 'note-2.txt', 'note-3.txt'].map((name, i) => ({
  name,
  mimeType: 'text/plain',
  buffer: Buffer.from(`Note ${i + 1}\n`, 'utf8'),
}));

/** The names in a zip, from its central directory (read as the format says, not guessed). */
function zipNames(zip) {
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error('the download has no zip end record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip entry ${i} is not where the directory says`);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

if (!BASE || !ADMIN_PASSWORD) {
  console.error('Set ATRIUM_URL (e.g. https://127.0.0.1:18443) and ATRIUM_ADMIN_PASSWORD.');
  process.exit(2);
}

const { log, run, current: currentStep } = steps();

let context;
let page;
let userDataDir;
const browserProblems = [];

/** Opens the "More" menu of a row and clicks one of its actions. */
async function rowAction(name, action) {
  const r = page.locator(row(name));
  await r.locator(tid('file-actions')).click();
  await r.locator(tid(action)).click();
}

/** The error shown inside a dialog, if any, to explain a dialog that did not close. */
async function dialogError(dialogId) {
  const sel = `${tid(dialogId)} :is([role="alert"], .field-error)`;
  return (await page.locator(sel).count()) ? (await page.locator(sel).allTextContents()).join(' / ') : null;
}

async function waitDialogClosed(dialogId) {
  try {
    await page.locator(tid(dialogId)).waitFor({ state: 'detached' });
  } catch {
    throw new Error(`the dialog ${dialogId} stayed open: ${(await dialogError(dialogId)) ?? 'no error shown'}`);
  }
}

/** The rows selected, by name, and what the selection bar says (null when it is not shown). */
async function selection() {
  const names = await page.locator(`${tid('file-row')}[data-selected="true"]`).evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  const bar = page.locator(tid('selection-bar'));
  const count = (await bar.count()) ? Number(await bar.getAttribute('data-count')) : null;
  return { names: names.sort(), count };
}

async function expectSelection(expected, why) {
  const want = [...expected].sort();
  try {
    await page.waitForFunction(
      (n) => {
        const sel = [...document.querySelectorAll('[data-testid="file-row"][data-selected="true"]')].map((e) => e.getAttribute('data-name'));
        const bar = document.querySelector('[data-testid="selection-bar"]');
        return sel.length === n && (n === 0 ? bar === null : Number(bar?.getAttribute('data-count')) === n);
      },
      want.length,
      { timeout: ACTION_TIMEOUT },
    );
  } catch {
    // Reported below with what is there.
  }
  const got = await selection();
  if (got.names.join('|') !== want.join('|') || got.count !== (want.length ? want.length : null)) {
    throw new Error(`${why}: selected ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

const box = (name) => page.locator(row(name)).locator(tid('file-select'));

async function crumbs() {
  return page.locator(tid('files-crumb')).evaluateAll((els) =>
    els.map((e) => ({ path: e.getAttribute('data-path'), current: e.getAttribute('aria-current'), text: e.textContent.trim() })),
  );
}

async function main() {
  ({ userDataDir, context, page } = await openBrowser(browserProblems, ACTION_TIMEOUT));

  await run('admin signs in with the password', async () => {
    await page.goto(`${BASE}/login`, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('login-username')).fill('admin');
    await page.locator(tid('login-password')).fill(ADMIN_PASSWORD);
    await page.locator(tid('login-submit')).click();
    const outcome = await firstOf(page, { shell: tid('user-display-name'), error: tid('login-error'), totp: tid('login-totp-code'), enrol: tid('login-enrol') });
    if (outcome === 'error') throw new Error(`sign-in refused: ${await textOf(page, tid('login-error'))}`);
    if (outcome === 'totp') throw new Error('admin has two-factor authentication: run against a fresh data directory');
    if (outcome === 'enrol') throw new Error('the server requires 2FA enrolment at sign-in; this flow expects it off');
  });

  await run('Files is the first app; it opens on the root with breadcrumbs and a quota', async () => {
    const first = await page.locator(`${tid('nav')} a`).first().getAttribute('data-testid');
    if (first !== 'nav-files') throw new Error(`the first navigation entry is ${first}, not nav-files`);
    await page.locator(tid('nav-files')).click();
    await expectFolder(page, '/');
    if (!new URL(page.url()).pathname.startsWith('/files')) throw new Error(`the URL is ${page.url()}`);
    const c = await crumbs();
    if (c.length !== 1 || c[0].path !== '/' || c[0].current !== 'page') throw new Error(`unexpected breadcrumbs at the root: ${JSON.stringify(c)}`);
    await page.locator(tid('quota')).waitFor();
    if (await page.locator(row(FOLDER)).count()) throw new Error(`"${FOLDER}" already exists: run against a fresh data directory`);
  });

  await run(`admin creates the folder "${FOLDER}"`, async () => {
    await page.locator(tid('files-new-folder')).click();
    await page.locator(tid('new-folder-dialog')).waitFor();
    // The name is checked before anything is sent.
    await page.locator(tid('new-folder-name')).fill('..');
    await page.locator(tid('new-folder-submit')).click();
    await page.locator(tid('new-folder-name-error')).waitFor();
    await page.locator(tid('new-folder-name')).fill(FOLDER);
    await page.locator(tid('new-folder-submit')).click();
    await waitDialogClosed('new-folder-dialog');
    await page.locator(`${row(FOLDER)}[data-type="folder"]`).waitFor();
  });

  await run('admin opens it: the URL, the title and the breadcrumbs follow', async () => {
    await page.locator(row(FOLDER)).locator(tid('file-open')).click();
    const outcome = await expectFolder(page, `/${FOLDER}`);
    if (outcome !== 'empty') throw new Error('the new folder is not shown as empty');
    const path = new URL(page.url()).pathname;
    if (path !== '/files/Rapports%202026') throw new Error(`the URL path is ${path}, expected /files/Rapports%202026`);
    const c = await crumbs();
    if (c.map((x) => x.path).join('|') !== `/|/${FOLDER}` || c[1].text !== FOLDER || c[1].current !== 'page') {
      throw new Error(`unexpected breadcrumbs: ${JSON.stringify(c)}`);
    }
  });

  await run('admin uploads two files through the file input and sees them with their sizes', async () => {
    await page.locator(tid('files-upload-input')).setInputFiles([BILAN, COMPTE_RENDU]);
    for (const f of [BILAN, COMPTE_RENDU]) {
      const outcome = await firstOf(page, 
        { done: `${uploadRow(f.name)}[data-status="done"]`, failed: `${uploadRow(f.name)}[data-status="failed"]` },
        30_000,
      );
      if (outcome === 'failed') throw new Error(`the upload of ${f.name} failed: ${await textOf(page, `${uploadRow(f.name)} ${tid('upload-error')}`)}`);
    }
    for (const f of [BILAN, COMPTE_RENDU]) {
      const r = page.locator(`${row(f.name)}[data-type="file"]`);
      await r.waitFor();
      const size = await r.getAttribute('data-size');
      if (Number(size) !== f.buffer.length) throw new Error(`${f.name}: size ${size}, expected ${f.buffer.length}`);
      const shown = ((await r.locator(tid('file-size')).textContent()) ?? '').trim();
      if (!/\d/.test(shown)) throw new Error(`${f.name}: no size shown (${JSON.stringify(shown)})`);
    }
    const names = await page.locator(tid('file-row')).evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    if (!names.includes(BILAN.name)) throw new Error(`the accented name came back changed: ${JSON.stringify(names)}`);
    await page.locator(tid('uploads-clear')).click();
    await page.locator(tid('uploads')).waitFor({ state: 'detached' });
  });

  await run(`admin renames "${BILAN.name}" to "${RENAMED}"`, async () => {
    await rowAction(BILAN.name, 'file-rename');
    await page.locator(tid('rename-dialog')).waitFor();
    await page.locator(tid('rename-name')).fill(RENAMED);
    await page.locator(tid('rename-submit')).click();
    await waitDialogClosed('rename-dialog');
    await page.locator(row(RENAMED)).waitFor();
    await page.locator(row(BILAN.name)).waitFor({ state: 'detached' });
    const size = await page.locator(row(RENAMED)).getAttribute('data-size');
    if (Number(size) !== BILAN.buffer.length) throw new Error(`the renamed file has size ${size}`);
  });

  await run(`admin moves "${COMPTE_RENDU.name}" to the root through the folder picker`, async () => {
    await rowAction(COMPTE_RENDU.name, 'file-move');
    const picker = page.locator(tid('folder-picker'));
    await picker.waitFor();
    // Moving to where it already is is not offered.
    if (await picker.locator(tid('picker-submit')).isEnabled()) throw new Error('the picker offers to move the file where it already is');
    await picker.locator(`${tid('picker-crumb')}[data-path="/"]`).click();
    await picker.locator(`${tid('picker-folder')}[data-name=${q(FOLDER)}]`).waitFor();
    await picker.locator(tid('picker-submit')).click();
    await waitDialogClosed('folder-picker');
    await page.locator(row(COMPTE_RENDU.name)).waitFor({ state: 'detached' });
  });

  await run(`admin deletes "${RENAMED}" after confirming`, async () => {
    await rowAction(RENAMED, 'file-delete');
    await page.locator(tid('confirm-dialog')).waitFor();
    await page.locator(tid('confirm-ok')).click();
    await waitDialogClosed('confirm-dialog');
    await page.locator(row(RENAMED)).waitFor({ state: 'detached' });
    await page.locator(tid('files-empty')).waitFor();
  });

  await run('the folder survives a reload; the breadcrumbs lead back to the root', async () => {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await expectFolder(page, `/${FOLDER}`);
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder(page, '/');
    await page.locator(`${row(FOLDER)}[data-type="folder"]`).waitFor();
    const moved = page.locator(`${row(COMPTE_RENDU.name)}[data-type="file"]`);
    await moved.waitFor();
    if (Number(await moved.getAttribute('data-size')) !== COMPTE_RENDU.buffer.length) throw new Error('the moved file has the wrong size');
  });

  await run('back and forward move between the folders', async () => {
    await page.goBack();
    await expectFolder(page, `/${FOLDER}`);
    await page.goForward();
    await expectFolder(page, '/');
  });

  await run('the moved file downloads with its content', async () => {
    const link = page.locator(row(COMPTE_RENDU.name)).locator(tid('file-open'));
    if ((await link.getAttribute('download')) === null) throw new Error('the file link has no download attribute');
    const href = await link.getAttribute('href');
    const res = await context.request.get(new URL(href, BASE).href);
    if (res.status() !== 200) throw new Error(`GET ${href} answered ${res.status()}`);
    const body = await res.body();
    if (!body.equals(COMPTE_RENDU.buffer)) throw new Error(`GET ${href} gave ${body.length} bytes that differ from the upload`);
  });

  await run(`admin uploads "${BIG.name}" (25 MB): it goes up in chunks and completes`, async () => {
    const requests = [];
    const onRequest = (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/remote.php/dav/uploads/')) requests.push(`${r.method()} ${path.split('/').slice(6).join('/') || '(folder)'}`);
    };
    page.on('request', onRequest);
    // From a file on disk: a 25 MB buffer would be copied through the DevTools protocol, slowly.
    const bigPath = join(userDataDir, BIG.name);
    await writeFile(bigPath, BIG.buffer);
    await page.locator(tid('files-upload-input')).setInputFiles(bigPath, { timeout: 60_000 });
    const r = page.locator(uploadRow(BIG.name));
    await r.waitFor();
    if ((await r.getAttribute('data-chunked')) !== 'true') throw new Error('the 25 MB upload is not marked as chunked');
    const outcome = await firstOf(page, { done: `${uploadRow(BIG.name)}[data-status="done"]`, failed: `${uploadRow(BIG.name)}[data-status="failed"]` }, 90_000);
    page.off('request', onRequest);
    if (outcome === 'failed') throw new Error(`the chunked upload failed: ${await textOf(page, `${uploadRow(BIG.name)} ${tid('upload-error')}`)}`);
    const methods = requests.map((x) => x.split(' ')[0]);
    const puts = requests.filter((x) => x.startsWith('PUT '));
    if (!methods.includes('MKCOL') || puts.length !== 3 || !requests.some((x) => x.startsWith('MOVE ') && x.endsWith('.file'))) {
      throw new Error(`unexpected chunked upload requests: ${JSON.stringify(requests)}`);
    }
    log(`  ${requests.join(', ')}`);
    const file = page.locator(`${row(BIG.name)}[data-type="file"]`);
    await file.waitFor();
    if (Number(await file.getAttribute('data-size')) !== BIG.buffer.length) throw new Error(`the chunked file has size ${await file.getAttribute('data-size')}`);
    const res = await context.request.get(new URL(await file.locator(tid('file-open')).getAttribute('href'), BASE).href);
    if (sha256(await res.body()) !== sha256(BIG.buffer)) throw new Error('the chunked file downloads with other bytes than were uploaded');
    await page.locator(tid('uploads-clear')).click();
  });

  await run(`admin uploads "${PHOTO.name}" into "${FOLDER}" and sees its thumbnail`, async () => {
    await page.locator(row(FOLDER)).locator(tid('file-open')).click();
    await expectFolder(page, `/${FOLDER}`);
    await page.locator(tid('files-upload-input')).setInputFiles([PHOTO]);
    await firstOf(page, { done: `${uploadRow(PHOTO.name)}[data-status="done"]` }, 30_000);
    const thumb = page.locator(row(PHOTO.name)).locator(tid('file-thumb'));
    await thumb.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await thumb.elementHandle(), { timeout: ACTION_TIMEOUT });
    const size = await thumb.evaluate((el) => [el.naturalWidth, el.naturalHeight]);
    // 96 × 64 fits the 64-pixel box as 64 × 43.
    if (size[0] !== 64 || size[1] < 42 || size[1] > 43) throw new Error(`the thumbnail is ${size.join(' × ')}`);
    await page.locator(tid('uploads-clear')).click();
  });

  await run('search from the root finds the picture in its folder, case and accents aside', async () => {
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder(page, '/');
    await page.locator(tid('files-search')).fill('PHOTO-ETE');
    const hit = page.locator(`${tid('search-hit')}[data-path=${q(`/${FOLDER}/${PHOTO.name}`)}]`);
    await hit.waitFor();
    const where = await hit.locator(tid('search-folder')).textContent();
    if (where.trim() !== `/${FOLDER}`) throw new Error(`the result says it is in ${JSON.stringify(where)}`);
    await hit.locator(tid('file-thumb')).waitFor();
    await page.locator(tid('files-search')).fill('nothing-is-named-like-this');
    await page.locator(tid('search-none')).waitFor();
    // Following the folder link ends the search and opens the folder.
    await page.locator(tid('files-search')).fill('photo');
    await page.locator(`${tid('search-hit')} ${tid('search-folder')}`).first().click();
    await expectFolder(page, `/${FOLDER}`);
    if (await page.locator(tid('search-results')).count()) throw new Error('the search results stayed after opening a folder');
    await page.locator(`${tid('files-crumb')}[data-path="/"]`).click();
    await expectFolder(page, '/');
  });

  await run(`"${FOLDER}" downloads as a zip that holds the picture`, async () => {
    // The menu's link is read rather than clicked: the request is made with the session below.
    const r = page.locator(row(FOLDER));
    await r.locator(tid('file-actions')).click();
    const link = r.locator(tid('file-download-zip'));
    await link.waitFor();
    const href = await link.getAttribute('href');
    await page.keyboard.press('Escape');
    const res = await context.request.get(new URL(href, BASE).href);
    if (res.status() !== 200) throw new Error(`GET ${href} answered ${res.status()}`);
    if (!(res.headers()['content-type'] ?? '').startsWith('application/zip')) throw new Error(`the zip came as ${res.headers()['content-type']}`);
    const body = await res.body();
    if (body.readUInt32LE(0) !== 0x04034b50) throw new Error('the download does not start like a zip');
    for (const name of [`${FOLDER}/`, `${FOLDER}/${PHOTO.name}`]) {
      if (!body.includes(Buffer.from(name, 'utf8'))) throw new Error(`the zip has no entry ${name}`);
    }
  });

  await run('the quota shows a used size', async () => {
    const quota = page.locator(tid('quota'));
    await quota.waitFor();
    const used = Number(await quota.getAttribute('data-used'));
    if (!(used >= COMPTE_RENDU.buffer.length)) throw new Error(`the quota says ${used} bytes used, expected at least ${COMPTE_RENDU.buffer.length}`);
    const text = await textOf(page, tid('quota-text'));
    if (!/\d/.test(text)) throw new Error(`the quota text shows no size: ${JSON.stringify(text)}`);
    log(`  quota: ${text}`);
  });

  await run(`admin makes "${SORTING}" with a folder "${SUB}" and three notes`, async () => {
    await page.locator(tid('files-new-folder')).click();
    await page.locator(tid('new-folder-name')).fill(SORTING);
    await page.locator(tid('new-folder-submit')).click();
    await waitDialogClosed('new-folder-dialog');
    await page.locator(row(SORTING)).locator(tid('file-open')).click();
    await expectFolder(page, `/${SORTING}`);
    await page.locator(tid('files-new-folder')).click();
    await page.locator(tid('new-folder-name')).fill(SUB);
    await page.locator(tid('new-folder-submit')).click();
    await waitDialogClosed('new-folder-dialog');
    await page.locator(tid('files-upload-input')).setInputFiles(NOTES);
    for (const n of NOTES) await firstOf(page, { done: `${uploadRow(n.name)}[data-status="done"]` }, 30_000);
    await page.locator(tid('uploads-clear')).click();
    for (const n of NOTES) await page.locator(row(n.name)).waitFor();
    await expectSelection([], 'nothing is selected at first');
  });

  await run('three notes selected: the space bar on a box, then a Shift-click; Ctrl-click, select all and Escape', async () => {
    await box(NOTES[0].name).focus();
    await page.keyboard.press('Space');
    await expectSelection([NOTES[0].name], 'the space bar on the first box');
    if ((await page.locator(tid('files-select-all')).getAttribute('data-state')) !== 'some') throw new Error('select all is not indeterminate with one row of four');
    if (!(await page.locator(tid('files-select-all')).evaluate((el) => el.indeterminate))) throw new Error('the select-all box is not drawn indeterminate');
    await box(NOTES[2].name).click({ modifiers: ['Shift'] });
    const three = NOTES.map((n) => n.name);
    await expectSelection(three, 'Shift-click from the first note to the third');
    const count = await textOf(page, tid('selection-count'));
    if (count.trim() !== '3 selected') throw new Error(`the bar says ${JSON.stringify(count)}`);
    if ((await page.locator(tid('selection-share')).getAttribute('data-allowed')) !== 'false') throw new Error('sharing is offered for three items');
    // Escape in an open row menu closes the menu and leaves the selection alone.
    await page.locator(row(NOTES[0].name)).locator(tid('file-actions')).click();
    await page.locator(row(NOTES[0].name)).locator(tid('file-rename')).waitFor();
    await page.keyboard.press('Escape');
    await page.locator(row(NOTES[0].name)).locator(tid('file-rename')).waitFor({ state: 'hidden' });
    await expectSelection(three, 'Escape in a row menu');
    // Ctrl-click on the row (not its link) takes one out and puts it back.
    await page.locator(row(NOTES[1].name)).locator(tid('file-size')).click({ modifiers: ['Control'] });
    await expectSelection([NOTES[0].name, NOTES[2].name], 'Ctrl-click on the second note');
    await page.locator(row(NOTES[1].name)).locator(tid('file-size')).click({ modifiers: ['Control'] });
    await expectSelection(three, 'Ctrl-click on the second note again');
    await page.locator(tid('files-select-all')).click();
    await expectSelection([SUB, ...three], 'select all');
    await page.keyboard.press('Escape');
    await expectSelection([], 'Escape');
    await box(NOTES[0].name).click();
    await box(NOTES[2].name).click({ modifiers: ['Shift'] });
    await expectSelection(three, 'the box then a Shift-click');
  });

  await run('the three notes download as one zip holding exactly them', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(tid('selection-download')).click()]);
    if (download.suggestedFilename() !== 'download.zip') throw new Error(`the download is named ${download.suggestedFilename()}`);
    const zip = await readFile(await download.path());
    const names = zipNames(zip).sort();
    if (names.join('|') !== NOTES.map((n) => n.name).join('|')) throw new Error(`the zip holds ${JSON.stringify(names)}`);
  });

  await run(`two notes move into "${SUB}" together through the picker`, async () => {
    await box(NOTES[2].name).click();
    await expectSelection([NOTES[0].name, NOTES[1].name], 'the third box cleared');
    await page.locator(tid('selection-move')).click();
    const picker = page.locator(tid('folder-picker'));
    await picker.waitFor();
    await picker.locator(`${tid('picker-folder')}[data-name=${q(SUB)}]`).click();
    await picker.locator(`${tid('picker-crumb')}[data-path=${q(`/${SORTING}/${SUB}`)}]`).waitFor();
    await picker.locator(tid('picker-submit')).click();
    await waitDialogClosed('folder-picker');
    for (const n of NOTES.slice(0, 2)) await page.locator(row(n.name)).waitFor({ state: 'detached' });
    await expectSelection([], 'the moved notes left the selection');
  });

  await run('the third note is deleted from the selection bar after one confirmation', async () => {
    await box(NOTES[2].name).click();
    await expectSelection([NOTES[2].name], 'the third note');
    await page.locator(tid('selection-delete')).click();
    await page.locator(tid('confirm-dialog')).waitFor();
    const text = await textOf(page, tid('confirm-dialog'));
    if (!text.includes(NOTES[2].name)) throw new Error(`the confirmation does not name the note: ${JSON.stringify(text)}`);
    await page.locator(tid('confirm-ok')).click();
    await waitDialogClosed('confirm-dialog');
    await page.locator(row(NOTES[2].name)).waitFor({ state: 'detached' });
    await expectSelection([], 'nothing left selected');
    await page.locator(row(SUB)).locator(tid('file-open')).click();
    await expectFolder(page, `/${SORTING}/${SUB}`);
    for (const n of NOTES.slice(0, 2)) await page.locator(row(n.name)).waitFor();
  });

  await run(`copying both notes back out when one is already there: the other is copied, the clash is listed`, async () => {
    // First note-1 alone (a selection of one file), then both: note-1 now clashes (412).
    const copyTo = async (names) => {
      for (const n of names) await box(n).click();
      await expectSelection(names, `the notes to copy: ${names.join(', ')}`);
      await page.locator(tid('selection-copy')).click();
      const picker = page.locator(tid('folder-picker'));
      await picker.waitFor();
      await picker.locator(`${tid('picker-crumb')}[data-path=${q(`/${SORTING}`)}]`).click();
      await picker.locator(tid('picker-dest')).filter({ hasText: `/${SORTING}` }).waitFor();
      await picker.locator(tid('picker-submit')).click();
      return picker;
    };
    await copyTo([NOTES[0].name]);
    await waitDialogClosed('folder-picker');
    await page.keyboard.press('Escape');
    await expectSelection([], 'Escape after the first copy');
    const picker = await copyTo([NOTES[0].name, NOTES[1].name]);
    const summary = picker.locator(tid('bulk-summary'));
    await summary.waitFor();
    const failed = await summary.locator(tid('bulk-failed')).evaluateAll((els) => els.map((e) => [e.getAttribute('data-name'), e.textContent]));
    if ((await summary.getAttribute('data-done')) !== '1' || failed.length !== 1 || failed[0][0] !== NOTES[0].name) {
      throw new Error(`the summary says done ${await summary.getAttribute('data-done')}, failed ${JSON.stringify(failed)}`);
    }
    if (!failed[0][1].includes(NOTES[0].name) || failed[0][1].trim() === `“${NOTES[0].name}”:`) throw new Error(`no reason for the clash: ${JSON.stringify(failed[0][1])}`);
    log(`  ${failed[0][1]}`);
    // Escape closes the dialog first, then clears the selection.
    await page.keyboard.press('Escape');
    await waitDialogClosed('folder-picker');
    await page.keyboard.press('Escape');
    await expectSelection([], 'Escape after the dialog');
  });

  await run('on a 360-pixel phone screen the boxes and the selection bar fit and work', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await box(NOTES[0].name).click();
    await box(NOTES[1].name).click({ modifiers: ['Shift'] });
    await expectSelection(NOTES.slice(0, 2).map((n) => n.name), 'two boxes on a phone');
    const overflow = await page.evaluate(() => {
      const out = [];
      for (const id of ['selection-bar', 'selection-download', 'selection-move', 'selection-copy', 'selection-delete', 'file-select']) {
        for (const el of document.querySelectorAll(`[data-testid="${id}"]`)) {
          const r = el.getBoundingClientRect();
          if (r.left < 0 || r.right > window.innerWidth || r.width < 16 || r.height < 16) out.push(`${id} at ${Math.round(r.left)}–${Math.round(r.right)} (${Math.round(r.width)}×${Math.round(r.height)})`);
        }
      }
      if (document.documentElement.scrollWidth > window.innerWidth) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
      return out;
    });
    if (overflow.length) throw new Error(`off screen or too small at 360 px: ${overflow.join('; ')}`);
    await page.keyboard.press('Escape');
    await expectSelection([], 'Escape on a phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });
}

finish(main, {
  name: 'files',
  wholeRun: WHOLE_RUN,
  log,
  state: () => ({ step: currentStep(), page, context, userDataDir, problems: browserProblems }),
});
