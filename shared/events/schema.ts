/**
 * Building blocks for the trigger schemas. Every object is a *loose* object: Cognito adds fields to its
 * events without notice, and an unknown field must never fail a user's sign-in.
 */
import * as z from 'zod/mini';

/** Keys that would reach an object's prototype machinery if a map were ever copied by assignment. */
export const FORBIDDEN_MAP_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const noForbiddenKeys = z.refine<Record<string, unknown>>(
  (map) => !Object.keys(map).some((key) => FORBIDDEN_MAP_KEYS.has(key)),
  { message: 'forbidden key (__proto__, constructor or prototype)' },
);

/**
 * A map of string to string, as Cognito sends user attributes, client metadata and validation data.
 * Checked by hand rather than with z.record: a JSON "__proto__" key is an own property after JSON.parse,
 * and we want it reported, not skipped.
 */
export const stringMap = () =>
  z
    .custom<Record<string, string>>((value) => isPlainObject(value), { message: 'expected object' })
    .check(
      noForbiddenKeys,
      z.superRefine((map, ctx) => {
        for (const [key, entry] of Object.entries(map)) {
          if (typeof entry !== 'string') {
            ctx.issues.push({ code: 'invalid_type', expected: 'string', input: entry, path: [key] });
          }
        }
      }),
    );

export type StringMap = Record<string, string>;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cognito sends `clientMetadata` only when the app passed ClientMetadata; some triggers send `{}`. */
export const optionalStringMap = () => z.optional(z.nullable(stringMap()));

/** `clientId` is "CLIENT_ID_NOT_APPLICABLE" for admin calls, and null for AdminConfirmSignUp. */
export const callerContext = z.looseObject({
  awsSdkVersion: z.string(),
  clientId: z.nullable(z.string()),
});

/** Fields every user-pool trigger event carries. */
export const commonFields = {
  region: z.string(),
  userPoolId: z.string(),
  userName: z.string(),
  callerContext,
};

export const triggerSource = <const S extends string>(source: S) => z.literal(source);

/** A JSON value, as pre token generation V2/V3 accepts for claim values. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The schema of one event family: the common fields, a trigger source out of `sources`, a version out of
 * `versions`, the given request, and a response object whose incoming values we do not rely on.
 */
export function eventOf<
  const Sources extends readonly [string, ...string[]],
  const Versions extends readonly [string, ...string[]],
  Request extends z.core.$ZodType,
>(sources: Sources, versions: Versions, request: Request) {
  return z.looseObject({
    ...commonFields,
    version: z.enum(versions),
    triggerSource: z.enum(sources),
    request,
    response: z.looseObject({}),
  });
}

/**
 * The versions of every trigger but pre token generation: Cognito sends "1"; cognito-local, which the
 * local stack and the end-to-end tests drive, sends "0". Nothing reads the version of these triggers.
 */
export const VERSION_1 = ['1', '0'] as const;
