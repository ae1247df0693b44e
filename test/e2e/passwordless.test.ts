/**
 * End to end: passwordless sign-in as an app does it, with the SDK against the local stack
 * (InitiateAuth CUSTOM_AUTH and RespondToAuthChallenge, answered by the stack's CUSTOM_AUTH stand-in,
 * which runs the three built functions through the Lambda endpoint). Codes and links are read back
 * from the local SES mailbox; tokens are verified against the pool's JWKS.
 */
import {
  AdminCreateUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type InitiateAuthCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { DEMO_ENTITLEMENTS, DEMO_USER, DEMO_USER_SUB } from '../../local-cloud/demo-data.ts';
import { LOCAL_PASSWORDLESS_ENVIRONMENT, LOCAL_REDIRECT_URL } from '../../local-cloud/custom-auth.ts';
import { signLinkToken } from '../../shared/passwordless/magic-link.ts';
import { cognito, createConfirmedUser, failure, mailTo, signIn, stack, uniqueEmail } from '../helpers/stack.ts';

const { userPoolId, clientId } = stack.cognito;
const idp = cognito();
const jwks = createRemoteJWKSet(new URL(`${stack.cognito.endpoint}/${userPoolId}/.well-known/jwks.json`));

afterAll(() => idp.destroy());

type Metadata = Record<string, string>;

const start = (username: string, metadata?: Metadata) =>
  idp.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'CUSTOM_AUTH',
      AuthParameters: { USERNAME: username },
      ClientMetadata: metadata,
    }),
  );

const answer = (username: string, session: string | undefined, value: string, metadata?: Metadata) =>
  idp.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: session,
      ChallengeResponses: { USERNAME: username, ANSWER: value },
      ClientMetadata: metadata,
    }),
  );

/** The codes mailed to `address`, oldest first. */
async function codesSentTo(address: string): Promise<string[]> {
  const mails = await mailTo(address);
  return mails.map((mail) => {
    const match = /^(\d{6})$/mu.exec(mail.body.text ?? '');
    if (!match?.[1]) throw new Error(`no code in the mail "${mail.subject}"`);
    return match[1];
  });
}

/** The magic links mailed to `address`, oldest first. */
async function linksSentTo(address: string): Promise<URL[]> {
  const mails = await mailTo(address);
  return mails.map((mail) => {
    const match = /(https?:\/\/\S+#token=\S+)/u.exec(mail.body.text ?? '');
    if (!match?.[1]) throw new Error(`no link in the mail "${mail.subject}"`);
    return new URL(match[1]);
  });
}

const tokenOf = (link: URL) => new URLSearchParams(link.hash.slice(1)).get('token') ?? '';

async function verifiedIdToken(result: InitiateAuthCommandOutput) {
  const token = result.AuthenticationResult?.IdToken;
  if (!token) throw new Error('no ID token');
  const { payload } = await jwtVerify(token, jwks, { audience: clientId, algorithms: ['RS256'] });
  return payload;
}

/** The custom-auth functions' log lines in the test stack's log (test/setup/global-setup.ts). */
const stackLog = () =>
  readFileSync(join(process.cwd(), '.local', 'test-stack.log'), 'utf8')
    .split('\n')
    .filter((line) => /"service":"(define|create|verify)-auth-challenge"/u.test(line))
    .join('\n');
/** The code as a number of its own (not six digits inside a timestamp). */
const standalone = (code: string) => new RegExp(`(?<![0-9])${code}(?![0-9])`, 'u');

/** A wrong code that is surely not the one sent. */
const wrongCode = (code: string) => (code === '000000' ? '111111' : '000000');

describe('passwordless sign-in with an e-mail code', () => {
  it('signs the demo user in: code by e-mail, answered, tokens that verify and carry the pre token claims', async () => {
    const before = (await codesSentTo(DEMO_USER.email)).length;
    const started = await start(DEMO_USER.email);
    expect(started.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(started.ChallengeParameters).toEqual({
      signInMethod: 'EMAIL_OTP',
      codeLength: '6',
      USERNAME: DEMO_USER.email,
    });
    const codes = await codesSentTo(DEMO_USER.email);
    expect(codes).toHaveLength(before + 1);
    const code = codes.at(-1) as string;
    expect(code).toMatch(/^\d{6}$/u);
    expect(JSON.stringify(started)).not.toContain(code);

    const signedIn = await answer(DEMO_USER.email, started.Session, code);
    const claims = await verifiedIdToken(signedIn);
    expect(claims).toMatchObject({ sub: DEMO_USER_SUB, email: DEMO_USER.email, token_use: 'id' });
    expect(claims.tenant).toBe(DEMO_ENTITLEMENTS.user.tenant);
    expect(stackLog()).toContain('challenge created');
    expect(stackLog()).not.toMatch(standalone(code));
    // The same issuer as the pool's own password sign-in.
    const withPassword = await signIn(idp, DEMO_USER.email, DEMO_USER.password);
    expect(claims.iss).toBe((await verifiedIdToken(withPassword)).iss);
    const access = await jwtVerify(signedIn.AuthenticationResult?.AccessToken ?? '', jwks, { algorithms: ['RS256'] });
    expect(access.payload).toMatchObject({ client_id: clientId, token_use: 'access', sub: DEMO_USER_SUB });
  });

  it('keeps the code after a wrong answer, sends nothing new, and signs in with the right one', async () => {
    const email = uniqueEmail('otp-retry');
    await createConfirmedUser(idp, email, 'Unused-Password-42');
    const started = await start(email);
    const [code] = await codesSentTo(email);
    const retried = await answer(email, started.Session, wrongCode(code as string));
    expect(retried.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(retried.AuthenticationResult).toBeUndefined();
    expect(await codesSentTo(email)).toHaveLength(1);
    const signedIn = await answer(email, retried.Session, code as string);
    expect((await verifiedIdToken(signedIn)).email).toBe(email);
  });

  it('ends the session after three wrong codes; the session cannot be used again', async () => {
    const email = uniqueEmail('otp-wrong');
    await createConfirmedUser(idp, email, 'Unused-Password-42');
    const started = await start(email);
    const [code] = await codesSentTo(email);
    const wrong = wrongCode(code as string);
    const second = await answer(email, started.Session, wrong);
    const third = await answer(email, second.Session, wrong);
    expect(await failure(answer(email, third.Session, wrong))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    // The right code, on the ended session or an earlier one, is too late.
    expect(await failure(answer(email, third.Session, code as string))).toEqual({
      name: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
    expect(await failure(answer(email, started.Session, code as string))).toMatchObject({
      name: 'NotAuthorizedException',
    });
  });

  it('sends a new code on request, and only the new code signs in', async () => {
    const email = uniqueEmail('otp-resend');
    await createConfirmedUser(idp, email, 'Unused-Password-42');
    const started = await start(email);
    const resent = await answer(email, started.Session, '', { action: 'resend' });
    expect(resent.ChallengeName).toBe('CUSTOM_CHALLENGE');
    const [first, second] = await codesSentTo(email);
    expect(second).toMatch(/^\d{6}$/u);
    const afterOld = first === second ? resent : await answer(email, resent.Session, first as string);
    expect(afterOld.AuthenticationResult).toBeUndefined();
    const signedIn = await answer(email, afterOld.Session, second as string);
    expect((await verifiedIdToken(signedIn)).email).toBe(email);
  });

  it("writes the code e-mail in the app's language (clientMetadata.locale)", async () => {
    const email = uniqueEmail('otp-de');
    await createConfirmedUser(idp, email, 'Unused-Password-42');
    await start(email, { locale: 'de-AT' });
    const [mail] = await mailTo(email);
    expect(mail?.subject).toBe('Ihr Anmeldecode für Cognito Triggers (local)');
    expect(await codesSentTo(email)).toHaveLength(1);
  });

  it('sends nothing to an address that is not verified, and presents the same challenge', async () => {
    const email = uniqueEmail('otp-unverified');
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'false' },
        ],
      }),
    );
    const started = await start(email);
    expect(started.ChallengeParameters).toEqual({ signInMethod: 'EMAIL_OTP', codeLength: '6', USERNAME: email });
    expect(await mailTo(email)).toHaveLength(0);
  });
});

describe('an unknown user (the pool prevents user-existence errors)', () => {
  it('sees the same challenge and the same answers as a real user, and no mail is sent', async () => {
    const real = uniqueEmail('known');
    await createConfirmedUser(idp, real, 'Unused-Password-42');
    const unknown = uniqueEmail('nobody');
    const [realStart, unknownStart] = [await start(real), await start(unknown)];
    expect(unknownStart.ChallengeName).toBe(realStart.ChallengeName);
    expect({ ...unknownStart.ChallengeParameters, USERNAME: '' }).toEqual({
      ...realStart.ChallengeParameters,
      USERNAME: '',
    });
    expect(unknownStart.ChallengeParameters?.USERNAME).toBe(unknown);

    const [code] = await codesSentTo(real);
    const wrong = wrongCode(code as string);
    let realSession = realStart.Session;
    let unknownSession = unknownStart.Session;
    for (let round = 0; round < 2; round++) {
      const [r, u] = [await answer(real, realSession, wrong), await answer(unknown, unknownSession, wrong)];
      expect(u.ChallengeName).toBe(r.ChallengeName);
      expect({ ...u.ChallengeParameters, USERNAME: '' }).toEqual({ ...r.ChallengeParameters, USERNAME: '' });
      realSession = r.Session;
      unknownSession = u.Session;
    }
    expect(await failure(answer(unknown, unknownSession, wrong))).toEqual(
      await failure(answer(real, realSession, wrong)),
    );
    expect(await mailTo(unknown)).toHaveLength(0);
  });

  it('gets the same magic-link challenge, and nothing is sent', async () => {
    const unknown = uniqueEmail('nobody-link');
    const started = await start(unknown, { signInMethod: 'MAGIC_LINK', redirectUri: LOCAL_REDIRECT_URL });
    expect(started.ChallengeParameters).toEqual({ signInMethod: 'MAGIC_LINK', USERNAME: unknown });
    expect(await mailTo(unknown)).toHaveLength(0);
  });
});

describe('passwordless sign-in with a magic link', () => {
  const linkRequest = { signInMethod: 'MAGIC_LINK', redirectUri: LOCAL_REDIRECT_URL };
  const redeem = { signInMethod: 'MAGIC_LINK', action: 'redeem' };

  it('signs in once with the link from the e-mail; the same link fails the second time', async () => {
    const email = uniqueEmail('link');
    await createConfirmedUser(idp, email, 'Unused-Password-42');
    const requested = await start(email, linkRequest);
    expect(requested.ChallengeParameters).toEqual({ signInMethod: 'MAGIC_LINK', USERNAME: email });
    const [link] = await linksSentTo(email);
    expect(`${link?.origin}${link?.pathname}`).toBe(LOCAL_REDIRECT_URL);
    const token = tokenOf(link as URL);

    // The app opened from the link starts a session of its own and answers with the token.
    const opened = await start(email, redeem);
    const signedIn = await answer(email, opened.Session, token, redeem);
    expect((await verifiedIdToken(signedIn)).email).toBe(email);
    expect(await linksSentTo(email)).toHaveLength(1);
    expect(stackLog()).not.toContain(token.split('.')[2]);

    const again = await start(email, redeem);
    const refused = await answer(email, again.Session, token, redeem);
    expect(refused.AuthenticationResult).toBeUndefined();
    expect(refused.ChallengeName).toBe('CUSTOM_CHALLENGE');
  });

  it('refuses an expired link', async () => {
    const email = uniqueEmail('link-expired');
    const username = await createConfirmedUser(idp, email, 'Unused-Password-42');
    // A link signed with the stack's key, for this user, issued 20 minutes ago for 15 minutes.
    const { token } = signLinkToken(
      Buffer.from(LOCAL_PASSWORDLESS_ENVIRONMENT.MAGIC_LINK_SECRET, 'utf8'),
      { userPoolId, clientId, userName: username },
      15 * 60,
      Date.now() - 20 * 60 * 1000,
    );
    const opened = await start(email, redeem);
    const refused = await answer(email, opened.Session, token, redeem);
    expect(refused.AuthenticationResult).toBeUndefined();
    // The same key's fresh token for the same user is accepted: only the expiry refused the first.
    const fresh = signLinkToken(
      Buffer.from(LOCAL_PASSWORDLESS_ENVIRONMENT.MAGIC_LINK_SECRET, 'utf8'),
      { userPoolId, clientId, userName: username },
      60,
      Date.now(),
    );
    const signedIn = await answer(email, refused.Session, fresh.token, redeem);
    expect((await verifiedIdToken(signedIn)).email).toBe(email);
  });

  it('refuses a redirect URL that is not on the allow-list, sending nothing', async () => {
    const email = uniqueEmail('link-redirect');
    await createConfirmedUser(idp, email, 'Unused-Password-42');
    expect(await failure(start(email, { signInMethod: 'MAGIC_LINK', redirectUri: 'https://evil.example/x' }))).toEqual({
      name: 'UserLambdaValidationException',
      message: 'CreateAuthChallenge failed with error This redirect URL is not allowed.',
    });
    expect(await mailTo(email)).toHaveLength(0);
  });
});

describe('the send limit', () => {
  it('answers an unknown user exactly as a real one: five challenges, then the same refusal', async () => {
    const nobody = uniqueEmail('nobody-limit');
    for (let session = 0; session < 5; session++) expect((await start(nobody)).ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(await failure(start(nobody))).toEqual({
      name: 'UserLambdaValidationException',
      message:
        'CreateAuthChallenge failed with error Too many sign-in messages. Please wait a few minutes and try again.',
    });
    expect(await mailTo(nobody)).toHaveLength(0);
  });

  it('holds across sessions: five messages in the window, then a refusal and nothing sent', async () => {
    const email = uniqueEmail('throttle');
    await createConfirmedUser(idp, email, 'Unused-Password-42');
    for (let session = 0; session < 4; session++) await start(email);
    const fifth = await start(email, { signInMethod: 'MAGIC_LINK', redirectUri: LOCAL_REDIRECT_URL });
    expect(fifth.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(await mailTo(email)).toHaveLength(5);
    const refusal = {
      name: 'UserLambdaValidationException',
      message:
        'CreateAuthChallenge failed with error Too many sign-in messages. Please wait a few minutes and try again.',
    };
    expect(await failure(start(email))).toEqual(refusal);
    // A resend inside a session counts the same, and a redeem (nothing sent) is not limited.
    expect(await failure(answer(email, fifth.Session, '', { action: 'resend' }))).toEqual(refusal);
    const opened = await start(email, { signInMethod: 'MAGIC_LINK', action: 'redeem' });
    expect(opened.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(await mailTo(email)).toHaveLength(5);
  });
});
