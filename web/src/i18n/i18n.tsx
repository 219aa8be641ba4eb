// Language state and the t() function. Strings live in catalog.ts.
import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { setRequestLanguage, type ApiError } from '../api/client';
import type { Lang } from '../api/types';
import { catalogs, type MessageKey } from './catalog';

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(catalogs.en, key);
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const text = catalogs[lang][key] ?? catalogs.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** fr when the browser prefers French, else en. */
export function browserLanguage(languages?: readonly string[]): Lang {
  const list = languages ?? (typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : []);
  for (const l of list) {
    const base = l.toLowerCase().slice(0, 2);
    if (base === 'fr') return 'fr';
    if (base === 'en') return 'en';
  }
  return 'en';
}

/** "45 s", "2 min 5 s", "1 h 3 min" */
export function formatWait(t: Translate, seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t('time.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? t('time.minutesSeconds', { m, s: s % 60 }) : t('time.minutes', { n: m });
  const h = Math.floor(m / 60);
  return m % 60 ? t('time.hoursMinutes', { h, m: m % 60 }) : t('time.hours', { n: h });
}

// Codes whose server message is more precise than any generic translation. The
// server writes it in the UI language (the client sends it as Accept-Language).
const SERVER_MESSAGE_FIRST = new Set(['invalid', 'conflict', 'weak-password']);

/** The text to show a person for a failed call. */
export function errorText(t: Translate, err: ApiError): string {
  if (SERVER_MESSAGE_FIRST.has(err.code) && err.serverMessage) return err.serverMessage;
  if (err.code === 'too-many-attempts') {
    return err.retryAfterSeconds !== undefined
      ? t('error.too-many-attempts.wait', { wait: formatWait(t, err.retryAfterSeconds) })
      : t('error.too-many-attempts');
  }
  const key = `error.${err.code}`;
  if (isMessageKey(key)) return t(key);
  if (err.serverMessage) return err.serverMessage;
  return t('error.unexpected', { status: err.status });
}

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
}

const I18nContext = createContext<I18nValue>({
  lang: 'en',
  setLang: () => {},
  t: (key, params) => translate('en', key, params),
});

export function I18nProvider({ initial, children }: { initial?: Lang; children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(() => initial ?? browserLanguage());
  const t = useCallback<Translate>((key, params) => translate(lang, key, params), [lang]);
  // A layout effect runs before any useEffect of the children, where requests start.
  useLayoutEffect(() => {
    setRequestLanguage(lang);
  }, [lang]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(() => ({ lang, setLang, t }), [lang, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  return useContext(I18nContext);
}

export function useT(): Translate {
  return useContext(I18nContext).t;
}
