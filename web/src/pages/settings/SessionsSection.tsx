import { api, encode, invalidate, useAction, useQuery } from '../../api/client';
import type { DeviceSession } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ErrorMessage } from '../../components/Form';
import { formatDateTime, summarizeUserAgent } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { Section } from '../../components/Section';

export function SessionsSection() {
  const { t, lang } = useI18n();
  const list = useQuery<DeviceSession[]>('/me/sessions');
  const revoke = useAction((id: string) => api.del<void>(`/me/sessions/${encode(id)}`));

  const sessions = list.data ? [...list.data].sort((a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt - a.lastSeenAt) : [];

  return (
    <Section title={t('sessions.title')} testId="sessions-section" intro={t('sessions.intro')}>
      {list.error && <ErrorMessage error={list.error} />}
      <ErrorMessage error={revoke.error} />
      {list.data && (
        <DataTable testId="sessions-table" columns={[t('sessions.device'), t('sessions.address'), t('sessions.lastSeen')]} actions>
          {sessions.map((s) => (
            <tr key={s.id} data-testid="session-row" data-current={s.current ? 'true' : undefined}>
              <td>
                <span title={s.userAgent ?? undefined}>{summarizeUserAgent(s.userAgent)}</span>
                {s.current && (
                  <span className="badge badge-info" data-testid="session-current">
                    {t('sessions.thisDevice')}
                  </span>
                )}
              </td>
              <td>{s.address ?? '—'}</td>
              <td>{formatDateTime(s.lastSeenAt, lang)}</td>
              <td className="cell-actions">
                {!s.current && (
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    disabled={revoke.busy}
                    onClick={async () => {
                      const r = await revoke.run(s.id);
                      if (r.ok) invalidate('/me/sessions');
                    }}
                    data-testid="session-revoke"
                    aria-label={t('sessions.revokeLabel', { device: summarizeUserAgent(s.userAgent) })}
                  >
                    {t('sessions.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </Section>
  );
}
