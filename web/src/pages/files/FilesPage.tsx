// The Files app: one folder of the signed-in person's files at /files/…path
// (the path is in the URL, so reload and back/forward work), with breadcrumbs,
// sorting, a name filter, a search of all the files, new folder, upload
// (buttons and drag-and-drop of files and whole folders; large files in
// resumable chunks), download (folders as a zip), thumbnails, rename, move,
// copy, delete and sharing (the share dialog; marks on what the user shared and
// on what others shared with them, whose read-only items offer no changes); several
// items at once through a selection (check boxes, Shift and Ctrl/Cmd clicks) and its bar.
import { useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import { downloadUrl, parentPath, pathSegments, remove, zipUrl, type DavEntry } from '../../api/dav';
import { SHARE_GROUP, SHARE_LINK, SHARE_USER } from '../../api/shares';
import { useAction } from '../../api/client';
import { ConfirmDialog } from '../../components/Dialog';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage, SelectField, TextField } from '../../components/Form';
import { Icon } from '../../components/Icon';
import { Moment } from '../../components/Moment';
import { ProgressBar } from '../../components/ProgressBar';
import { RowMenu } from '../../components/RowMenu';
import { formatBytes, formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { Link } from '../../router';
import { useUser } from '../../session';
import { DeleteDialog, FolderPickerDialog, NewFolderDialog, RenameDialog } from './FileDialogs';
import { davErrorText, DEFAULT_SORT, filesUrl, filterEntries, folderFromUrl, nextSort, sortEntries, type Sort, type SortKey } from './model';
import { droppedItems, fromFileList, walkDropped, type Picked } from './picked';
import { refreshFiles, useListing, useQuota } from './queries';
import { allState, bulkActions, clickSelect, countText, NO_SELECTION, selectedEntries, toggleAll, type Allowed, type Selection } from './selection';
import { SearchResults } from './SearchResults';
import { ShareDialog } from './ShareDialog';
import { SHARED_WITH_ME_URL } from './SharesPage';
import { allows, inShare, isReadOnly, rowActions, sharedBy } from './sharing';
import { Thumb } from './Thumb';
import { TRASH_URL } from './TrashPage';
import { UploadPanel } from './UploadPanel';
import { VersionsDialog } from './VersionsDialog';
import { uploads } from './uploads';
import './Files.css';

// The sort as one choice, for narrow screens where the size and date columns are hidden.
const SORT_OPTIONS = ['name-asc', 'name-desc', 'size-desc', 'size-asc', 'modified-desc', 'modified-asc'] as const;

type Open =
  | { kind: 'new-folder' }
  | { kind: 'rename'; entry: DavEntry }
  | { kind: 'move' | 'copy'; entries: DavEntry[] }
  | { kind: 'delete'; entries: DavEntry[] }
  | { kind: 'versions'; entry: DavEntry }
  | { kind: 'share' | 'leave'; entry: DavEntry }
  | null;

export function FilesPage({ path }: { path: string }) {
  const { t, lang } = useI18n();
  const { login } = useUser();
  const folder = folderFromUrl(path) ?? '/';
  const listing = useListing(login, folder);
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  const [filter, setFilter] = useState('');
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const [sel, setSel] = useState<Selection>(NO_SELECTION);
  const [dropError, setDropError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  // A folder chosen from the upload-folder button comes with its sub-folders.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  // Another folder: start with no filter and move the focus to its title, so that
  // keyboard and screen reader users know where they are.
  const shownFolder = useRef(folder);
  useEffect(() => {
    if (shownFolder.current === folder) return;
    shownFolder.current = folder;
    setFilter('');
    setOpen(null);
    setSel(NO_SELECTION);
    headingRef.current?.focus();
  }, [folder]);

  // The listing may be of a previous folder while the new one loads: keep it only if it matches.
  const data = listing.data && listing.data.folder.path === folder ? listing.data : undefined;
  const isFile = data ? !data.folder.isFolder : false;
  const children = useMemo(() => data?.children ?? [], [data]);
  const names = useMemo(() => new Set(children.map((e) => e.name)), [children]);
  const shown = useMemo(() => sortEntries(filterEntries(children, filter), sort, lang), [children, filter, sort, lang]);
  const order = useMemo(() => shown.map((e) => e.path), [shown]);
  // What is selected and still shown: a filter or a change elsewhere may hide some.
  const selected = useMemo(() => selectedEntries(sel, shown), [sel, shown]);
  const select = (path: string, shift: boolean) => setSel((s) => clickSelect(s, order, path, shift));
  const folderPerms = data?.folder.permissions ?? null;
  const canUpload = !isFile && allows(folderPerms, 'C');
  const canMakeFolder = !isFile && allows(folderPerms, 'K');
  // A read-only share: say so rather than ignore what is dropped on it.
  const readOnlyShare = !!data && !isFile && inShare(data.folder) && isReadOnly(data.folder);
  const canShareFolder = !!data && !isFile && folder !== '/' && allows(folderPerms, 'R');

  // The search runs once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchInput.trim()), 300);
    return () => clearTimeout(timer);
  }, [searchInput]);
  // Opening a result (another folder) ends the search.
  useEffect(() => {
    setSearchInput('');
    setSearch('');
  }, [folder]);

  // Escape clears the selection; a dialog or an open row menu takes it first (the menu is a
  // popover, which the browser closes after this keydown, so it is checked for here).
  const hasSelection = selected.length > 0 && open === null;
  useEffect(() => {
    if (!hasSelection) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || menuOpen()) return;
      setSel(NO_SELECTION);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [hasSelection]);

  const enqueue = (picked: Picked) => {
    if (picked.files.length === 0 && picked.folders.length === 0) return;
    uploads.add(login, folder, picked, names);
  };

  // Files dropped where nothing may be uploaded are refused here, with a message,
  // instead of being opened by the browser or silently ignored.
  const refuseDrop = (e: DragEvent) => {
    if (canUpload || !Array.from(e.dataTransfer.types).includes('Files')) return false;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'none';
    return true;
  };

  const onDragEnter = (e: DragEvent) => {
    if (refuseDrop(e)) return;
    if (!canUpload || !Array.from(e.dataTransfer.types).includes('Files')) return;
    e.preventDefault();
    dragDepth.current++;
    setDragging(true);
  };
  const onDragOver = (e: DragEvent) => {
    if (refuseDrop(e)) return;
    if (!canUpload || !Array.from(e.dataTransfer.types).includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = () => {
    dragDepth.current = Math.max(0, dragDepth.current - 1);
    if (dragDepth.current === 0) setDragging(false);
  };
  const onDrop = (e: DragEvent) => {
    if (refuseDrop(e)) {
      setDropError(readOnlyShare ? t('files.share.dropReadOnly', { folder: title }) : t('files.dropNotAllowed', { folder: title }));
      return;
    }
    if (!canUpload) return;
    e.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    setDropError(null);
    // Read the items now: the DataTransfer is emptied when the event ends.
    const items = droppedItems(e.dataTransfer);
    walkDropped(items).then(enqueue, () => setDropError(t('files.dropFailed')));
  };

  const title = folder === '/' ? t('files.title') : pathSegments(folder).at(-1)!;

  return (
    <div
      className={`page files-page ${dragging ? 'files-dragging' : ''}`}
      data-testid="files-page"
      data-path={folder}
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <div className="files-head">
        <h1 ref={headingRef} tabIndex={-1} className="files-title">
          {title}
        </h1>
        <QuotaBar login={login} />
      </div>

      <Breadcrumbs folder={folder} />

      <div className="files-toolbar">
        <TextField
          label={t('files.search.label')}
          type="search"
          value={searchInput}
          onChange={setSearchInput}
          placeholder={t('files.search.placeholder')}
          className="field-inline files-search"
          testId="files-search"
        />
        <TextField
          label={t('files.filter')}
          type="search"
          value={filter}
          onChange={setFilter}
          placeholder={t('files.filterPlaceholder')}
          className="field-inline files-filter"
          testId="files-filter"
        />
        <SelectField
          label={t('files.sortBy')}
          value={`${sort.key}-${sort.dir}`}
          onChange={(v) => {
            const [key, dir] = v.split('-') as [SortKey, Sort['dir']];
            setSort({ key, dir });
          }}
          options={SORT_OPTIONS.map((o) => ({ value: o, label: t(`files.sort.${o}`) }))}
          className="field-inline files-sort-select"
          testId="files-sort"
        />
        <div className="files-actions">
          <button type="button" className="btn" disabled={!canMakeFolder} onClick={() => setOpen({ kind: 'new-folder' })} data-testid="files-new-folder">
            <Icon name="folderPlus" size={18} />
            {t('files.newFolder')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!canUpload} onClick={() => filesInput.current?.click()} data-testid="files-upload">
            <Icon name="upload" size={18} />
            {t('files.upload')}
          </button>
          <button type="button" className="btn" disabled={!canUpload} onClick={() => folderInput.current?.click()} data-testid="files-upload-folder">
            {t('files.uploadFolder')}
          </button>
          {canShareFolder && (
            <button type="button" className="btn" onClick={() => setOpen({ kind: 'share', entry: data.folder })} data-testid="files-share-folder">
              <Icon name="share" size={18} />
              {t('files.share.action')}
            </button>
          )}
          {data && !isFile && children.length > 0 && (
            <a className="btn" href={zipUrl([folder])} download data-testid="files-download-zip">
              <Icon name="download" size={18} />
              {t('files.downloadZip')}
            </a>
          )}
          <Link to={SHARED_WITH_ME_URL} className="btn" data-testid="files-shares">
            {t('files.shares.withMe')}
          </Link>
          <Link to={TRASH_URL} className="btn" data-testid="files-trash">
            {t('files.trash')}
          </Link>
          <input
            ref={filesInput}
            type="file"
            multiple
            hidden
            tabIndex={-1}
            aria-label={t('files.upload')}
            data-testid="files-upload-input"
            onChange={(e) => {
              enqueue(fromFileList(Array.from(e.target.files ?? [])));
              e.target.value = '';
            }}
          />
          <input
            ref={folderInput}
            type="file"
            multiple
            hidden
            tabIndex={-1}
            aria-label={t('files.uploadFolder')}
            data-testid="files-upload-folder-input"
            onChange={(e) => {
              enqueue(fromFileList(Array.from(e.target.files ?? [])));
              e.target.value = '';
            }}
          />
        </div>
      </div>
      {canUpload && <p className="files-drop-hint muted">{t('files.dropHint')}</p>}
      {readOnlyShare && (
        <p className="alert alert-warn" data-testid="files-read-only-share">
          {t('files.share.readOnlyFolder', { owner: data.folder.ownerName ?? '' })}
        </p>
      )}

      <ErrorMessage error={dropError} testId="files-drop-error" />
      <UploadPanel />

      {search && <SearchResults key={search} query={search} />}

      {!search && listing.error && (
        <div className="files-error">
          <ErrorMessage error={davErrorText(t, listing.error)} testId="files-error" />
          <div className="button-row">
            <button type="button" className="btn" onClick={listing.reload} data-testid="files-retry">
              {t('common.retry')}
            </button>
            {folder !== '/' && (
              <Link to={filesUrl(listing.error.code === 'not-found' ? '/' : parentPath(folder))} className="btn" data-testid="files-up">
                {listing.error.code === 'not-found' ? t('files.backHome') : t('files.up')}
              </Link>
            )}
          </div>
        </div>
      )}

      {!search && !data && !listing.error && (
        <p className="muted" data-testid="files-loading" aria-live="polite">
          {t('common.loading')}
        </p>
      )}

      {!search && data && isFile && (
        <p className="alert alert-error" data-testid="files-not-folder">
          {t('files.notFolder')}{' '}
          <a href={downloadUrl(login, folder)} download={data.folder.name}>
            {t('files.download')}
          </a>
        </p>
      )}

      {!search && data && !isFile && children.length === 0 && (
        <div className="files-empty" data-testid="files-empty">
          <Icon name="folder" size={40} />
          <p>{t('files.empty')}</p>
          {canUpload && <p className="muted">{t('files.emptyHint')}</p>}
        </div>
      )}

      {!search && data && !isFile && children.length > 0 && shown.length === 0 && (
        <p className="muted" data-testid="files-no-match">
          {t('files.noMatch', { q: filter.trim() })}
        </p>
      )}

      {!search && selected.length > 0 && (
        <SelectionBar login={login} entries={selected} onOpen={setOpen} onClear={() => setSel(NO_SELECTION)} />
      )}

      {!search && data && shown.length > 0 && (
        <DataTable
          testId="files-table"
          className="files-table"
          wrapClassName="files-table-wrap"
          busy={listing.loading}
          caption={t('files.tableCaption', { folder: title })}
          header={
            <>
              <th scope="col" className="files-col-select">
                <SelectAll state={allState(sel, order)} onChange={() => setSel((s) => toggleAll(s, order))} />
              </th>
              <SortHeader label={t('files.name')} k="name" sort={sort} onSort={setSort} />
              <SortHeader label={t('files.size')} k="size" sort={sort} onSort={setSort} className="files-col-size" />
              <SortHeader label={t('files.modified')} k="modified" sort={sort} onSort={setSort} className="files-col-modified" />
            </>
          }
          actions
          actionsClassName="files-col-actions"
        >
          {shown.map((e) => (
            <FileRow key={e.path} entry={e} login={login} onOpen={setOpen} selected={sel.paths.has(e.path)} onSelect={select} />
          ))}
        </DataTable>
      )}

      {!search && data && children.length > 0 && (
        <p className="files-count muted" aria-live="polite" data-testid="files-count">
          {t('files.count', { folders: children.filter((e) => e.isFolder).length, files: children.filter((e) => !e.isFolder).length })}
        </p>
      )}

      {dragging && (
        <div className="files-drop-overlay" aria-hidden="true">
          <p>{t('files.dropHere', { folder: title })}</p>
        </div>
      )}

      {open?.kind === 'new-folder' && (
        <NewFolderDialog login={login} folder={folder} siblings={names} onClose={() => setOpen(null)} onDone={refreshFiles} />
      )}
      {open?.kind === 'rename' && <RenameDialog login={login} entry={open.entry} siblings={names} onClose={() => setOpen(null)} onDone={refreshFiles} />}
      {(open?.kind === 'move' || open?.kind === 'copy') && (
        <FolderPickerDialog login={login} entries={open.entries} mode={open.kind} onClose={() => setOpen(null)} onDone={refreshFiles} />
      )}
      {open?.kind === 'versions' && <VersionsDialog login={login} entry={open.entry} onClose={() => setOpen(null)} onDone={refreshFiles} />}
      {open?.kind === 'share' && <ShareDialog entry={open.entry} onClose={() => setOpen(null)} />}
      {open?.kind === 'leave' && <LeaveDialog login={login} entry={open.entry} onClose={() => setOpen(null)} />}
      {open?.kind === 'delete' && <DeleteDialog login={login} entries={open.entries} onClose={() => setOpen(null)} onDone={refreshFiles} />}
    </div>
  );
}

/** Whether a row menu (a popover) is open; browsers without popovers show menus inline. */
function menuOpen(): boolean {
  try {
    return document.querySelector(':popover-open') !== null;
  } catch {
    return false;
  }
}

function SortHeader({ label, k, sort, onSort, className }: { label: string; k: SortKey; sort: Sort; onSort: (s: Sort) => void; className?: string }) {
  const active = sort.key === k;
  return (
    <th scope="col" className={className} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" className="files-sort" onClick={() => onSort(nextSort(sort, k))} data-testid={`files-sort-${k}`}>
        {label}
        <span aria-hidden="true" className="files-sort-arrow">
          {active ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
        </span>
      </button>
    </th>
  );
}

interface RowProps {
  entry: DavEntry;
  login: string;
  onOpen: (o: Open) => void;
  selected: boolean;
  onSelect: (path: string, shift: boolean) => void;
}

function FileRow({ entry: e, login, onOpen, selected, onSelect }: RowProps) {
  const { t, lang } = useI18n();
  const size = formatBytes(e.size, lang);
  const modified = e.lastModified === null ? '—' : formatDateTime(e.lastModified, lang);
  const can = rowActions(e);
  const owner = sharedBy(e, login);
  const readOnly = inShare(e) && isReadOnly(e);
  // Ctrl/Cmd or Shift and a click on the row (not on its link or buttons, which keep
  // their own meaning, such as opening in a new tab) selects, as in a file manager.
  const onRowClick = (ev: MouseEvent) => {
    if (!(ev.ctrlKey || ev.metaKey || ev.shiftKey)) return;
    if ((ev.target as Element).closest('a, button, input, label')) return;
    ev.preventDefault();
    onSelect(e.path, ev.shiftKey);
  };
  return (
    <tr
      onClick={onRowClick}
      aria-selected={selected}
      className={selected ? 'files-row-selected' : undefined}
      data-testid="file-row"
      data-name={e.name}
      data-type={e.isFolder ? 'folder' : 'file'}
      data-size={e.size}
      data-shared={e.shareTypes.length > 0 ? e.shareTypes.join(',') : undefined}
      data-owner={owner ?? undefined}
      data-read-only={readOnly ? 'true' : undefined}
      data-selected={selected ? 'true' : undefined}
    >
      <td className="files-col-select">
        <input
          type="checkbox"
          checked={selected}
          // onClick, not onChange: it carries Shift (also for the space bar).
          onClick={(ev) => onSelect(e.path, ev.shiftKey)}
          onChange={() => {}}
          aria-label={t('files.select.row', { name: e.name })}
          data-testid="file-select"
        />
      </td>
      <td className="files-name-cell">
        <span className="files-name">
          <Thumb fileId={e.fileId} etag={e.etag} isFolder={e.isFolder} hasPreview={e.hasPreview} />
          {e.isFolder ? (
            <Link to={filesUrl(e.path)} className="files-link" data-testid="file-open">
              {e.name}
            </Link>
          ) : (
            <a href={downloadUrl(login, e.path)} download={e.name} className="files-link" data-testid="file-open">
              {e.name}
            </a>
          )}
          <ShareMarks entry={e} owner={owner} readOnly={readOnly} />
        </span>
        <span className="files-meta-narrow muted">
          {size} · {modified}
        </span>
      </td>
      <td className="cell-nowrap files-col-size" data-testid="file-size">
        {size}
      </td>
      <td className="cell-nowrap files-col-modified" data-testid="file-modified">
        <Moment at={e.lastModified} format={(at) => formatDateTime(at, lang)} />
      </td>
      <td className="cell-actions files-col-actions">
        <RowMenu label={t('files.more')} ariaLabel={t('files.actionsFor', { name: e.name })} testId="file-actions">
          {e.isFolder ? (
            <a className="btn btn-small" href={zipUrl([e.path])} download data-testid="file-download-zip">
              {t('files.downloadZip')}
            </a>
          ) : (
            <a className="btn btn-small" href={downloadUrl(login, e.path)} download={e.name} data-testid="file-download">
              {t('files.download')}
            </a>
          )}
          {!e.isFolder && e.fileId && (
            <button type="button" className="btn btn-small" onClick={() => onOpen({ kind: 'versions', entry: e })} data-testid="file-versions">
              {t('files.versions')}
            </button>
          )}
          {can.share && (
            <button type="button" className="btn btn-small" onClick={() => onOpen({ kind: 'share', entry: e })} data-testid="file-share">
              {t('files.share.action')}
            </button>
          )}
          {can.rename && (
            <button type="button" className="btn btn-small" onClick={() => onOpen({ kind: 'rename', entry: e })} data-testid="file-rename">
              {t('files.rename')}
            </button>
          )}
          {can.move && (
            <button type="button" className="btn btn-small" onClick={() => onOpen({ kind: 'move', entries: [e] })} data-testid="file-move">
              {t('files.move')}
            </button>
          )}
          <button type="button" className="btn btn-small" onClick={() => onOpen({ kind: 'copy', entries: [e] })} data-testid="file-copy">
            {t('files.copy')}
          </button>
          {can.leave && (
            <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => onOpen({ kind: 'leave', entry: e })} data-testid="file-leave">
              {t('files.share.leave')}
            </button>
          )}
          {can.delete && (
            <button type="button" className="btn btn-small btn-danger-quiet" onClick={() => onOpen({ kind: 'delete', entries: [e] })} data-testid="file-delete">
              {t('common.delete')}
            </button>
          )}
        </RowMenu>
      </td>
    </tr>
  );
}

/** The header's box: all shown rows, none, or some (indeterminate). */
function SelectAll({ state, onChange }: { state: 'none' | 'some' | 'all'; onChange: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      checked={state === 'all'}
      aria-checked={state === 'some' ? 'mixed' : state === 'all'}
      onChange={onChange}
      aria-label={t('files.select.all')}
      data-testid="files-select-all"
      data-state={state}
    />
  );
}

/**
 * The bar over the table while items are selected: how many, and what can be done to all
 * of them. An action some item forbids stays in place, unavailable, saying which and why.
 */
function SelectionBar({ login, entries, onOpen, onClear }: { login: string; entries: DavEntry[]; onOpen: (o: Open) => void; onClear: () => void }) {
  const { t, lang } = useI18n();
  const can = bulkActions(entries);
  const one = entries.length === 1 ? entries[0] : null;
  // One file downloads as itself; several, or a folder, as one zip of the selection.
  const download = one && !one.isFolder ? { href: downloadUrl(login, one.path), name: one.name } : { href: zipUrl(entries.map((e) => e.path)), name: '' };
  const reason = (a: Allowed) => (a.ok ? undefined : t(a.reason, { name: a.name ?? '' }));
  const action = (a: Allowed, label: string, testId: string, run: () => void, danger = false) => (
    <button
      type="button"
      className={`btn btn-small ${danger ? 'btn-danger-quiet' : ''}`}
      // aria-disabled rather than disabled: the button stays focusable and its reason (the title) can be read.
      aria-disabled={!a.ok}
      title={reason(a)}
      onClick={() => a.ok && run()}
      data-testid={testId}
      data-allowed={a.ok ? 'true' : 'false'}
    >
      {label}
    </button>
  );
  return (
    <div className="files-selection" role="toolbar" aria-label={t('files.select.bar')} data-testid="selection-bar" data-count={entries.length}>
      <span className="files-selection-count" aria-live="polite" data-testid="selection-count">
        {countText(t, lang, 'files.select.count', entries.length)}
      </span>
      {can.download.ok ? (
        <a className="btn btn-small" href={download.href} download={download.name} data-testid="selection-download" data-allowed="true">
          <Icon name="download" size={16} />
          {one && !one.isFolder ? t('files.download') : t('files.downloadZip')}
        </a>
      ) : (
        action(can.download, t('files.downloadZip'), 'selection-download', () => {})
      )}
      {action(can.move, t('files.move'), 'selection-move', () => onOpen({ kind: 'move', entries }))}
      {action(can.copy, t('files.copy'), 'selection-copy', () => onOpen({ kind: 'copy', entries }))}
      {action(can.share, t('files.share.action'), 'selection-share', () => one && onOpen({ kind: 'share', entry: one }))}
      {action(can.delete, t('common.delete'), 'selection-delete', () => onOpen({ kind: 'delete', entries }), true)}
      <button type="button" className="btn btn-small btn-link files-selection-clear" onClick={onClear} data-testid="selection-clear">
        {t('files.select.clear')}
      </button>
    </div>
  );
}

/** The marks beside a name: shared by the user (people, groups, links), or shared with them. */
function ShareMarks({ entry: e, owner, readOnly }: { entry: DavEntry; owner: string | null; readOnly: boolean }) {
  const { t } = useI18n();
  const withPeople = e.shareTypes.some((n) => n === SHARE_USER || n === SHARE_GROUP);
  const withLink = e.shareTypes.includes(SHARE_LINK);
  return (
    <>
      {(withPeople || withLink) && (
        <span className="badge files-share-mark" data-testid="file-shared" title={t('files.share.markTitle')}>
          <Icon name="share" size={14} />
          {withPeople && withLink ? t('files.share.markBoth') : withLink ? t('files.share.markLink') : t('files.share.markPeople')}
        </span>
      )}
      {owner && (
        <span className="badge files-share-mark" data-testid="file-shared-by">
          {t('files.share.sharedBy', { owner })}
        </span>
      )}
      {readOnly && (
        <span className="badge" data-testid="file-read-only">
          {t('files.share.readOnly')}
        </span>
      )}
    </>
  );
}

/** Leaving a received share: its mount goes from the user's files, the owner keeps everything. */
function LeaveDialog({ login, entry, onClose }: { login: string; entry: DavEntry; onClose: () => void }) {
  const { t } = useI18n();
  const leave = useAction(() => remove(login, entry.path, entry.isFolder));
  return (
    <ConfirmDialog
      title={t('files.share.leaveTitle')}
      message={t('files.share.leaveConfirm', { name: entry.name, owner: entry.ownerName ?? '' })}
      confirmLabel={t('files.share.leave')}
      danger
      busy={leave.busy}
      error={<ErrorMessage error={leave.error && davErrorText(t, leave.error)} />}
      onCancel={onClose}
      onConfirm={async () => {
        if ((await leave.run()).ok) {
          onClose();
          refreshFiles();
        }
      }}
    />
  );
}

function Breadcrumbs({ folder }: { folder: string }) {
  const { t } = useI18n();
  const segments = pathSegments(folder);
  const crumbs = [{ path: '/', label: t('files.home') }, ...segments.map((s, i) => ({ path: '/' + segments.slice(0, i + 1).join('/'), label: s }))];
  return (
    <nav className="breadcrumbs" aria-label={t('files.breadcrumbs')} data-testid="files-breadcrumbs">
      <ol>
        {crumbs.map((c, i) => {
          const last = i === crumbs.length - 1;
          return (
            <li key={c.path}>
              <Link to={filesUrl(c.path)} aria-current={last ? 'page' : undefined} data-testid="files-crumb" data-path={c.path}>
                {i === 0 && <Icon name="folder" size={16} />}
                {c.label}
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function QuotaBar({ login }: { login: string }) {
  const { t, lang } = useI18n();
  const q = useQuota(login);
  if (!q.data) return null;
  const { used, available } = q.data;
  const total = available === null ? null : used + available;
  const text =
    total === null
      ? t('files.quota.usedNoLimit', { used: formatBytes(used, lang) })
      : t('files.quota.used', { used: formatBytes(used, lang), total: formatBytes(total, lang), free: formatBytes(available!, lang) });
  return (
    <div className="files-quota" data-testid="quota" data-used={used} data-available={available ?? ''}>
      {total !== null && (
        <ProgressBar value={used} max={total} label={t('files.quota.label')} valueText={text} testId="quota-bar" />
      )}
      <p className="files-quota-text" data-testid="quota-text">
        {text}
      </p>
    </div>
  );
}
