import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { linkInfo } from '../../api/publicLink.fixture';
import { I18nProvider, translate, type Translate } from '../../i18n/i18n';
import { LinkView, passwordErrorText, unavailable } from './PublicLinkPage';

const en: Translate = (key, params) => translate('en', key, params);
const fr: Translate = (key, params) => translate('fr', key, params);

function render(lang: 'en' | 'fr', info = linkInfo(), sub = '') {
  return renderToStaticMarkup(
    <I18nProvider initial={lang}>
      <LinkView token="tok" sub={sub} info={info} onChanged={() => {}} />
    </I18nProvider>,
  );
}

describe('the public link page', () => {
  it('says a link is gone or expired without saying what it was, in the browser’s language', () => {
    const server = 'There is no such link. It may have been mistyped or deleted.';
    expect(unavailable(en, new ApiError(404, { error: 'not-found', message: server })).title).toBe('This link does not work');
    expect(unavailable(fr, new ApiError(410, { error: 'gone', message: 'x' })).title).toBe('Ce lien a expiré');
    expect(unavailable(en, new ApiError(429, { error: 'too-many-attempts', message: 'x', retryAfterSeconds: 30 })).text).toBe(
      'Too many attempts. Try again in 30 s.',
    );
  });

  it('shows the server’s own words for a wrong password, and the wait when slowed down', () => {
    expect(passwordErrorText(en, new ApiError(401, { error: 'link-password-wrong', message: 'The password is wrong.' }))).toBe('The password is wrong.');
    expect(passwordErrorText(fr, new ApiError(429, { error: 'too-many-attempts', message: 'x', retryAfterSeconds: 120 }))).toBe(
      'Trop de tentatives. Réessayez dans 2 min.',
    );
  });

  it('shows a file with its preview, size and download, and no download on view-only links', () => {
    const file = linkInfo({ type: 'file', name: 'bilan.pdf', size: 2048, hasPreview: true, mimetype: 'application/pdf', entries: undefined });
    const html = render('en', file);
    expect(html).toContain('data-testid="public-preview"');
    expect(html).toContain('src="/s/tok/preview?x=512&amp;y=512"');
    expect(html).toContain('href="/s/tok/download"');
    expect(html).toContain('Shared by Alice Martin');
    const viewOnly = render('fr', { ...file, hideDownload: true });
    expect(viewOnly).not.toContain('data-testid="public-download"');
    expect(viewOnly).toContain('Consultation seule');
  });

  it('lists a folder with links into subfolders, each file’s download and the zip', () => {
    const folder = linkInfo({
      name: 'Annexes',
      entries: [
        { name: '2025', type: 'folder', size: 0, mtime: 0, mimetype: 'httpd/unix-directory', hasPreview: false },
        { name: 'détail.txt', type: 'file', size: 5, mtime: 0, mimetype: 'text/plain', hasPreview: false },
      ],
    });
    const html = render('fr', folder, 'Annexes');
    expect(html).toContain('href="/s/tok?path=Annexes%2F2025"');
    expect(html).toContain('href="/s/tok/download?path=Annexes%2Fd%C3%A9tail.txt"');
    expect(html).toContain('href="/s/tok/download?path=Annexes"');
    expect(html).toContain('Tout télécharger (zip)');
    expect(html).toContain('Dossier partagé');
    expect(html).not.toContain('data-testid="public-upload"');
  });

  it('gives a file drop a name field and a drop zone, and shows nothing of the folder', () => {
    const html = render('en', linkInfo({ fileDrop: true, permissions: 4, size: null, entries: undefined }));
    expect(html).toContain('data-file-drop="true"');
    expect(html).toContain('data-testid="public-nickname"');
    expect(html).toContain('data-testid="public-dropzone"');
    expect(html).toContain('The files you send go to Alice Martin');
    expect(html).not.toContain('data-testid="public-list"');
    expect(html).not.toContain('download');
  });
});
