#!/usr/bin/env node
// End-to-end check of search in messages, in the system's Chromium, against a running Atrium
// server where alice has a conversation "Plans" of 120 messages, an early one of which reads
// "Réunion d'été lundi" (the server test writes them):
//   alice searches "reunion ete" → one hit, in "Plans", the word marked in its snippet → a click
//   opens the conversation at that message, highlighted and on screen, not at the newest →
//   "newer messages" pages forward until the newest one is there → she sets a status text and
//   sees it come back on her own presence dot, then clears it → a message she writes then shows
//   at the bottom.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... node e2e/chat-search-flow.mjs
//
// Exit 0 on success; on failure prints what failed, saves a screenshot to $ATRIUM_E2E_OUT
// (default /tmp) and exits 1.
import { q, runFlow, signIn, textOf, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ALICE = { login: 'alice', password: process.env.ATRIUM_ALICE_PASSWORD ?? '' };

if (!BASE || !ALICE.password) {
  console.error('Set ATRIUM_URL and ATRIUM_ALICE_PASSWORD.');
  process.exit(2);
}

runFlow({ name: 'chat-search-flow', wholeRun: 120_000, actionTimeout: 10_000 }, async ({ page, run }) => {
  let hitId = '';

  await run('alice searches without accents and finds the message once, the word marked', async () => {
    await signIn(page, BASE, ALICE);
    await page.goto(`${BASE}/chat`, { waitUntil: 'domcontentloaded' });
    await page.locator(tid('chat-search')).fill('reunion ete');
    const hit = page.locator(tid('chat-search-hit'));
    await hit.first().waitFor();
    const count = await hit.count();
    if (count !== 1) throw new Error(`${count} hits instead of 1`);
    const where = await textOf(page, `${tid('chat-search-hit')} .chat-search-where`);
    if (!where.includes('Plans')) throw new Error(`the hit is placed in ${JSON.stringify(where)}`);
    const marked = await textOf(page, `${tid('chat-search-hit')} mark`);
    if (marked !== 'Réunion') throw new Error(`the snippet marks ${JSON.stringify(marked)}`);
    hitId = (await hit.getAttribute('data-id')) ?? '';
  });

  await run('a click opens the conversation at that message, highlighted and on screen', async () => {
    await page.locator(tid('chat-search-hit')).click();
    await page.waitForURL((u) => u.searchParams.get('m') === hitId);
    const focused = page.locator(`[data-focus="true"] ${tid('chat-message')}[data-id=${q(hitId)}]`);
    await focused.waitFor();
    await page.waitForFunction(
      (id) => {
        const el = document.querySelector(`[data-testid="chat-message"][data-id="${id}"]`);
        const box = document.querySelector('[data-testid="chat-messages"]')?.getBoundingClientRect();
        const r = el?.getBoundingClientRect();
        return !!r && !!box && r.top >= box.top && r.bottom <= box.bottom;
      },
      hitId,
    );
    const newest = await page.locator(`${tid('chat-message')}:has-text("message 120")`).count();
    if (newest !== 0) throw new Error('the newest message is shown already: the view did not open at the hit');
    if ((await page.locator(tid('chat-search-results')).count()) !== 0) throw new Error('the results stayed open');
  });

  await run('"newer messages" pages forward to the newest', async () => {
    for (let i = 0; i < 5 && (await page.locator(tid('chat-newer')).count()) > 0; i++) {
      await page.locator(tid('chat-newer')).click();
      await page.waitForFunction(() => document.querySelector('[data-testid="chat-messages"]')?.getAttribute('aria-busy') === 'false');
    }
    await page.locator(`${tid('chat-message')}:has-text("message 120")`).waitFor();
    if ((await page.locator(tid('chat-newer')).count()) !== 0) throw new Error('still "newer messages" after the newest');
  });

  await run('alice sets a status text; it comes back from the server on her own dot, then clears', async () => {
    await page.locator(tid('chat-status-text')).fill('En réunion <b>15 h</b> 📅');
    await page.locator(tid('chat-status-text')).press('Enter');
    await page.locator(`${tid('presence')}[data-login="alice"][aria-label*="En réunion <b>15 h</b> 📅"]`).waitFor();
    await page.locator(tid('chat-status-text')).press('Escape');
    await page.waitForFunction(() => !document.querySelector('[data-testid="presence"][data-login="alice"]')?.getAttribute('aria-label')?.includes('—'));
  });

  await run('a message written from there shows at the bottom', async () => {
    await page.locator(tid('chat-input')).fill('Found it, thanks');
    await page.locator(tid('chat-send')).click();
    await page.locator(`${tid('chat-message')}:has-text("Found it, thanks")`).waitFor();
    const last = await page.locator(tid('chat-message')).last().textContent();
    if (!last?.includes('Found it, thanks')) throw new Error(`the last message shown is ${JSON.stringify(last)}`);
  });
});
