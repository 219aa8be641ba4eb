import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../i18n/i18n';
import { DataTable } from './DataTable';

function render(node: ReactNode): string {
  return renderToStaticMarkup(<I18nProvider initial="en">{node}</I18nProvider>);
}

describe('the data table', () => {
  it('puts the labels in column headers, the rows in the body, and its test id on the table', () => {
    const html = render(
      <DataTable testId="things-table" columns={['Name', { label: 'Size', className: 'col-size' }]}>
        <tr data-testid="thing-row">
          <td>a.txt</td>
          <td>3 B</td>
        </tr>
      </DataTable>,
    );
    expect(html).toBe(
      '<div class="table-wrap"><table class="table" data-testid="things-table"><thead><tr>' +
        '<th scope="col">Name</th><th scope="col" class="col-size">Size</th></tr></thead>' +
        '<tbody><tr data-testid="thing-row"><td>a.txt</td><td>3 B</td></tr></tbody></table></div>',
    );
  });

  it('adds a last column for the rows’ buttons, named for screen readers only', () => {
    const html = render(
      <DataTable testId="t" columns={['Name']} actions actionsClassName="col-actions">
        {null}
      </DataTable>,
    );
    expect(html).toContain('<th scope="col">Name</th><th scope="col" class="col-actions"><span class="visually-hidden">Actions</span></th></tr>');
  });

  it('takes header cells of their own, a hidden caption, extra classes and the busy state', () => {
    const html = render(
      <DataTable
        testId="files-table"
        className="files-table"
        wrapClassName="files-table-wrap"
        busy
        caption="Files in Documents"
        header={<th aria-sort="ascending">Name</th>}
      >
        {null}
      </DataTable>,
    );
    expect(html).toBe(
      '<div class="table-wrap files-table-wrap"><table class="table files-table" data-testid="files-table" aria-busy="true">' +
        '<caption class="visually-hidden">Files in Documents</caption><thead><tr><th aria-sort="ascending">Name</th></tr></thead>' +
        '<tbody></tbody></table></div>',
    );
  });
});
