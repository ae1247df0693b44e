/** E-mail domain rules: allow-list, deny-list, disposable providers. Pure functions. */
import { domainToASCII } from 'node:url';

/** The domain of an address, lower-cased, in ASCII (IDN as punycode), without a trailing dot. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  const ascii = domainToASCII(
    email
      .slice(at + 1)
      .trim()
      .toLowerCase()
      .replace(/\.$/u, ''),
  );
  return ascii || undefined;
}

/** True when `domain` is `rule` or one of its subdomains (`mail.example.com` matches `example.com`). */
export function domainMatches(domain: string, rule: string): boolean {
  const normalized = rule.replace(/^\*?\./u, '');
  return domain === normalized || domain.endsWith(`.${normalized}`);
}

export function matchesAny(domain: string, rules: readonly string[]): boolean {
  return rules.some((rule) => domainMatches(domain, rule));
}

/** A domain is disposable when it, or any parent domain, is on the list. */
export function isListedOrSubdomain(domain: string, listed: ReadonlySet<string>): boolean {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i += 1) {
    if (listed.has(labels.slice(i).join('.'))) return true;
  }
  return false;
}
