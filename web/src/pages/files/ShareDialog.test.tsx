import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { linkFormOf, newLinkForm, parseShare, type LinkForm, type SharingRules } from '../../api/shares';
import { I18nProvider } from '../../i18n/i18n';
import { LinkFormView } from './ShareDialog';

const LINK = parseShare({ id: '7', share_type: 3, permissions: 1, can_edit: true, password: '(set)', token: 'tok', download_limit: 3, download_count: 1, label: 'Clients' });
const FREE: SharingRules = { passwordEnforced: false, maxExpiryDays: 0, defaultExpiryDays: 0 };
const STRICT: SharingRules = { passwordEnforced: true, maxExpiryDays: 7, defaultExpiryDays: 0 };

function render(before: LinkForm | null, rules: SharingRules, downloads: number | null, error: ApiError | null = null, lang: 'en' | 'fr' = 'en') {
  return renderToStaticMarkup(
    <I18nProvider initial={lang}>
      <LinkFormView testId="f" before={before} rules={rules} isFolder downloads={downloads} error={error} busy={false} submitLabel="Save" onSubmit={async () => {}} onCancel={() => {}} />
    </I18nProvider>,
  );
}

describe('the link form', () => {
  it('offers a new password (empty keeps it), its removal, and shows the downloads used', () => {
    const html = render(linkFormOf(LINK), FREE, 1);
    expect(html).toContain('New password');
    expect(html).toContain('Leave empty to keep the present password.');
    expect(html).toContain('data-testid="share-link-remove-password"');
    expect(html).toContain('Downloads so far: 1. A new limit counts again from zero.');
    expect(html.match(/<input[^>]*data-testid="share-link-limit"[^>]*>/)?.[0]).toContain('value="3"');
  });

  it('does not offer to remove a password the server requires', () => {
    const html = render(linkFormOf(LINK), STRICT, 1, null, 'fr');
    expect(html).toContain('Nouveau mot de passe');
    expect(html).not.toContain('share-link-remove-password');
  });

  it('asks a new link for its password when the server requires one, and explains the limit', () => {
    const html = render(null, STRICT, null);
    expect(html).toContain('Password (required)');
    expect(html).not.toContain('share-link-remove-password');
    expect(html).toContain('The link stops working after this many downloads.');
    expect(html.match(/<input[^>]*data-testid="share-link-expiry"[^>]*>/)?.[0]).toContain(`value="${newLinkForm(STRICT).expiry}"`);
  });

  it('shows the server’s own words when it refuses a change (as unwrap reads an OCS failure)', () => {
    const refused = new ApiError(403, { error: 'http-403', message: 'Links must have a password on this server.' });
    expect(render(linkFormOf(LINK), STRICT, 1, refused)).toContain('Links must have a password on this server.');
  });
});
