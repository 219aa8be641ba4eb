// The page an outside person sees at /s/{token} (issue 4, "Links for outside people"):
// no console, no sign-in; the firm's name; the password form when the link has one;
// a file with its preview and download; a folder to browse and download as a zip; and on
// upload links and file drops, a drop zone that sends files through the link's WebDAV.
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { toApiError, type ApiError } from '../../api/client';
import {
  canUpload,
  childPath,
  downloadUrl,
  loadLink,
  pageUrl,
  publicUpload,
  subPathOf,
  thumbnailUrl,
  unlockLink,
  type PublicLinkInfo,
  type PublicLinkState,
} from '../../api/publicLink';
import { TextField } from '../../components/Form';
import { formatBytes, formatDateTime } from '../../format';
import { errorText, useI18n, type Translate } from '../../i18n/i18n';
import { Link, useSearch } from '../../router';
import { UploadPanel } from '../files/UploadPanel';
import { UploadQueue } from '../files/uploads';
import { AuthCard } from '../LoginPage';
import '../files/Files.css';
import './PublicLinkPage.css';

type Loaded = { state: PublicLinkState } | { error: ApiError } | null;

/** The text for a link that cannot be opened: gone, expired, or asked too often; nothing about what it was. */
export function unavailable(t: Translate, err: ApiError): { title: string; text: string } {
  if (err.status === 404) return { title: t('public.gone.title'), text: t('public.gone.text') };
  if (err.status === 410) return { title: t('public.expired.title'), text: t('public.expired.text') };
  return { title: t('public.error.title'), text: errorText(t, err) };
}

/** The server's own words for a refused password (wrong, or slowed down), else the console's. */
export function passwordErrorText(t: Translate, err: ApiError): string {
  if (err.code === 'too-many-attempts' || err.status === 429) return errorText(t, err);
  return err.serverMessage ?? errorText(t, err);
}

export function PublicLinkPage({ token }: { token: string }) {
  const { t } = useI18n();
  const sub = subPathOf(useSearch());
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let live = true;
    loadLink(token, sub).then(
      (state) => live && setLoaded({ state }),
      (e: unknown) => live && setLoaded({ error: toApiError(e) }),
    );
    return () => {
      live = false;
    };
  }, [token, sub, version]);

  const info = loaded && 'state' in loaded && loaded.state.kind === 'open' ? loaded.state.info : null;
  const locked = loaded && 'state' in loaded && loaded.state.kind === 'password' ? loaded.state : null;
  const brand = info?.instanceName || locked?.instanceName || '';
  const logoUrl = info?.logoUrl ?? locked?.logoUrl ?? null;
  useEffect(() => {
    document.title = info ? `${info.name} · ${brand || t('app.name')}` : brand || t('app.name');
  }, [info, brand, t]);

  if (!loaded) {
    return (
      <AuthCard testId="public-page" brand={brand} logoUrl={logoUrl}>
        <p aria-busy="true">{t('common.loading')}</p>
      </AuthCard>
    );
  }
  if ('error' in loaded) {
    const { title, text } = unavailable(t, loaded.error);
    return (
      <AuthCard testId="public-page">
        <div data-testid="public-unavailable" data-status={loaded.error.status}>
          <h2>{title}</h2>
          <p>{text}</p>
        </div>
      </AuthCard>
    );
  }
  if (loaded.state.kind === 'password') {
    return (
      <AuthCard testId="public-page" brand={brand} logoUrl={logoUrl}>
        <PasswordForm token={token} onUnlocked={reload} />
      </AuthCard>
    );
  }
  return (
    <AuthCard testId="public-page" brand={brand} logoUrl={logoUrl} className="public-card">
      <LinkView token={token} sub={sub} info={loaded.state.info} onChanged={reload} />
    </AuthCard>
  );
}

function PasswordForm({ token, onUnlocked }: { token: string; onUnlocked: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await unlockLink(token, password);
      onUnlocked();
    } catch (e) {
      setError(toApiError(e));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      data-testid="public-password-form"
    >
      <h2>{t('public.password.title')}</h2>
      <p>{t('public.password.explain')}</p>
      <TextField
        label={t('public.password.label')}
        type="password"
        value={password}
        onChange={setPassword}
        autoComplete="current-password"
        required
        autoFocus
        testId="public-password"
      />
      {error && (
        <p className="alert alert-error" role="alert" data-testid="public-password-error">
          {passwordErrorText(t, error)}
        </p>
      )}
      <button type="submit" className="btn btn-primary btn-block" disabled={busy || !password} data-testid="public-password-submit">
        {t('public.password.submit')}
      </button>
    </form>
  );
}

export function LinkView({ token, sub, info, onChanged }: { token: string; sub: string; info: PublicLinkInfo; onChanged: () => void }) {
  const { t, lang } = useI18n();
  return (
    <div className="public-view" data-testid="public-view" data-type={info.type} data-file-drop={info.fileDrop ? 'true' : 'false'}>
      <p className="public-owner muted" data-testid="public-owner">
        {info.fileDrop ? t('public.drop.for', { owner: info.owner }) : t('public.sharedBy', { owner: info.owner })}
        {info.expiration && <> · {t('public.expires', { date: formatDateTime(Date.parse(info.expiration), lang) })}</>}
      </p>
      {info.label && <p className="public-label">{info.label}</p>}
      {info.note && (
        <p className="public-note" data-testid="public-note">
          {info.note}
        </p>
      )}
      {info.type === 'file' ? (
        <FileView token={token} info={info} />
      ) : info.fileDrop ? (
        <h2 className="public-name">{t('public.drop.title')}</h2>
      ) : (
        <FolderView token={token} sub={sub} info={info} />
      )}
      {canUpload(info) && <Uploader token={token} sub={sub} info={info} onUploaded={info.fileDrop ? undefined : onChanged} />}
    </div>
  );
}

function FileView({ token, info }: { token: string; info: PublicLinkInfo }) {
  const { t, lang } = useI18n();
  return (
    <div className="public-file" data-testid="public-file">
      {info.hasPreview && <img className="public-preview" src={thumbnailUrl(token, '', 512)} alt={t('public.preview', { name: info.name })} data-testid="public-preview" />}
      <h2 className="public-name" data-testid="public-name">
        {info.name}
      </h2>
      {info.size !== null && (
        <p className="muted" data-testid="public-size">
          {formatBytes(info.size, lang)}
        </p>
      )}
      {info.hideDownload ? (
        <p className="muted" data-testid="public-view-only">
          {t('public.viewOnly')}
        </p>
      ) : (
        <a className="btn btn-primary" href={downloadUrl(token, '')} download data-testid="public-download">
          {t('public.download')}
        </a>
      )}
    </div>
  );
}

function FolderView({ token, sub, info }: { token: string; sub: string; info: PublicLinkInfo }) {
  const { t, lang } = useI18n();
  const segments = sub ? sub.split('/') : [];
  const entries = info.entries ?? [];
  return (
    <div className="public-folder" data-testid="public-folder">
      <nav className="public-crumbs" aria-label={t('public.crumbs')} data-testid="public-crumbs">
        {/* Below the link's folder the JSON names the subfolder, so the first crumb is generic there. */}
        <Link to={pageUrl(token, '')}>{segments.length === 0 ? info.name : t('public.crumbsRoot')}</Link>
        {segments.map((name, i) => (
          <span key={i}>
            {' / '}
            <Link to={pageUrl(token, segments.slice(0, i + 1).join('/'))}>{name}</Link>
          </span>
        ))}
      </nav>
      {!info.hideDownload && (
        <a className="btn btn-primary" href={downloadUrl(token, sub)} data-testid="public-download-zip">
          {t('public.downloadZip')}
        </a>
      )}
      {info.hideDownload && (
        <p className="muted" data-testid="public-view-only">
          {t('public.viewOnly')}
        </p>
      )}
      {entries.length === 0 ? (
        <p className="muted" data-testid="public-empty">
          {t('public.empty')}
        </p>
      ) : (
        <table className="public-list" data-testid="public-list">
          <thead>
            <tr>
              <th scope="col">{t('files.name')}</th>
              <th scope="col" className="public-col-size">
                {t('files.size')}
              </th>
              <th scope="col" className="public-col-action">
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const path = childPath(sub, e.name);
              return (
                <tr key={e.name} data-testid="public-entry" data-name={e.name} data-type={e.type}>
                  <td className="public-entry-name">
                    {e.type === 'folder' ? (
                      <Link to={pageUrl(token, path)} data-testid="public-entry-open">
                        {e.name}/
                      </Link>
                    ) : (
                      e.name
                    )}
                  </td>
                  <td className="public-col-size muted">{formatBytes(e.size, lang)}</td>
                  <td className="public-col-action">
                    {!info.hideDownload && e.type === 'file' && (
                      <a className="btn btn-small" href={downloadUrl(token, path)} download aria-label={t('public.downloadOne', { name: e.name })} data-testid="public-entry-download">
                        {t('public.download')}
                      </a>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

const NICKNAME_KEY = 'atrium.public.nickname';

function Uploader({ token, sub, info, onUploaded }: { token: string; sub: string; info: PublicLinkInfo; onUploaded?: () => void }) {
  const { t } = useI18n();
  const [nickname, setNickname] = useState(() => {
    try {
      return localStorage.getItem(NICKNAME_KEY) ?? '';
    } catch {
      return '';
    }
  });
  const [over, setOver] = useState(false);
  const nicknameRef = useRef(nickname);
  nicknameRef.current = nickname;
  const uploadedRef = useRef(onUploaded);
  uploadedRef.current = onUploaded;
  const input = useRef<HTMLInputElement>(null);

  // One queue per page: the nickname is read when each file starts, so a name typed late still counts.
  const queue = useMemo(
    () =>
      new UploadQueue(
        {
          put: (linkToken, path, file, opts) => publicUpload(linkToken, path, file, nicknameRef.current, opts),
          mkcol: () => Promise.reject(new Error('folders are not uploaded through links')),
        },
        () => uploadedRef.current?.(),
      ),
    [],
  );
  useEffect(() => () => queue.cancelAll(), [queue]);

  const add = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    try {
      localStorage.setItem(NICKNAME_KEY, nicknameRef.current);
    } catch {
      // private mode: the name is simply not remembered
    }
    // Flat: a link takes files, not folders (a file drop refuses MKCOL).
    const picked = { folders: [], files: Array.from(files, (file) => ({ relPath: file.name, file })) };
    const existing = new Set(info.fileDrop ? [] : (info.entries ?? []).map((e) => e.name));
    queue.add(token, sub ? `/${sub}` : '/', picked, existing);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    add(e.dataTransfer.files);
  };

  return (
    <section className="public-upload" data-testid="public-upload">
      <h3>{info.fileDrop ? t('public.drop.explain', { owner: info.owner }) : t('public.upload.title')}</h3>
      <TextField
        label={t('public.nickname')}
        hint={t('public.nicknameHint', { owner: info.owner })}
        value={nickname}
        onChange={setNickname}
        autoComplete="name"
        maxLength={64}
        testId="public-nickname"
      />
      <div
        className={over ? 'public-dropzone public-dropzone-over' : 'public-dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="public-dropzone"
      >
        <p>{t('public.dropHere')}</p>
        <button type="button" className="btn" onClick={() => input.current?.click()} data-testid="public-choose">
          {t('public.choose')}
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          onChange={(e) => {
            add(e.target.files);
            e.target.value = '';
          }}
          data-testid="public-file-input"
        />
      </div>
      <UploadPanel queue={queue} keepTotal />
    </section>
  );
}
