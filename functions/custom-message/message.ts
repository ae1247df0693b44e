/**
 * The custom message for a Cognito event (pure): the source's message from the template set, in the
 * user's language, with Cognito's own placeholders (`request.codeParameter`, `usernameParameter`,
 * `linkParameter`) as the values, so that Cognito substitutes the code and user name itself. Each part
 * is checked with the library's rules as Cognito will count it (placeholders substituted); a part over
 * a limit falls back to its short form, and one that still does not fit is left to Cognito's default.
 * The e-mail is composed only for a pool that sends through SES: any other pool sends its own.
 */
import type { EmailSendingAccount } from '../../shared/events/definition.ts';
import {
  customMessage,
  type CustomMessageEvent,
  type CustomMessageResponse,
  type CustomMessageSource,
} from '../../shared/events/triggers/custom-message.ts';
import { displayName } from '../../shared/mail/templates.ts';
import {
  renderEmail,
  renderSmsForms,
  resolveLocale,
  type Branding,
  type Locale,
  type MessageKind,
} from '../../shared/messages/index.ts';

export interface CustomMessageSettings {
  branding: Branding;
  defaultLocale: Locale;
  /** How the pool verifies sign-up e-mail addresses: with a code, or with a link (CONFIRM_WITH_LINK). */
  verification: 'code' | 'link';
  signInCodeMinutes: number;
  /**
   * The pool's e-mail sending account. Cognito takes an e-mail subject and body from this trigger only
   * from a DEVELOPER (SES) pool and refuses the whole answer otherwise, so a COGNITO_DEFAULT pool gets
   * the SMS alone and sends its own e-mail template.
   */
  emailSendingAccount: EmailSendingAccount;
}

type Action = CustomMessageSource extends `CustomMessage_${infer A}` ? A : never;

const KINDS: Readonly<Record<Action, MessageKind>> = {
  SignUp: 'sign-up-code',
  AdminCreateUser: 'admin-invitation',
  ResendCode: 'resend-code',
  ForgotPassword: 'forgot-password',
  UpdateUserAttribute: 'attribute-verification',
  VerifyUserAttribute: 'attribute-verification',
  Authentication: 'sign-in-code',
};

export interface ComposedMessage {
  response: CustomMessageResponse;
  kind: MessageKind;
  locale: Locale;
  /** Parts answered in their short form, and parts left to Cognito's default because none fitted. */
  shortForms: Array<'email' | 'sms'>;
  defaults: Array<'email' | 'sms'>;
  /** True when the pool's account leaves the e-mail to the pool (COGNITO_DEFAULT): not a fallback. */
  emailByPool: boolean;
}

export function composeCustomMessage(event: CustomMessageEvent, settings: CustomMessageSettings): ComposedMessage {
  const action = event.triggerSource.slice('CustomMessage_'.length) as Action;
  const { codeParameter, usernameParameter, linkParameter, userAttributes, clientMetadata } = event.request;
  const byLink =
    settings.verification === 'link' && !!linkParameter && (action === 'SignUp' || action === 'ResendCode');
  const kind: MessageKind = byLink ? 'sign-up-link' : KINDS[action];
  // Links verify e-mail only: the SMS of a link-verified sign-up still carries the code.
  const smsKind: MessageKind = byLink ? KINDS[action] : kind;
  const locale = resolveLocale(clientMetadata, userAttributes, settings.defaultLocale);

  const values: Record<string, string> = { code: codeParameter };
  const name = displayName(userAttributes);
  if (name) values.name = name;
  if (action === 'AdminCreateUser') values.username = usernameParameter || event.userName;
  if (action === 'Authentication') values.minutes = String(settings.signInCodeMinutes);
  const emailValues = byLink ? { ...values, link: linkParameter ?? '' } : values;

  const shortForms: ComposedMessage['shortForms'] = [];
  const defaults: ComposedMessage['defaults'] = [];
  const response: CustomMessageResponse = { smsMessage: null, emailMessage: null, emailSubject: null };
  const context = { emailSendingAccount: settings.emailSendingAccount };
  const fits = (answer: CustomMessageResponse) => customMessage.rules(event, answer, context).length === 0;

  const emailByPool = settings.emailSendingAccount !== 'DEVELOPER';
  if (!emailByPool) {
    const emails = (['full', 'short'] as const).map((form) =>
      renderEmail(kind, locale, emailValues, settings.branding, { form }),
    );
    const email = emails.findIndex((e) => fits({ emailMessage: e.html, emailSubject: e.subject, smsMessage: null }));
    if (email >= 0) {
      response.emailSubject = emails[email]?.subject ?? null;
      response.emailMessage = emails[email]?.html ?? null;
      if (email > 0) shortForms.push('email');
    } else defaults.push('email');
  }

  const { full, short } = renderSmsForms(smsKind, locale, values, settings.branding);
  const sms = [full, short].find((candidate) =>
    fits({ smsMessage: candidate, emailMessage: null, emailSubject: null }),
  );
  if (sms !== undefined) {
    response.smsMessage = sms;
    if (sms !== full) shortForms.push('sms');
  } else defaults.push('sms');

  return { response, kind, locale, shortForms, defaults, emailByPool };
}
