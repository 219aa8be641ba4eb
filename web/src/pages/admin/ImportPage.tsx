// Bulk import from CSV: pick or drop a file, dry run or import, watch the
// upload then the server's progress, read the report.
import { useEffect, useId, useRef, useState } from 'react';
import { api, encode, invalidate, toApiError, upload, type ApiError } from '../../api/client';
import type { ImportJob } from '../../api/types';
import { ErrorMessage } from '../../components/Form';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { ImportReport } from './ImportReport';
import './Import.css';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const POLL_MS = 300;

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; loaded: number; total: number; dryRun: boolean }
  | { kind: 'processing'; job: ImportJob | null; dryRun: boolean }
  | { kind: 'done'; job: ImportJob }
  | { kind: 'failed'; error: ApiError | null; job?: ImportJob };

export function ImportPage() {
  const { t, lang } = useI18n();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [jobId, setJobId] = useState<string | null>(null);

  const busy = phase.kind === 'uploading' || phase.kind === 'processing';

  // Poll the job every 300 ms until it is no longer running.
  useEffect(() => {
    if (!jobId) return;
    let stopped = false;
    let timer: number | undefined;
    const poll = async () => {
      try {
        const job = await api.get<ImportJob>(`/imports/${encode(jobId)}`);
        if (stopped) return;
        if (job.status === 'running') {
          setPhase({ kind: 'processing', job, dryRun: job.dryRun });
          timer = window.setTimeout(poll, POLL_MS);
        } else if (job.status === 'done') {
          setPhase({ kind: 'done', job });
          setJobId(null);
          if (!job.dryRun) {
            invalidate('/users');
            invalidate('/groups');
          }
        } else {
          setPhase({ kind: 'failed', error: null, job });
          setJobId(null);
        }
      } catch (e) {
        if (stopped) return;
        setPhase({ kind: 'failed', error: toApiError(e) });
        setJobId(null);
      }
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [jobId]);

  const choose = (f: File | null | undefined) => {
    if (!f) return;
    setPhase({ kind: 'idle' });
    if (f.size > MAX_IMPORT_BYTES) {
      setFile(null);
      setFileError(t('import.tooLarge', { size: formatBytes(MAX_IMPORT_BYTES, lang) }));
      return;
    }
    setFileError(null);
    setFile(f);
  };

  const start = async (dryRun: boolean) => {
    if (!file) return;
    setPhase({ kind: 'uploading', loaded: 0, total: file.size, dryRun });
    try {
      const { id } = await upload<{ id: string }>(`/imports?dryRun=${dryRun}`, file, 'text/csv', (loaded, total) =>
        setPhase({ kind: 'uploading', loaded, total, dryRun }),
      );
      setPhase({ kind: 'processing', job: null, dryRun });
      setJobId(String(id));
    } catch (e) {
      setPhase({ kind: 'failed', error: toApiError(e) });
    }
  };

  return (
    <section className="admin-section" aria-labelledby="import-title" data-testid="import-page">
      <h2 id="import-title">{t('import.title')}</h2>
      <p className="muted">{t('import.explain')}</p>
      <p className="muted">
        {t('import.columns')} <code>login</code>, <code>display name</code>, <code>email</code>, <code>groups</code>,{' '}
        <code>quota</code>, <code>password</code>
      </p>

      <div
        className={`dropzone ${dragging ? 'dropzone-active' : ''}`}
        data-testid="import-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          if (!busy) setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          if (!busy) choose(e.dataTransfer.files?.[0]);
        }}
      >
        <label htmlFor={inputId} className="dropzone-label">
          {t('import.pick')}
        </label>
        <input
          ref={inputRef}
          id={inputId}
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(e) => {
            choose(e.target.files?.[0]);
            e.target.value = '';
          }}
          data-testid="import-file"
        />
        <p className="muted">{t('import.drop')}</p>
        {file && (
          <p className="dropzone-file" data-testid="import-file-name">
            {file.name} · {formatBytes(file.size, lang)}
          </p>
        )}
      </div>
      <ErrorMessage error={fileError} />

      <div className="button-row">
        <button type="button" className="btn" disabled={!file || busy} onClick={() => void start(true)} data-testid="import-dry-run">
          {t('import.dryRun')}
        </button>
        <button type="button" className="btn btn-primary" disabled={!file || busy} onClick={() => void start(false)} data-testid="import-run">
          {t('import.run')}
        </button>
      </div>

      {phase.kind === 'uploading' && (
        <ProgressBar
          value={phase.loaded}
          max={phase.total}
          label={t('import.uploading')}
          text={t('import.uploadingText', { loaded: formatBytes(phase.loaded, lang), total: formatBytes(phase.total, lang) })}
          testId="import-upload-progress"
        />
      )}
      {phase.kind === 'processing' && (
        <ProgressBar
          value={phase.job?.processed ?? 0}
          max={phase.job?.total ?? 0}
          label={phase.dryRun ? t('import.checking') : t('import.importing')}
          text={
            phase.job
              ? t('import.progressText', { processed: phase.job.processed, total: phase.job.total })
              : t('import.starting')
          }
          testId="import-progress"
        />
      )}
      {phase.kind === 'failed' && (
        <div data-testid="import-failed">
          <ErrorMessage error={phase.error ?? t('import.failed')} />
          {phase.job && <ImportReport job={phase.job} />}
        </div>
      )}
      {phase.kind === 'done' && <ImportReport job={phase.job} />}
    </section>
  );
}
