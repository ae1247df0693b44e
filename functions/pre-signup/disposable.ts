/** The maintained list of disposable e-mail providers (disposable-email-domains-js, CC0). */
import { disposableEmailBlocklistSet } from 'disposable-email-domains-js';
import { isListedOrSubdomain } from './email-domain.ts';

let listed: ReadonlySet<string> | undefined;

export function isDisposableDomain(domain: string): boolean {
  listed ??= disposableEmailBlocklistSet();
  return isListedOrSubdomain(domain, listed);
}
