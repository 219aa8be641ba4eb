// A button opening the built-in emoji set (emoji.ts) with a search field, for reactions
// and for the composer. Escape closes it; a pick closes it too.
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { searchEmoji } from './emoji';

export function EmojiPicker({ label, onPick, testId }: { label: string; onPick: (emoji: string) => void; testId: string }) {
  const { t, lang } = useI18n();
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const found = searchEmoji(query);
  return (
    <span className="chat-emoji" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), setOpen(false))}>
      <button type="button" className="btn btn-small btn-link" aria-label={label} title={label} aria-expanded={open} onClick={() => setOpen(!open)} data-testid={testId}>
        😊+
      </button>
      {open && (
        <div className="chat-emoji-panel" role="dialog" aria-label={label} data-testid="emoji-picker">
          <input
            type="search"
            value={query}
            autoFocus
            placeholder={t('chat.emojiSearch')}
            aria-label={t('chat.emojiSearch')}
            onChange={(e) => setQuery(e.target.value)}
            data-testid="emoji-search"
          />
          <div className="chat-emoji-grid">
            {found.map((x) => (
              <button
                key={x.e}
                type="button"
                className="chat-emoji-choice"
                title={lang === 'fr' ? x.fr : x.en}
                aria-label={(lang === 'fr' ? x.fr : x.en).split(' ')[0]}
                onClick={() => {
                  onPick(x.e);
                  setOpen(false);
                  setQuery('');
                }}
                data-testid="emoji-choice"
                data-emoji={x.e}
              >
                {x.e}
              </button>
            ))}
            {found.length === 0 && <span className="muted">{t('chat.emojiNone')}</span>}
          </div>
        </div>
      )}
    </span>
  );
}
