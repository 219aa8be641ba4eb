#!/usr/bin/env node
// End-to-end check of the chat between two people, each in their own browser, against a
// running Atrium server, in the system's Chromium (no browser download):
//   alice and bob open Chat (bob on a 360 px phone screen) → alice starts a conversation
//   with bob and sends a message → bob's list shows an unread badge live (no reload) →
//   he opens it (the list gives way to the conversation), the badge clears, he answers
//   → alice sees the answer live → a two-line message keeps its line break → a message
//   holding HTML shows as text, with no element made and no dialog opened in either browser
//   → bob reacts 👍, alice edits one message and deletes another, each seen live by the other
//   → alice mentions bob through the @ completion in a Markdown message (bold, code, a safe
//   link, a javascript: one left as text) → bob reacts 🎉 found by its French name → bob goes
//   "do not disturb" and alice sees his dot change → alice makes a group with bob, renames
//   and locks it (bob cannot write), makes bob moderator (he can), then deletes it (gone for bob).
//   Bob's navigation shows the unread total on Chat.
//
//   ATRIUM_URL=https://127.0.0.1:18443 ATRIUM_ALICE_PASSWORD=... ATRIUM_BOB_PASSWORD=... node e2e/chat-flow.mjs
//
// Needs /usr/bin/chromium and a server with alice and bob (no 2FA, language English) who have
// no conversation yet. Exit 0 on success; on failure prints what failed, saves a screenshot
// to $ATRIUM_E2E_OUT (default /tmp) and exits 1.
import { aliceAndBob, finishTwo, forbidDialogs, openBrowser, openChat, q, signIn, steps, tid } from './harness.mjs';

const { base: BASE, alice: ALICE, bob: BOB } = aliceAndBob();
const ACTION_TIMEOUT = 10_000;
const WHOLE_RUN = 180_000;
const HOSTILE = '<img src=x onerror=alert(1)>';
const MARKDOWN = '**gras** et `code` [lien](https://example.org) [x](javascript:alert(1))';

const { log, run, current } = steps();
const problems = [];
const browsers = {};

const message = (author, text) => `${tid('chat-message')}[data-author=${q(author)}] ${tid('chat-text')}:text-is(${JSON.stringify(text)})`;

async function main() {
  browsers.alice = await openBrowser(problems, ACTION_TIMEOUT);
  browsers.bob = await openBrowser(problems, ACTION_TIMEOUT);
  const a = browsers.alice.page;
  const b = browsers.bob.page;
  forbidDialogs(a, 'alice', problems);
  forbidDialogs(b, 'bob', problems);
  await b.setViewportSize({ width: 360, height: 740 });

  await run('alice and bob sign in and open Chat; bob has no conversation', async () => {
    await signIn(a, BASE, ALICE);
    await signIn(b, BASE, BOB);
    await openChat(a, BASE);
    await openChat(b, BASE);
    await b.locator(tid('chat-empty')).waitFor();
    // Set once: still there at the end means bob's page was never reloaded.
    await b.evaluate(() => {
      window.__chatFlowNoReload = true;
    });
  });

  const bobsRow = `${tid('chat-conversation')}[data-title="alice"]`;
  await run('alice starts a conversation with bob and sends a message with Enter', async () => {
    await a.locator(tid('chat-new')).click();
    await a.locator(tid('chat-new-search')).fill('bob');
    await a.locator(`${tid('chat-new-hit')}[data-login="bob"]`).click();
    await a.waitForURL(/\/chat\/\d+$/);
    await a.locator(tid('chat-new-dialog')).waitFor({ state: 'detached' });
    await a.locator(tid('chat-input')).fill('Bonjour Bob, le bilan est prêt.');
    await a.locator(tid('chat-input')).press('Enter');
    await a.locator(`${tid('chat-message')}[data-own="true"] ${tid('chat-text')}:text-is("Bonjour Bob, le bilan est prêt.")`).waitFor();
    // The live event may show the message before the answer to the POST empties the composer.
    await a.waitForFunction((sel) => document.querySelector(sel)?.value === '', tid('chat-input'), { timeout: 5000 }).catch(() => {
      throw new Error('the composer was not emptied after sending');
    });
  });

  await run("bob's list shows one unread message live, without a reload", async () => {
    await b.locator(`${bobsRow} ${tid('chat-unread')}`).waitFor();
    const count = (await b.locator(`${bobsRow} ${tid('chat-unread')}`).textContent())?.trim();
    if (count !== '1') throw new Error(`bob's badge says ${count}, expected 1`);
    // The navigation (folded away on a phone) carries the total too.
    await b.locator(`${tid('nav-chat-unread')}:text-is("1")`).waitFor({ state: 'attached' });
    if (await b.locator(tid('chat-conversation-view')).isVisible()) throw new Error('a conversation shows beside the list on a phone');
  });

  await run('bob opens it: the conversation replaces the list, the message is there, the badge clears', async () => {
    await b.locator(bobsRow).click();
    await b.locator(message('alice', 'Bonjour Bob, le bilan est prêt.')).waitFor();
    if (await b.locator(tid('chat-list')).isVisible()) throw new Error('the list still shows beside the conversation on a phone');
    await b.locator(tid('chat-back')).click();
    await b.locator(bobsRow).waitFor();
    await b.locator(`${bobsRow} ${tid('chat-unread')}`).waitFor({ state: 'detached' });
    await b.locator(tid('nav-chat-unread')).waitFor({ state: 'detached' });
    await b.locator(bobsRow).click();
  });

  await run('bob answers and alice sees it live', async () => {
    await b.locator(tid('chat-input')).fill('Merci Alice !');
    await b.locator(tid('chat-send')).click();
    await a.locator(message('bob', 'Merci Alice !')).waitFor();
    await a.locator(`${tid('chat-conversation')}[data-title="bob"] ${tid('presence')}[data-status="online"]`).waitFor();
    // alice is reading this conversation: the answer is not unread for her.
    await a.waitForTimeout(300);
    if ((await a.locator(`${tid('chat-conversation')} ${tid('chat-unread')}`).count()) > 0) {
      throw new Error("alice's open conversation shows an unread badge");
    }
  });

  await run('Shift+Enter makes a new line instead of sending', async () => {
    const input = a.locator(tid('chat-input'));
    await input.fill('ligne 1');
    await input.press('Shift+Enter');
    await input.pressSequentially('ligne 2');
    if ((await input.inputValue()) !== 'ligne 1\nligne 2') throw new Error(`the composer holds ${JSON.stringify(await input.inputValue())}`);
    await input.press('Enter');
    await b.locator(`${tid('chat-message')}[data-author="alice"] ${tid('chat-text')}`).filter({ hasText: 'ligne 2' }).waitFor();
    const shown = await b.locator(`${tid('chat-message')}[data-author="alice"] ${tid('chat-text')}`).last().textContent();
    if (shown !== 'ligne 1\nligne 2') throw new Error(`bob sees ${JSON.stringify(shown)}`);
  });

  await run('a message holding HTML shows as text in both browsers, and nothing runs', async () => {
    await a.locator(tid('chat-input')).fill(HOSTILE);
    await a.locator(tid('chat-input')).press('Enter');
    for (const [who, page] of [['alice', a], ['bob', b]]) {
      await page.locator(message('alice', HOSTILE)).waitFor();
      const images = await page.locator(`${tid('chat-messages')} img`).count();
      if (images > 0) throw new Error(`${who}'s page made ${images} <img> out of a message`);
    }
    await b.waitForTimeout(500); // time enough for an onerror to have fired
    const dialogs = problems.filter((p) => p.includes('dialog'));
    if (dialogs.length) throw new Error(dialogs.join('; '));
  });

  const first = (page) => page.locator(tid('chat-message')).filter({ hasText: 'Bonjour Bob' });
  await run("bob reacts 👍 to alice's first message and she sees it live", async () => {
    await first(b).locator(`${tid('chat-reaction')}[data-emoji="👍"]`).click();
    await first(b).locator(`${tid('chat-reaction')}[data-emoji="👍"][data-count="1"][aria-pressed="true"]`).waitFor();
    await first(a).locator(`${tid('chat-reaction')}[data-emoji="👍"][data-count="1"][aria-pressed="false"]`).waitFor();
  });

  await run('alice edits her first message and deletes the two-line one; bob sees both live', async () => {
    await first(a).locator(tid('chat-edit')).click();
    await first(a).locator(tid('chat-edit-input')).fill('Bonjour Bob, le bilan est prêt (v2).');
    await first(a).locator(tid('chat-edit-input')).press('Enter');
    await b.locator(message('alice', 'Bonjour Bob, le bilan est prêt (v2).')).waitFor();
    await first(b).locator(tid('chat-edited')).waitFor();
    if ((await first(b).locator(`${tid('chat-reaction')}[data-emoji="👍"][data-count="1"]`).count()) !== 1) {
      throw new Error('the reaction went with the edit');
    }
    await a.locator(tid('chat-message')).filter({ hasText: 'ligne 2' }).locator(tid('chat-delete')).click();
    await a.locator(tid('confirm-ok')).click();
    await b.locator(`${tid('chat-message')}[data-author="alice"] ${tid('chat-deleted')}`).waitFor();
    if ((await b.locator(tid('chat-message')).filter({ hasText: 'ligne 2' }).count()) !== 0) throw new Error('bob still sees the deleted text');
    if (!(await b.evaluate(() => window.__chatFlowNoReload === true))) throw new Error("bob's page was reloaded during the flow");
  });

  const markdown = (page) => page.locator(tid('chat-message')).filter({ hasText: 'gras et code' });
  await run('alice mentions bob through the @ completion in a Markdown message; bob sees it formatted and safe', async () => {
    const input = a.locator(tid('chat-input'));
    await input.fill('');
    await input.pressSequentially('@');
    await a.locator(`${tid('chat-mention-option')}[data-login="bob"][aria-selected="true"]`).waitFor();
    await input.press('ArrowDown');
    await a.locator(`${tid('chat-mention-option')}[data-login="all"][aria-selected="true"]`).waitFor();
    await input.press('ArrowUp');
    await input.pressSequentially('b');
    await a.locator(`${tid('chat-mention-option')}[data-login="all"]`).waitFor({ state: 'detached' });
    await a.locator(`${tid('chat-mention-option')}[data-login="bob"][aria-selected="true"]`).waitFor();
    await input.press('Enter');
    if ((await input.inputValue()) !== '@bob ') throw new Error(`the completion gave ${JSON.stringify(await input.inputValue())}`);
    await a.locator(tid('chat-mention-suggestions')).waitFor({ state: 'detached' });
    await input.pressSequentially(MARKDOWN);
    await input.press('Enter');
    const m = markdown(b);
    await m.locator(`${tid('chat-mention')}[data-own="true"]:text-is("@bob")`).waitFor();
    await m.locator('strong:text-is("gras")').waitFor();
    await m.locator('code:text-is("code")').waitFor();
    await m.locator('a[href="https://example.org/"][target="_blank"][rel="noopener noreferrer"]:text-is("lien")').waitFor();
    if ((await m.locator('a').count()) !== 1) throw new Error('the javascript: link was made a link');
    if (!(await m.textContent()).includes('[x](javascript:alert(1))')) throw new Error('the refused link is not shown as typed');
    await markdown(a).locator(`${tid('chat-mention')}[data-own="false"]`).waitFor();
  });

  await run('bob reacts 🎉, found in the picker by its French name; alice sees it live', async () => {
    await markdown(b).locator(tid('chat-react-more')).click();
    await b.locator(tid('emoji-search')).fill('fête');
    await b.locator(`${tid('emoji-choice')}[data-emoji="🎉"]`).click();
    await b.locator(tid('emoji-picker')).waitFor({ state: 'detached' });
    await markdown(a).locator(`${tid('chat-reaction')}[data-emoji="🎉"][data-count="1"]`).waitFor();
  });

  await run('bob goes "do not disturb"; alice sees his dot change in the list and the header', async () => {
    await b.locator(tid('chat-back')).click();
    await b.locator(tid('chat-status')).selectOption('dnd');
    await a.locator(`${tid('chat-conversation')}[data-title="bob"] ${tid('presence')}[data-status="dnd"]`).waitFor();
    await a.locator(`${tid('chat-conversation-view')} ${tid('presence')}[data-login="bob"][data-status="dnd"]`).waitFor();
    await b.locator(tid('chat-status')).selectOption('online');
    await a.locator(`${tid('chat-conversation')}[data-title="bob"] ${tid('presence')}[data-status="online"]`).waitFor();
  });

  const group = (name) => `${tid('chat-conversation')}[data-title=${q(name)}]`;
  const member = (login) => `${tid('chat-settings-member')}[data-login=${q(login)}]`;
  await run('alice makes a group with bob, renames and locks it: bob sees the new name and cannot write', async () => {
    await a.locator(tid('chat-new')).click();
    await a.locator(tid('chat-new-group')).click();
    await a.locator(tid('chat-new-name')).fill('Projet');
    await a.locator(tid('chat-new-search')).fill('bob');
    await a.locator(`${tid('chat-new-hit')}[data-login="bob"]`).click();
    await a.locator(tid('chat-new-create')).click();
    await a.locator(`${tid('chat-title')}:text-is("Projet")`).waitFor();
    await a.locator(tid('chat-settings-open')).click();
    await a.locator(`${member('bob')}[data-role="member"]`).waitFor();
    await a.locator(tid('chat-settings-name')).fill('Projet X');
    await a.locator(tid('chat-settings-rename')).click();
    await a.locator(`${tid('chat-title')}:text-is("Projet X")`).waitFor();
    // Checked once the server has said yes (the box follows the conversation's state).
    await a.locator(tid('chat-settings-lock')).click();
    await a.locator(`${tid('chat-settings-lock')}:checked`).waitFor();
    await b.locator(group('Projet X')).click();
    await b.locator(tid('chat-locked')).waitFor();
    // A member keeps the settings button (to leave); it comes with the conversation's details,
    // which load after the list that shows the lock: waited for, not counted at once.
    await b.locator(tid('chat-settings-open')).waitFor();
  });

  await run('alice makes bob moderator: he may write in the locked group; then she deletes it, and it leaves his list', async () => {
    await a.locator(`${member('bob')} ${tid('chat-settings-role')}`).selectOption('moderator');
    await a.locator(`${member('bob')}[data-role="moderator"]`).waitFor();
    await b.locator(tid('chat-input')).waitFor();
    await a.locator(tid('chat-settings-delete')).click();
    await a.locator(tid('confirm-ok')).click();
    await a.waitForURL(/\/chat$/);
    await a.locator(group('Projet X')).waitFor({ state: 'detached' });
    await b.waitForURL(/\/chat$/);
    await b.locator(group('Projet X')).waitFor({ state: 'detached' });
  });
}

finishTwo(main, { name: 'chat', wholeRun: WHOLE_RUN, log, current, browsers, problems });
