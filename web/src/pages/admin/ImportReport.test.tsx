import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { ImportJob } from '../../api/types';
import { I18nProvider } from '../../i18n/i18n';
import { ImportReport } from './ImportReport';

const job = (over: Partial<ImportJob> = {}): ImportJob => ({
  id: '42',
  dryRun: false,
  status: 'done',
  total: 5,
  processed: 5,
  created: ['camille', 'luc'],
  updated: ['marie'],
  newGroups: ['sales'],
  errors: [
    { line: 7, reason: 'Email is not valid' },
    { line: 3, reason: '<b>login</b> is missing & required' },
  ],
  passwordsAvailable: true,
  ...over,
});

function render(j: ImportJob, lang: 'en' | 'fr' = 'en'): string {
  return renderToStaticMarkup(
    <I18nProvider initial={lang}>
      <ImportReport job={j} />
    </I18nProvider>,
  );
}

const rows = (html: string) =>
  [...html.matchAll(/<tr data-testid="import-error-row"><td[^>]*>(\d+)<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]);

describe('the import report', () => {
  it('lists the bad rows by line number, with the reason as text', () => {
    const html = render(job());
    expect(rows(html)).toEqual([
      ['3', '&lt;b&gt;login&lt;/b&gt; is missing &amp; required'],
      ['7', 'Email is not valid'],
    ]);
    expect(html).not.toContain('<b>login</b>');
    expect(html).toContain('Rows not imported (2)');
  });

  it('shows the counts', () => {
    const html = render(job());
    expect(html).toMatch(/data-testid="import-created-count">2</);
    expect(html).toMatch(/data-testid="import-updated-count">1</);
    expect(html).toMatch(/data-testid="import-groups-count">1</);
    expect(html).toMatch(/data-testid="import-errors-count">2</);
  });

  it('offers the one-time password download only when there are passwords', () => {
    const withPasswords = render(job());
    expect(withPasswords).toContain('href="/api/v1/imports/42/passwords.csv"');
    expect(withPasswords).toContain('works only once');
    expect(render(job({ passwordsAvailable: false }))).not.toContain('passwords.csv');
  });

  it('says a dry run changed nothing, in French too', () => {
    const html = render(job({ dryRun: true, errors: [] }), 'fr');
    expect(html).toContain('Essai à blanc terminé');
    expect(html).toContain('Seraient créés');
    expect(html).not.toContain('import-errors"');
  });
});
