// The Phone app: the person's extension, their devices with what to type into a softphone
// (and a QR code of it), a new password for a device, and their call history with missed
// calls marked and call-back links. Opening the page counts the missed calls as seen.
import { useEffect, useState } from 'react';
import { api, invalidate, toApiError, useAction, useQuery, withQuery, type ApiError } from '../../api/client';
import {
  CALL_PAGE,
  callbackUri,
  formatDuration,
  softphoneUri,
  type DeviceWithPassword,
  type MyCall,
  type MyCallPage,
  type MyPhone,
  type SipSettings,
} from '../../api/phone';
import { ConfirmDialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/Form';
import { QrCode } from '../../components/QrCode';
import { OnceSecret } from '../../components/Secret';
import { Section } from '../../components/Section';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { MY_PHONE } from './phoneWatch';
import './Phone.css';

export const PHONE_URL = '/phone';
const FIRST_PAGE = withQuery('/me/phone/calls', { limit: CALL_PAGE });

export function PhonePage() {
  const { t } = useI18n();
  const phone = useQuery<MyPhone>(MY_PHONE);
  const data = phone.data;
  return (
    <div className="page phone-page" data-testid="phone-page">
      <h1>{t('phone.title')}</h1>
      <ErrorMessage error={phone.error} />
      {data && !data.extension && <p className="muted" data-testid="phone-none">{t('phone.noExtension')}</p>}
      {data?.extension && (
        <>
          <Section title={t('phone.extension')} testId="phone-extension">
            <p className="phone-number" data-testid="phone-number">
              {data.extension}
            </p>
            {!data.enabled && <p className="muted">{t('phone.sipOff')}</p>}
          </Section>
          <Section title={t('phone.devices')} testId="phone-devices" intro={t('phone.devicesIntro')}>
            {data.devices.length === 0 && <p className="muted">{t('phone.noDevices')}</p>}
            {data.devices.map((d) => (
              <DeviceCard key={d.username} label={d.label} settings={d.settings} />
            ))}
          </Section>
          <History server={data.devices[0]?.settings.server ?? window.location.hostname} />
        </>
      )}
    </div>
  );
}

/** What to type into a softphone, a QR code of it, and a new password on demand. */
export function DeviceCard({ label, settings, password }: { label: string; settings: SipSettings; password?: string }) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const [made, setMade] = useState<DeviceWithPassword | null>(null);
  const reset = useAction(() => api.post<DeviceWithPassword>(`/me/phone/devices/${encodeURIComponent(settings.username)}/password`, {}));
  const shown = password ?? made?.password;
  const ports = Object.entries(settings.ports);
  return (
    <div className="phone-device" data-testid="phone-device" data-username={settings.username}>
      <div className="phone-device-text">
        <h3>{label || settings.username}</h3>
        <dl className="phone-settings">
          <dt>{t('phone.server')}</dt>
          <dd data-testid="phone-server">{settings.server}</dd>
          <dt>{t('phone.username')}</dt>
          <dd data-testid="phone-username">{settings.username}</dd>
          <dt>{t('phone.authUsername')}</dt>
          <dd>{settings.authUsername}</dd>
          <dt>{t('phone.realm')}</dt>
          <dd>{settings.realm}</dd>
          <dt>{t('phone.ports')}</dt>
          <dd data-testid="phone-ports">
            {ports.length === 0 ? t('phone.sipOff') : ports.map(([p, n]) => `${p.toUpperCase()} ${n}`).join(' · ')}
          </dd>
        </dl>
        {shown && <OnceSecret label={t('phone.password')} value={shown} testId="phone-password" />}
        {password === undefined && (
          <button type="button" className="btn" onClick={() => setAsking(true)} data-testid="phone-new-password">
            {t('phone.newPassword')}
          </button>
        )}
      </div>
      <QrCode value={softphoneUri(settings)} label={t('phone.qr')} size={160} testId="phone-qr" />
      {asking && (
        <ConfirmDialog
          title={t('phone.newPassword')}
          message={t('phone.newPasswordConfirm')}
          confirmLabel={t('phone.newPassword')}
          busy={reset.busy}
          error={<ErrorMessage error={reset.error} />}
          onCancel={() => setAsking(false)}
          onConfirm={async () => {
            const r = await reset.run();
            if (r.ok) {
              setMade(r.value);
              setAsking(false);
            }
          }}
        />
      )}
    </div>
  );
}

function History({ server }: { server: string }) {
  const { t, lang } = useI18n();
  const first = useQuery<MyCallPage>(FIRST_PAGE);
  const [older, setOlder] = useState<MyCall[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const missed = first.data?.missed ?? 0;

  // Looked at: the badge goes; a call missed while the page is open is seen at once too.
  useEffect(() => {
    if (missed > 0) void api.post('/me/phone/calls/seen', {}).then(() => invalidate('/me/phone/calls'), () => undefined);
  }, [missed]);
  // A fresh first page starts the paging again.
  useEffect(() => {
    setOlder([]);
    setNext(first.data?.next ?? null);
  }, [first.data]);

  const more = async () => {
    if (!next) return;
    try {
      const page = await api.get<MyCallPage>(withQuery('/me/phone/calls', { before: next, limit: CALL_PAGE }));
      setOlder((o) => [...o, ...page.items]);
      setNext(page.next);
    } catch (e) {
      setError(toApiError(e));
    }
  };

  const calls = [...(first.data?.items ?? []), ...older];
  return (
    <Section title={t('phone.history')} testId="phone-history">
      <ErrorMessage error={first.error ?? error} />
      {first.data && calls.length === 0 && <p className="muted">{t('phone.noCalls')}</p>}
      <ul className="call-list">
        {calls.map((c) => (
          <CallItem key={c.id} call={c} server={server} when={formatDateTime(c.startedAt, lang)} />
        ))}
      </ul>
      {next && (
        <div className="button-row">
          <button type="button" className="btn" onClick={() => void more()} data-testid="phone-more">
            {t('phone.more')}
          </button>
        </div>
      )}
    </Section>
  );
}

function CallItem({ call, server, when }: { call: MyCall; server: string; when: string }) {
  const { t } = useI18n();
  const back = callbackUri(call.other.number, server);
  const who = call.other.name || call.other.login || call.other.number;
  return (
    <li className={`call-item ${call.missed ? 'call-missed' : ''}`} data-testid="phone-call" data-missed={call.missed} data-outcome={call.outcome ?? ''}>
      <span className="call-direction" aria-label={t(call.direction === 'in' ? 'phone.in' : 'phone.out')} title={t(call.direction === 'in' ? 'phone.in' : 'phone.out')}>
        {call.direction === 'in' ? '↙' : '↗'}
      </span>
      <span className="call-who">
        <strong data-testid="phone-call-who">{who}</strong>
        {who !== call.other.number && <span className="muted"> {call.other.number}</span>}
        <span className="call-when muted">{when}</span>
      </span>
      <span className="call-outcome">
        <span className={`badge ${call.missed ? 'badge-warn' : call.outcome === 'answered' ? 'badge-ok' : 'badge-muted'}`}>
          {call.missed ? t('phone.missed') : t(`phone.outcome.${call.outcome ?? 'progress'}` as const)}
        </span>
        {call.outcome === 'answered' && <span className="call-duration"> {formatDuration(call.durationSeconds)}</span>}
      </span>
      {back && (
        <a className="btn btn-small call-back" href={back} data-testid="phone-callback" aria-label={t('phone.callBackLabel', { who })}>
          {t('phone.callBack')}
        </a>
      )}
    </li>
  );
}
