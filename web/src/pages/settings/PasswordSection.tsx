import { useState } from 'react';
import { api, useAction } from '../../api/client';
import { ErrorMessage, Notice, TextField } from '../../components/Form';
import { errorText, useT } from '../../i18n/i18n';
import { Section } from '../../components/Section';

export function PasswordSection() {
  const t = useT();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const change = useAction((currentPassword: string, newPassword: string) =>
    api.post<void>('/me/password', { currentPassword, newPassword }),
  );

  const err = change.error;
  const currentError = err && err.code === 'invalid-credentials' ? t('password.currentWrong') : null;
  const newError =
    err && (err.code === 'weak-password' || (err.code === 'invalid' && err.field === 'newPassword'))
      ? errorText(t, err)
      : null;
  const otherError = err && !currentError && !newError ? err : null;

  return (
    <Section title={t('password.title')} testId="password-section">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setDone(false);
          if (next !== confirm) {
            setMismatch(true);
            return;
          }
          setMismatch(false);
          const r = await change.run(current, next);
          if (r.ok) {
            setCurrent('');
            setNext('');
            setConfirm('');
            setDone(true);
          }
        }}
      >
        {/* Lets password managers tie the new password to this account. */}
        <input type="text" name="username" autoComplete="username" hidden readOnly value="" />
        <div className="form-grid">
          <TextField
            label={t('password.current')}
            type="password"
            value={current}
            onChange={setCurrent}
            autoComplete="current-password"
            required
            error={currentError}
            testId="password-current"
          />
          <TextField
            label={t('password.new')}
            type="password"
            value={next}
            onChange={(v) => {
              setNext(v);
              if (change.error?.code === 'weak-password') change.setError(null);
            }}
            autoComplete="new-password"
            required
            error={newError}
            hint={t('password.hint')}
            testId="password-new"
          />
          <TextField
            label={t('password.confirm')}
            type="password"
            value={confirm}
            onChange={setConfirm}
            autoComplete="new-password"
            required
            error={mismatch ? t('password.mismatch') : null}
            testId="password-confirm"
          />
        </div>
        <ErrorMessage error={otherError} />
        {done && <Notice testId="password-changed">{t('password.changed')}</Notice>}
        <div className="button-row">
          <button type="submit" className="btn btn-primary" disabled={change.busy} data-testid="password-submit">
            {t('password.submit')}
          </button>
        </div>
      </form>
    </Section>
  );
}
