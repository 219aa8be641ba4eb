import './ProgressBar.css';

interface Props {
  value: number;
  max: number;
  label: string;
  /** Text shown under the bar, e.g. "120 / 300". */
  text?: string;
  /** What screen readers say for the value when no text is shown under the bar. */
  valueText?: string;
  testId?: string;
}

export function ProgressBar({ value, max, label, text, valueText, testId }: Props) {
  const pct = max > 0 ? Math.min(100, Math.max(0, (value / max) * 100)) : 0;
  return (
    <div className="progress" data-testid={testId}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max > 0 ? max : 100}
        aria-valuenow={max > 0 ? value : undefined}
        aria-valuetext={text ?? valueText}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      {text && <p className="progress-text">{text}</p>}
    </div>
  );
}
