// The Files app's dialogs: new folder, rename, delete, and the folder picker
// used to move or copy — the last two for one item or a selection of several.
import { useMemo, useRef, useState } from 'react';
import type { ApiError } from '../../api/client';
import { useAction } from '../../api/client';
import { copy, isSameOrInside, joinPath, mkcol, move, parentPath, pathSegments, remove, type DavEntry } from '../../api/dav';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { useI18n, useT } from '../../i18n/i18n';
import { ProgressBar } from '../../components/ProgressBar';
import { davErrorText, NAME_PROBLEM_TEXT, nameProblem, sortEntries, stemLength } from './model';
import { countText, failureLines, runEach, type BulkResult } from './selection';
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

/**
 * One action over several items: progress while it runs, then what failed and why
 * (the others are done). Returns the items still to do, for a second try.
 */
function useBulk(onDone: () => void) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<(BulkResult & { total: number }) | null>(null);
  const run = async (entries: readonly DavEntry[], act: (e: DavEntry) => Promise<unknown>) => {
    setResult(null);
    setProgress({ done: 0, total: entries.length });
    const r = await runEach(entries, act, (done) => setProgress({ done, total: entries.length }));
    setProgress(null);
    setResult({ ...r, total: entries.length });
    // Whatever was done is shown at once, even when something failed.
    if (r.done > 0) onDone();
    return r;
  };
  return { run, busy: progress !== null, progress, result };
}

function BulkStatus({ bulk }: { bulk: ReturnType<typeof useBulk> }) {
  const { t } = useI18n();
  const { progress, result } = bulk;
  if (progress && progress.total > 1) {
    const text = t('files.select.progress', { done: progress.done, total: progress.total });
    return <ProgressBar value={progress.done} max={progress.total} label={text} valueText={text} text={text} testId="bulk-progress" />;
  }
  if (!result || result.failed.length === 0) return null;
  // One item: its error alone, as before multi-select; several: the count and one line each.
  if (result.total === 1) return <ErrorMessage error={davErrorText(t, result.failed[0].error)} />;
  return (
    <div className="alert alert-error bulk-summary" role="alert" data-testid="bulk-summary" data-failed={result.failed.length} data-done={result.done}>
      <p>{t('files.select.summary', { done: result.done, total: result.total })}</p>
      <ul>
        {failureLines(t, result.failed).map((line, i) => (
          <li key={i} data-testid="bulk-failed" data-name={result.failed[i].name}>
            {line}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The items of a batch that failed, to try again; those already done (or gone) are not sent twice. */
function stillToDo(entries: readonly DavEntry[], r: BulkResult, gone: (e: ApiError) => boolean): DavEntry[] {
  const failed = new Set(r.failed.filter((f) => !gone(f.error)).map((f) => f.name));
  return entries.filter((e) => failed.has(e.name));
}

interface DeleteProps {
  login: string;
  entries: readonly DavEntry[];
  onClose: () => void;
  onDone: () => void;
}

/** Deletes (to the trash) one item or a selection, after one confirmation naming it or its count. */
export function DeleteDialog({ login, entries, onClose, onDone }: DeleteProps) {
  const { t, lang } = useI18n();
  const [todo, setTodo] = useState(entries);
  const bulk = useBulk(onDone);
  const one = entries.length === 1 ? entries[0] : null;
  const items = countText(t, lang, 'files.select.items', entries.length);
  return (
    <ConfirmDialog
      title={one ? (one.isFolder ? t('files.deleteFolderTitle') : t('files.deleteFileTitle')) : t('files.deleteManyTitle', { items })}
      message={
        one
          ? one.isFolder
            ? t('files.deleteFolderConfirm', { name: one.name })
            : t('files.deleteFileConfirm', { name: one.name })
          : t('files.deleteManyConfirm', { items })
      }
      confirmLabel={t('files.deleteForever')}
      danger
      busy={bulk.busy}
      error={<BulkStatus bulk={bulk} />}
      onCancel={onClose}
      onConfirm={async () => {
        const r = await bulk.run(todo, (e) => remove(login, e.path, e.isFolder));
        // Already gone is as good as deleted.
        const left = stillToDo(todo, r, (err) => err.code === 'not-found');
        if (left.length === 0) {
          onDone();
          onClose();
        } else setTodo(left);
      }}
    />
  );
}

/** The path of a picker dialog, each folder above a button that goes there (move, copy, and chat's "from Files"). */
export function PickerCrumbs({ at, onGo }: { at: string; onGo: (path: string) => void }) {
  const t = useT();
  const segments = pathSegments(at);
  const crumbs = [{ path: '/', label: t('files.home') }, ...segments.map((s, i) => ({ path: '/' + segments.slice(0, i + 1).join('/'), label: s }))];
  return (
    <nav className="breadcrumbs picker-crumbs" aria-label={t('files.picker.where')}>
      <ol>
        {crumbs.map((c, i) => (
          <li key={c.path}>
            <button
              type="button"
              className="btn-link"
              aria-current={i === crumbs.length - 1 ? 'location' : undefined}
              onClick={() => onGo(c.path)}
              data-testid="picker-crumb"
              data-path={c.path}
            >
              {c.label}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}

interface PickerProps {
  login: string;
  /** One item, or a selection (all in the same folder). */
  entries: readonly DavEntry[];
  mode: 'move' | 'copy';
  onClose: () => void;
  onDone: () => void;
}

/** Browses folders (PROPFIND Depth 1) to choose where to move or copy one item or a selection. */
export function FolderPickerDialog({ login, entries, mode, onClose, onDone }: PickerProps) {
  const { t, lang } = useI18n();
  const one = entries.length === 1 ? entries[0] : null;
  const from = parentPath(entries[0].path);
  const [at, setAt] = useState(from);
  const [todo, setTodo] = useState(entries);
  const listing = useListing(login, at);
  const data = listing.data && listing.data.folder.path === at ? listing.data : undefined;
  const folders = useMemo(
    () => sortEntries((data?.children ?? []).filter((e) => e.isFolder), { key: 'name', dir: 'asc' }, lang),
    [data, lang],
  );
  const bulk = useBulk(onDone);
  const transfer = (e: DavEntry) =>
    mode === 'move'
      ? move(login, e.path, joinPath(at, e.name), { folder: e.isFolder })
      : copy(login, e.path, joinPath(at, e.name), { folder: e.isFolder });

  const isInsideMoved = (path: string) => todo.some((e) => e.isFolder && isSameOrInside(path, e.path));
  const intoItself = isInsideMoved(at);
  const sameFolder = at === from;
  // One item: a name already there is said before trying; several: each clash is reported
  // after the others are done (the server answers 412, Overwrite: F).
  const taken = one && !sameFolder && data?.children.some((e) => e.name === one.name);
  // A share received offers its folders as destinations only where it lets the user add (C for files, K for folders).
  const perms = data?.folder.permissions ?? null;
  const canCreate = data ? perms === null || todo.every((e) => perms.includes(e.isFolder ? 'K' : 'C')) : false;
  const blocked = intoItself
    ? t('files.picker.intoItself')
    : sameFolder
      ? t('files.picker.sameFolder')
      : data && !canCreate
        ? t('files.picker.noCreate')
        : taken
          ? t('files.error.exists')
          : null;

  const items = countText(t, lang, 'files.select.items', entries.length);
  const title = one
    ? t(mode === 'move' ? 'files.picker.moveTitle' : 'files.picker.copyTitle', { name: one.name })
    : t(mode === 'move' ? 'files.picker.moveManyTitle' : 'files.picker.copyManyTitle', { items });

  return (
    <Dialog title={title} onClose={onClose} testId="folder-picker" wide>
      <PickerCrumbs at={at} onGo={setAt} />

      {listing.error && <ErrorMessage error={davErrorText(t, listing.error)} testId="picker-error" />}
      {!data && !listing.error && <p className="muted">{t('common.loading')}</p>}
      {data && folders.length === 0 && (
        <p className="muted picker-empty" data-testid="picker-empty">
          {t('files.picker.noFolders')}
        </p>
      )}
      {data && folders.length > 0 && (
        <ul className="picker-list" aria-label={t('files.picker.folders')} data-testid="picker-list">
          {folders.map((f) => (
            <li key={f.path}>
              <button
                type="button"
                className="picker-folder"
                disabled={isInsideMoved(f.path)}
                onClick={() => setAt(f.path)}
                data-testid="picker-folder"
                data-name={f.name}
              >
                <Icon name="folder" size={18} />
                <span>{f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}

      <p className="picker-dest" aria-live="polite" data-testid="picker-dest">
        {blocked ?? (one ? t('files.picker.destination', { path: joinPath(at, one.name) }) : t('files.picker.destinationMany', { path: at }))}
      </p>
      <BulkStatus bulk={bulk} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          disabled={!data || !!blocked || bulk.busy}
          onClick={async () => {
            const r = await bulk.run(todo, transfer);
            const left = stillToDo(todo, r, () => false);
            if (left.length === 0) {
              onDone();
              onClose();
            } else setTodo(left);
          }}
          data-testid="picker-submit"
        >
          {mode === 'move' ? t('files.picker.moveHere') : t('files.picker.copyHere')}
        </button>
      </div>
    </Dialog>
  );
}
