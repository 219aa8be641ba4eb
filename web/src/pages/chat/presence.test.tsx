import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { I18nProvider } from '../../i18n/i18n';
import { applyPresence, PresenceDot } from './presence';

describe('presence', () => {
  it('keeps who is not offline, the latest status winning', () => {
    let map = applyPresence({}, { login: 'bob', status: 'online' });
    map = applyPresence(map, { login: 'ana', status: 'dnd' });
    map = applyPresence(map, { login: 'bob', status: 'away' });
    expect(map).toEqual({ bob: 'away', ana: 'dnd' });
    expect(applyPresence(map, { login: 'ana', status: 'offline' })).toEqual({ bob: 'away' });
  });

  it('shows someone absent from the map as offline, with a translated label', () => {
    const fr = renderToStaticMarkup(
      <I18nProvider initial="fr">
        <PresenceDot login="zoe" map={{ bob: 'dnd' }} />
        <PresenceDot login="bob" map={{ bob: 'dnd' }} />
      </I18nProvider>,
    );
    expect(fr).toContain('aria-label="Hors ligne"');
    expect(fr).toContain('data-status="offline"');
    expect(fr).toContain('class="presence-dot presence-dnd" role="img" aria-label="Ne pas déranger"');
  });
});
