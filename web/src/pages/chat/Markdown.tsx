// A chat message as React elements, from the tree markdown.ts parses. Every text is a
// React text node (escaped by React), links open in a new tab without handing it this
// window, and a mention is highlighted, more strongly when it names the reader.
import type { ReactNode } from 'react';
import { parseMarkdown, type Inline } from './markdown';

export function Markdown({ text, me }: { text: string; me: string }) {
  const blocks = parseMarkdown(text);
  // Most messages are one paragraph: the paragraph itself, no wrapper around it.
  if (blocks.length === 1 && blocks[0].t === 'p') {
    return (
      <p className="chat-text" data-testid="chat-text">
        {inlines(blocks[0].c, me)}
      </p>
    );
  }
  return (
    <div className="chat-text" data-testid="chat-text">
      {blocks.map((b, i) => {
        switch (b.t) {
          case 'p':
            return <p key={i}>{inlines(b.c, me)}</p>;
          case 'pre':
            return (
              <pre key={i}>
                <code>{b.v}</code>
              </pre>
            );
          case 'ul':
            return <ul key={i}>{b.items.map((item, j) => <li key={j}>{inlines(item, me)}</li>)}</ul>;
          case 'ol':
            return (
              <ol key={i} start={b.start}>
                {b.items.map((item, j) => (
                  <li key={j}>{inlines(item, me)}</li>
                ))}
              </ol>
            );
        }
      })}
    </div>
  );
}

function inlines(nodes: Inline[], me: string): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.v;
      case 'code':
        return <code key={i}>{n.v}</code>;
      case 'strong':
        return <strong key={i}>{inlines(n.c, me)}</strong>;
      case 'em':
        return <em key={i}>{inlines(n.c, me)}</em>;
      case 'link':
        return (
          <a key={i} href={n.href} target="_blank" rel="noopener noreferrer">
            {inlines(n.c, me)}
          </a>
        );
      case 'mention': {
        const own = n.login.toLowerCase() === me.toLowerCase() || n.login.toLowerCase() === 'all';
        return (
          <span key={i} className={`chat-mention ${own ? 'chat-mention-me' : ''}`} data-testid="chat-mention" data-own={own}>
            @{n.login}
          </span>
        );
      }
    }
  });
}
