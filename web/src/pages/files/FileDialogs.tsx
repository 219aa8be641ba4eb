// The Files app's dialogs: new folder, rename, delete, and the folder picker
// used to move or copy.
import { useMemo, useRef, useState } from 'react';
import { useAction } from '../../api/client';
import { copy, isSameOrInside, joinPath, mkcol, move, parentPath, pathSegments, remove, type DavEntry } from '../../api/dav';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { useI18n } from '../../i18n/i18n';
import { davErrorText, NAME_PROBLEM_TEXT, nameProblem, sortEntries, stemLength } from './model';
import { useListing } from './queries';

interface NewFolderProps {
  login: string;
  folder: string;
  siblings: ReadonlySet<string>;
  onClose: () => void;
  onDone: () => void;
}

export function NewFolderDialog({ login, folder, siblings, onClose, onDone }: NewFolderProps) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const create = useAction((n: string) => mkcol(login, joinPath(folder, n)));
  const clean = name.trim();
  const problem = nameProblem(clean, siblings);
  return (
    <Dialog title={t('files.newFolderTitle')} onClose={onClose} testId="new-folder-dialog">
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTouched(true);
          if (problem) return;
          const r = await create.run(clean);
          if (r.ok) {
            onDone();
            onClose();
          }
        }}
      >
        <TextField
          label={t('files.folderName')}
          value={name}
          onChange={(v) => {
            setName(v);
            create.setError(null);
          }}
          autoComplete="off"
          spellCheck={false}
          error={touched && problem ? t(NAME_PROBLEM_TEXT[problem], { name: clean }) : null}
          testId="new-folder-name"
        />
        <ErrorMessage error={create.error && davErrorText(t, create.error)} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.busy} data-testid="new-folder-submit">
            {t('files.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface RenameProps {
  login: string;
  entry: DavEntry;
  siblings: ReadonlySet<string>;
  onClose: () => void;
  onDone: () => void;
}

export function RenameDialog({ login, entry, siblings, onClose, onDone }: RenameProps) {
  const { t } = useI18n();
  const [name, setName] = useState(entry.name);
  const [touched, setTouched] = useState(false);
  const selected = useRef(false);
  const rename = useAction((n: string) => move(login, entry.path, joinPath(parentPath(entry.path), n), { folder: entry.isFolder }));
  const clean = name.trim();
  const problem = nameProblem(clean, siblings, entry.name);
  return (
    <Dialog title={t('files.renameTitle', { name: entry.name })} onClose={onClose} testId="rename-dialog">
      <form
        noValidate
        onSubmit={async (e) => {
          e.preventDefault();
          setTouched(true);
          if (problem) return;
          if (clean === entry.name) {
            onClose();
            return;
          }
          const r = await rename.run(clean);
          if (r.ok) {
            onDone();
            onClose();
          }
        }}
      >
        <TextField
          label={t('files.newName')}
          value={name}
          onChange={(v) => {
            setName(v);
            rename.setError(null);
          }}
          onFocus={(e) => {
            // The first time: select the name without its extension, ready to type over.
            if (selected.current) return;
            selected.current = true;
            e.currentTarget.setSelectionRange(0, stemLength(entry.name, entry.isFolder));
          }}
          autoComplete="off"
          spellCheck={false}
          error={touched && problem ? t(NAME_PROBLEM_TEXT[problem], { name: clean }) : null}
          testId="rename-name"
        />
        <ErrorMessage error={rename.error && davErrorText(t, rename.error)} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={rename.busy} data-testid="rename-submit">
            {t('files.rename')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface DeleteProps {
  login: string;
  entry: DavEntry;
  onClose: () => void;
  onDone: () => void;
}

export function DeleteDialog({ login, entry, onClose, onDone }: DeleteProps) {
  const { t } = useI18n();
  const del = useAction(() => remove(login, entry.path, entry.isFolder));
  return (
    <ConfirmDialog
      title={entry.isFolder ? t('files.deleteFolderTitle') : t('files.deleteFileTitle')}
      message={entry.isFolder ? t('files.deleteFolderConfirm', { name: entry.name }) : t('files.deleteFileConfirm', { name: entry.name })}
      confirmLabel={t('files.deleteForever')}
      danger
      busy={del.busy}
      error={<ErrorMessage error={del.error && davErrorText(t, del.error)} />}
      onCancel={onClose}
      onConfirm={async () => {
        const r = await del.run();
        // Already gone is as good as deleted.
        if (r.ok || r.error.code === 'not-found') {
          onDone();
          onClose();
        }
      }}
    />
  );
}

interface PickerProps {
  login: string;
  entry: DavEntry;
  mode: 'move' | 'copy';
  onClose: () => void;
  onDone: () => void;
}

/** Browses folders (PROPFIND Depth 1) to choose where to move or copy an item. */
export function FolderPickerDialog({ login, entry, mode, onClose, onDone }: PickerProps) {
  const { t, lang } = useI18n();
  const from = parentPath(entry.path);
  const [at, setAt] = useState(from);
  const listing = useListing(login, at);
  const data = listing.data && listing.data.folder.path === at ? listing.data : undefined;
  const folders = useMemo(
    () => sortEntries((data?.children ?? []).filter((e) => e.isFolder), { key: 'name', dir: 'asc' }, lang),
    [data, lang],
  );
  const action = useAction((dest: string) =>
    mode === 'move' ? move(login, entry.path, dest, { folder: entry.isFolder }) : copy(login, entry.path, dest, { folder: entry.isFolder }),
  );

  const dest = joinPath(at, entry.name);
  const intoItself = entry.isFolder && isSameOrInside(at, entry.path);
  const sameFolder = at === from;
  const taken = !sameFolder && data?.children.some((e) => e.name === entry.name);
  // A share received offers its folders as destinations only where it lets the user add (C for files, K for folders).
  const canCreate = data ? data.folder.permissions === null || data.folder.permissions.includes(entry.isFolder ? 'K' : 'C') : false;
  const blocked = intoItself
    ? t('files.picker.intoItself')
    : sameFolder
      ? t('files.picker.sameFolder')
      : data && !canCreate
        ? t('files.picker.noCreate')
        : taken
          ? t('files.error.exists')
          : null;

  const segments = pathSegments(at);
  const crumbs = [{ path: '/', label: t('files.home') }, ...segments.map((s, i) => ({ path: '/' + segments.slice(0, i + 1).join('/'), label: s }))];
  const go = (path: string) => {
    action.setError(null);
    setAt(path);
  };

  return (
    <Dialog
      title={mode === 'move' ? t('files.picker.moveTitle', { name: entry.name }) : t('files.picker.copyTitle', { name: entry.name })}
      onClose={onClose}
      testId="folder-picker"
      wide
    >
      <nav className="breadcrumbs picker-crumbs" aria-label={t('files.picker.where')}>
        <ol>
          {crumbs.map((c, i) => (
            <li key={c.path}>
              <button
                type="button"
                className="btn-link"
                aria-current={i === crumbs.length - 1 ? 'location' : undefined}
                onClick={() => go(c.path)}
                data-testid="picker-crumb"
                data-path={c.path}
              >
                {c.label}
              </button>
            </li>
          ))}
        </ol>
      </nav>

      {listing.error && <ErrorMessage error={davErrorText(t, listing.error)} testId="picker-error" />}
      {!data && !listing.error && <p className="muted">{t('common.loading')}</p>}
      {data && folders.length === 0 && (
        <p className="muted picker-empty" data-testid="picker-empty">
          {t('files.picker.noFolders')}
        </p>
      )}
      {data && folders.length > 0 && (
        <ul className="picker-list" aria-label={t('files.picker.folders')} data-testid="picker-list">
          {folders.map((f) => {
            const self = entry.isFolder && isSameOrInside(f.path, entry.path);
            return (
              <li key={f.path}>
                <button type="button" className="picker-folder" disabled={self} onClick={() => go(f.path)} data-testid="picker-folder" data-name={f.name}>
                  <Icon name="folder" size={18} />
                  <span>{f.name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}

      <p className="picker-dest" aria-live="polite" data-testid="picker-dest">
        {blocked ?? t('files.picker.destination', { path: dest })}
      </p>
      <ErrorMessage error={action.error && davErrorText(t, action.error)} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!data || !!blocked || action.busy}
          onClick={async () => {
            const r = await action.run(dest);
            if (r.ok) {
              onDone();
              onClose();
            }
          }}
          data-testid="picker-submit"
        >
          {mode === 'move' ? t('files.picker.moveHere') : t('files.picker.copyHere')}
        </button>
      </div>
    </Dialog>
  );
}
