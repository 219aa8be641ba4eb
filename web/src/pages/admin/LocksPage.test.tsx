import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { FileLock } from '../../api/types';
import { I18nProvider } from '../../i18n/i18n';
import { LockTable } from './LocksPage';

const lock = (over: Partial<FileLock> = {}): FileLock => ({
  token: 'urn:uuid:0b6e1f2a-0000-4000-8000-000000000001',
  account: 'camille',
  path: '/Contrats/<b>offre</b>.docx',
  lockedBy: 'camille',
  owner: 'CAMILLE-PC',
  scope: 'exclusive',
  depth: '0',
  created: Date.UTC(2025, 0, 6, 9, 0),
  expires: Date.UTC(2025, 0, 6, 10, 0),
  secondsLeft: 3600,
  ...over,
});

function render(locks: FileLock[], lang: 'en' | 'fr' = 'en'): string {
  return renderToStaticMarkup(
    <I18nProvider initial={lang}>
      <LockTable locks={locks} busy={false} onBreak={() => {}} />
    </I18nProvider>,
  );
}

const cells = (html: string) =>
  [...html.matchAll(/<tr data-testid="lock-row">(.*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '')),
  );

describe('the file locks table', () => {
  it('shows path, account, who locked, client, kind and depth, with a Break button per lock', () => {
    const html = render([lock(), lock({ token: 't2', path: '/Projets', scope: 'shared', depth: 'infinity', owner: null })]);
    const rows = cells(html);
    expect(rows).toHaveLength(2);
    expect(rows[0].slice(0, 6)).toEqual(['/Contrats/&lt;b&gt;offre&lt;/b&gt;.docx', 'camille', 'camille', 'CAMILLE-PC', 'Exclusive', 'This item']);
    expect(rows[1].slice(0, 6)).toEqual(['/Projets', 'camille', 'camille', '—', 'Shared', 'Everything inside']);
    expect(rows[0][7]).toBe('Break');
    expect(html.match(/data-testid="lock-break"/g)).toHaveLength(2);
  });

  it('speaks French and says when nothing is locked', () => {
    const rows = cells(render([lock({ depth: 'infinity' })], 'fr'));
    expect(rows[0].slice(4)).toContain('Exclusif');
    expect(rows[0]).toContain('Tout son contenu');
    expect(rows[0][7]).toBe('Casser');
    expect(render([], 'fr')).toContain('Aucun fichier n’est verrouillé.');
    expect(render([])).toContain('No file is locked.');
  });
});
