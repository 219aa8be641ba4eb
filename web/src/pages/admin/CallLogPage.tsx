// The call log for administrators: filters (person, extension, direction, outcome, dates),
// newest first with "load more", and the same selection as a CSV download.
import { useCallback, useEffect, useRef, useState } from 'react';
import { API_BASE, toApiError, type ApiError } from '../../api/client';
import { callLogPath, formatDuration, NO_FILTERS, OUTCOMES, phoneApi, type CallFilters, type LoggedCall } from '../../api/phone';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage, FilterButtons, SelectField, TextField } from '../../components/Form';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';

export function CallLogPage() {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<CallFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<CallFilters>(NO_FILTERS);
  const [items, setItems] = useState<LoggedCall[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const seq = useRef(0);

  const load = useCallback(async (f: CallFilters, before?: string) => {
    const n = ++seq.current;
    setLoading(true);
    setError(null);
    try {
      const page = await phoneApi.log(f, before);
      if (n !== seq.current) return;
      setItems((old) => (before ? [...old, ...page.items] : page.items));
      setNext(page.next);
    } catch (e) {
      if (n === seq.current) {
        setError(toApiError(e));
        if (!before) setItems([]);
      }
    } finally {
      if (n === seq.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(filters);
  }, [filters, load]);

  const set = (key: keyof CallFilters) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  return (
    <section className="admin-section" aria-labelledby="calls-title" data-testid="calls-page">
      <div className="toolbar">
        <h2 id="calls-title">{t('calls.title')}</h2>
        <div className="toolbar-end">
          <a className="btn" href={API_BASE + callLogPath('/admin/voip/calls.csv', filters)} download data-testid="calls-csv">
            {t('calls.csv')}
          </a>
        </div>
      </div>
      <form
        className="filters"
        data-testid="calls-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters({ ...draft });
        }}
      >
        <TextField label={t('calls.login')} value={draft.login} onChange={set('login')} autoCapitalize="none" testId="calls-login" />
        <TextField label={t('calls.extension')} value={draft.extension} onChange={set('extension')} inputMode="numeric" testId="calls-extension" />
        <SelectField
          label={t('calls.direction')}
          value={draft.direction}
          onChange={set('direction')}
          options={[
            { value: '', label: t('calls.anyDirection') },
            { value: 'in', label: t('calls.in') },
            { value: 'out', label: t('calls.out') },
          ]}
          testId="calls-direction"
        />
        <SelectField
          label={t('calls.outcome')}
          value={draft.outcome}
          onChange={set('outcome')}
          options={[{ value: '', label: t('calls.anyOutcome') }, ...OUTCOMES.map((o) => ({ value: o, label: t(`phone.outcome.${o}` as const) }))]}
          testId="calls-outcome"
        />
        <TextField label={t('calls.fromDate')} type="date" value={draft.from} onChange={set('from')} testId="calls-from" />
        <TextField label={t('calls.toDate')} type="date" value={draft.to} onChange={set('to')} testId="calls-to" />
        <FilterButtons
          testId="calls"
          onReset={() => {
            setDraft(NO_FILTERS);
            setFilters({ ...NO_FILTERS });
          }}
        />
      </form>

      <ErrorMessage error={error} testId="calls-error" />
      {!loading && !error && items.length === 0 && <p className="muted" data-testid="calls-empty">{t('calls.none')}</p>}
      {items.length > 0 && (
        <DataTable
          testId="calls-table"
          className="table-compact"
          busy={loading}
          columns={[t('calls.started'), t('calls.from'), t('calls.to'), t('calls.outcome'), t('calls.duration'), t('calls.answeredBy'), t('calls.transfers')]}
        >
          {items.map((c) => (
            <tr key={c.id} data-testid="call-row" data-outcome={c.outcome ?? ''}>
              <td className="cell-nowrap">{formatDateTime(c.startedAt, lang)}</td>
              <td>
                {c.from.login ?? c.from.name} <span className="muted">{c.from.number}</span>
              </td>
              <td>
                {c.to.login ?? ''} <span className="muted">{c.to.number}</span>
              </td>
              <td>
                {t(`phone.outcome.${c.outcome ?? 'progress'}` as const)}
                {c.sipCode !== null && c.sipCode !== 200 && <span className="muted"> ({c.sipCode})</span>}
              </td>
              <td className="cell-nowrap">{c.answeredAt ? formatDuration(c.durationSeconds) : ''}</td>
              <td>{c.answeredBy ?? ''}</td>
              <td>{c.transfers.map((x) => `${t(`calls.transfer.${x.kind}` as const)} → ${x.target}`).join(', ')}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {loading && <p className="muted">{t('common.loading')}</p>}
      {next && !loading && (
        <div className="button-row">
          <button type="button" className="btn" onClick={() => void load(filters, next)} data-testid="calls-more">
            {t('audit.more')}
          </button>
        </div>
      )}
    </section>
  );
}
