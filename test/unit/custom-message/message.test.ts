import { buildEvent } from '../../../shared/events/index.ts';
import {
  customMessage,
  CUSTOM_MESSAGE_SOURCES,
  type CustomMessageEvent,
} from '../../../shared/events/triggers/custom-message.ts';
import { LOCALES, type Branding, type Locale } from '../../../shared/messages/index.ts';
import { composeCustomMessage, type CustomMessageSettings } from '../../../functions/custom-message/message.ts';

const branding: Branding = {
  product: 'Acme',
  primaryColor: '#2563eb',
  backgroundColor: '#f4f5f7',
  textColor: '#1f2933',
};
const settings: CustomMessageSettings = {
  branding,
  defaultLocale: 'en',
  verification: 'code',
  signInCodeMinutes: 3,
  emailSendingAccount: 'DEVELOPER',
};
const SES = { emailSendingAccount: 'DEVELOPER' } as const;

function event(
  source: CustomMessageEvent['triggerSource'],
  locale: string,
  patch: Partial<CustomMessageEvent['request']> = {},
) {
  const built = buildEvent('CustomMessage', { triggerSource: source }) as CustomMessageEvent;
  built.request.userAttributes = { ...built.request.userAttributes, locale };
  Object.assign(built.request, patch);
  return built;
}

/** A word of each locale's sign-up subject, to tell the languages apart. */
const SIGN_UP_SUBJECT: Record<Locale, RegExp> = {
  en: /verification code/u,
  de: /Bestätigungscode/u,
  fr: /code de vérification/u,
  es: /código de verificación/u,
};

const cases = CUSTOM_MESSAGE_SOURCES.flatMap((source) => LOCALES.map((locale) => [source, locale] as const));

describe('custom message', () => {
  it.each(cases)(
    "%s in %s: e-mail and SMS carry the placeholders verbatim and pass Cognito's rules",
    (source, locale) => {
      const evt = event(source, `${locale}-XX`);
      const { response, locale: chosen, defaults } = composeCustomMessage(evt, settings);
      expect(chosen).toBe(locale);
      expect(defaults).toEqual([]);
      expect(customMessage.rules(evt, response, SES)).toEqual([]);
      for (const part of [response.emailMessage, response.smsMessage]) {
        expect(part).toContain(evt.request.codeParameter);
        if (source === 'CustomMessage_AdminCreateUser') expect(part).toContain(evt.request.usernameParameter);
      }
      expect(response.emailMessage).toContain(`<html lang="${locale}">`);
      expect(response.emailSubject).toContain('Acme');
      if (source === 'CustomMessage_SignUp') expect(response.emailSubject).toMatch(SIGN_UP_SUBJECT[locale]);
    },
  );

  // The guide (user-pool-lambda-custom-message, "Custom message response parameters"): emailMessage and
  // emailSubject are "allowed only if the EmailSendingAccount attribute of the user pool is DEVELOPER".
  it.each(CUSTOM_MESSAGE_SOURCES)(
    '%s to a COGNITO_DEFAULT pool: the SMS only, the e-mail left to the pool',
    (source) => {
      const evt = event(source, 'de');
      const byPool = composeCustomMessage(evt, { ...settings, emailSendingAccount: 'COGNITO_DEFAULT' });
      const bySes = composeCustomMessage(evt, settings);
      expect(byPool.response).toEqual({
        smsMessage: bySes.response.smsMessage,
        emailMessage: null,
        emailSubject: null,
      });
      expect(byPool.response.smsMessage).toContain(evt.request.codeParameter);
      expect(byPool.emailByPool).toBe(true);
      expect(byPool.defaults).toEqual([]);
      expect(customMessage.rules(evt, byPool.response, { emailSendingAccount: 'COGNITO_DEFAULT' })).toEqual([]);
      expect(bySes.emailByPool).toBe(false);
    },
  );

  it('takes the locale from client metadata first, then the user, then the configured default', () => {
    expect(
      composeCustomMessage(event('CustomMessage_SignUp', 'de', { clientMetadata: { locale: 'fr' } }), settings).locale,
    ).toBe('fr');
    expect(
      composeCustomMessage(event('CustomMessage_SignUp', 'pt-BR'), { ...settings, defaultLocale: 'es' }).locale,
    ).toBe('es');
  });

  it("uses Cognito's placeholders as given, never hard-coded ones", () => {
    const evt = event('CustomMessage_AdminCreateUser', 'en', {
      codeParameter: '{####}',
      usernameParameter: '{username}',
    });
    const odd = { ...evt, request: { ...evt.request, codeParameter: '{##code##}', usernameParameter: '{user}' } };
    const { response } = composeCustomMessage(odd, settings);
    expect(response.smsMessage).toContain('{##code##}');
    expect(response.smsMessage).toContain('{user}');
    expect(response.smsMessage).not.toContain('{####}');
  });

  it('verifies sign-up by link when the pool does, in e-mail only', () => {
    const linkSettings = { ...settings, verification: 'link' as const };
    for (const source of ['CustomMessage_SignUp', 'CustomMessage_ResendCode'] as const) {
      const evt = event(source, 'de', { linkParameter: '{##Bestätigen##}' });
      const { response, kind } = composeCustomMessage(evt, linkSettings);
      expect(kind).toBe('sign-up-link');
      expect(response.emailMessage).toContain('{##Bestätigen##}');
      expect(response.smsMessage).toContain(evt.request.codeParameter);
      expect(customMessage.rules(evt, response, SES)).toEqual([]);
    }
    expect(composeCustomMessage(event('CustomMessage_ForgotPassword', 'en'), linkSettings).kind).toBe(
      'forgot-password',
    );
    expect(composeCustomMessage(event('CustomMessage_SignUp', 'en', { linkParameter: null }), linkSettings).kind).toBe(
      'sign-up-code',
    );
  });

  it('falls back to the short SMS when the user name Cognito substitutes would make the full one too long', () => {
    const long = `${'a'.repeat(60)}@example.com`;
    const evt = event('CustomMessage_AdminCreateUser', 'fr');
    evt.request.userAttributes = { ...evt.request.userAttributes, email: long };
    const { response, shortForms } = composeCustomMessage(evt, settings);
    expect(shortForms).toEqual(['sms']);
    expect(response.smsMessage).toBe('Acme : {username} / {####}');
    expect(customMessage.rules(evt, response, SES)).toEqual([]);
  });

  it("leaves a part to Cognito's default when not even the short form fits", () => {
    const evt = event('CustomMessage_AdminCreateUser', 'en');
    evt.request.userAttributes = { ...evt.request.userAttributes, email: `${'a'.repeat(128)}@example.com` };
    const { response, defaults } = composeCustomMessage(evt, settings);
    expect(defaults).toEqual(['sms']);
    expect(response.smsMessage).toBeNull();
    expect(response.emailMessage).toContain('{username}');
  });

  it('falls back to the short e-mail over 20,000 characters, and to the default past that', () => {
    const footer = 'F'.repeat(19_000);
    const evt = event('CustomMessage_ForgotPassword', 'es');
    const short = composeCustomMessage(evt, { ...settings, branding: { ...branding, footer } });
    expect(short.shortForms).toEqual(['email']);
    expect(short.response.emailMessage).not.toContain('<html');
    expect(short.response.emailMessage).toContain('{####}');
    const none = composeCustomMessage(evt, { ...settings, branding: { ...branding, product: 'P'.repeat(150) } });
    expect(none.defaults).toContain('email');
    expect(none.response.emailSubject).toBeNull();
    expect(none.response.emailMessage).toBeNull();
  });

  it("HTML-escapes the user's name in the e-mail and strips control characters in the SMS", () => {
    const evt = event('CustomMessage_SignUp', 'en');
    evt.request.userAttributes = { ...evt.request.userAttributes, given_name: '<script>alert(1)</script>\u0007' };
    const { response } = composeCustomMessage(evt, settings);
    expect(response.emailMessage).not.toContain('<script>');
    expect(response.emailMessage).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(response.smsMessage).not.toMatch(/[\u0000-\u001f]/u);
  });
});
