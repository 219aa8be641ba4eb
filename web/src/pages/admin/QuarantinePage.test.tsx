import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { QuarantineItem } from '../../api/types';
import { I18nProvider } from '../../i18n/i18n';
import { QuarantineTable } from './QuarantinePage';

const item = (over: Partial<QuarantineItem> = {}): QuarantineItem => ({
  id: '7345',
  owner: 'camille',
  path: 'Clients/<b>facture</b>.pdf',
  signature: 'Eicar-Test-Signature',
  size: 68,
  sender: 'Amélie Client',
  address: '203.0.113.9',
  at: Date.UTC(2026, 0, 6, 9, 0),
  ...over,
});

function render(items: QuarantineItem[], lang: 'en' | 'fr' = 'en'): string {
  return renderToStaticMarkup(
    <I18nProvider initial={lang}>
      <QuarantineTable items={items} onAsk={() => {}} />
    </I18nProvider>,
  );
}

const cells = (html: string) =>
  [...html.matchAll(/<tr data-testid="quarantine-row"[^>]*>(.*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '')),
  );

describe('the quarantine table', () => {
  it('shows the file, its owner, what was found, and who sent it from where, with Release and Delete', () => {
    const rows = cells(render([item(), item({ id: '2', sender: '', address: '', path: 'macro.xls' })]));
    expect(rows).toHaveLength(2);
    expect(rows[0].slice(0, 3)).toEqual(['/Clients/&lt;b&gt;facture&lt;/b&gt;.pdf', 'camille', 'Eicar-Test-Signature']);
    expect(rows[0][4]).toBe('Amélie Client · 203.0.113.9');
    // The owner's own upload: the owner is the sender.
    expect(rows[1][4]).toBe('camille');
    expect(rows[0][6]).toBe('ReleaseDelete');
  });

  it('speaks French and says when nothing is there', () => {
    expect(cells(render([item()], 'fr'))[0][6]).toBe('LibérerSupprimer');
    expect(render([], 'fr')).toContain('Rien n’est en quarantaine.');
  });
});
