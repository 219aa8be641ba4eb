/** A moment shown in a table: a `<time>` with its machine-readable value, or a dash when it is unknown. */
export function Moment({ at, format }: { at: number | null; format: (at: number) => string }) {
  return at === null ? '—' : <time dateTime={new Date(at).toISOString()}>{format(at)}</time>;
}
