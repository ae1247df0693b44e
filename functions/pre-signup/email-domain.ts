/** E-mail domain rules: allow-list, deny-list, disposable providers. Pure functions. */
import { domainToASCII } from 'node:url';

/**
 * Plain ASCII in lower case, no punycode label to check: already in the one form rules are compared in
 * (the common case, kept off domainToASCII's path).
 */
const isAlreadyNormal = (domain: string) => /^[a-z0-9.-]*$/u.test(domain) && !domain.includes('xn--');

/**
 * A domain in the one form every rule is compared in: lower case, ASCII (an internationalised name as
 * punycode, `bücher.example` as `xn--bcher-kva.example`), without a trailing dot. Configuration entries,
 * addresses and the disposable list all go through here, so a rule written in Unicode matches an address
 * written in punycode and the other way round. Undefined when it is not a valid domain name.
 */
export function normalizeDomain(domain: string): string | undefined {
  const trimmed = domain.trim().replace(/\.$/u, '');
  if (isAlreadyNormal(trimmed)) return trimmed || undefined;
  return domainToASCII(trimmed.toLowerCase()) || undefined;
}

/** A domain rule (`example.com`, `.example.com` or `*.example.com`, in Unicode or ASCII) in normal form. */
export function normalizeDomainRule(rule: string): string | undefined {
  return normalizeDomain(rule.trim().replace(/^\*?\./u, ''));
}

/** The domain of an address, in normal form (see normalizeDomain). */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return undefined;
  return normalizeDomain(email.slice(at + 1));
}

/**
 * True when `domain` (normal form) is `rule` or one of its subdomains (`mail.example.com` matches
 * `example.com`). The rule is normalised here too, so that a rule never escapes the comparison by the
 * way it was written.
 */
export function domainMatches(domain: string, rule: string): boolean {
  const normalized = normalizeDomainRule(rule);
  if (!normalized) return false;
  return domain === normalized || domain.endsWith(`.${normalized}`);
}

export function matchesAny(domain: string, rules: readonly string[]): boolean {
  return rules.some((rule) => domainMatches(domain, rule));
}

/** A domain (normal form) is disposable when it, or any parent domain, is on the list. */
export function isListedOrSubdomain(domain: string, listed: ReadonlySet<string>): boolean {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i += 1) {
    if (listed.has(labels.slice(i).join('.'))) return true;
  }
  return false;
}

/**
 * The list in normal form. The maintained list is ASCII today (its IDNs in punycode); an entry written
 * in Unicode or capitals later must match all the same, so such entries are added in normal form.
 */
export function normalizedList(list: ReadonlySet<string>): ReadonlySet<string> {
  const added = [...list]
    .filter((entry) => !isAlreadyNormal(entry))
    .map((entry) => normalizeDomain(entry))
    .filter((domain): domain is string => domain !== undefined && !list.has(domain));
  return added.length === 0 ? list : new Set([...list, ...added]);
}
