// Audit log: filters, newest first, "load more" pages with `before`.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, toApiError, withQuery, type ApiError } from '../../api/client';
import { AUDIT_ACTIONS, type AuditEntry, type AuditPage as AuditPageData } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage, FilterButtons, SelectField, TextField } from '../../components/Form';
import { dateInputToMs, formatDateTime } from '../../format';
import { isMessageKey, useI18n, type Translate } from '../../i18n/i18n';

export const AUDIT_PAGE = 100;

interface Filters {
  actor: string;
  action: string;
  q: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actor: '', action: '', q: '', from: '', to: '' };

export function actionLabel(t: Translate, action: string): string {
  const key = `audit.action.${action}`;
  return isMessageKey(key) ? t(key) : action;
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail === 'string') return detail;
  return JSON.stringify(detail);
}

export function auditPath(f: Filters, before?: string): string {
  return withQuery('/audit', {
    actor: f.actor.trim(),
    action: f.action,
    q: f.q.trim(),
    from: dateInputToMs(f.from),
    to: dateInputToMs(f.to, true),
    before,
    limit: AUDIT_PAGE,
  });
}

export function AuditPage() {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const seq = useRef(0);

  const load = useCallback(async (f: Filters, before?: string) => {
    const n = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const page = await api.get<AuditPageData>(auditPath(f, before));
      if (n !== seq.current) return;
      setItems((old) => (before ? [...old, ...page.items] : page.items));
      setMore(page.items.length >= AUDIT_PAGE);
    } catch (e) {
      if (n === seq.current) setError(toApiError(e));
    } finally {
      if (n === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filters);
  }, [filters, load]);

  const set = (key: keyof Filters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <section className="admin-section" aria-labelledby="audit-title" data-testid="audit-page">
      <h2 id="audit-title">{t('audit.title')}</h2>
      <form
        className="filters"
        data-testid="audit-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...draft });
        }}
      >
        <TextField label={t('audit.actor')} value={draft.actor} onChange={set('actor')} autoCapitalize="none" testId="audit-actor" />
        <SelectField
          label={t('audit.action')}
          value={draft.action}
          onChange={set('action')}
          options={[{ value: '', label: t('audit.anyAction') }, ...AUDIT_ACTIONS.map((a) => ({ value: a, label: actionLabel(t, a) }))]}
          testId="audit-action"
        />
        <TextField label={t('audit.text')} type="search" value={draft.q} onChange={set('q')} testId="audit-q" />
        <TextField label={t('audit.from')} type="date" value={draft.from} onChange={set('from')} testId="audit-from" />
        <TextField label={t('audit.to')} type="date" value={draft.to} onChange={set('to')} testId="audit-to" />
        <FilterButtons
          testId="audit"
          onReset={() => {
            setDraft(EMPTY);
            setFilters({ ...EMPTY });
          }}
        />
      </form>

      <ErrorMessage error={error} />
      {!loading && !error && items.length === 0 && <p className="muted" data-testid="audit-empty">{t('audit.none')}</p>}
      {items.length > 0 && (
        <DataTable
          testId="audit-table"
          className="table-compact"
          busy={loading}
          columns={[t('audit.when'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.address'), t('audit.detail')]}
        >
          {items.map((e) => (
            <tr key={String(e.id)} data-testid="audit-row" data-action={e.action}>
              <td className="cell-nowrap">{formatDateTime(e.at, lang)}</td>
              <td>{e.actor ?? '—'}</td>
              <td>
                <span className={`badge ${/failed|blocked/.test(e.action) ? 'badge-warn' : 'badge-muted'}`}>{actionLabel(t, e.action)}</span>
              </td>
              <td>{e.target ?? ''}</td>
              <td className="cell-nowrap">{e.address ?? ''}</td>
              <td className="cell-detail">{detailText(e.detail)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {loading && <p className="muted">{t('common.loading')}</p>}
      {more && !loading && (
        <div className="button-row">
          <button
            type="button"
            className="btn"
            onClick={() => void load(filters, String(items[items.length - 1].id))}
            data-testid="audit-more"
          >
            {t('audit.more')}
          </button>
        </div>
      )}
    </section>
  );
}
