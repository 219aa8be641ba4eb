// A group's settings, each offered only to the roles the server lets do it (`may` in
// chat.ts): rename, lock read-only, add and remove members, change roles, the guest link
// and its guests (LinkSettings), leave, delete. Removing, leaving and deleting ask first.
import { useState } from 'react';
import { chatApi, may, type Conversation, type Role } from '../../api/chat';
import { useAction } from '../../api/client';
import { SHARE_USER, useShareeSearch } from '../../api/shares';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { useT } from '../../i18n/i18n';
import { LinkSettings } from './LinkSettings';

interface Props {
  conversation: Conversation;
  me: string;
  onClose: () => void;
  onChanged: (c: Conversation) => void;
  /** After leaving or deleting: the conversation is no longer the caller's. */
  onGone: () => void;
}

type Confirming = { kind: 'remove'; login: string } | { kind: 'leave' } | { kind: 'delete' };

export function ConversationSettings({ conversation: c, me, onClose, onChanged, onGone }: Props) {
  const t = useT();
  const role: Role = c.members.find((m) => m.login === me)?.role ?? 'member';
  const [name, setName] = useState(c.name);
  const [input, setInput] = useState('');
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const { found } = useShareeSearch(may.manage(role) ? input : '');
  const people = found?.filter((s) => s.shareType === SHARE_USER && !c.members.some((m) => m.login === s.shareWith)) ?? null;
  const change = useAction((call: Promise<Conversation>) => call);
  const gone = useAction((call: Promise<void>) => call);
  const run = async (call: Promise<Conversation>) => {
    const r = await change.run(call);
    if (r.ok) onChanged(r.value);
  };
  const confirm = async () => {
    if (!confirming) return;
    const call =
      confirming.kind === 'delete'
        ? chatApi.deleteConversation(c.id)
        : chatApi.removeMember(c.id, confirming.kind === 'leave' ? me : confirming.login);
    const r = await gone.run(call);
    if (!r.ok) return;
    if (confirming.kind === 'remove') {
      setConfirming(null);
      const fresh = await change.run(chatApi.conversation(c.id));
      if (fresh.ok) onChanged(fresh.value);
    } else onGone();
  };

  return (
    <Dialog title={t('chat.settings.title', { name: c.name })} onClose={onClose} testId="chat-settings" wide>
      {may.manage(role) && (
        <form
          className="chat-settings-rename"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim() && name.trim() !== c.name) void run(chatApi.update(c.id, { name: name.trim() }));
          }}
        >
          <TextField label={t('chat.new.name')} value={name} onChange={setName} maxLength={200} testId="chat-settings-name" />
          <button type="submit" className="btn btn-small" disabled={change.busy || !name.trim() || name.trim() === c.name} data-testid="chat-settings-rename">
            {t('chat.settings.rename')}
          </button>
        </form>
      )}
      {may.manage(role) && (
        <label className="chat-settings-lock">
          <input
            type="checkbox"
            checked={c.readOnly}
            disabled={change.busy}
            onChange={(e) => void run(chatApi.update(c.id, { readOnly: e.target.checked }))}
            data-testid="chat-settings-lock"
          />
          {t('chat.settings.lock')}
        </label>
      )}
      <h3>{t('chat.members', { n: c.members.length })}</h3>
      <ul className="chat-settings-members">
        {c.members.map((m) => (
          <li key={m.login} data-testid="chat-settings-member" data-login={m.login} data-role={m.role}>
            <span>{m.login}</span>
            {may.changeRoles(role) && m.login !== me ? (
              <select
                value={m.role}
                disabled={change.busy}
                aria-label={t('chat.settings.roleOf', { name: m.login })}
                onChange={(e) => void run(chatApi.setRole(c.id, m.login, e.target.value as Role))}
                data-testid="chat-settings-role"
              >
                {(['member', 'moderator', 'owner'] as const).map((r) => (
                  <option key={r} value={r}>
                    {t(`chat.role.${r}`)}
                  </option>
                ))}
              </select>
            ) : (
              <span className="muted">{t(`chat.role.${m.role}`)}</span>
            )}
            {m.login !== me && may.remove(role, m.role) && (
              <button type="button" className="btn btn-small btn-link" onClick={() => setConfirming({ kind: 'remove', login: m.login })} data-testid="chat-settings-remove">
                {t('chat.settings.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {may.manage(role) && (
        <>
          <TextField label={t('chat.new.add')} type="search" value={input} onChange={setInput} autoComplete="off" testId="chat-settings-search" />
          {people && people.length === 0 && <p className="muted">{t('chat.new.noMatch', { q: input.trim() })}</p>}
          <ul className="chat-new-hits">
            {people?.map((s) => (
              <li key={s.shareWith}>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={change.busy}
                  onClick={() => {
                    setInput('');
                    void run(chatApi.addMember(c.id, s.shareWith));
                  }}
                  data-testid="chat-settings-add"
                  data-login={s.shareWith}
                >
                  {s.label} <span className="muted">{s.detail}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <ErrorMessage error={change.error} testId="chat-settings-error" />
      {may.manage(role) && <LinkSettings conversation={c} onChanged={onChanged} />}
      <div className="chat-settings-end">
        <button type="button" className="btn" onClick={() => setConfirming({ kind: 'leave' })} data-testid="chat-settings-leave">
          {t('chat.settings.leave')}
        </button>
        {may.deleteConversation(role) && (
          <button type="button" className="btn btn-danger" onClick={() => setConfirming({ kind: 'delete' })} data-testid="chat-settings-delete">
            {t('chat.settings.delete')}
          </button>
        )}
      </div>
      {confirming && (
        <ConfirmDialog
          title={t(`chat.settings.${confirming.kind}`)}
          message={
            confirming.kind === 'remove'
              ? t('chat.settings.removeConfirm', { name: confirming.login, conversation: c.name })
              : t(`chat.settings.${confirming.kind}Confirm`, { conversation: c.name })
          }
          confirmLabel={t(`chat.settings.${confirming.kind}`)}
          danger
          busy={gone.busy}
          error={<ErrorMessage error={gone.error} testId="chat-settings-confirm-error" />}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void confirm()}
        />
      )}
    </Dialog>
  );
}
