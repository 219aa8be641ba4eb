// Mention autocompletion in the composer: which "@word" the caret is in, and who it may name.

/** The "@…" being typed just before the caret: where its @ is and what follows it, or null. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|[^\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]*)$/u.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

/** The members (and "all") whose login starts with the query, the caller left out, at most `limit`. */
export function mentionCandidates(logins: readonly string[], query: string, me: string, limit = 8): string[] {
  const q = query.toLowerCase();
  const names = [...logins.filter((l) => l !== me).sort((a, b) => a.localeCompare(b)), 'all'];
  return names.filter((l) => l.toLowerCase().startsWith(q)).slice(0, limit);
}

/** The text with the mention at `start` (up to the caret) completed, and where the caret goes. */
export function completeMention(text: string, start: number, caret: number, login: string): { text: string; caret: number } {
  const inserted = `@${login} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
