// One row of the conversation list: the link to the conversation with its badges and marks,
// and a menu of the caller's own settings for it (favourite, mute, archive).
import { chatApi, titleOf, type ConversationSummary, type Personal } from '../../api/chat';
import { useAction } from '../../api/client';
import { ErrorMessage } from '../../components/Form';
import { RowMenu } from '../../components/RowMenu';
import { useT } from '../../i18n/i18n';
import { Link } from '../../router';
import { PresenceDot, type PresenceMap } from './presence';

interface Props {
  c: ConversationSummary;
  to: string;
  selected: boolean;
  presence: PresenceMap;
  onPersonal: (p: Personal) => void;
}

export function ConversationRow({ c, to, selected, presence, onPersonal }: Props) {
  const t = useT();
  const title = titleOf(c);
  const change = useAction((call: Promise<Personal>) => call);
  const set = async (patch: Partial<Omit<Personal, 'conversation'>>) => {
    const r = await change.run(chatApi.setPersonal(c.id, patch));
    if (r.ok) onPersonal(r.value);
  };

  return (
    <li className="chat-list-row" data-testid="chat-conversation-row" data-title={title}>
      <Link
        to={to}
        className="chat-list-item"
        aria-current={selected ? 'page' : undefined}
        data-testid="chat-conversation"
        data-id={c.id}
        data-title={title}
        data-favourite={c.favourite}
        data-muted={c.muted}
        data-archived={c.archived}
      >
        {c.kind === 'direct' && c.with && <PresenceDot login={c.with} map={presence} />}
        {c.favourite && (
          <span className="chat-mark" role="img" aria-label={t('chat.list.favourite')} title={t('chat.list.favourite')} data-testid="chat-favourite-mark">
            ★
          </span>
        )}
        <span className="chat-list-title">{title}</span>
        {c.kind === 'group' && <span className="muted chat-list-members">{t('chat.members', { n: c.memberCount })}</span>}
        {c.muted && (
          <span className="chat-mark" role="img" aria-label={t('chat.list.muted')} title={t('chat.list.muted')} data-testid="chat-muted-mark">
            🔕
          </span>
        )}
        {c.mentions > 0 && (
          <span className="badge chat-badge-mention" data-testid="chat-mentions" aria-label={t('chat.mentionsLabel', { n: c.mentions })}>
            @{c.mentions}
          </span>
        )}
        {c.unread > 0 && (
          <span className={`badge chat-badge ${c.muted ? 'chat-badge-muted' : ''}`} data-testid="chat-unread" aria-label={t('chat.unreadLabel', { n: c.unread })}>
            {c.unread}
          </span>
        )}
      </Link>
      <RowMenu label="⋯" ariaLabel={t('chat.list.options', { name: title })} testId="chat-row-options">
        <button type="button" className="btn btn-small" disabled={change.busy} onClick={() => void set({ favourite: !c.favourite })} data-testid="chat-toggle-favourite">
          {t(c.favourite ? 'chat.list.unfavourite' : 'chat.list.makeFavourite')}
        </button>
        <button type="button" className="btn btn-small" disabled={change.busy} onClick={() => void set({ muted: !c.muted })} data-testid="chat-toggle-mute">
          {t(c.muted ? 'chat.list.unmute' : 'chat.list.mute')}
        </button>
        <button type="button" className="btn btn-small" disabled={change.busy} onClick={() => void set({ archived: !c.archived })} data-testid="chat-toggle-archive">
          {t(c.archived ? 'chat.list.unarchive' : 'chat.list.archive')}
        </button>
      </RowMenu>
      <ErrorMessage error={change.error} testId="chat-row-error" />
    </li>
  );
}
