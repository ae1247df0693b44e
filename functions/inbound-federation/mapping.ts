/**
 * Declarative attribute mappings for inbound federation, per provider. Keys are *provider* attribute
 * names, the names Cognito's attribute mapping for that identity provider then reads (see the event
 * library, shared/events/triggers/inbound-federation.ts, for why): the trigger picks, renames and
 * rewrites what the provider sent, and the pool's own mapping turns the result into pool attributes.
 *
 *   { "CorpOIDC": { "email": "idToken.email", "given_name": ["userInfo.given_name", "idToken.given_name"],
 *                   "department": "userInfo.department" },
 *     "*":        { "email": "idToken.email" } }
 *
 * A source is `<section>.<claim>`, section one of tokenResponse, idToken, userInfo, samlResponse; the
 * claim is everything after the first dot (SAML claim names are URIs full of dots). A list is tried in
 * order. Attributes the mapping does not name are dropped, except the provider's `sub`, which is always
 * kept as sent: the federated user is known by it.
 */
// Leaf modules of the event library, not its barrel, which would bundle every trigger's schemas.
import { MAX_ATTRIBUTE_VALUE_LENGTH } from '../../shared/events/attributes.ts';
import { characterCount } from '../../shared/events/rules.ts';
import { FORBIDDEN_MAP_KEYS } from '../../shared/events/schema.ts';
import {
  claimText,
  providerSubject,
  SUBJECT_ATTRIBUTE,
  type ProviderAttributes,
} from '../../shared/events/triggers/inbound-federation.ts';

export { claimText };
export type { ProviderAttributes };

export const SECTIONS = ['tokenResponse', 'idToken', 'userInfo', 'samlResponse'] as const;
export type Section = (typeof SECTIONS)[number];

export interface Source {
  section: Section;
  claim: string;
}

export type ProviderMapping = Readonly<Record<string, readonly Source[]>>;
export type Mappings = Readonly<Record<string, ProviderMapping>>;

/** The mapping used for a provider without one of its own. */
export const ANY_PROVIDER = '*';

export function parseSource(text: string): Source | undefined {
  const dot = text.indexOf('.');
  const section = text.slice(0, dot);
  const claim = text.slice(dot + 1);
  if (dot <= 0 || !claim || !(SECTIONS as readonly string[]).includes(section)) return undefined;
  return { section: section as Section, claim };
}

/** The only sources `sub` may name: the provider's own subject, which is kept anyway. */
const SUBJECT_SOURCES = new Set(['idToken.sub', 'userInfo.sub', 'samlResponse.sub']);

/**
 * Checks raw configuration and returns problems (empty when valid): a mapping with nothing but `sub`,
 * blank or prototype attribute names, unknown sources, and `sub` taken from anything but the provider's
 * own `sub` (that would let a provider claim choose which user the sign-in belongs to). Names are the
 * provider's, so they are not checked against the pool's attributes: the pool's attribute mapping for
 * the provider reads them.
 */
export function mappingProblems(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['expected an object of provider mappings'];
  const problems: string[] = [];
  for (const [provider, mapping] of Object.entries(raw)) {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
      problems.push(`${provider}: expected an object of attribute: source`);
      continue;
    }
    if (!Object.keys(mapping).some((attribute) => attribute !== SUBJECT_ATTRIBUTE)) {
      // `sub` is kept anyway; a mapping with nothing else would find nothing and refuse every sign-in.
      problems.push(`${provider}: names no attribute besides sub`);
    }
    for (const [attribute, sources] of Object.entries(mapping)) {
      const where = `${provider}.${attribute}`;
      if (attribute.trim() === '' || FORBIDDEN_MAP_KEYS.has(attribute)) {
        problems.push(`${where}: not a usable attribute name`);
        continue;
      }
      const list: unknown[] = Array.isArray(sources) ? sources : [sources];
      if (list.length === 0) problems.push(`${where}: no source`);
      for (const source of list) {
        if (typeof source !== 'string' || !parseSource(source)) {
          problems.push(`${where}: source must be "<${SECTIONS.join('|')}>.<claim>"`);
        } else if (attribute === SUBJECT_ATTRIBUTE && !SUBJECT_SOURCES.has(source)) {
          problems.push(`${where}: the provider's sub is always kept as sent and cannot come from another claim`);
        }
      }
    }
  }
  return problems;
}

/** Builds mappings from configuration that mappingProblems accepted. */
export function compileMappings(
  raw: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>,
): Mappings {
  return Object.fromEntries(
    Object.entries(raw).map(([provider, mapping]) => [
      provider,
      Object.fromEntries(
        Object.entries(mapping).map(([attribute, sources]) => [
          attribute,
          (typeof sources === 'string' ? [sources] : sources)
            .map((s) => parseSource(s))
            .filter((s): s is Source => s !== undefined),
        ]),
      ),
    ]),
  );
}

export interface MappingResult {
  /** The mapped provider attributes, without `sub` (see decideFederation). */
  attributes: Record<string, string>;
  /** Attributes whose value was over Cognito's limit and was left out. */
  tooLong: string[];
}

export function mappingFor(mappings: Mappings, providerName: string): ProviderMapping | undefined {
  return Object.hasOwn(mappings, providerName)
    ? mappings[providerName]
    : Object.hasOwn(mappings, ANY_PROVIDER)
      ? mappings[ANY_PROVIDER]
      : undefined;
}

export function mapAttributes(mapping: ProviderMapping, provided: ProviderAttributes): MappingResult {
  const attributes: Record<string, string> = {};
  const tooLong: string[] = [];
  for (const [attribute, sources] of Object.entries(mapping)) {
    if (attribute === SUBJECT_ATTRIBUTE) continue;
    for (const { section, claim } of sources) {
      const claims = provided[section];
      const text = claims && Object.hasOwn(claims, claim) ? claimText(claims[claim]) : undefined;
      if (text === undefined || text === '') continue;
      if (characterCount(text) > MAX_ATTRIBUTE_VALUE_LENGTH) tooLong.push(attribute);
      else attributes[attribute] = text;
      break;
    }
  }
  return { attributes, tooLong };
}

export type FederationDecision =
  /** No mapping for this provider: answer `{}`, which keeps every attribute the provider sent. */
  | { kind: 'unmapped' }
  /** The mapped attributes and the provider's `sub`, to answer as they are. */
  | { kind: 'mapped'; attributes: Record<string, string>; tooLong: string[] }
  /**
   * The mapping found none of its claims. Answering `{}` would keep everything the provider sent (the
   * opposite of what a mapping promises) and `sub` alone would drop everything the pool maps, so the
   * sign-in is refused instead.
   */
  | { kind: 'nothing-mapped'; tooLong: string[] }
  /**
   * The provider's `sub` is over Cognito's attribute limit: it cannot be answered, and may not be dropped
   * or shortened (that would change whose sign-in this is), so the sign-in is refused.
   */
  | { kind: 'subject-too-long'; tooLong: string[] };

export function decideFederation(
  mappings: Mappings,
  providerName: string,
  provided: ProviderAttributes,
): FederationDecision {
  const mapping = mappingFor(mappings, providerName);
  if (!mapping) return { kind: 'unmapped' };
  const { attributes, tooLong } = mapAttributes(mapping, provided);
  const subject = providerSubject(provided);
  if (subject !== undefined && characterCount(subject) > MAX_ATTRIBUTE_VALUE_LENGTH)
    return { kind: 'subject-too-long', tooLong: [SUBJECT_ATTRIBUTE, ...tooLong] };
  if (Object.keys(attributes).length === 0) return { kind: 'nothing-mapped', tooLong };
  return {
    kind: 'mapped',
    attributes: subject === undefined ? attributes : { [SUBJECT_ATTRIBUTE]: subject, ...attributes },
    tooLong,
  };
}

/** What the user sees when the provider sent nothing the mapping can use; says nothing about the account. */
export const NOTHING_MAPPED_MESSAGE =
  'Sign-in with this provider is not possible right now. Please contact your administrator';
