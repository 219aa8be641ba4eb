// Labelled form controls. Each input has a real <label>; hints and errors are
// tied to the input with aria-describedby.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import type { ApiError } from '../api/client';
import { errorText, useT } from '../i18n/i18n';
import './Form.css';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'>;

interface TextFieldProps extends InputProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | null;
  testId?: string;
}

export function TextField({ label, value, onChange, hint, error, testId, className, ...rest }: TextFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        data-testid={testId}
        {...rest}
      />
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId} data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </p>
      )}
    </div>
  );
}

interface SelectFieldProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value'> {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  testId?: string;
}

export function SelectField({ label, value, onChange, options, testId, className, ...rest }: SelectFieldProps) {
  const id = useId();
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} {...rest}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface CheckboxProps {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  hint?: ReactNode;
  testId?: string;
  /** Looks like a switch. */
  toggle?: boolean;
}

export function Checkbox({ label, checked, onChange, disabled, hint, testId, toggle }: CheckboxProps) {
  const id = useId();
  return (
    <div className={`check ${toggle ? 'check-toggle' : ''}`}>
      <input
        id={id}
        type="checkbox"
        role={toggle ? 'switch' : undefined}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        aria-describedby={hint ? `${id}-hint` : undefined}
        data-testid={testId}
      />
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** An error from the server, read out by screen readers. */
export function ErrorMessage({ error, testId }: { error: ApiError | string | null | undefined; testId?: string }) {
  const t = useT();
  if (!error) return null;
  return (
    <p className="alert alert-error" role="alert" data-testid={testId ?? 'error'}>
      {typeof error === 'string' ? error : errorText(t, error)}
    </p>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  if (!children) return null;
  return (
    <p className="alert alert-ok" role="status" data-testid={testId}>
      {children}
    </p>
  );
}

/** A filter form's buttons: apply (the form's submit) and clear; test ids `{testId}-apply` and `{testId}-reset`. */
export function FilterButtons({ testId, onReset }: { testId: string; onReset: () => void }) {
  const t = useT();
  return (
    <div className="filters-buttons">
      <button type="submit" className="btn btn-primary" data-testid={`${testId}-apply`}>
        {t('audit.apply')}
      </button>
      <button type="button" className="btn" onClick={onReset} data-testid={`${testId}-reset`}>
        {t('audit.reset')}
      </button>
    </div>
  );
}
