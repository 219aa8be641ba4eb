// The Markdown subset chat messages are shown with: **bold**, *italic* / _italic_,
// `inline code`, ``` code blocks ```, [links](https://…) and bare http(s) addresses,
// bullet (- or *) and numbered (1.) lists, and @mentions. Parsed into a small tree that
// Markdown.tsx turns into React elements: nothing is ever handed to the browser as HTML,
// and a link only keeps an http, https or mailto address.

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] }
  | { t: 'mention'; login: string };

export type Block =
  | { t: 'p'; c: Inline[] }
  | { t: 'pre'; v: string }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; start: number; items: Inline[][] };

/** Emphasis inside emphasis this deep at most; deeper markers stay as typed. */
const MAX_DEPTH = 4;
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const BULLET = /^\s*[-*]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const FENCE = /^\s*```/;
/** The characters of a login in a mention, as the server reads them (chat.ts `mentions`). */
const MENTION = /^@([\p{L}\p{N}_.-]+)/u;
const WORD = /[\p{L}\p{N}_]/u;

/** The address a link may point to, or null when it is not http, https or mailto. */
export function safeHref(raw: string): string | null {
  const href = raw.trim();
  // Control characters and spaces are how "java\tscript:" tricks start; refuse them all.
  if (!href || /[\u0000-\u0020\u007f]/.test(href)) return null;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null; // relative or malformed: nowhere safe to go
  }
  return SAFE_SCHEMES.has(url.protocol) ? url.href : null;
}

export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ t: 'p', c: parseLines(para) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (FENCE.test(line)) {
      const end = lines.findIndex((l, j) => j > i && FENCE.test(l));
      if (end > i) {
        flush();
        blocks.push({ t: 'pre', v: lines.slice(i + 1, end).join('\n') });
        i = end;
        continue;
      }
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (bullet || numbered) {
      flush();
      const items: Inline[][] = [];
      const re = bullet ? BULLET : NUMBERED;
      let j = i;
      for (let m = re.exec(lines[j]); m && j < lines.length; m = j < lines.length ? re.exec(lines[j]) : null) {
        items.push(parseInline(bullet ? m[1] : m[2], 0));
        j++;
      }
      blocks.push(numbered ? { t: 'ol', start: Number(numbered[1]), items } : { t: 'ul', items });
      i = j - 1;
      continue;
    }
    if (line.trim() === '') flush();
    else para.push(line);
  }
  flush();
  return blocks;
}

/** Lines of one paragraph, their line breaks kept as text (shown with white-space: pre-wrap). */
function parseLines(lines: string[]): Inline[] {
  const out: Inline[] = [];
  lines.forEach((l, i) => {
    if (i > 0) out.push({ t: 'text', v: '\n' });
    out.push(...parseInline(l, 0));
  });
  return out;
}

export function parseInline(s: string, depth: number): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const push = (node: Inline) => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
    out.push(node);
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const before = i === 0 ? '' : s[i - 1];
    if (c === '`') {
      const end = s.indexOf('`', i + 1);
      if (end > i + 1) {
        push({ t: 'code', v: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (depth < MAX_DEPTH && s.startsWith('**', i)) {
      const end = s.indexOf('**', i + 2);
      if (end > i + 2) {
        push({ t: 'strong', c: parseInline(s.slice(i + 2, end), depth + 1) });
        i = end + 2;
        continue;
      }
    } else if (depth < MAX_DEPTH && (c === '*' || (c === '_' && !WORD.test(before))) && s[i + 1] && s[i + 1] !== ' ') {
      const end = closingEmphasis(s, c, i + 1);
      if (end > i + 1) {
        push({ t: 'em', c: parseInline(s.slice(i + 1, end), depth + 1) });
        i = end + 1;
        continue;
      }
    } else if (c === '[') {
      const link = /^\[([^\]\n]+)\]\(([^()\s]+)\)/.exec(s.slice(i));
      const href = link && safeHref(link[2]);
      if (link && href) {
        push({ t: 'link', href, c: parseInline(link[1], MAX_DEPTH) });
        i += link[0].length;
        continue;
      }
    } else if ((c === 'h' || c === 'H') && !WORD.test(before)) {
      const bare = /^https?:\/\/[^\s<>"]+/i.exec(s.slice(i));
      if (bare) {
        // A sentence's closing punctuation is not part of the address.
        const raw = bare[0].replace(/[.,;:!?'")\]]+$/, '');
        const href = safeHref(raw);
        if (href) {
          push({ t: 'link', href, c: [{ t: 'text', v: raw }] });
          i += raw.length;
          continue;
        }
      }
    } else if (c === '@' && !/[\p{L}\p{N}_.@-]/u.test(before)) {
      const m = MENTION.exec(s.slice(i));
      const login = m?.[1].replace(/[.-]+$/, '');
      if (login) {
        push({ t: 'mention', login });
        i += login.length + 1;
        continue;
      }
    }
    text += c;
    i++;
  }
  if (text) out.push({ t: 'text', v: text });
  return out;
}

/** Where a single * or _ emphasis opened before `from` closes, or -1. */
function closingEmphasis(s: string, marker: string, from: number): number {
  for (let j = from + 1; j < s.length; j++) {
    if (s[j] !== marker || s[j - 1] === ' ') continue;
    if (marker === '*' && s[j + 1] === '*') {
      j++; // the start of a ** inside: skip it
      continue;
    }
    if (marker === '_' && WORD.test(s[j + 1] ?? '')) continue; // snake_case_words
    return j;
  }
  return -1;
}
