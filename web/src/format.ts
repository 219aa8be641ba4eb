// Formatting and parsing helpers shared by several pages.
import type { Lang } from './api/types';

const UNITS: Record<string, number> = {
  b: 1,
  o: 1,
  kb: 1024,
  ko: 1024,
  k: 1024,
  mb: 1024 ** 2,
  mo: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  go: 1024 ** 3,
  g: 1024 ** 3,
  tb: 1024 ** 4,
  to: 1024 ** 4,
  t: 1024 ** 4,
};

const NONE_WORDS = new Set(['', 'none', 'aucun', 'aucune', 'unlimited', 'illimité', 'illimite']);

/**
 * Parses a quota typed by a person: "10 GB", "500 MB", "1,5 To", "none".
 * Returns bytes, null for no quota, or undefined when it cannot be read.
 * Units are binary (1 GB = 1024³ bytes).
 */
export function parseQuota(text: string): number | null | undefined {
  const s = text.trim().toLowerCase();
  if (NONE_WORDS.has(s)) return null;
  const m = /^(\d+(?:[.,]\d+)?)\s*([a-z]*)$/.exec(s);
  if (!m) return undefined;
  const value = Number(m[1].replace(',', '.'));
  const unit = m[2] === '' ? 1 : UNITS[m[2]];
  if (unit === undefined || !Number.isFinite(value)) return undefined;
  return Math.round(value * unit);
}

/** Bytes in the largest unit that keeps it readable: "10 GB", "1.5 TB", "700 B". */
export function formatBytes(bytes: number, lang: Lang = 'en'): string {
  const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go', 'To'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  const rounded = Math.round(value * 10) / 10;
  const num = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(rounded);
  return `${num} ${units[i]}`;
}

/** A quota for an input field, in English units so parseQuota reads it back exactly. */
export function quotaToInput(bytes: number | null): string {
  if (bytes === null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && value % 1024 === 0 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value} ${units[i]}`;
}

export function formatDateTime(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined) return '—';
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

/** Local midnight of a yyyy-mm-dd date input, in ms; `endOfDay` gives the last ms of that day. */
export function dateInputToMs(value: string, endOfDay = false): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const start = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
  if (!endOfDay) return start;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1).getTime() - 1;
}

/** "Firefox on Linux"-like summary of a user agent; the raw string stays in the title. */
export function summarizeUserAgent(ua: string | null): string {
  if (!ua) return '—';
  const browser =
    /Edg\//.test(ua) ? 'Edge'
    : /OPR\//.test(ua) ? 'Opera'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari'
    : null;
  const os =
    /Windows/.test(ua) ? 'Windows'
    : /Android/.test(ua) ? 'Android'
    : /iPhone|iPad/.test(ua) ? 'iOS'
    : /Mac OS X/.test(ua) ? 'macOS'
    : /Linux/.test(ua) ? 'Linux'
    : null;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? (ua.length > 60 ? ua.slice(0, 57) + '…' : ua);
}
