// The outcome of a CSV import (or dry run): counts, names, and the bad rows.
import { useId, useState } from 'react';
import { API_BASE, encode } from '../../api/client';
import type { ImportJob } from '../../api/types';
import { useT } from '../../i18n/i18n';

export function ImportReport({ job }: { job: ImportJob }) {
  const t = useT();
  const titleId = useId();
  const [downloaded, setDownloaded] = useState(false);
  const errors = [...job.errors].sort((a, b) => a.line - b.line);

  return (
    <section className="import-report" aria-labelledby={titleId} data-testid="import-report" data-dry-run={job.dryRun ? 'true' : 'false'}>
      <h3 id={titleId}>{job.dryRun ? t('import.report.dryTitle') : t('import.report.title')}</h3>
      {job.dryRun && <p className="muted">{t('import.report.dryExplain')}</p>}

      <dl className="import-counts">
        <div>
          <dt>{job.dryRun ? t('import.report.wouldCreate') : t('import.report.created')}</dt>
          <dd data-testid="import-created-count">{job.created.length}</dd>
        </div>
        <div>
          <dt>{job.dryRun ? t('import.report.wouldUpdate') : t('import.report.updated')}</dt>
          <dd data-testid="import-updated-count">{job.updated.length}</dd>
        </div>
        <div>
          <dt>{t('import.report.newGroups')}</dt>
          <dd data-testid="import-groups-count">{job.newGroups.length}</dd>
        </div>
        <div>
          <dt>{t('import.report.errors')}</dt>
          <dd data-testid="import-errors-count">{job.errors.length}</dd>
        </div>
      </dl>

      <NameList title={job.dryRun ? t('import.report.wouldCreate') : t('import.report.created')} names={job.created} testId="import-created" />
      <NameList title={job.dryRun ? t('import.report.wouldUpdate') : t('import.report.updated')} names={job.updated} testId="import-updated" />
      <NameList title={t('import.report.newGroups')} names={job.newGroups} testId="import-new-groups" />

      {errors.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="import-errors">
            <caption>{t('import.report.errorsCaption', { n: errors.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('import.report.line')}</th>
                <th scope="col">{t('import.report.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {errors.map((e, i) => (
                <tr key={`${e.line}-${i}`} data-testid="import-error-row">
                  <td className="cell-nowrap">{e.line}</td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {job.passwordsAvailable && (
        <div className="import-passwords">
          {downloaded ? (
            <p className="alert alert-ok" role="status" data-testid="import-passwords-done">
              {t('import.report.passwordsDownloaded')}
            </p>
          ) : (
            <>
              <a
                className="btn btn-primary"
                href={`${API_BASE}/imports/${encode(job.id)}/passwords.csv`}
                download={`atrium-passwords-${job.id}.csv`}
                onClick={() => setDownloaded(true)}
                data-testid="import-passwords"
              >
                {t('import.report.downloadPasswords')}
              </a>
              <p className="field-hint">{t('import.report.passwordsOnce')}</p>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function NameList({ title, names, testId }: { title: string; names: string[]; testId: string }) {
  if (names.length === 0) return null;
  return (
    <details className="name-list" data-testid={testId}>
      <summary>
        {title} ({names.length})
      </summary>
      <p>{names.join(', ')}</p>
    </details>
  );
}
