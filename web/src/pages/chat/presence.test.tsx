import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../../i18n/i18n';
import { applyPresence, PresenceDot } from './presence';

describe('presence', () => {
  it('keeps who is not offline, the latest status winning', () => {
    let map = applyPresence({}, { login: 'bob', status: 'online' });
    map = applyPresence(map, { login: 'ana', status: 'dnd', text: 'En réunion' });
    map = applyPresence(map, { login: 'bob', status: 'away' });
    expect(map).toEqual({ bob: { status: 'away', text: '' }, ana: { status: 'dnd', text: 'En réunion' } });
    expect(applyPresence(map, { login: 'ana', status: 'offline' })).toEqual({ bob: { status: 'away', text: '' } });
  });

  it('shows someone absent from the map as offline, with a translated label', () => {
    const fr = renderToStaticMarkup(
      <I18nProvider initial="fr">
        <PresenceDot login="zoe" map={{ bob: { status: 'dnd', text: '' } }} />
        <PresenceDot login="bob" map={{ bob: { status: 'dnd', text: '' } }} />
        <PresenceDot login="ana" map={{ ana: { status: 'away', text: 'De retour à <b>15 h</b>' } }} />
      </I18nProvider>,
    );
    expect(fr).toContain('aria-label="Hors ligne"');
    expect(fr).toContain('data-status="offline"');
    expect(fr).toContain('class="presence-dot presence-dnd" role="img" aria-label="Ne pas déranger"');
    expect(fr).toContain('aria-label="Absent — De retour à &lt;b&gt;15 h&lt;/b&gt;"');
  });
});
