import { useId, type ReactNode } from 'react';

/** A titled card on a page. */
export function Section({ title, testId, children, intro }: { title: string; testId: string; children: ReactNode; intro?: ReactNode }) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {intro && <p className="card-intro">{intro}</p>}
      {children}
    </section>
  );
}
