// Picks one file of the person's own Files to attach where it is (no copy): folders are
// browsed (PROPFIND Depth 1, the Files app's listing), a file is chosen by a click.
import { useMemo, useState } from 'react';
import type { DavEntry } from '../../api/dav';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { PickerCrumbs } from '../files/FileDialogs';
import { davErrorText, sortEntries } from '../files/model';
import { useListing } from '../files/queries';

export function FilePickerDialog({ login, onClose, onPick }: { login: string; onClose: () => void; onPick: (file: DavEntry) => void }) {
  const { t, lang } = useI18n();
  const [at, setAt] = useState('/');
  const listing = useListing(login, at);
  const data = listing.data && listing.data.folder.path === at ? listing.data : undefined;
  // Folders first, then files, each by name; files of a share received (someone else's) are not offered.
  const entries = useMemo(() => {
    const sorted = sortEntries(data?.children ?? [], { key: 'name', dir: 'asc' }, lang);
    const own = (e: DavEntry) => !e.ownerId || e.ownerId === login;
    return [...sorted.filter((e) => e.isFolder), ...sorted.filter((e) => !e.isFolder && own(e))];
  }, [data, lang, login]);

  return (
    <Dialog title={t('chat.file.pickTitle')} onClose={onClose} testId="chat-file-picker" wide>
      <PickerCrumbs at={at} onGo={setAt} />
      {listing.error && <ErrorMessage error={davErrorText(t, listing.error)} testId="picker-error" />}
      {!data && !listing.error && <p className="muted">{t('common.loading')}</p>}
      {data && entries.length === 0 && <p className="muted picker-empty">{t('chat.file.pickEmpty')}</p>}
      {data && entries.length > 0 && (
        <ul className="picker-list" data-testid="picker-list">
          {entries.map((e) => (
            <li key={e.path}>
              <button type="button" className="picker-folder" onClick={() => (e.isFolder ? setAt(e.path) : onPick(e))}
                data-testid={e.isFolder ? 'picker-folder' : 'picker-file'} data-name={e.name}>
                <Icon name={e.isFolder ? 'folder' : 'file'} size={18} />
                <span>{e.name}</span>
                {!e.isFolder && <span className="muted"> — {formatBytes(e.size, lang)}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
      </div>
    </Dialog>
  );
}
