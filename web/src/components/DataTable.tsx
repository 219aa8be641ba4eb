import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

/** A column header: its label, and a class for the header cell when the column needs one. */
export type Column = ReactNode | { label: ReactNode; className?: string };

const isColumn = (c: Column): c is { label: ReactNode; className?: string } =>
  typeof c === 'object' && c !== null && 'label' in c;

/**
 * The console's table of records: a scrolling wrapper, a caption for screen readers, one
 * header row and the rows given as children. `columns` are plain labelled headers; a table
 * whose headers are controls of their own (sort buttons) passes its header cells as `header`.
 * `actions` adds a last column, unlabelled on screen, for each row's buttons.
 */
export function DataTable({
  testId,
  columns,
  header,
  actions,
  actionsClassName,
  caption,
  busy,
  className,
  wrapClassName,
  children,
}: {
  testId: string;
  columns?: Column[];
  header?: ReactNode;
  actions?: boolean;
  actionsClassName?: string;
  caption?: string;
  busy?: boolean;
  className?: string;
  wrapClassName?: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className={wrapClassName ? `table-wrap ${wrapClassName}` : 'table-wrap'}>
      <table className={className ? `table ${className}` : 'table'} data-testid={testId} aria-busy={busy}>
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {header}
            {columns?.map((c, i) =>
              isColumn(c) ? (
                <th key={i} scope="col" className={c.className}>
                  {c.label}
                </th>
              ) : (
                <th key={i} scope="col">
                  {c}
                </th>
              ),
            )}
            {actions && (
              <th scope="col" className={actionsClassName}>
                <span className="visually-hidden">{t('common.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
