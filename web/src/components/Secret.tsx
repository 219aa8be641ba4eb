// Values shown once (generated passwords, backup codes) with a copy button.
import { useEffect, useId, useRef, useState } from 'react';
import { useT } from '../i18n/i18n';
import './Secret.css';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  document.body.removeChild(area);
  return ok;
}

export function CopyButton({ text, testId, label }: { text: string; testId?: string; label?: string }) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  return (
    <button
      type="button"
      className="btn btn-small"
      data-testid={testId}
      onClick={async () => {
        setState((await copyText(text)) ? 'copied' : 'failed');
        window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => setState('idle'), 2000);
      }}
    >
      <span aria-live="polite">
        {state === 'copied' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : (label ?? t('common.copy'))}
      </span>
    </button>
  );
}

/** A generated secret with a copy button and a "shown only once" warning. */
export function OnceSecret({ label, value, testId }: { label: string; value: string; testId: string }) {
  const t = useT();
  return (
    <div className="once-secret">
      <p className="once-secret-label">{label}</p>
      <div className="once-secret-row">
        <code className="once-secret-value" data-testid={testId}>
          {value}
        </code>
        <CopyButton text={value} testId={`${testId}-copy`} />
      </div>
      <p className="field-hint">{t('common.shownOnce')}</p>
    </div>
  );
}

/** The ten backup codes, shown once, with copy and download. */
export function BackupCodesView({ codes, onSaved }: { codes: string[]; onSaved: () => void }) {
  const t = useT();
  const titleId = useId();
  const text = codes.join('\n') + '\n';
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'atrium-backup-codes.txt';
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <section className="backup-codes" aria-labelledby={titleId}>
      <h3 id={titleId}>{t('totp.backup.title')}</h3>
      <p>{t('totp.backup.explain')}</p>
      <ol className="backup-codes-list" data-testid="backup-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div className="button-row">
        <CopyButton text={text} testId="backup-codes-copy" label={t('totp.backup.copy')} />
        <button type="button" className="btn btn-small" onClick={download} data-testid="backup-codes-download">
          {t('totp.backup.download')}
        </button>
      </div>
      <div className="button-row">
        <button type="button" className="btn btn-primary" onClick={onSaved} data-testid="backup-codes-saved">
          {t('totp.backup.saved')}
        </button>
      </div>
    </section>
  );
}
