import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { translate, type Translate } from '../i18n/i18n';
import { loginFlowToken, unavailableText, withStrong } from './LoginFlowPage';

describe('the login flow page', () => {
  it('recognises only the path of an app sign-in link', () => {
    expect(loginFlowToken('/index.php/login/v2/flow/AbC_12-xyz')).toBe('AbC_12-xyz');
    expect(loginFlowToken('/index.php/login/v2/flow/AbC_12-xyz/')).toBe('AbC_12-xyz');
    expect(loginFlowToken('/index.php/login/v2/flow/')).toBeNull();
    expect(loginFlowToken('/index.php/login/v2/flow/a/b')).toBeNull();
    expect(loginFlowToken('/index.php/login/v2/poll')).toBeNull();
    expect(loginFlowToken('/settings')).toBeNull();
  });

  it('puts the client name in bold inside the question, in both languages, as text', () => {
    const client = 'Mozilla/5.0 (Linux) mirall/3.7.3git <script>';
    const en = renderToStaticMarkup(<>{withStrong(translate('en', 'loginFlow.question'), 'client', client)}</>);
    expect(en).toBe(
      'Connect <strong class="login-flow-client">Mozilla/5.0 (Linux) mirall/3.7.3git &lt;script&gt;</strong> to your account?',
    );
    const fr = renderToStaticMarkup(<>{withStrong(translate('fr', 'loginFlow.question'), 'client', 'Nextcloud-iOS')}</>);
    expect(fr).toBe('Connecter <strong class="login-flow-client">Nextcloud-iOS</strong> à votre compte ?');
  });

  it('explains each reason a link cannot be used in the UI language, not the language of the request', () => {
    const fr: Translate = (key, params) => translate('fr', key, params);
    const en: Translate = (key, params) => translate('en', key, params);
    const gone = (code: string) => new ApiError(410, { error: code, message: 'server text in another language' });
    expect(unavailableText(en, gone('login-flow-expired'))).toContain('has expired');
    expect(unavailableText(fr, gone('login-flow-expired'))).toContain('a expiré');
    expect(unavailableText(fr, gone('login-flow-cancelled'))).toContain('annulée');
    expect(unavailableText(en, gone('login-flow-used'))).toContain('already been used');
    expect(unavailableText(en, new ApiError(404, { error: 'not-found', message: 'x' }))).toContain('not valid');
    expect(unavailableText(en, new ApiError(429, { error: 'too-many-attempts', message: 'x', retryAfterSeconds: 60 }))).toBe(
      'Too many attempts. Try again in 1 min.',
    );
  });
});
