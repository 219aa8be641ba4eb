// The guest link of a group, for its owners and moderators (docs/api/chat.md "Guests"):
// make it (with a password or none), copy it, make a new one, revoke it, and see and remove
// the guests who joined through it. Revoking and removing ask first.
import { useEffect, useState } from 'react';
import { chatApi, type Conversation, type GuestLink, type GuestRef } from '../../api/chat';
import { toApiError, useAction, type ApiError } from '../../api/client';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { CopyButton } from '../../components/Secret';
import { useT } from '../../i18n/i18n';

interface Props {
  conversation: Conversation;
  /** The conversation read again after a guest left it. */
  onChanged: (c: Conversation) => void;
}

type Confirming = { kind: 'revoke' } | { kind: 'guest'; guest: GuestRef };

export function LinkSettings({ conversation: c, onChanged }: Props) {
  const t = useT();
  // undefined while asking the server, null when there is no link.
  const [link, setLink] = useState<GuestLink | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [password, setPassword] = useState('');
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const make = useAction((p: string) => chatApi.makeLink(c.id, p));
  const end = useAction((call: Promise<void>) => call);

  const id = c.id;
  const isPublic = c.public;
  // Read again when the link changes elsewhere (another moderator), which `public` tells.
  useEffect(() => {
    chatApi.link(id).then(
      (l) => setLink(l),
      (e: unknown) => {
        const err = toApiError(e);
        if (err.status === 404) setLink(null);
        else setLoadError(err);
      },
    );
  }, [id, isPublic]);

  const submit = async () => {
    const r = await make.run(password);
    if (r.ok) {
      setLink(r.value);
      setPassword('');
    }
  };
  const confirm = async () => {
    if (!confirming) return;
    const r = await end.run(confirming.kind === 'revoke' ? chatApi.revokeLink(c.id) : chatApi.removeGuest(c.id, confirming.guest.id));
    if (!r.ok) return;
    if (confirming.kind === 'revoke') setLink(null);
    setConfirming(null);
    chatApi.conversation(c.id).then(onChanged, (e: unknown) => setLoadError(toApiError(e)));
  };

  const url = link ? `${window.location.origin}${link.path}` : '';
  return (
    <section className="chat-link" data-testid="chat-link" data-public={!!link}>
      <h3>{t('chat.link.title')}</h3>
      <p className="muted">{t('chat.link.intro')}</p>
      <ErrorMessage error={loadError} testId="chat-link-load-error" />
      {link === null && <p data-testid="chat-link-none">{t('chat.link.none')}</p>}
      {link && (
        <div className="chat-link-current">
          <div className="chat-link-row">
            <TextField label={t('chat.link.url')} value={url} onChange={() => undefined} readOnly testId="chat-link-url" />
            <CopyButton text={url} label={t('chat.link.copy')} testId="chat-link-copy" />
          </div>
          <p className="muted" data-testid="chat-link-password-state">
            {link.password ? t('chat.link.withPassword') : t('chat.link.noPassword')}
          </p>
          <button type="button" className="btn btn-small btn-danger" onClick={() => setConfirming({ kind: 'revoke' })} data-testid="chat-link-revoke">
            {t('chat.link.revoke')}
          </button>
        </div>
      )}
      {link !== undefined && (
        <form
          className="chat-link-make"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <TextField
            label={t('chat.link.password')}
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="new-password"
            hint={link ? t('chat.link.passwordHint') : undefined}
            testId="chat-link-password"
          />
          <button type="submit" className="btn btn-small" disabled={make.busy} data-testid="chat-link-make">
            {link ? t('chat.link.remake') : t('chat.link.make')}
          </button>
        </form>
      )}
      <ErrorMessage error={make.error} testId="chat-link-error" />
      <h4>{t('chat.link.guests', { n: c.guests.length })}</h4>
      {c.guests.length === 0 && <p className="muted">{t('chat.link.noGuests')}</p>}
      <ul className="chat-settings-members">
        {c.guests.map((g) => (
          <li key={g.id} data-testid="chat-link-guest" data-name={g.name}>
            <span>
              {g.name} <span className="muted">({t('guest.mark')})</span>
            </span>
            <button type="button" className="btn btn-small btn-link" onClick={() => setConfirming({ kind: 'guest', guest: g })} data-testid="chat-link-guest-remove">
              {t('chat.link.removeGuest')}
            </button>
          </li>
        ))}
      </ul>
      {confirming && (
        <ConfirmDialog
          title={confirming.kind === 'revoke' ? t('chat.link.revoke') : t('chat.link.removeGuest')}
          message={
            confirming.kind === 'revoke'
              ? t('chat.link.revokeConfirm', { conversation: c.name })
              : t('chat.link.removeGuestConfirm', { name: confirming.guest.name, conversation: c.name })
          }
          confirmLabel={confirming.kind === 'revoke' ? t('chat.link.revoke') : t('chat.link.removeGuest')}
          danger
          busy={end.busy}
          error={<ErrorMessage error={end.error} testId="chat-link-confirm-error" />}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void confirm()}
        />
      )}
    </section>
  );
}
