/**
 * The sign-in e-mails, a one-time code or a magic link, from the shared template set (shared/messages:
 * en, de, fr, es; branding from BRAND_*). The language: the app's `clientMetadata.locale`, else the
 * user's `locale` attribute, else MESSAGES_DEFAULT_LOCALE.
 */
import { displayName } from '../../shared/mail/templates.ts';
import { environmentMessageSettings, renderEmail, resolveLocale } from '../../shared/messages/index.ts';
import type { Outgoing } from './plan.ts';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function renderChallengeEmail(
  outgoing: Pick<Outgoing, 'kind' | 'values'>,
  appName: string,
  clientMetadata?: Readonly<Record<string, string>> | null,
  userAttributes?: Readonly<Record<string, string>> | null,
): RenderedEmail {
  const locale = resolveLocale(clientMetadata ?? null, userAttributes ?? null);
  const branding = { ...environmentMessageSettings().branding, product: appName };
  const name = userAttributes ? displayName(userAttributes) : undefined;
  return renderEmail(outgoing.kind, locale, { ...outgoing.values, ...(name ? { name } : {}) }, branding);
}
