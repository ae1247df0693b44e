/**
 * Building blocks for the trigger schemas (valibot: chosen by measurement, see ARCHITECTURE.md). Every
 * object is a *loose* object: Cognito adds fields to its events without notice, and an unknown field
 * must never fail a user's sign-in.
 */
import * as v from 'valibot';

/** Keys that would reach an object's prototype machinery if a map were ever copied by assignment. */
export const FORBIDDEN_MAP_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A map of string to string, as Cognito sends user attributes, client metadata and validation data.
 * A JSON "__proto__" key is an own property after JSON.parse; v.record would skip it silently, so the
 * forbidden keys are refused first, by name.
 */
export const stringMap = () =>
  v.pipe(
    v.custom<Record<string, unknown>>(isPlainObject, 'expected object'),
    v.check(
      (map) => !Object.keys(map).some((key) => FORBIDDEN_MAP_KEYS.has(key)),
      'forbidden key (__proto__, constructor or prototype)',
    ),
    v.record(v.string(), v.string()),
  );

export type StringMap = Record<string, string>;

/** Cognito sends `clientMetadata` only when the app passed ClientMetadata, sometimes as null. */
export const optionalStringMap = () => v.nullish(stringMap());

/**
 * `clientId` is "CLIENT_ID_NOT_APPLICABLE" for admin calls, null for AdminConfirmSignUp, and reported
 * absent altogether in some admin flows. Events that no API call of an app caused (the custom e-mail
 * sender's account-takeover notification) carry `awsSdkVersion` and `clientId` null.
 */
export const callerContext = v.looseObject({
  awsSdkVersion: v.nullable(v.string()),
  clientId: v.nullish(v.string()),
});

/** Fields every user-pool trigger event carries. */
export const commonFields = {
  region: v.string(),
  userPoolId: v.string(),
  userName: v.string(),
  callerContext,
};

/** A JSON value, as pre token generation V2/V3 accepts for claim values. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The schema of one event family: the common fields, a trigger source out of `sources`, a version out of
 * `versions`, the given request, and a response object whose incoming values we do not rely on.
 */
export function eventOf<
  const Sources extends readonly [string, ...string[]],
  const Versions extends readonly [string, ...string[]],
  Request extends v.GenericSchema,
>(sources: Sources, versions: Versions, request: Request) {
  return v.looseObject({
    ...commonFields,
    version: v.picklist(versions),
    triggerSource: v.picklist(sources),
    request,
    response: v.looseObject({}),
  });
}

/**
 * The versions of every trigger but pre token generation: Cognito sends "1"; cognito-local, which the
 * local stack and the end-to-end tests drive, sends "0". Nothing reads the version of these triggers.
 */
export const VERSION_1 = ['1', '0'] as const;
