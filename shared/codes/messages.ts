/**
 * The templates of the custom senders' messages, one kind per source (SENDER_KINDS), in each sender's
 * channel. A sender renders through its own set, so that its bundle carries these templates and not
 * the rest of the catalogue: the e-mail sender no SMS and none of the notices' or sign-in links'
 * e-mails, the SMS sender no e-mail at all. The types keep each set to exactly the kinds sent.
 */
import {
  EMAIL_ACCOUNT_TAKEOVER,
  EMAIL_ADMIN_INVITATION,
  EMAIL_ATTRIBUTE_VERIFICATION,
  EMAIL_FORGOT_PASSWORD,
  EMAIL_RESEND_CODE,
  EMAIL_SIGN_IN_CODE,
  EMAIL_SIGN_UP_CODE,
  SMS_ADMIN_INVITATION,
  SMS_ATTRIBUTE_VERIFICATION,
  SMS_FORGOT_PASSWORD,
  SMS_RESEND_CODE,
  SMS_SIGN_IN_CODE,
  SMS_SIGN_UP_CODE,
} from '../messages/catalog.generated.ts';
import type { TemplateSet } from '../messages/index.ts';
import type { CodeKind, SenderKind } from './deliver.ts';

export const SENDER_EMAILS = {
  'sign-up-code': EMAIL_SIGN_UP_CODE,
  'resend-code': EMAIL_RESEND_CODE,
  'forgot-password': EMAIL_FORGOT_PASSWORD,
  'attribute-verification': EMAIL_ATTRIBUTE_VERIFICATION,
  'admin-invitation': EMAIL_ADMIN_INVITATION,
  'sign-in-code': EMAIL_SIGN_IN_CODE,
  'account-takeover': EMAIL_ACCOUNT_TAKEOVER,
} as const satisfies TemplateSet<SenderKind>;

/** Every source of the SMS sender carries a code; the account-takeover notice goes by e-mail only. */
export const SENDER_SMS = {
  'sign-up-code': SMS_SIGN_UP_CODE,
  'resend-code': SMS_RESEND_CODE,
  'forgot-password': SMS_FORGOT_PASSWORD,
  'attribute-verification': SMS_ATTRIBUTE_VERIFICATION,
  'admin-invitation': SMS_ADMIN_INVITATION,
  'sign-in-code': SMS_SIGN_IN_CODE,
} as const satisfies TemplateSet<CodeKind>;
