// "New conversation": with one person (opens the existing one-to-one if there is
// one), or a named group of people found in the same directory as sharing uses.
import { useState } from 'react';
import { chatApi, type NewConversation } from '../../api/chat';
import { useAction } from '../../api/client';
import { SHARE_USER, useShareeSearch, type Sharee } from '../../api/shares';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { useT } from '../../i18n/i18n';

interface Props {
  me: string;
  onClose: () => void;
  onCreated: (id: string) => void;
}

export function NewConversationDialog({ me, onClose, onCreated }: Props) {
  const t = useT();
  const [kind, setKind] = useState<'direct' | 'group'>('direct');
  const [name, setName] = useState('');
  const [input, setInput] = useState('');
  const [members, setMembers] = useState<Sharee[]>([]);
  const { found, error: searchError } = useShareeSearch(input);
  const create = useAction((body: NewConversation) => chatApi.create(body));
  const people = found?.filter((s) => s.shareType === SHARE_USER && s.shareWith !== me) ?? null;

  const start = async (body: NewConversation) => {
    const r = await create.run(body);
    if (r.ok) onCreated(r.value.id);
  };

  const pick = (s: Sharee) => {
    if (kind === 'direct') void start({ kind: 'direct', with: s.shareWith });
    else {
      setMembers((m) => (m.some((x) => x.shareWith === s.shareWith) ? m : [...m, s]));
      setInput('');
    }
  };

  return (
    <Dialog title={t('chat.new')} onClose={onClose} testId="chat-new-dialog">
      <div role="group" aria-label={t('chat.new.kind')} className="chat-new-kinds">
        {(['direct', 'group'] as const).map((k) => (
          <button
            key={k}
            type="button"
            className="btn btn-small"
            aria-pressed={kind === k}
            onClick={() => setKind(k)}
            data-testid={`chat-new-${k}`}
          >
            {t(k === 'direct' ? 'chat.new.person' : 'chat.new.group')}
          </button>
        ))}
      </div>
      {kind === 'group' && (
        <TextField label={t('chat.new.name')} value={name} onChange={setName} maxLength={200} testId="chat-new-name" />
      )}
      <TextField
        label={t(kind === 'direct' ? 'chat.new.with' : 'chat.new.add')}
        type="search"
        value={input}
        onChange={setInput}
        autoComplete="off"
        testId="chat-new-search"
      />
      <ErrorMessage error={searchError} testId="chat-new-search-error" />
      {people && people.length === 0 && <p className="muted">{t('chat.new.noMatch', { q: input.trim() })}</p>}
      {people && people.length > 0 && (
        <ul className="chat-new-hits">
          {people.map((s) => (
            <li key={s.shareWith}>
              <button type="button" className="btn btn-small" disabled={create.busy} onClick={() => pick(s)} data-testid="chat-new-hit" data-login={s.shareWith}>
                {s.label} <span className="muted">{s.detail}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {kind === 'group' && (
        <>
          <ul className="chat-new-members">
            {members.map((s) => (
              <li key={s.shareWith} data-testid="chat-new-member" data-login={s.shareWith}>
                {s.label}
                <button
                  type="button"
                  className="btn btn-small btn-link"
                  onClick={() => setMembers((m) => m.filter((x) => x !== s))}
                  aria-label={t('chat.new.removeMember', { name: s.label })}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="btn btn-primary"
            disabled={create.busy || !name.trim()}
            onClick={() => void start({ kind: 'group', name: name.trim(), members: members.map((s) => s.shareWith) })}
            data-testid="chat-new-create"
          >
            {t('chat.new.create')}
          </button>
        </>
      )}
      <ErrorMessage error={create.error} testId="chat-new-error" />
    </Dialog>
  );
}
