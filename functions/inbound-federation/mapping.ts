/**
 * Declarative attribute mappings for inbound federation, per provider:
 *
 *   { "CorpOIDC": { "email": "idToken.email", "given_name": ["userInfo.given_name", "idToken.given_name"],
 *                   "custom:department": "userInfo.department" },
 *     "*":        { "email": "idToken.email" } }
 *
 * A source is `<section>.<claim>`, section one of tokenResponse, idToken, userInfo, samlResponse; the
 * claim is everything after the first dot (SAML claim names are URIs full of dots). A list is tried in
 * order. Attributes the mapping does not name are dropped.
 */
import {
  characterCount,
  isCognitoOwnedAttribute,
  isWritableAttribute,
  MAX_ATTRIBUTE_VALUE_LENGTH,
} from '../../shared/events/index.ts';

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

/**
 * Checks raw configuration and returns problems (empty when valid): unknown sources, and targets the
 * pool cannot accept (Cognito-owned attributes, names that are neither standard nor `custom:`, custom
 * attributes the pool does not declare: with no list given, the pool declares none).
 */
export function mappingProblems(raw: unknown, poolCustomAttributes: readonly string[] = []): string[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return ['expected an object of provider mappings'];
  const problems: string[] = [];
  const declared = new Set(poolCustomAttributes.map((name) => (name.startsWith('custom:') ? name : `custom:${name}`)));
  for (const [provider, mapping] of Object.entries(raw)) {
    if (typeof mapping !== 'object' || mapping === null || Array.isArray(mapping)) {
      problems.push(`${provider}: expected an object of attribute: source`);
      continue;
    }
    for (const [attribute, sources] of Object.entries(mapping)) {
      const where = `${provider}.${attribute}`;
      if (isCognitoOwnedAttribute(attribute)) problems.push(`${where}: set by Cognito, cannot be mapped onto`);
      else if (!isWritableAttribute(attribute)) problems.push(`${where}: not a standard or custom: attribute`);
      else if (attribute.startsWith('custom:') && !declared.has(attribute)) {
        problems.push(`${where}: the pool declares no such custom attribute`);
      }
      const list: unknown[] = Array.isArray(sources) ? sources : [sources];
      if (list.length === 0) problems.push(`${where}: no source`);
      for (const source of list) {
        if (typeof source !== 'string' || !parseSource(source)) {
          problems.push(`${where}: source must be "<${SECTIONS.join('|')}>.<claim>"`);
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

/** Provider claims are JSON: booleans and numbers become their text, lists are comma-joined, objects JSON. */
export function claimText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => claimText(v) ?? '').join(',');
  return JSON.stringify(value);
}

export type ProviderAttributes = Partial<Record<Section, Readonly<Record<string, unknown>> | null | undefined>>;

export interface MappingResult {
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
  /** No mapping for this provider: answer `{}`, and Cognito applies the pool's own attribute mapping. */
  | { kind: 'unmapped' }
  | { kind: 'mapped'; attributes: Record<string, string>; tooLong: string[] }
  /**
   * The mapping found nothing. Cognito reads `{}` as "keep everything the provider sent", the opposite
   * of what a mapping promises, so the sign-in must be refused rather than answered.
   */
  | { kind: 'nothing-mapped'; tooLong: string[] };

export function decideFederation(
  mappings: Mappings,
  providerName: string,
  provided: ProviderAttributes,
): FederationDecision {
  const mapping = mappingFor(mappings, providerName);
  if (!mapping) return { kind: 'unmapped' };
  const { attributes, tooLong } = mapAttributes(mapping, provided);
  return Object.keys(attributes).length === 0
    ? { kind: 'nothing-mapped', tooLong }
    : { kind: 'mapped', attributes, tooLong };
}

/** What the user sees when the provider sent nothing the mapping can use; says nothing about the account. */
export const NOTHING_MAPPED_MESSAGE =
  'Sign-in with this provider is not possible right now. Please contact your administrator.';
