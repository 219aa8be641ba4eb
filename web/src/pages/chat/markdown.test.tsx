import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown';
import { parseInline, parseMarkdown, safeHref } from './markdown';

const html = (text: string, me = 'alice') => renderToStaticMarkup(<Markdown text={text} me={me} />);
/** The blocks without the message's own wrapper (a lone paragraph is the wrapper). */
const inner = (text: string, me = 'alice') =>
  html(text, me)
    .replace(/^<div[^>]*>|<\/div>$/g, '')
    .replace(/^<p class="chat-text" data-testid="chat-text">/, '<p>');

describe('chat markdown', () => {
  it('renders bold, italic, inline code and line breaks', () => {
    expect(inner('**bold** and *it* and _it2_ and `x < y`\nnext')).toBe(
      '<p><strong>bold</strong> and <em>it</em> and <em>it2</em> and <code>x &lt; y</code>\nnext</p>',
    );
  });

  it('keeps snake_case words, lone stars and unclosed markers as typed', () => {
    expect(inner('a_b_c 2 * 3 = 6 **open')).toBe('<p>a_b_c 2 * 3 = 6 **open</p>');
  });

  it('nests emphasis and stops at a depth limit', () => {
    expect(inner('**bold *and italic* too**')).toBe('<p><strong>bold <em>and italic</em> too</strong></p>');
    const deep = '*'.repeat(40) + 'x' + '*'.repeat(40);
    expect(() => html(deep)).not.toThrow();
  });

  it('renders code blocks verbatim, markers and HTML inside included', () => {
    expect(inner('before\n```\n**not bold** <b>x</b>\n  indented\n```\nafter')).toBe(
      '<p>before</p><pre><code>**not bold** &lt;b&gt;x&lt;/b&gt;\n  indented</code></pre><p>after</p>',
    );
  });

  it('renders bullet and numbered lists', () => {
    expect(inner('- one\n- **two**\n\n3. three\n4. four')).toBe(
      '<ul><li>one</li><li><strong>two</strong></li></ul><ol start="3"><li>three</li><li>four</li></ol>',
    );
  });

  it('links http, https and mailto addresses in a new tab without the opener', () => {
    expect(inner('[site](https://example.org/a?b=1&c=2) and mail [me](mailto:a@b.fr)')).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">site</a> and mail ' +
        '<a href="mailto:a@b.fr" target="_blank" rel="noopener noreferrer">me</a></p>',
    );
    expect(inner('see http://example.org/x.')).toBe(
      '<p>see <a href="http://example.org/x" target="_blank" rel="noopener noreferrer">http://example.org/x</a>.</p>',
    );
  });

  it('never links javascript:, data: or relative addresses', () => {
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<b>', 'vbscript:x', '/local', '//evil.example']) {
      expect(safeHref(bad)).toBeNull();
    }
    const out = html('[x](javascript:alert(1)) [y](data:text/html;base64,PHNjcmlwdD4=)');
    expect(out).not.toContain('<a');
    expect(out).toContain('[x](javascript:alert(1))');
  });

  it('shows HTML as text', () => {
    const out = html('<img src=x onerror=alert(1)> <script>alert(1)</script> **<b>x</b>**');
    expect(out).not.toMatch(/<img|<script|<b>/);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('<strong>&lt;b&gt;x&lt;/b&gt;</strong>');
  });

  it('does not let a link text carry a link or an attribute out', () => {
    const out = html('[**a** [b](https://x.org)](https://y.org) [t](https://a.org/"onmouseover="x)');
    expect(out).not.toContain('onmouseover="x"');
    expect(out).not.toMatch(/<a [^>]*>(?:(?!<\/a>).)*<a /);
    expect(out).toContain('href="https://a.org/%22onmouseover=%22x"');
  });

  it('highlights mentions, the reader own and @all more strongly, not e-mail addresses', () => {
    expect(parseInline('hi @bob, mail bob@example.org', 0)).toEqual([
      { t: 'text', v: 'hi ' },
      { t: 'mention', login: 'bob' },
      { t: 'text', v: ', mail bob@example.org' },
    ]);
    const out = html('@alice @bob @all.', 'alice');
    expect(out).toContain('<span class="chat-mention chat-mention-me" data-testid="chat-mention" data-own="true">@alice</span>');
    expect(out).toContain('data-own="false">@bob</span>');
    expect(out).toContain('data-own="true">@all</span>.');
  });

  it('parses an empty or blank message to nothing', () => {
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('\n\n')).toEqual([]);
  });
});
