#!/usr/bin/env node
// End-to-end check of files in a conversation, two people each in their own browser, against
// a running Atrium server, in the system's Chromium (no browser download):
//   alice and bob open the group "Chantier" → alice drops an image and a 24 MiB PDF onto the
//   conversation at once → each shows a progress bar while it is sent (seen moving below
//   100 %), then leaves → bob sees both messages live: the image as its thumbnail (loaded
//   from the server's preview), the PDF as a card with its name, whose name holding HTML is
//   text → bob downloads the PDF and it is byte for byte what alice dropped (SHA-256).
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... ATRIUM_BOB_PASSWORD=... node e2e/chat-attach-flow.mjs
//
// Needs /usr/bin/chromium and a server with alice and bob (no 2FA, language English) who are
// in a group conversation named "Chantier" (BrowserTest makes it). Exit 0 on success; on
// failure prints what failed, saves a screenshot to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { aliceAndBob, finishTwo, forbidDialogs, openBrowser, openChat, q, signIn, steps, tid } from './harness.mjs';

const { base: BASE, alice: ALICE, bob: BOB } = aliceAndBob();
const ACTION_TIMEOUT = 15_000;
const WHOLE_RUN = 180_000;
const IMAGE = 'chantier.png';
const PDF = 'devis <b>2026.pdf';
const PDF_BYTES = 24 << 20;

const { log, run, current } = steps();
const problems = [];
const browsers = {};

/** The PDF's bytes, made the same way here and in alice's page: "%PDF-1.4" then a pattern. */
function pdfBytes() {
  const b = new Uint8Array(PDF_BYTES);
  const head = '%PDF-1.4\n';
  for (let i = 0; i < b.length; i++) b[i] = i < head.length ? head.charCodeAt(i) : (i * 7 + 3) & 255;
  return b;
}

/** Opens Chat and then the conversation "Chantier", once the WebSocket is caught up. */
async function openConversation(page) {
  await openChat(page, BASE);
  await page.locator(`${tid('chat-conversation')}[data-title="Chantier"]`).click();
  await page.locator(tid('chat-input')).waitFor();
}

const attachment = (name) => `${tid('chat-attachment')}[data-name=${q(name)}]`;

async function main() {
  browsers.alice = await openBrowser(problems, ACTION_TIMEOUT);
  browsers.bob = await openBrowser(problems, ACTION_TIMEOUT);
  const a = browsers.alice.page;
  const b = browsers.bob.page;
  forbidDialogs(a, 'alice', problems);
  forbidDialogs(b, 'bob', problems);

  await run('alice and bob sign in and open the conversation "Chantier"', async () => {
    await signIn(a, BASE, ALICE);
    await signIn(b, BASE, BOB);
    await openConversation(a);
    await openConversation(b);
  });

  await run(`alice drops an image and a ${PDF_BYTES >> 20} MiB PDF onto the conversation and sees them sent with progress`, async () => {
    // Every value a progress bar shows is recorded, to know it moved and was seen short of 100 %.
    await a.evaluate(() => {
      window.__progress = [];
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('[data-testid="chat-upload-progress"] [role="progressbar"]')) {
          window.__progress.push([Number(bar.getAttribute('aria-valuenow')), Number(bar.getAttribute('aria-valuemax'))]);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    });
    const dt = await a.evaluateHandle(
      async ([image, pdf, size]) => {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 200;
        const g = canvas.getContext('2d');
        g.fillStyle = '#e67e22';
        g.fillRect(0, 0, 320, 200);
        g.fillStyle = '#2c3e50';
        g.fillRect(40, 40, 120, 80);
        const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
        const bytes = new Uint8Array(size);
        const head = '%PDF-1.4\n';
        for (let i = 0; i < bytes.length; i++) bytes[i] = i < head.length ? head.charCodeAt(i) : (i * 7 + 3) & 255;
        const d = new DataTransfer();
        d.items.add(new File([png], image, { type: 'image/png' }));
        d.items.add(new File([bytes], pdf, { type: 'application/pdf' }));
        return d;
      },
      [IMAGE, PDF, PDF_BYTES],
    );
    for (const type of ['dragenter', 'dragover']) await a.dispatchEvent(tid('chat-conversation-view'), type, { dataTransfer: dt });
    await a.locator(tid('chat-drop-hint')).waitFor();
    await a.dispatchEvent(tid('chat-conversation-view'), 'drop', { dataTransfer: dt });
    await a.locator(`${attachment(IMAGE)} ${tid('chat-attachment-preview')}`).waitFor({ timeout: 30_000 });
    await a.locator(attachment(PDF)).waitFor({ timeout: 60_000 });
    await a.locator(tid('chat-upload')).waitFor({ state: 'detached' });
    const seen = await a.evaluate(() => window.__progress);
    // The PDF's bar is the one whose maximum is its size (the image is a few kilobytes).
    const partial = seen.filter(([value, max]) => max === PDF_BYTES && value > 0 && value < max);
    if (partial.length === 0) throw new Error(`no progress was shown short of 100 % for the PDF: ${JSON.stringify(seen.slice(0, 20))}`);
    log(`  progress values seen for the PDF: ${partial.length}`);
  });

  await run('bob sees the image as its thumbnail and the PDF as a card, live, names as text', async () => {
    const img = b.locator(`${attachment(IMAGE)} ${tid('chat-attachment-preview')}`);
    await img.waitFor();
    await b.waitForFunction((sel) => {
      const el = document.querySelector(sel);
      return el && el.complete && el.naturalWidth > 0;
    }, `${attachment(IMAGE)} img`);
    const card = b.locator(attachment(PDF));
    await card.waitFor();
    const name = (await card.locator(tid('chat-attachment-name')).textContent()) ?? '';
    if (name !== PDF) throw new Error(`the card shows ${JSON.stringify(name)}`);
    if ((await b.locator('[data-testid="chat-messages"] b').count()) > 0) throw new Error('a name made a <b> element');
    if ((await card.getAttribute('data-kind')) !== 'file') throw new Error('the PDF is not shown as a card');
  });

  await run('bob downloads the PDF: byte for byte what alice dropped', async () => {
    const [download] = await Promise.all([
      b.waitForEvent('download', { timeout: 30_000 }),
      b.locator(`${attachment(PDF)} ${tid('chat-attachment-download')}`).click(),
    ]);
    const path = await download.path();
    const got = createHash('sha256').update(readFileSync(path)).digest('hex');
    const want = createHash('sha256').update(pdfBytes()).digest('hex');
    if (got !== want) throw new Error(`the download differs: sha256 ${got}, expected ${want}`);
    // The browser may replace < and > in the name it saves under; the rest is the file's name.
    if (!/^devis .b.2026\.pdf$/.test(download.suggestedFilename())) throw new Error(`the download is named ${download.suggestedFilename()}`);
  });
}

finishTwo(main, { name: 'chat-attach', wholeRun: WHOLE_RUN, log, current, browsers, problems });
