// Sharing for the Files app, through Nextcloud's OCS Share API (docs/api/sharing.md):
// /ocs/v2.php/apps/files_sharing/api/v1/shares and …/sharees, in JSON (`format=json`),
// with the console session (cookie + CSRF header) like every other call. The same API
// serves the desktop clients and the firm's ERP, so the console needs no API of its own.
import { useEffect, useState } from 'react';
import { ApiError, reportUnauthorized, requestHeaders, toApiError } from './client';

export const OCS_SHARING = '/ocs/v2.php/apps/files_sharing/api/v1';
export const OCS_CAPABILITIES = '/ocs/v2.php/cloud/capabilities';
export const OCS_DOWNLOAD_LIMIT = '/ocs/v2.php/apps/files_downloadlimit/api/v1';

/** Nextcloud's share types (the numbers OCS and oc:share-types use). */
export const SHARE_USER = 0;
export const SHARE_GROUP = 1;
export const SHARE_LINK = 3;
export const SHARE_EMAIL = 4;

/** Nextcloud's permission bits. */
export const PERM_READ = 1;
export const PERM_UPDATE = 2;
export const PERM_CREATE = 4;
export const PERM_DELETE = 8;
export const PERM_SHARE = 16;

export interface Share {
  id: string;
  shareType: number;
  /** Who made the share (login and name). */
  initiator: string;
  initiatorName: string;
  /** Whose file it is. */
  fileOwner: string;
  fileOwnerName: string;
  permissions: number;
  /** The caller may change or end it (they made it or own the item). */
  canEdit: boolean;
  /** Creation time in ms. */
  createdAt: number;
  /** The last day it works, `YYYY-MM-DD`, or null. */
  expiration: string | null;
  /** The item as the caller sees it ("/Docs/a.txt"), null when the caller cannot reach it. */
  path: string | null;
  isFolder: boolean;
  /** The recipient's mount name ("/Docs (2)"). */
  fileTarget: string;
  shareWith: string;
  shareWithName: string;
  label: string;
  hideDownload: boolean;
  hasPassword: boolean;
  token: string | null;
  url: string | null;
  /** How many downloads the link allows (files_downloadlimit), null without a limit. */
  downloadLimit: number | null;
  /** Downloads counted against that limit since it was set, null without a limit. */
  downloadCount: number | null;
}

export interface Sharee {
  shareType: number;
  shareWith: string;
  label: string;
  /** Something to tell apart two people of the same name (e-mail or login). */
  detail: string;
}

/** What the console needs of the `files_sharing` capability. */
export interface SharingRules {
  passwordEnforced: boolean;
  /** Links expire at most this many days ahead (0: no maximum). */
  maxExpiryDays: number;
  /** A new link expires this many days ahead unless the person says otherwise (0: none, or the maximum). */
  defaultExpiryDays: number;
}

// ---------------------------------------------------------------------------
// Reading OCS answers

type Raw = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number => {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
};

export function parseShare(r: Raw): Share {
  const expiration = str(r.expiration);
  const password = str(r.password);
  return {
    id: str(r.id),
    shareType: num(r.share_type),
    initiator: str(r.uid_owner),
    initiatorName: str(r.displayname_owner) || str(r.uid_owner),
    fileOwner: str(r.uid_file_owner),
    fileOwnerName: str(r.displayname_file_owner) || str(r.uid_file_owner),
    permissions: num(r.permissions),
    canEdit: r.can_edit === true,
    createdAt: num(r.stime) * 1000,
    expiration: expiration ? expiration.slice(0, 10) : null,
    path: r.path === null || r.path === undefined ? null : str(r.path),
    isFolder: r.item_type === 'folder',
    fileTarget: str(r.file_target),
    shareWith: str(r.share_with),
    shareWithName: str(r.share_with_displayname) || str(r.share_with),
    label: str(r.label),
    hideDownload: num(r.hide_download) === 1 || r.hide_download === true,
    hasPassword: password !== '',
    token: r.token ? str(r.token) : null,
    url: r.url ? str(r.url) : null,
    downloadLimit: r.download_limit === null || r.download_limit === undefined ? null : num(r.download_limit),
    downloadCount: r.download_count === null || r.download_count === undefined ? null : num(r.download_count),
  };
}

export function parseSharees(data: Raw): Sharee[] {
  const out: Sharee[] = [];
  const seen = new Set<string>();
  const exact = (data.exact ?? {}) as Raw;
  const lists = [exact.users, exact.groups, data.users, data.groups];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list as Raw[]) {
      const value = (item.value ?? {}) as Raw;
      const shareType = num(value.shareType);
      const shareWith = str(value.shareWith);
      const key = `${shareType}:${shareWith}`;
      if (!shareWith || seen.has(key)) continue;
      seen.add(key);
      out.push({ shareType, shareWith, label: str(item.label) || shareWith, detail: str(item.shareWithDisplayNameUnique) });
    }
  }
  return out;
}

export function parseRules(capabilities: Raw): SharingRules {
  const sharing = (capabilities.files_sharing ?? {}) as Raw;
  const pub = (sharing.public ?? {}) as Raw;
  const password = (pub.password ?? {}) as Raw;
  const expire = (pub.expire_date ?? {}) as Raw;
  return {
    passwordEnforced: password.enforced === true,
    maxExpiryDays: expire.enabled === true && expire.enforced === true ? num(expire.days) : 0,
    // Atrium's default_days; Nextcloud's own "days" is the default when it is not enforced.
    defaultExpiryDays: num(expire.default_days) || (expire.enabled === true && expire.enforced !== true ? num(expire.days) : 0),
  };
}

/** The OCS envelope's data, or an ApiError with the server's message (in the UI's language). */
export function unwrap(status: number, body: string): unknown {
  let parsed: Raw | undefined;
  try {
    parsed = JSON.parse(body) as Raw;
  } catch {
    parsed = undefined;
  }
  const ocs = (parsed?.ocs ?? {}) as Raw;
  const meta = (ocs.meta ?? {}) as Raw;
  const code = num(meta.statuscode);
  const ok = status >= 200 && status < 300 && (code === 0 || code === 100 || code === 200);
  if (ok) return ocs.data;
  if (status === 401) reportUnauthorized();
  const httpStatus = status >= 400 ? status : code >= 400 ? code : status;
  const message = str(meta.message) || undefined;
  throw new ApiError(httpStatus, { error: `http-${httpStatus}`, message });
}

async function ocs(method: string, url: string, params?: Record<string, string | number | boolean>): Promise<unknown> {
  const sep = url.includes('?') ? '&' : '?';
  let res: Response;
  try {
    res = await fetch(`${url}${sep}format=json`, {
      method,
      credentials: 'same-origin',
      headers: { ...requestHeaders(method, params ? 'application/json' : undefined), 'OCS-APIREQUEST': 'true' },
      body: params ? JSON.stringify(params) : undefined,
    });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: e instanceof Error ? e.message : String(e) });
  }
  return unwrap(res.status, await res.text());
}

const list = (data: unknown): Share[] => (Array.isArray(data) ? (data as Raw[]).map(parseShare) : []);

// ---------------------------------------------------------------------------
// Calls

/** The shares of one item the caller made or owns (re-shares by others included). */
export async function sharesOf(path: string): Promise<Share[]> {
  return list(await ocs('GET', `${OCS_SHARING}/shares?${new URLSearchParams({ path, reshares: 'true' })}`));
}

/** Everything the caller shared. */
export async function sharedByMe(): Promise<Share[]> {
  return list(await ocs('GET', `${OCS_SHARING}/shares`));
}

/** The shares the caller received. */
export async function sharedWithMe(): Promise<Share[]> {
  return list(await ocs('GET', `${OCS_SHARING}/shares?shared_with_me=true`));
}

export async function searchSharees(search: string): Promise<Sharee[]> {
  const data = await ocs('GET', `${OCS_SHARING}/sharees?${new URLSearchParams({ search, itemType: 'file', perPage: '20' })}`);
  return parseSharees((data ?? {}) as Raw);
}

/**
 * People and groups matching `input`, searched once typing pauses; an answer to an
 * older text is dropped. `found` is null while the input is blank. The share dialog
 * and the chat's "new conversation" use it.
 */
export function useShareeSearch(input: string): { found: Sharee[] | null; error: ApiError | null } {
  const [found, setFound] = useState<Sharee[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const text = input.trim();
    if (!text) {
      setFound(null);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      searchSharees(text).then(
        (list) => current && (setFound(list), setError(null)),
        (e: unknown) => current && setError(toApiError(e)),
      );
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [input]);
  return { found, error };
}

export interface NewShare {
  path: string;
  shareType: number;
  shareWith?: string;
  permissions: number;
  password?: string;
  expireDate?: string;
  label?: string;
  hideDownload?: boolean;
}

export async function createShare(s: NewShare): Promise<Share> {
  const params: Record<string, string | number | boolean> = { path: s.path, shareType: s.shareType, permissions: s.permissions };
  if (s.shareWith) params.shareWith = s.shareWith;
  if (s.password) params.password = s.password;
  if (s.expireDate) params.expireDate = s.expireDate;
  if (s.label) params.label = s.label;
  if (s.hideDownload) params.hideDownload = 'true';
  return parseShare((await ocs('POST', `${OCS_SHARING}/shares`, params)) as Raw);
}

/** Changes a share through OCS's PUT (only the parameters given change). */
export async function updateShare(id: string, params: Record<string, string | number | boolean>): Promise<Share> {
  return parseShare((await ocs('PUT', `${OCS_SHARING}/shares/${encodeURIComponent(id)}`, params)) as Raw);
}

export async function updatePermissions(id: string, permissions: number): Promise<Share> {
  return updateShare(id, { permissions });
}

/**
 * Sets (a whole number of at least 1) or removes (null) a link's download limit through
 * Nextcloud's files_downloadlimit API; either way the server counts again from zero.
 */
export async function setDownloadLimit(token: string, limit: number | null): Promise<void> {
  const url = `${OCS_DOWNLOAD_LIMIT}/${encodeURIComponent(token)}/limit`;
  await (limit === null ? ocs('DELETE', url) : ocs('PUT', url, { limit }));
}

/** Ends a share (its maker or the owner) or leaves it (a recipient). */
export async function deleteShare(id: string): Promise<void> {
  await ocs('DELETE', `${OCS_SHARING}/shares/${encodeURIComponent(id)}`);
}

export async function sharingRules(): Promise<SharingRules> {
  const data = (await ocs('GET', OCS_CAPABILITIES)) as Raw | undefined;
  return parseRules((data?.capabilities ?? {}) as Raw);
}

// ---------------------------------------------------------------------------
// Permissions as the dialog shows them

/** The toggles of a share with people: read is always there. */
export interface Toggles {
  edit: boolean;
  create: boolean;
  delete: boolean;
  reshare: boolean;
}

export function togglesOf(permissions: number): Toggles {
  return {
    edit: (permissions & PERM_UPDATE) !== 0,
    create: (permissions & PERM_CREATE) !== 0,
    delete: (permissions & PERM_DELETE) !== 0,
    reshare: (permissions & PERM_SHARE) !== 0,
  };
}

/** The bitmask of the toggles; a file cannot carry create or delete (the server refuses them). */
export function permissionsOf(t: Toggles, isFolder: boolean): number {
  let p = PERM_READ;
  if (t.edit) p |= PERM_UPDATE;
  if (isFolder && t.create) p |= PERM_CREATE;
  if (isFolder && t.delete) p |= PERM_DELETE;
  if (t.reshare) p |= PERM_SHARE;
  return p;
}

/** Read-only: nothing but read (and perhaps re-share). */
export function isReadOnly(permissions: number): boolean {
  return (permissions & (PERM_UPDATE | PERM_CREATE | PERM_DELETE)) === 0;
}

/** What a link allows: view (and download), upload too (folders), or only drop files (folders). */
export type LinkMode = 'view' | 'upload' | 'drop';

export function linkPermissions(mode: LinkMode, isFolder: boolean): number {
  if (!isFolder) return PERM_READ;
  switch (mode) {
    case 'upload':
      return PERM_READ | PERM_UPDATE | PERM_CREATE | PERM_DELETE;
    case 'drop':
      return PERM_CREATE;
    default:
      return PERM_READ;
  }
}

export function linkModeOf(permissions: number): LinkMode {
  if ((permissions & PERM_READ) === 0 && (permissions & PERM_CREATE) !== 0) return 'drop';
  return permissions & PERM_CREATE ? 'upload' : 'view';
}

// ---------------------------------------------------------------------------
// Dates

/** `YYYY-MM-DD` of a day in UTC (the server compares expiry dates in UTC). */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The latest expiry date a link may have, or null without a maximum. */
export function maxExpiry(rules: SharingRules, now: Date = new Date()): string | null {
  if (rules.maxExpiryDays <= 0) return null;
  return isoDay(new Date(now.getTime() + rules.maxExpiryDays * 86_400_000));
}

/** The expiry date a new link starts with: the default, else the maximum, else none (null). */
export function defaultExpiry(rules: SharingRules, now: Date = new Date()): string | null {
  const days = rules.defaultExpiryDays > 0 ? rules.defaultExpiryDays : rules.maxExpiryDays;
  if (days <= 0) return null;
  const capped = rules.maxExpiryDays > 0 ? Math.min(days, rules.maxExpiryDays) : days;
  return isoDay(new Date(now.getTime() + capped * 86_400_000));
}

/** Why an expiry date cannot be used, as a catalogue key, or null when it is fine. */
export function expiryProblem(date: string, rules: SharingRules, now: Date = new Date()): 'files.share.expiryPast' | 'files.share.expiryTooLate' | null {
  if (!date) return null;
  if (date < isoDay(now)) return 'files.share.expiryPast';
  const max = maxExpiry(rules, now);
  if (max !== null && date > max) return 'files.share.expiryTooLate';
  return null;
}

// ---------------------------------------------------------------------------
// The link form: making a link and changing one

/** The link form as typed; one shape for a new link and for changing one. */
export interface LinkForm {
  label: string;
  mode: LinkMode;
  hideDownload: boolean;
  /** The link has a password now (a new link has none). */
  hadPassword: boolean;
  /** A new password; '' keeps the present one (a new link: none). */
  password: string;
  /** Take the present password off. */
  removePassword: boolean;
  /** `YYYY-MM-DD`, '' for none. */
  expiry: string;
  /** The downloads allowed, as typed; '' for no limit. */
  limit: string;
}

/** A new link's form: view only, expiring at the default date (else the latest allowed) when there is one. */
export function newLinkForm(rules: SharingRules, now: Date = new Date()): LinkForm {
  return { label: '', mode: 'view', hideDownload: false, hadPassword: false, password: '', removePassword: false, expiry: defaultExpiry(rules, now) ?? '', limit: '' };
}

/** The form of an existing link, filled with what it is now. */
export function linkFormOf(s: Share): LinkForm {
  return {
    label: s.label,
    mode: linkModeOf(s.permissions),
    hideDownload: s.hideDownload,
    hadPassword: s.hasPassword,
    password: '',
    removePassword: false,
    expiry: s.expiration ?? '',
    limit: s.downloadLimit === null ? '' : String(s.downloadLimit),
  };
}

/** A typed download limit: a whole number from 1 up, else null. */
export function parseLimit(text: string): number | null {
  const t = text.trim();
  if (!/^[0-9]{1,9}$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 ? n : null;
}

export type LinkProblem =
  | 'files.share.expiryPast'
  | 'files.share.expiryTooLate'
  | 'files.share.link.passwordRequired'
  | 'files.share.link.expiryRequired'
  | 'files.share.link.limitInvalid';

/**
 * Why the form cannot be sent, as a catalogue key (taking `{max}`), or null. The server
 * checks the same rules and has the last word; this only saves a round trip. The expiry date
 * of an existing link is checked only when it is changed, so that a link past its date can
 * still be given another.
 */
export function linkFormProblem(form: LinkForm, rules: SharingRules, before: LinkForm | null, now: Date = new Date()): LinkProblem | null {
  if (before === null || form.expiry !== before.expiry) {
    const wrong = expiryProblem(form.expiry, rules, now);
    if (wrong) return wrong;
    if (rules.maxExpiryDays > 0 && !form.expiry) return 'files.share.link.expiryRequired';
  }
  const keepsPassword = form.password !== '' || (form.hadPassword && !form.removePassword);
  if (rules.passwordEnforced && !keepsPassword) return 'files.share.link.passwordRequired';
  if (form.limit.trim() !== '' && parseLimit(form.limit) === null) return 'files.share.link.limitInvalid';
  return null;
}

/** What saving the form changes: OCS parameters (only those that differ) and the download limit. */
export interface LinkChanges {
  params: Record<string, string | number | boolean>;
  /** The new limit, null to remove it, undefined to leave it (setting it again would reset its count). */
  limit: number | null | undefined;
}

export function linkChanges(share: Share, form: LinkForm, isFolder: boolean): LinkChanges {
  const params: Record<string, string | number | boolean> = {};
  const label = form.label.trim();
  if (label !== share.label) params.label = label;
  // Compared as modes: a link made elsewhere with other bits (5, 7…) keeps them unless its mode changes.
  if (form.mode !== linkModeOf(share.permissions)) params.permissions = linkPermissions(form.mode, isFolder);
  if (form.hideDownload !== share.hideDownload) params.hideDownload = form.hideDownload;
  if (form.password !== '') params.password = form.password;
  else if (form.removePassword && share.hasPassword) params.password = '';
  if (form.expiry !== (share.expiration ?? '')) params.expireDate = form.expiry;
  const wanted = form.limit.trim() === '' ? null : parseLimit(form.limit);
  return { params, limit: wanted === share.downloadLimit ? undefined : wanted };
}

/** Saves a changed link: the OCS update, then the download limit, each only when needed. */
export async function saveLink(share: Share, changes: LinkChanges): Promise<void> {
  if (Object.keys(changes.params).length > 0) await updateShare(share.id, changes.params);
  if (changes.limit !== undefined && share.token) await setDownloadLimit(share.token, changes.limit);
}

/** Makes a link from the form, then gives it its download limit when one was typed. */
export async function createLink(path: string, isFolder: boolean, form: LinkForm): Promise<Share> {
  const share = await createShare({
    path,
    shareType: SHARE_LINK,
    permissions: linkPermissions(form.mode, isFolder),
    password: form.password,
    expireDate: form.expiry,
    label: form.label.trim(),
    hideDownload: form.hideDownload,
  });
  const limit = parseLimit(form.limit);
  if (limit !== null && share.token) await setDownloadLimit(share.token, limit);
  return share;
}
