// The phone system for administrators: give people an extension, add and remove their
// devices, reset a device's password (shown once, with the softphone settings and QR code);
// and the live view of registered phones and calls in progress, kept fresh by `voip.*` events.
import { useEffect, useState } from 'react';
import { invalidate, useAction, useQuery } from '../../api/client';
import {
  applyCallEvent,
  applyRegistrationEvent,
  liveRegistrations,
  phoneApi,
  type AdminExtension,
  type DeviceWithPassword,
  type LoggedCall,
  type Registration,
} from '../../api/phone';
import { useRealtime } from '../../api/realtime';
import { DataTable } from '../../components/DataTable';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { ErrorMessage, TextField } from '../../components/Form';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n/i18n';
import { DeviceCard } from '../phone/PhonePage';
import '../phone/Phone.css';

const EXTENSIONS = '/admin/voip/extensions';

type Open =
  | { kind: 'device'; login: string }
  | { kind: 'remove-extension'; ext: AdminExtension }
  | { kind: 'remove-device'; username: string }
  | { kind: 'reset'; username: string }
  | { kind: 'made'; device: DeviceWithPassword }
  | null;

export function PhoneAdminPage() {
  return (
    <>
      <Extensions />
      <LiveView />
    </>
  );
}

function Extensions() {
  const { t } = useI18n();
  const list = useQuery<{ items: AdminExtension[] }>(EXTENSIONS);
  const [login, setLogin] = useState('');
  const [number, setNumber] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const give = useAction(phoneApi.setExtension);

  return (
    <section className="admin-section" aria-labelledby="extensions-title" data-testid="extensions-page">
      <h2 id="extensions-title">{t('phoneAdmin.extensions')}</h2>
      <form
        className="filters"
        data-testid="extension-form"
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await give.run(login.trim(), number.trim());
          if (r.ok) {
            setLogin('');
            setNumber('');
            invalidate(EXTENSIONS);
          }
        }}
      >
        <TextField label={t('phoneAdmin.login')} value={login} onChange={setLogin} autoCapitalize="none" required testId="extension-login" />
        <TextField label={t('phoneAdmin.number')} value={number} onChange={setNumber} inputMode="numeric" required testId="extension-number" />
        <div className="filters-buttons">
          <button type="submit" className="btn btn-primary" disabled={give.busy} data-testid="extension-save">
            {t('phoneAdmin.give')}
          </button>
        </div>
      </form>
      <ErrorMessage error={give.error ?? list.error} testId="extension-error" />
      {list.data && list.data.items.length === 0 && <p className="muted">{t('phoneAdmin.noExtensions')}</p>}
      {list.data && list.data.items.length > 0 && (
        <DataTable testId="extensions-table" busy={list.loading} columns={[t('phoneAdmin.number'), t('phoneAdmin.login'), t('phoneAdmin.devices')]} actions>
          {list.data.items.map((x) => (
            <tr key={x.login} data-testid="extension-row" data-login={x.login}>
              <td className="cell-strong">{x.number}</td>
              <td>{x.login}</td>
              <td>
                <ul className="plain-list">
                  {x.devices.map((d) => (
                    <li key={d.username} data-testid="extension-device">
                      <code>{d.username}</code> {d.label}{' '}
                      <button type="button" className="btn btn-link" onClick={() => setOpen({ kind: 'reset', username: d.username })} data-testid="device-reset">
                        {t('phoneAdmin.resetPassword')}
                      </button>{' '}
                      <button
                        type="button"
                        className="btn btn-link btn-danger-quiet"
                        onClick={() => setOpen({ kind: 'remove-device', username: d.username })}
                        data-testid="device-remove"
                      >
                        {t('common.remove')}
                      </button>
                    </li>
                  ))}
                </ul>
              </td>
              <td className="cell-actions">
                <div className="row-actions">
                  <button type="button" className="btn btn-small" onClick={() => setOpen({ kind: 'device', login: x.login })} data-testid="device-add">
                    {t('phoneAdmin.addDevice')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger-quiet"
                    onClick={() => setOpen({ kind: 'remove-extension', ext: x })}
                    data-testid="extension-remove"
                  >
                    {t('phoneAdmin.removeExtension')}
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {open?.kind === 'device' && (
        <AddDeviceDialog login={open.login} onClose={() => setOpen(null)} onMade={(device) => setOpen({ kind: 'made', device })} />
      )}
      {open?.kind === 'reset' && (
        <Confirm
          title={t('phoneAdmin.resetPassword')}
          message={t('phoneAdmin.resetConfirm', { username: open.username })}
          run={() => phoneApi.resetPassword(open.username)}
          onDone={(device) => setOpen(device ? { kind: 'made', device } : null)}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'remove-device' && (
        <Confirm
          danger
          title={t('phoneAdmin.removeDevice')}
          message={t('phoneAdmin.removeDeviceConfirm', { username: open.username })}
          run={() => phoneApi.removeDevice(open.username)}
          onDone={() => setOpen(null)}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'remove-extension' && (
        <Confirm
          danger
          title={t('phoneAdmin.removeExtension')}
          message={t('phoneAdmin.removeExtensionConfirm', { number: open.ext.number, login: open.ext.login })}
          run={() => phoneApi.removeExtension(open.ext.login)}
          onDone={() => setOpen(null)}
          onCancel={() => setOpen(null)}
        />
      )}
      {open?.kind === 'made' && (
        <Dialog title={t('phoneAdmin.deviceReady')} onClose={() => setOpen(null)} testId="device-made" wide>
          <DeviceCard label={open.device.label} settings={open.device.settings} password={open.device.password} />
          <div className="dialog-actions">
            <button type="button" className="btn btn-primary" onClick={() => setOpen(null)} data-testid="device-made-done">
              {t('common.done')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  );
}

/** A confirmed change to the extensions list; `onDone` gets the change's answer. */
function Confirm<R>({ title, message, danger, run, onDone, onCancel }: {
  title: string;
  message: string;
  danger?: boolean;
  run: () => Promise<R>;
  onDone: (r: R) => void;
  onCancel: () => void;
}) {
  const action = useAction(run);
  return (
    <ConfirmDialog
      title={title}
      message={message}
      confirmLabel={title}
      danger={danger}
      busy={action.busy}
      error={<ErrorMessage error={action.error} />}
      onCancel={onCancel}
      onConfirm={async () => {
        const r = await action.run();
        if (r.ok) {
          invalidate(EXTENSIONS);
          onDone(r.value);
        }
      }}
    />
  );
}

function AddDeviceDialog({ login, onClose, onMade }: { login: string; onClose: () => void; onMade: (d: DeviceWithPassword) => void }) {
  const { t } = useI18n();
  const [label, setLabel] = useState('');
  const add = useAction(phoneApi.addDevice);
  return (
    <Dialog title={t('phoneAdmin.addDeviceFor', { login })} onClose={onClose} testId="device-dialog">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const r = await add.run(login, label.trim());
          if (r.ok) {
            invalidate(EXTENSIONS);
            onMade(r.value);
          }
        }}
      >
        <TextField label={t('phoneAdmin.deviceLabel')} value={label} onChange={setLabel} hint={t('phoneAdmin.deviceLabelHint')} testId="device-label" />
        <ErrorMessage error={add.error} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={add.busy} data-testid="device-create">
            {t('phoneAdmin.addDevice')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Registered phones and calls in progress, loaded once and then moved by the live events. */
function LiveView() {
  const { t, lang } = useI18n();
  const [registrations, setRegistrations] = useState<Registration[]>([]);
  const [calls, setCalls] = useState<LoggedCall[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const load = () => {
    phoneApi.registrations().then((r) => setRegistrations(r.items), () => undefined);
    phoneApi.active().then((r) => setCalls(r.items), () => undefined);
  };
  useEffect(load, []);
  // Bindings that lapse (a phone gone without un-registering) leave the list on their own.
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(id);
  }, []);
  useRealtime((e) => {
    if (e.type === 'caught-up' && e.reconnect) load();
    else if (e.type.startsWith('voip.registration.')) setRegistrations((l) => applyRegistrationEvent(l, e.type, e.data));
    else if (e.type.startsWith('voip.call.')) setCalls((l) => applyCallEvent(l, e.type, e.data));
  });
  const live = liveRegistrations(registrations, now);

  return (
    <section className="admin-section" aria-labelledby="live-title" data-testid="phone-live">
      <h2 id="live-title">{t('phoneAdmin.live')}</h2>
      <h3>{t('phoneAdmin.registrations', { n: live.length })}</h3>
      {live.length === 0 ? (
        <p className="muted" data-testid="registrations-empty">{t('phoneAdmin.noRegistrations')}</p>
      ) : (
        <DataTable
          testId="registrations-table"
          className="table-compact"
          columns={[t('phoneAdmin.device'), t('phoneAdmin.login'), t('phoneAdmin.number'), t('phoneAdmin.source'), t('phoneAdmin.userAgent'), t('phoneAdmin.expires')]}
        >
          {live.map((r) => (
            <tr key={r.id} data-testid="registration-row" data-device={r.device}>
              <td className="cell-strong">{r.device}</td>
              <td>{r.login}</td>
              <td>{r.extension ?? ''}</td>
              <td className="cell-nowrap">
                {r.source} {r.transport.toUpperCase()} {!r.connected && <span className="badge badge-warn">{t('phoneAdmin.disconnected')}</span>}
              </td>
              <td>{r.userAgent}</td>
              <td className="cell-nowrap">{formatDateTime(r.expiresAt, lang)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h3>{t('phoneAdmin.activeCalls', { n: calls.length })}</h3>
      {calls.length === 0 ? (
        <p className="muted" data-testid="calls-active-empty">{t('phoneAdmin.noActiveCalls')}</p>
      ) : (
        <DataTable testId="calls-active-table" className="table-compact" columns={[t('calls.from'), t('calls.to'), t('calls.started'), t('calls.state')]}>
          {calls.map((c) => (
            <tr key={c.id} data-testid="call-active-row">
              <td>{c.from.name || c.from.number} ({c.from.number})</td>
              <td>{c.to.name || c.to.number} ({c.to.number})</td>
              <td className="cell-nowrap">{formatDateTime(c.startedAt, lang)}</td>
              <td>{t(c.answeredAt ? 'calls.state.talking' : c.ringingAt ? 'calls.state.ringing' : 'calls.state.dialling')}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
