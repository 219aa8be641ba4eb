#!/usr/bin/env node
// End-to-end check of a chat guest, in the system's Chromium, against a running Atrium server:
//   the guest opens the conversation's link (/chat/join/TOKEN) → gives a name holding HTML →
//   sees the conversation and its history → a member's message arrives live (the server test
//   posts it once the guest has joined) → the guest sends a message holding HTML, shown as text,
//   with no element made and no dialog opened.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_GUEST_PATH=/chat/join/... node e2e/guest-flow.mjs
//
// Exit 0 on success; on failure prints what failed, saves a screenshot to $ATRIUM_E2E_OUT
// (default /tmp) and exits 1.
import { runFlow, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const PATH = process.env.ATRIUM_GUEST_PATH ?? '';
const NAME = 'Client <b>Dupont</b>';
const HOSTILE = '<img src=x onerror=alert(1)> merci';

if (!BASE || !PATH) {
  console.error('Set ATRIUM_URL and ATRIUM_GUEST_PATH.');
  process.exit(2);
}

runFlow({ name: 'guest-flow', wholeRun: 90_000, actionTimeout: 10_000 }, async ({ page, run }) => {
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  await run('the guest opens the link and joins with a name', async () => {
    await page.goto(`${BASE}${PATH}`, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('guest-name')).fill(NAME);
    await page.locator(tid('guest-join-submit')).click();
    await page.locator(tid('guest-conversation')).waitFor();
    await page.locator(`${tid('guest-message')}:has-text("Welcome to our clients")`).waitFor();
  });

  await run("a member's message arrives live", async () => {
    await page.locator(`${tid('guest-message')}:has-text("Live from Alice")`).waitFor({ timeout: 20_000 });
  });

  await run('the guest sends a message holding HTML, shown as text', async () => {
    await page.locator(tid('guest-composer')).fill(HOSTILE);
    await page.locator(tid('guest-send')).click();
    await page.locator(`${tid('guest-message')}:has-text(${JSON.stringify(HOSTILE)})`).waitFor();
    const made = await page.locator(`${tid('guest-messages')} img`).count();
    if (made !== 0) throw new Error(`the message made ${made} <img> element(s)`);
    const author = await page.locator(`${tid('guest-message')}:has-text(${JSON.stringify(HOSTILE)}) .guest-author`).textContent();
    if (!author?.includes(NAME)) throw new Error(`the author shown is ${JSON.stringify(author)}`);
    if (dialogs.length) throw new Error(`a dialog opened: ${dialogs.join(', ')}`);
  });
});
