#!/usr/bin/env node
// End-to-end check of a person's own settings of their conversations, in the system's Chromium,
// on a 360 px phone screen, against a running Atrium server:
//   alice opens Chat (and a second tab) → bob's one-to-one shows a mention badge and an unread
//   count → the filter field finds "Équipe Sfax" from "equipe" (accents and case ignored) → the
//   Unread filter keeps the two with unread messages → she makes "Projet Tunis" a favourite (it
//   goes first with its star, in the other tab too) → she mutes bob (the mention badge goes, the
//   unread count stays, in the other tab too) → she archives "Équipe Sfax" (gone from the list,
//   there under Archived, gone from the other tab) → she opens it from Archived and writes: a new
//   message brings it back to the list.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... node e2e/chat-list-flow.mjs
//
// Needs a server where alice (no 2FA, English) is in three conversations the server test made:
// the one-to-one with bob (bob wrote "@alice …"), "Équipe Sfax" (bob wrote once) and "Projet
// Tunis" (alice's, read). Exit 0 on success; on failure prints what failed, saves a screenshot
// to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { q, runFlow, signIn, tid } from './harness.mjs';

const BASE = (process.env.ATRIUM_URL ?? '').replace(/\/+$/, '');
const ALICE = { login: 'alice', password: process.env.ATRIUM_ALICE_PASSWORD ?? '' };

if (!BASE || !ALICE.password) {
  console.error('Set ATRIUM_URL and ATRIUM_ALICE_PASSWORD.');
  process.exit(2);
}

const row = (title) => `${tid('chat-conversation-row')}[data-title=${q(title)}]`;
const item = (title) => `${tid('chat-conversation')}[data-title=${q(title)}]`;

/** The titles the list shows, top to bottom. */
async function titles(page) {
  return page.locator(tid('chat-conversation')).evaluateAll((els) => els.map((e) => e.getAttribute('data-title')));
}

async function expectTitles(page, expected, what) {
  // The list follows events; give it the time to settle on what is expected.
  await page.waitForFunction(
    ([sel, want]) => JSON.stringify([...document.querySelectorAll(sel)].map((e) => e.getAttribute('data-title'))) === JSON.stringify(want),
    [tid('chat-conversation'), expected],
  ).catch(async () => {
    throw new Error(`${what}: the list shows ${JSON.stringify(await titles(page))}, not ${JSON.stringify(expected)}`);
  });
}

/** Picks one of a row's own settings from its ⋯ menu. */
async function choose(page, title, choice) {
  await page.locator(`${row(title)} ${tid('chat-row-options')}`).click();
  await page.locator(`${row(title)} ${tid(choice)}`).click();
}

runFlow({ name: 'chat-list-flow', wholeRun: 120_000, actionTimeout: 10_000 }, async ({ page, context, run }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const other = await context.newPage();

  await run('alice opens Chat in two tabs; bob’s one-to-one has a mention and an unread message', async () => {
    await signIn(page, BASE, ALICE);
    for (const p of [page, other]) {
      await p.goto(`${BASE}/chat`, { waitUntil: 'domcontentloaded' });
      await p.locator(`${tid('chat-page')}[data-connection="live"]`).waitFor();
    }
    await page.locator(`${item('bob')} ${tid('chat-mentions')}`).waitFor();
    await page.locator(`${item('bob')} ${tid('chat-unread')}`).waitFor();
  });

  await run('the filter field finds a name whatever its accents and case; the Unread filter keeps the unread ones', async () => {
    await page.locator(`${tid('chat-list-search')}`).fill('EQUIPE');
    await expectTitles(page, ['Équipe Sfax'], 'filtered by "EQUIPE"');
    await page.locator(`${tid('chat-list-search')}`).fill('');
    await page.locator(`${tid('chat-filter')}[data-filter="unread"]`).click();
    const unread = (await titles(page)).sort();
    if (JSON.stringify(unread) !== JSON.stringify(['bob', 'Équipe Sfax'].sort())) throw new Error(`Unread shows ${JSON.stringify(unread)}`);
    await page.locator(`${tid('chat-filter')}[data-filter="all"]`).click();
  });

  await run('she makes "Projet Tunis" a favourite: first with its star, in the other tab too', async () => {
    await choose(page, 'Projet Tunis', 'chat-toggle-favourite');
    await page.locator(`${item('Projet Tunis')}[data-favourite="true"] ${tid('chat-favourite-mark')}`).waitFor();
    for (const p of [page, other]) {
      await p.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-title') === 'Projet Tunis', tid('chat-conversation'));
    }
    await other.locator(`${item('Projet Tunis')}[data-favourite="true"]`).waitFor();
    await page.locator(`${tid('chat-filter')}[data-filter="favourites"]`).click();
    await expectTitles(page, ['Projet Tunis'], 'the Favourites filter');
    await page.locator(`${tid('chat-filter')}[data-filter="all"]`).click();
  });

  await run('she mutes bob: no mention badge, the unread count stays, in the other tab too', async () => {
    await choose(page, 'bob', 'chat-toggle-mute');
    for (const p of [page, other]) {
      await p.locator(`${item('bob')}[data-muted="true"] ${tid('chat-muted-mark')}`).waitFor();
      await p.locator(`${item('bob')} ${tid('chat-mentions')}`).waitFor({ state: 'detached' });
      await p.locator(`${item('bob')} ${tid('chat-unread')}`).waitFor();
    }
  });

  await run('she archives "Équipe Sfax": gone from the list and from the other tab, there under Archived', async () => {
    await choose(page, 'Équipe Sfax', 'chat-toggle-archive');
    await expectTitles(page, ['Projet Tunis', 'bob'], 'after archiving');
    await expectTitles(other, ['Projet Tunis', 'bob'], 'the other tab after archiving');
    await page.locator(`${tid('chat-filter')}[data-filter="archived"]`).click();
    await expectTitles(page, ['Équipe Sfax'], 'the Archived filter');
  });

  await run('she opens it from Archived and writes: the new message brings it back to the list', async () => {
    await page.locator(item('Équipe Sfax')).click();
    await page.locator(tid('chat-input')).fill('Je reprends ce sujet');
    await page.locator(tid('chat-send')).click();
    await page.locator(`${tid('chat-message')}[data-author="alice"]:has-text("Je reprends ce sujet")`).waitFor();
    await page.locator(tid('chat-back')).click();
    await page.locator(`${tid('chat-filter')}[data-filter="all"]`).click();
    await page.locator(`${item('Équipe Sfax')}[data-archived="false"]`).waitFor();
    await other.locator(`${item('Équipe Sfax')}[data-archived="false"]`).waitFor();
  });
});
