import { escapeHtml, renderMessage, resolveLocale } from '../../../shared/mail/templates.ts';

describe('mail templates', () => {
  it('picks the language from the locale attribute, English otherwise', () => {
    expect(resolveLocale('de-AT')).toBe('de');
    expect(resolveLocale('DE_de')).toBe('de');
    expect(resolveLocale('fr')).toBe('fr');
    expect(resolveLocale('it-IT')).toBe('en');
    expect(resolveLocale(undefined)).toBe('en');
  });

  it.each(['welcome', 'password-changed', 'new-sign-in'] as const)(
    'renders %s in English and German, HTML and text',
    (kind) => {
      const en = renderMessage(kind, 'en', { name: 'Jane', appName: 'Acme', signInAt: '2026-11-23T10:00:00Z' });
      const de = renderMessage(kind, 'de', { name: 'Jane', appName: 'Acme', signInAt: '2026-11-23T10:00:00Z' });
      for (const message of [en, de]) {
        expect(message.subject).toContain('Acme');
        expect(message.text).toContain('Jane');
        expect(message.html).toContain('<p>');
      }
      expect(en.text).toMatch(/^Hello Jane,/u);
      expect(de.text).toMatch(/^Hallo Jane,/u);
      expect(de.html).toContain('lang="de"');
    },
  );

  it('escapes what users typed into their names', () => {
    const message = renderMessage('welcome', 'en', { name: '<img src=x onerror=alert(1)>', appName: 'Acme & Co' });
    expect(message.html).not.toContain('<img');
    expect(message.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('greets without a name when there is none', () => {
    expect(renderMessage('welcome', 'en', { appName: 'Acme' }).text).toMatch(/^Hello,/u);
  });
});
