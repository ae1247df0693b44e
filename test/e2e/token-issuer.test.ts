/**
 * Every local token's `iss` is the stack file's `cognito.issuer`, and verifies against `cognito.jwksUri`,
 * whichever path issued it: a password sign-in (cognito-local, re-signed by the token-generation
 * stand-in), a refresh, and the CUSTOM_AUTH stand-in. As Cognito's: "the iss claim ... should match your
 * user pool", `https://cognito-idp.<region>.amazonaws.com/<userpoolID>`, whose keys are at
 * `<issuer>/.well-known/jwks.json` (developer guide, "Verifying a JSON Web Token",
 * amazon-cognito-user-pools-using-tokens-verifying-a-jwt). docs/local-stack.md's snippet runs here as written.
 */
import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ROOT } from '../../scripts/build.ts';
import { STACK_FILE_VARIABLE } from '../setup/stack-file.ts';
import { cognito, createConfirmedUser, mailTo, signIn, stack, uniqueEmail } from '../helpers/stack.ts';

const { userPoolId, clientId, endpoint, issuer, jwksUri } = stack.cognito;
const idp = cognito();
afterAll(() => idp.destroy());

/** Both tokens, verified as a client verifies Cognito's: the issuer's keys, `iss`, the ID token's `aud`. */
async function verify(result: AuthenticationResultType | undefined) {
  const jwks = createRemoteJWKSet(new URL(jwksUri ?? ''));
  const id = await jwtVerify(result?.IdToken ?? '', jwks, { issuer, audience: clientId, algorithms: ['RS256'] });
  const access = await jwtVerify(result?.AccessToken ?? '', jwks, { issuer, algorithms: ['RS256'] });
  expect(id.payload.token_use).toBe('id');
  expect(access.payload).toMatchObject({ token_use: 'access', client_id: clientId });
  return { id: id.payload, access: access.payload };
}

describe('the local issuer', () => {
  it('is the endpoint clients call and the pool id, with its keys and discovery document there', async () => {
    expect(issuer).toBe(`${new URL(endpoint).origin}/${userPoolId}`);
    expect(jwksUri).toBe(`${issuer}/.well-known/jwks.json`);
    const keys = (await (await fetch(jwksUri ?? '')).json()) as { keys: Array<{ kid: string; alg: string }> };
    expect(keys.keys).toEqual([expect.objectContaining({ kid: expect.any(String), alg: 'RS256' })]);
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery).toMatchObject({ issuer, jwks_uri: jwksUri });
  });

  it("issues the password sign-in's and the refresh's tokens", async () => {
    const email = uniqueEmail('issuer-password');
    await createConfirmedUser(idp, email, 'Issuer-Password-42');
    const signedIn = await signIn(idp, email, 'Issuer-Password-42');
    await verify(signedIn.AuthenticationResult);
    const refreshed = await idp.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: signedIn.AuthenticationResult?.RefreshToken ?? '' },
      }),
    );
    await verify(refreshed.AuthenticationResult);
  });

  it("issues the CUSTOM_AUTH stand-in's tokens", async () => {
    const email = uniqueEmail('issuer-custom');
    await createConfirmedUser(idp, email, 'Issuer-Password-42');
    const started = await idp.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: email } }),
    );
    const mail = (await mailTo(email)).at(-1);
    const code = /^(\d{6})$/mu.exec(mail?.body.text ?? '')?.[1] ?? '';
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: started.Session,
        ChallengeResponses: { USERNAME: email, ANSWER: code },
      }),
    );
    await verify(done.AuthenticationResult);
  });

  it('docs/local-stack.md\'s snippet verifies a local token as written ("Verifying a local token")', () => {
    const readme = readFileSync(join(ROOT, 'docs', 'local-stack.md'), 'utf8');
    const snippet = /```js\n((?:(?!```)[\s\S])*createRemoteJWKSet(?:(?!```)[\s\S])*)```/u.exec(readme)?.[1];
    expect(snippet).toContain("'.local/stack.json'");
    // The same code, pointed at this run's stack file instead of npm start's.
    const file = join(ROOT, '.local', `readme-verify-${process.pid}.mjs`);
    mkdirSync(join(ROOT, '.local'), { recursive: true });
    writeFileSync(
      file,
      (snippet ?? '').replace("'.local/stack.json'", JSON.stringify(process.env[STACK_FILE_VARIABLE])),
    );
    try {
      const run = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
      expect({ status: run.status, stderr: run.stderr }).toMatchObject({ status: 0 });
      expect(run.stdout).toContain('demo.user@example.com');
    } finally {
      rmSync(file, { force: true });
    }
  });
});
