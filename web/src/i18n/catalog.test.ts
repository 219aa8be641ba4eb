import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { en, fr } from './catalog';
import { browserLanguage, errorText, formatWait, translate, type Translate } from './i18n';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the i18n catalogue', () => {
  it('has the same keys in French and English', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('has no empty message', () => {
    for (const [key, text] of [...Object.entries(en), ...Object.entries(fr)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('translates every error code the contract lists', () => {
    const codes = ['unauthorized', 'invalid-credentials', 'invalid-code', 'too-many-attempts', 'csrf', 'forbidden', 'not-found', 'conflict', 'invalid', 'weak-password', 'too-large'];
    for (const code of codes) expect(Object.keys(en)).toContain(`error.${code}`);
  });
});

describe('translate', () => {
  it('fills in placeholders and leaves unknown ones', () => {
    expect(translate('en', 'users.range', { from: 1, to: 50, total: 120 })).toBe('1–50 of 120');
    expect(translate('fr', 'users.range', { from: 1, to: 50 })).toBe('1–50 sur {total}');
  });

  it('picks the browser language, French or English only', () => {
    expect(browserLanguage(['fr-CA', 'en'])).toBe('fr');
    expect(browserLanguage(['de-DE', 'en-GB'])).toBe('en');
    expect(browserLanguage(['de-DE'])).toBe('en');
  });
});

describe('error messages', () => {
  const t: Translate = (key, params) => translate('en', key, params);

  it('translates known codes in the UI language', () => {
    const err = new ApiError(401, { error: 'invalid-credentials', message: 'Bad login' });
    expect(errorText(t, err)).toBe('Wrong login or password.');
    expect(errorText((k, p) => translate('fr', k, p), err)).toBe('Identifiant ou mot de passe incorrect.');
  });

  it('shows the wait for too-many-attempts', () => {
    const err = new ApiError(429, { error: 'too-many-attempts', message: 'x', retryAfterSeconds: 125 });
    expect(errorText(t, err)).toBe('Too many attempts. Try again in 2 min 5 s.');
    expect(formatWait(t, 45)).toBe('45 s');
  });

  it("prefers the server's message for weak passwords and unknown codes", () => {
    expect(errorText(t, new ApiError(400, { error: 'weak-password', message: 'Use at least 12 characters.' }))).toBe(
      'Use at least 12 characters.',
    );
    expect(errorText(t, new ApiError(400, { error: 'quota-exceeded', message: 'Quota exceeded.' }))).toBe('Quota exceeded.');
    // The server answers in the UI language (Accept-Language), so its message is shown as is.
    const fr: Translate = (key, params) => translate('fr', key, params);
    expect(errorText(fr, new ApiError(409, { error: 'conflict', message: 'L’identifiant « twice » est déjà pris.' }))).toBe(
      'L’identifiant « twice » est déjà pris.',
    );
    expect(errorText(fr, new ApiError(401, { error: 'invalid-credentials', message: 'Wrong login or password.' }))).toBe(
      'Identifiant ou mot de passe incorrect.',
    );
    expect(errorText(t, new ApiError(500, null))).toBe('Something went wrong (error 500). Please try again.');
  });
});

describe('audit actions', () => {
  it('have a label in the catalogue for every action the filter offers', async () => {
    const { AUDIT_ACTIONS } = await import('../api/types');
    for (const a of AUDIT_ACTIONS) expect(Object.keys(en), a).toContain(`audit.action.${a}`);
  });
});
