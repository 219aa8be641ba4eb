import { describe, expect, it } from 'vitest';
import { dateInputToMs, formatBytes, parseQuota, quotaToInput, summarizeUserAgent } from './format';

describe('quotas', () => {
  it('reads sizes written by people', () => {
    expect(parseQuota('10 GB')).toBe(10 * 1024 ** 3);
    expect(parseQuota('500MB')).toBe(500 * 1024 ** 2);
    expect(parseQuota('1,5 To')).toBe(1.5 * 1024 ** 4);
    expect(parseQuota(' none ')).toBeNull();
    expect(parseQuota('')).toBeNull();
    expect(parseQuota('aucun')).toBeNull();
    expect(parseQuota('ten gigs')).toBeUndefined();
    expect(parseQuota('10 XB')).toBeUndefined();
  });

  it('writes them back so they read the same', () => {
    for (const q of ['10 GB', '500 MB', '3 TB', '1000 B']) expect(quotaToInput(parseQuota(q)!)).toBe(q);
    expect(quotaToInput(null)).toBe('');
  });

  it('formats bytes for tables', () => {
    expect(formatBytes(10 * 1024 ** 3)).toBe('10 GB');
    expect(formatBytes(1.5 * 1024 ** 2, 'fr')).toBe('1,5 Mo');
  });
});

describe('dates and user agents', () => {
  it('turns date inputs into a day range', () => {
    const from = dateInputToMs('2025-03-01')!;
    const to = dateInputToMs('2025-03-01', true)!;
    expect(to - from).toBe(24 * 3600 * 1000 - 1);
    expect(dateInputToMs('')).toBeUndefined();
  });

  it('summarises a user agent', () => {
    expect(summarizeUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36')).toBe(
      'Chrome · Linux',
    );
    expect(summarizeUserAgent(null)).toBe('—');
  });
});
