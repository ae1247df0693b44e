/**
 * The local pool's token issuer. Cognito's is `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`,
 * with the keys at `<issuer>/.well-known/jwks.json` and the discovery document at
 * `<issuer>/.well-known/openid-configuration`, so a client verifies a token knowing only the issuer.
 * Locally the issuer is the endpoint clients call (the outermost stand-in, `.local/stack.json`'s
 * `cognito.endpoint`): cognito-local is told to put it in its tokens (TokenConfig.IssuerDomain), the
 * CUSTOM_AUTH stand-in puts it in its own, and the token-generation stand-in keeps the `iss` it is
 * given; the outermost stand-in serves the two documents, since cognito-local's discovery document names
 * its own fixed `localhost:9229`. Every token is signed with cognito-local's key (token-generation.ts).
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The issuer of a pool whose API is at `endpoint`: its origin and the pool id, as Cognito's. */
export function localIssuer(endpoint: string, userPoolId: string): string {
  return `${new URL(endpoint).origin}/${userPoolId}`;
}

export const jwksUriOf = (issuer: string): string => `${issuer}/.well-known/jwks.json`;

/** cognito-local's public signing key, the one key of the local pool. */
export function localJwks(): { keys: unknown[] } {
  const root = dirname(createRequire(import.meta.url).resolve('cognito-local/package.json'));
  const file = JSON.parse(readFileSync(join(root, 'lib', 'keys', 'cognitoLocal.public.json'), 'utf8')) as {
    jwk: unknown;
  };
  return { keys: [file.jwk] };
}

/** The fields of Cognito's discovery document a verifying client reads. */
export function openIdConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: jwksUriOf(issuer),
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
    response_types_supported: ['code', 'token'],
  };
}

/**
 * Answers a GET for the issuer's two documents; false when `path` is neither (the caller forwards it).
 */
export function serveIssuerDocument(path: string, issuer: string, response: ServerResponse): boolean {
  const base = new URL(issuer).pathname;
  let document: unknown;
  if (path === `${base}/.well-known/jwks.json`) document = localJwks();
  else if (path === `${base}/.well-known/openid-configuration`) document = openIdConfiguration(issuer);
  else return false;
  const body = JSON.stringify(document);
  response
    .writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
    .end(body);
  return true;
}
