import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KIND_SPECS,
  LIMITS,
  LOCALES,
  MESSAGE_KINDS,
  MessageError,
  characters,
  emailRenderer,
  renderEmail,
  renderSms,
  renderSmsForms,
  resolveLocale,
  smsRenderer,
  type Branding,
} from '../../../shared/messages/index.ts';
import { SENDER_EMAILS, SENDER_SMS } from '../../../shared/codes/messages.ts';
import { NOMINAL_VALUES } from '../../../shared/messages/kinds.ts';
import { fillHtml, fillLine, fillText } from '../../../shared/messages/render.ts';
import {
  compileTemplates,
  GENERATED_FILE,
  TEMPLATE_DIR,
  TemplateError,
  writeCatalog,
} from '../../../shared/messages/compile.ts';

const branding: Branding = {
  product: 'Acme',
  primaryColor: '#2563eb',
  backgroundColor: '#f4f5f7',
  textColor: '#1f2933',
  supportEmail: 'help@acme.example',
  footer: 'Acme Ltd, 1 Main Street',
};

/** Distinct values per placeholder, so that a test can find each in the output. */
const VALUES: Record<string, string> = {
  code: '918273',
  username: 'jane.doe@example.com',
  name: 'Jane',
  link: 'https://auth.acme.example/magic?token=abc&x=1',
  minutes: '15',
  time: '2026-11-30T10:00:00Z',
  ip: '203.0.113.7',
  city: 'Dublin',
  country: 'Ireland',
  device: 'Firefox on Linux',
  action: 'BLOCK',
  validLink: 'https://feedback.example/valid',
  invalidLink: 'https://feedback.example/invalid',
  signInAt: '2026-11-30T09:00:00Z',
};

const cases = LOCALES.flatMap((locale) => MESSAGE_KINDS.map((kind) => [kind, locale] as const));

describe('the template set', () => {
  it.each(cases)('%s in %s: every required value in HTML and text, within the limits', (kind, locale) => {
    const values = Object.fromEntries(
      [...KIND_SPECS[kind].required, ...KIND_SPECS[kind].optional].map((n) => [n, VALUES[n] ?? 'x']),
    );
    const email = renderEmail(kind, locale, values, branding);
    expect(email.html).toContain(`<html lang="${locale}">`);
    expect(email.html).toContain('Acme');
    expect(characters(email.subject)).toBeLessThanOrEqual(LIMITS.subject);
    expect(email.subject).not.toMatch(/[\n{}]/u);
    expect(characters(email.html)).toBeLessThanOrEqual(LIMITS.email);
    for (const name of KIND_SPECS[kind].required) {
      const value = VALUES[name] ?? '';
      expect(email.text).toContain(value);
      expect(email.html).toContain(value.replaceAll('&', '&amp;'));
    }
    expect(`${email.html}${email.text}`).not.toMatch(/\{\{|\}\}/u);
    expect(email.text).toContain('Jane');
    if (KIND_SPECS[kind].channels.includes('sms')) {
      const sms = renderSms(kind, locale, values, branding);
      expect(characters(sms)).toBeLessThanOrEqual(LIMITS.sms);
      for (const name of KIND_SPECS[kind].required) expect(sms).toContain(VALUES[name]);
    } else {
      expect(() => renderSms(kind, locale, values, branding)).toThrow(MessageError);
    }
  });

  it.each(cases)('%s in %s: nominal values fit every limit, in both SMS forms', (kind, locale) => {
    const email = renderEmail(kind, locale, NOMINAL_VALUES, { ...branding, product: NOMINAL_VALUES.product ?? '' });
    expect(characters(email.html)).toBeLessThanOrEqual(LIMITS.email);
    if (!KIND_SPECS[kind].channels.includes('sms')) return;
    const forms = renderSmsForms(kind, locale, NOMINAL_VALUES, branding);
    expect(characters(forms.full)).toBeLessThanOrEqual(LIMITS.sms);
    expect(characters(forms.short)).toBeLessThanOrEqual(LIMITS.sms);
  });

  it('keeps Cognito placeholders verbatim (custom message hands them over as values)', () => {
    const values = { code: '{####}', username: '{username}' };
    for (const locale of LOCALES) {
      const email = renderEmail('admin-invitation', locale, values, branding);
      expect(email.html).toContain('{####}');
      expect(email.html).toContain('{username}');
      expect(renderSms('admin-invitation', locale, values, branding)).toMatch(/\{username\}.*\{####\}/u);
      expect(renderEmail('sign-up-link', locale, { link: '{##Verify Email##}' }, branding).html).toContain(
        '{##Verify Email##}',
      );
    }
  });

  it('HTML-escapes every value and the branding, strips control characters from SMS and subjects', () => {
    const hostile = '<img src=x onerror=alert(1)>"\'&';
    const email = renderEmail(
      'account-takeover',
      'en',
      {
        name: hostile,
        device: hostile,
        city: hostile,
        ip: '1.2.3.4',
        validLink: 'https://a.example/v',
        invalidLink: 'https://a.example/i',
      },
      {
        ...branding,
        product: 'A<b>cme',
        footer: '<script>x</script>',
      },
    );
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('<b>');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(email.text).toContain(hostile);
    const subject = renderEmail('welcome', 'en', {}, { ...branding, product: 'Acme\r\nBcc: x@evil.example' }).subject;
    expect(subject).not.toMatch(/[\r\n]/u);
    const sms = renderSms(
      'sign-in-code',
      'en',
      { code: '123456', name: 'a\u0007b' },
      { ...branding, product: 'Ac\nme\u202e' },
    );
    expect(sms).toBe('Acme: your sign-in code is 123456. Do not share it.');
  });

  it('puts a link into an href only when it is http(s)', () => {
    const safe = renderEmail('magic-link', 'en', { link: 'https://a.example/x?y=1&z=2' }, branding).html;
    expect(safe).toContain('href="https://a.example/x?y=1&amp;z=2"');
    const unsafe = renderEmail('magic-link', 'en', { link: 'javascript:alert(1)' }, branding).html;
    expect(unsafe).not.toContain('href="javascript');
  });

  it('falls back to the short SMS when the full one would be over 140 characters', () => {
    const long = { code: '123456', username: `${'u'.repeat(90)}@example.com` };
    const sms = renderSms('admin-invitation', 'en', long, branding);
    expect(sms).toBe(`Acme: ${long.username} / 123456`);
    expect(renderSms('admin-invitation', 'en', { code: '1', username: 'u' }, branding)).toContain('temporary password');
  });

  it('refuses to render without a required value', () => {
    expect(() => renderEmail('sign-up-code', 'en', {}, branding)).toThrow(MessageError);
    expect(() => renderEmail('magic-link', 'en', { link: '  ' }, branding)).toThrow(/"link" is required/u);
    expect(() => renderSms('sign-in-code', 'en', { minutes: '3' }, branding)).toThrow(MessageError);
  });

  it('greets without a name, shows optional passages only with their value', () => {
    expect(renderEmail('sign-in-code', 'en', { code: '123456' }, branding).text).toMatch(
      /^Hello,\n\nEnter this code to sign in:/u,
    );
    expect(renderEmail('sign-in-code', 'de', { code: '123456', minutes: '3', name: 'Jörg' }, branding).text).toMatch(
      /^Hallo Jörg,\n\nGeben Sie diesen Code ein, um sich anzumelden \(gültig 3 Minuten\):/u,
    );
    expect(renderEmail('welcome', 'en', {}, { ...branding, supportEmail: undefined }).text).not.toContain('Questions?');
  });

  it('sends the sign-in code without talking of a password: passwordless users may have none', () => {
    // The same kind carries passwordless codes (create auth challenge) and MFA codes: its text must fit both.
    const password = { en: /password/iu, de: /passwort/iu, fr: /mot de passe/iu, es: /contraseña/iu } as const;
    for (const locale of LOCALES) {
      const email = renderEmail('sign-in-code', locale, { code: '123456', minutes: '3' }, branding);
      expect(`${email.subject}\n${email.text}`).not.toMatch(password[locale]);
      expect(renderSms('sign-in-code', locale, { code: '123456', minutes: '3' }, branding)).not.toMatch(
        password[locale],
      );
    }
  });

  it('resolves the locale from client metadata, then the user, then the default', () => {
    expect(resolveLocale({ locale: 'fr-CA' }, { locale: 'de' })).toBe('fr');
    expect(resolveLocale({ locale: 'it' }, { locale: 'de-AT' })).toBe('de');
    expect(resolveLocale(null, { locale: 'ES_mx' })).toBe('es');
    expect(resolveLocale({}, {})).toBe('en');
    expect(resolveLocale(undefined, { locale: 'pt-BR' }, 'de')).toBe('de');
  });
});

describe('a renderer of some kinds (what a function that sends a few carries in its bundle)', () => {
  const senderEmail = emailRenderer(SENDER_EMAILS);
  const senderSms = smsRenderer(SENDER_SMS);

  it.each(LOCALES)('renders its kinds in %s as the whole catalogue does', (locale) => {
    for (const kind of Object.keys(SENDER_EMAILS) as Array<keyof typeof SENDER_EMAILS>) {
      expect(senderEmail(kind, locale, VALUES, branding)).toEqual(renderEmail(kind, locale, VALUES, branding));
      expect(senderEmail(kind, locale, VALUES, branding, { form: 'short' })).toEqual(
        renderEmail(kind, locale, VALUES, branding, { form: 'short' }),
      );
    }
    for (const kind of Object.keys(SENDER_SMS) as Array<keyof typeof SENDER_SMS>) {
      expect(senderSms.sms(kind, locale, VALUES, branding)).toBe(renderSms(kind, locale, VALUES, branding));
      expect(senderSms.forms(kind, locale, VALUES, branding)).toEqual(renderSmsForms(kind, locale, VALUES, branding));
    }
  });

  it('refuses a kind it does not hold, and an SMS of a kind not sent by SMS', () => {
    expect(() => senderEmail('welcome', 'en', VALUES, branding)).toThrow(MessageError);
    expect(() => senderEmail('welcome', 'en', VALUES, branding)).toThrow('welcome: not among the e-mail messages');
    expect(() => senderSms.sms('magic-link', 'en', VALUES, branding)).toThrow('magic-link: not among the SMS messages');
    expect(() => senderSms.sms('account-takeover', 'en', VALUES, branding)).toThrow(
      'account-takeover: there is no SMS of this kind',
    );
    // a required value is checked first, as the whole catalogue's renderer does
    expect(() => senderEmail('sign-up-code', 'en', {}, branding)).toThrow('sign-up-code: the value "code" is required');
  });
});

describe('the engine', () => {
  it('fills sections, inverted sections and values, escaping by target', () => {
    const t = 'A{{#x}} x={{x}}{{/x}}{{^x}} none{{/x}} <{{y}}>';
    expect(fillText(t, { x: '1', y: 'b' })).toBe('A x=1 <b>');
    expect(fillText(t, { x: '', y: 'b' })).toBe('A none <b>');
    expect(fillHtml(t, { x: '&', y: '"' })).toBe('A x=&amp; &lt;&quot;&gt;');
    expect(fillLine('one\n  two {{x}}', { x: 'a\nb' })).toBe('one two ab');
  });
});

describe('the build step', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'templates-'));
    cpSync(TEMPLATE_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (file: string, from: string | RegExp, to: string) => {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = before.replace(from, to);
    expect(after).not.toBe(before);
    writeFileSync(path, after);
  };

  it('the committed module is what the templates compile to (run npm run build after editing them)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(compileTemplates());
  });

  it('fails on a template without a required placeholder, naming locale, kind and part', () => {
    edit(
      'de.yml',
      'full: "{{product}}: Ihr neuer Bestätigungscode lautet {{code}}"',
      'full: "{{product}}: Ihr neuer Code"',
    );
    expect(() => compileTemplates(dir)).toThrow(
      /de\.yml kinds\.resend-code\.sms\.full: lacks the required placeholder \{\{code\}\}/u,
    );
  });

  it('fails on a required placeholder that only a section shows', () => {
    edit(
      'fr.yml',
      'highlight: "{{code}}"\n      outro:\n        - Si vous ne vous',
      'highlight: "{{#name}}{{code}}{{/name}}"\n      outro:\n        - Si vous ne vous',
    );
    expect(() => compileTemplates(dir)).toThrow(
      /fr\.yml kinds\.sign-up-code\.email: lacks the required placeholder \{\{code\}\}/u,
    );
  });

  it('fails on a template over a limit once filled in, in any locale', () => {
    edit(
      'es.yml',
      'short: "Código de inicio de {{product}}: {{code}}"',
      `short: "${'x'.repeat(120)} {{product}}: {{code}}"`,
    );
    expect(() => compileTemplates(dir)).toThrow(
      /es\.yml kinds\.sign-in-code\.sms\.short: \d+ characters once filled in with nominal values, over 140/u,
    );
    edit('en.yml', 'subject: Welcome to {{product}}', `subject: Welcome ${'y'.repeat(130)} {{product}}`);
    expect(() => compileTemplates(dir)).toThrow(
      /en\.yml kinds\.welcome\.email\.subject: \d+ characters once filled in, over 140/u,
    );
  });

  it('fails on unknown placeholders, unbalanced sections, a missing kind or locale file, and writes nothing', () => {
    edit('en.yml', 'heading: Welcome to {{product}}', 'heading: Welcome {{nmae}} {{#name}}');
    edit('de.yml', /\n {2}new-sign-in:[\s\S]*$/u, '\n');
    rmSync(join(dir, 'es.yml'));
    const target = join(dir, 'out.ts');
    let error: unknown;
    try {
      writeCatalog(dir, target);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateError);
    expect((error as TemplateError).problems).toEqual(['es.yml: missing']);
    expect(existsSync(target)).toBe(false);
    writeFileSync(join(dir, 'es.yml'), readFileSync(join(TEMPLATE_DIR, 'es.yml')));
    const problems = (() => {
      try {
        compileTemplates(dir);
        return [];
      } catch (caught) {
        return [...(caught as TemplateError).problems];
      }
    })();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/en\.yml kinds\.welcome\.email\.heading: unknown placeholder \{\{nmae\}\}/u),
        expect.stringMatching(/en\.yml kinds\.welcome\.email\.heading: \{\{#name\}\} not closed/u),
        'de.yml kinds.new-sign-in: missing',
      ]),
    );
  });
});
