// The share dialog of a file or folder: share with people and groups (found through the
// sharee search) with permission toggles, change or end those shares, and make, copy,
// change and delete public links (password, expiry within the admin's maximum, upload, file
// drop, hidden download, label, download limit). Everything goes through the OCS Share API
// and, for download limits, Nextcloud's files_downloadlimit API (api/shares.ts).
import { useState } from 'react';
import { useAction, useQuery, type ApiError } from '../../api/client';
import type { DavEntry } from '../../api/dav';
import {
  createLink,
  createShare,
  deleteShare,
  linkChanges,
  linkFormOf,
  linkFormProblem,
  linkModeOf,
  maxExpiry,
  newLinkForm,
  permissionsOf,
  useShareeSearch,
  saveLink,
  SHARE_GROUP,
  SHARE_LINK,
  SHARE_USER,
  sharesOf,
  sharingRules,
  togglesOf,
  updatePermissions,
  type LinkForm,
  type LinkMode,
  type Share,
  type Sharee,
  type SharingRules,
  type Toggles,
} from '../../api/shares';
import { Dialog } from '../../components/Dialog';
import { Checkbox, ErrorMessage, TextField } from '../../components/Form';
import type { MessageKey } from '../../i18n/catalog';
import { useI18n } from '../../i18n/i18n';
import { refreshFiles } from './queries';

export const sharesKey = (path: string) => `dav:shares:${path}`;
const RULES_KEY = 'dav:sharing-rules';

const ALL: Toggles = { edit: true, create: true, delete: true, reshare: true };

export function ShareDialog({ entry, onClose }: { entry: DavEntry; onClose: () => void }) {
  const { t } = useI18n();
  const shares = useQuery<Share[]>(sharesKey(entry.path), () => sharesOf(entry.path));
  const rules = useQuery<SharingRules>(RULES_KEY, sharingRules);
  const changed = () => {
    shares.reload();
    refreshFiles();
  };
  const people = (shares.data ?? []).filter((s) => s.shareType === SHARE_USER || s.shareType === SHARE_GROUP);
  const links = (shares.data ?? []).filter((s) => s.shareType === SHARE_LINK);
  return (
    <Dialog title={t('files.share.title', { name: entry.name })} onClose={onClose} testId="share-dialog" wide>
      <ErrorMessage error={shares.error} testId="share-load-error" />
      <section className="share-section" aria-labelledby="share-people-title">
        <h3 id="share-people-title">{t('files.share.people')}</h3>
        <AddPeople entry={entry} onDone={changed} />
        {people.length === 0 ? (
          <p className="muted" data-testid="share-people-none">
            {t('files.share.noPeople')}
          </p>
        ) : (
          <ul className="share-list" data-testid="share-people">
            {people.map((s) => (
              <PersonShare key={s.id} share={s} isFolder={entry.isFolder} onDone={changed} />
            ))}
          </ul>
        )}
      </section>
      <section className="share-section" aria-labelledby="share-links-title">
        <h3 id="share-links-title">{t('files.share.links')}</h3>
        {links.length > 0 && (
          <ul className="share-list" data-testid="share-links">
            {links.map((s) => (
              <LinkShare key={s.id} share={s} entry={entry} rules={rules.data} onDone={changed} />
            ))}
          </ul>
        )}
        {rules.data && <NewLink entry={entry} rules={rules.data} onDone={changed} />}
      </section>
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} data-testid="share-close">
          {t('common.close')}
        </button>
      </div>
    </Dialog>
  );
}

/** The permission switches of a share with people; create and delete only for folders. */
function PermissionToggles({ value, isFolder, onChange, disabled, testId }: { value: Toggles; isFolder: boolean; onChange: (t: Toggles) => void; disabled?: boolean; testId: string }) {
  const { t } = useI18n();
  const keys: (keyof Toggles)[] = isFolder ? ['edit', 'create', 'delete', 'reshare'] : ['edit', 'reshare'];
  return (
    <div className="share-toggles" data-testid={testId}>
      {keys.map((k) => (
        <Checkbox key={k} toggle label={t(`files.share.perm.${k}`)} checked={value[k]} disabled={disabled} onChange={(on) => onChange({ ...value, [k]: on })} testId={`share-perm-${k}`} />
      ))}
    </div>
  );
}

function AddPeople({ entry, onDone }: { entry: DavEntry; onDone: () => void }) {
  const { t } = useI18n();
  const [input, setInput] = useState('');
  const { found, error: searchError } = useShareeSearch(input);
  const [chosen, setChosen] = useState<Sharee | null>(null);
  const [toggles, setToggles] = useState<Toggles>(ALL);
  const add = useAction(createShare);

  const submit = async () => {
    if (!chosen) return;
    const r = await add.run({ path: entry.path, shareType: chosen.shareType, shareWith: chosen.shareWith, permissions: permissionsOf(toggles, entry.isFolder) });
    if (r.ok) {
      setChosen(null);
      setInput('');
      setToggles(ALL);
      onDone();
    }
  };

  if (chosen) {
    return (
      <form
        className="share-add"
        data-testid="share-add"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p>
          {t(chosen.shareType === SHARE_GROUP ? 'files.share.withGroup' : 'files.share.withPerson', { name: chosen.label })}
        </p>
        <PermissionToggles value={toggles} isFolder={entry.isFolder} onChange={setToggles} testId="share-add-perms" />
        <p className="field-hint">{t('files.share.readAlways')}</p>
        <ErrorMessage error={add.error} testId="share-add-error" />
        <div className="button-row">
          <button type="button" className="btn" onClick={() => setChosen(null)} data-testid="share-add-cancel">
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={add.busy} data-testid="share-add-submit">
            {t('files.share.add')}
          </button>
        </div>
      </form>
    );
  }
  return (
    <div className="share-search">
      <TextField label={t('files.share.search')} type="search" value={input} onChange={setInput} placeholder={t('files.share.searchPlaceholder')} autoComplete="off" testId="share-search" />
      <ErrorMessage error={searchError} testId="share-search-error" />
      {found && found.length === 0 && (
        <p className="muted" data-testid="share-search-none">
          {t('files.share.noMatch', { q: input.trim() })}
        </p>
      )}
      {found && found.length > 0 && (
        <ul className="share-results" data-testid="share-results">
          {found.map((s) => (
            <li key={`${s.shareType}:${s.shareWith}`}>
              <button type="button" className="btn btn-small" onClick={() => setChosen(s)} data-testid="share-result" data-share-with={s.shareWith} data-share-type={s.shareType}>
                {s.label}
                <span className="muted">
                  {' '}
                  {s.shareType === SHARE_GROUP ? t('files.share.group') : s.detail}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function PersonShare({ share, isFolder, onDone }: { share: Share; isFolder: boolean; onDone: () => void }) {
  const { t } = useI18n();
  const change = useAction(updatePermissions);
  const remove = useAction(deleteShare);
  const toggles = togglesOf(share.permissions);
  return (
    <li className="share-item" data-testid="share-person" data-share-with={share.shareWith} data-permissions={share.permissions}>
      <div className="share-item-head">
        <strong>{share.shareWithName}</strong>
        {share.shareType === SHARE_GROUP && <span className="badge">{t('files.share.group')}</span>}
        {share.canEdit && (
          <button
            type="button"
            className="btn btn-small btn-danger-quiet"
            disabled={remove.busy}
            onClick={async () => (await remove.run(share.id)).ok && onDone()}
            data-testid="share-remove"
          >
            {t('files.share.remove')}
          </button>
        )}
      </div>
      <PermissionToggles
        value={toggles}
        isFolder={isFolder}
        disabled={!share.canEdit || change.busy}
        onChange={async (next) => (await change.run(share.id, permissionsOf(next, isFolder))).ok && onDone()}
        testId="share-person-perms"
      />
      <ErrorMessage error={change.error ?? remove.error} testId="share-person-error" />
    </li>
  );
}

/** Copies text: the Clipboard API where the page may use it, else the selected field. */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.select();
    return document.execCommand('copy');
  }
}

function LinkShare({ share, entry, rules, onDone }: { share: Share; entry: DavEntry; rules: SharingRules | undefined; onDone: () => void }) {
  const { t } = useI18n();
  const remove = useAction(deleteShare);
  const [copied, setCopied] = useState<boolean | null>(null);
  const [field, setField] = useState<HTMLInputElement | null>(null);
  const [editing, setEditing] = useState(false);
  const mode = linkModeOf(share.permissions);
  const facts = [
    t(`files.share.link.mode.${mode}`),
    share.hasPassword ? t('files.share.link.hasPassword') : null,
    share.expiration ? t('files.share.link.expires', { date: share.expiration }) : null,
    share.hideDownload ? t('files.share.link.hideDownload') : null,
    share.downloadLimit !== null ? t('files.share.link.downloads', { count: share.downloadCount ?? 0, limit: share.downloadLimit }) : null,
  ].filter(Boolean);
  return (
    <li
      className="share-item"
      data-testid="share-link"
      data-token={share.token ?? ''}
      data-download-limit={share.downloadLimit ?? ''}
      data-download-count={share.downloadCount ?? ''}
    >
      <div className="share-item-head">
        <strong>{share.label || t('files.share.link.untitled')}</strong>
        <span className="muted" data-testid="share-link-facts">
          {facts.join(' · ')}
        </span>
      </div>
      <div className="share-link-url">
        <input ref={setField} readOnly value={share.url ?? ''} aria-label={t('files.share.link.url')} data-testid="share-link-url" onFocus={(e) => e.target.select()} />
        <button
          type="button"
          className="btn btn-small"
          onClick={async () => setCopied(await copyText(share.url ?? '', field))}
          data-testid="share-link-copy"
        >
          {t('common.copy')}
        </button>
        {share.canEdit && rules && !editing && (
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)} data-testid="share-link-edit">
            {t('common.edit')}
          </button>
        )}
        <button
          type="button"
          className="btn btn-small btn-danger-quiet"
          disabled={remove.busy}
          onClick={async () => (await remove.run(share.id)).ok && onDone()}
          data-testid="share-link-delete"
        >
          {t('common.delete')}
        </button>
      </div>
      {copied !== null && (
        <p className={copied ? 'field-hint' : 'field-error'} role="status" data-testid="share-link-copied">
          {copied ? t('files.share.link.copied') : t('files.share.link.copyFailed')}
        </p>
      )}
      <ErrorMessage error={remove.error} testId="share-link-error" />
      {editing && rules && (
        <EditLink
          share={share}
          entry={entry}
          rules={rules}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onDone();
          }}
        />
      )}
    </li>
  );
}

/** Changes a link: only what differs is sent (OCS update, then the download limit API). */
function EditLink({ share, entry, rules, onCancel, onSaved }: { share: Share; entry: DavEntry; rules: SharingRules; onCancel: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const save = useAction(saveLink);
  return (
    <LinkFormView
      testId="share-link-edit-form"
      before={linkFormOf(share)}
      rules={rules}
      isFolder={entry.isFolder}
      downloads={share.downloadLimit !== null ? share.downloadCount ?? 0 : null}
      error={save.error}
      busy={save.busy}
      submitLabel={t('common.save')}
      onSubmit={async (form) => (await save.run(share, linkChanges(share, form, entry.isFolder))).ok && onSaved()}
      onCancel={onCancel}
    />
  );
}

function NewLink({ entry, rules, onDone }: { entry: DavEntry; rules: SharingRules; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const create = useAction(createLink);

  if (!open) {
    return (
      <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="share-link-new">
        {t('files.share.link.new')}
      </button>
    );
  }
  return (
    <LinkFormView
      testId="share-link-form"
      before={null}
      rules={rules}
      isFolder={entry.isFolder}
      downloads={null}
      error={create.error}
      busy={create.busy}
      submitLabel={t('files.share.link.create')}
      submitTestId="share-link-create"
      onSubmit={async (form) => {
        if ((await create.run(entry.path, entry.isFolder, form)).ok) {
          setOpen(false);
          onDone();
        }
      }}
      onCancel={() => setOpen(false)}
    />
  );
}

/**
 * The form of a link, new (`before` null) or existing (`before` its present state). It
 * checks what the server would refuse before sending (linkFormProblem). A link that has a
 * password shows "new password" (empty keeps it) and, unless the server requires one, "remove".
 */
export function LinkFormView({
  testId,
  before,
  rules,
  isFolder,
  downloads,
  error,
  busy,
  submitLabel,
  submitTestId = 'share-link-save',
  onSubmit,
  onCancel,
}: {
  testId: string;
  before: LinkForm | null;
  rules: SharingRules;
  isFolder: boolean;
  /** Downloads counted so far against the limit, null without one. */
  downloads: number | null;
  /** The server's refusal. */
  error: ApiError | null;
  busy: boolean;
  submitLabel: string;
  submitTestId?: string;
  onSubmit: (form: LinkForm) => Promise<unknown>;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const max = maxExpiry(rules);
  const [form, onChange] = useState<LinkForm>(() => before ?? newLinkForm(rules));
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const submit = async () => {
    const wrong = linkFormProblem(form, rules, before);
    setProblem(wrong);
    if (!wrong) await onSubmit(form);
  };
  const set = <K extends keyof LinkForm>(key: K) => (value: LinkForm[K]) => onChange({ ...form, [key]: value });
  const modes: LinkMode[] = isFolder ? ['view', 'upload', 'drop'] : ['view'];
  const passwordLabel = form.hadPassword
    ? t('files.share.link.newPassword')
    : rules.passwordEnforced
      ? t('files.share.link.passwordRequiredLabel')
      : t('files.share.link.password');
  return (
    <form
      className="share-new-link"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <TextField label={t('files.share.link.label')} value={form.label} onChange={set('label')} maxLength={255} testId="share-link-label" />
      <fieldset className="share-modes">
        <legend>{t('files.share.link.allows')}</legend>
        {modes.map((m) => (
          <label key={m} className="check">
            <input type="radio" name={`${testId}-mode`} value={m} checked={form.mode === m} onChange={() => set('mode')(m)} data-testid={`share-link-mode-${m}`} />
            {t(`files.share.link.mode.${m}`)}
          </label>
        ))}
      </fieldset>
      <Checkbox label={t('files.share.link.hideDownload')} checked={form.hideDownload} onChange={set('hideDownload')} disabled={form.mode === 'drop'} testId="share-link-hide-download" />
      <TextField
        label={passwordLabel}
        type="password"
        value={form.password}
        onChange={(password) => onChange({ ...form, password, removePassword: password ? false : form.removePassword })}
        autoComplete="new-password"
        required={rules.passwordEnforced && !form.hadPassword}
        hint={form.hadPassword ? t('files.share.link.keepPassword') : undefined}
        testId="share-link-password"
      />
      {form.hadPassword && !rules.passwordEnforced && (
        <Checkbox
          label={t('files.share.link.removePassword')}
          checked={form.removePassword}
          onChange={(removePassword) => onChange({ ...form, removePassword, password: removePassword ? '' : form.password })}
          testId="share-link-remove-password"
        />
      )}
      <TextField
        label={t('files.share.link.expiry')}
        type="date"
        value={form.expiry}
        onChange={set('expiry')}
        max={max ?? undefined}
        required={rules.maxExpiryDays > 0}
        hint={max ? t('files.share.link.expiryMax', { max }) : undefined}
        testId="share-link-expiry"
      />
      <TextField
        label={t('files.share.link.limit')}
        type="number"
        min={1}
        step={1}
        inputMode="numeric"
        value={form.limit}
        onChange={set('limit')}
        hint={downloads !== null ? t('files.share.link.limitUsed', { count: downloads }) : t('files.share.link.limitHint')}
        testId="share-link-limit"
      />
      <ErrorMessage error={problem ? t(problem, { max: max ?? '' }) : error} testId="share-link-form-error" />
      <div className="button-row">
        <button type="button" className="btn" onClick={onCancel} data-testid="share-link-cancel">
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid={submitTestId}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
