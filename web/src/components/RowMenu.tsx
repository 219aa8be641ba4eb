// A "more actions" button for a table row. The list opens as a popover (top
// layer, so the table's scroll box does not clip it); clicking outside or
// Escape closes it. Browsers without the Popover API get the actions inline.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import './RowMenu.css';

// The menu's items: buttons, and links (e.g. a download).
const ITEMS = 'button:not([disabled]), a[href]';

const supportsPopover = typeof HTMLElement !== 'undefined' && Object.prototype.hasOwnProperty.call(HTMLElement.prototype, 'popover');

interface Props {
  label: string;
  /** Accessible name, e.g. "Actions for camille". */
  ariaLabel: string;
  testId?: string;
  children: ReactNode;
}

export function RowMenu({ label, ariaLabel, testId, children }: Props) {
  const id = useId().replace(/:/g, '');
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const pop = popRef.current;
    if (!pop || !supportsPopover) return;
    const onToggle = (e: Event) => {
      const open = (e as ToggleEvent).newState === 'open';
      buttonRef.current?.setAttribute('aria-expanded', String(open));
      if (!open) return;
      const r = buttonRef.current!.getBoundingClientRect();
      const width = pop.offsetWidth;
      const height = pop.offsetHeight;
      const below = r.bottom + 4 + height <= window.innerHeight;
      pop.style.left = `${Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8))}px`;
      pop.style.top = `${below ? r.bottom + 4 : Math.max(8, r.top - height - 4)}px`;
      pop.querySelector<HTMLElement>(ITEMS)?.focus();
    };
    pop.addEventListener('toggle', onToggle);
    return () => pop.removeEventListener('toggle', onToggle);
  }, []);

  if (!supportsPopover) return <div className="row-actions">{children}</div>;

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        className="btn btn-small"
        popoverTarget={id}
        aria-haspopup="true"
        aria-expanded="false"
        aria-label={ariaLabel}
        data-testid={testId}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      <div
        ref={popRef}
        id={id}
        popover="auto"
        className="row-menu"
        onClick={(e) => {
          if ((e.target as HTMLElement).closest('button, a[href]')) popRef.current?.hidePopover();
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            const items = [...(popRef.current?.querySelectorAll<HTMLElement>(ITEMS) ?? [])];
            const i = items.indexOf(document.activeElement as HTMLElement);
            items[(i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
          }
        }}
      >
        {children}
      </div>
    </>
  );
}
