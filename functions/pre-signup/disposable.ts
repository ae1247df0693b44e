/** The maintained list of disposable e-mail providers (disposable-email-domains-js, CC0). */
import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import { isListedOrSubdomain, normalizeDomain, normalizedList } from './email-domain.ts';

let listed: ReadonlySet<string> | undefined;

/** Whether a domain, in any form (`dé.net` or `xn--d-bga.net`), is a disposable provider's. */
export function isDisposableDomain(domain: string): boolean {
  listed ??= normalizedList(disposableEmailBlocklistSet());
  const normalized = normalizeDomain(domain);
  return normalized !== undefined && isListedOrSubdomain(normalized, listed);
}
