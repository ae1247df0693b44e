/**
 * End to end, the messages:
 * - cognito-local calls the custom message trigger (the built handler, through the stack's Lambda
 *   endpoint) on sign-up, resend and forgot password, and prints what it would deliver on its console
 *   instead of sending it; the test reads that console and checks the message is ours: in the user's
 *   language, with the code substituted, Cognito's placeholders gone.
 * - Each pool e-mail sending account: cognito-local behind the stand-in that holds custom messages to
 *   the pool's account as Cognito does (local-cloud/message-account.ts). A DEVELOPER pool delivers
 *   our e-mail; a COGNITO_DEFAULT pool our SMS and its own e-mail; a function set to DEVELOPER on a
 *   COGNITO_DEFAULT pool fails the sign-up as Cognito would (InvalidLambdaResponseException).
 * - The custom senders, which cognito-local cannot drive (they need KMS), are invoked through the same
 *   Lambda endpoint with the event Cognito would send, the code encrypted as `npm run encrypt-code` does;
 *   the e-mail is read back from the local SES, the SMS from the outbox.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  cognitoClientFor,
  INVALID_LAMBDA_RESPONSE,
  LOCAL_MAIL_ENVIRONMENT,
  startCognitoWithEmailAccount,
  startLambdaServer,
  type CognitoWithEmailAccount,
  type LocalCognito,
  type LocalLambda,
} from '../../local-cloud/index.ts';
import type { EmailSendingAccount } from '../../shared/events/index.ts';
import { encryptCode } from '../../shared/codes/encrypt.ts';
import { buildEvent } from '../../shared/events/index.ts';
import { invokeFunction, mailTo, stack, uniqueEmail } from '../helpers/stack.ts';

const PASSWORD = 'Str0ng-Passw0rd!42';

interface Delivery {
  fields: Record<string, string>;
  emailMessage: string;
}

/** cognito-local's "Confirmation Code Delivery" boxes, unboxed: their fields and the whole e-mail. */
function deliveries(lines: readonly string[]): Delivery[] {
  const found: Delivery[] = [];
  let current: string[] | undefined;
  for (const raw of lines) {
    if (raw.includes('Confirmation Code Delivery')) current = [];
    else if (current && /^\s*╰/u.test(raw)) {
      const text = current.join('\n');
      const fields: Record<string, string> = {};
      for (const line of current) {
        const field = /^(Username|Destination|Code|Email Subject|SMS Message):\s+(.*)$/u.exec(line);
        if (field?.[1]) fields[field[1]] = field[2] ?? '';
      }
      const email = /^Email Message:\s+([\s\S]*?)\n(?:SMS Message:|$)/mu.exec(text);
      found.push({ fields, emailMessage: email?.[1] ?? '' });
      current = undefined;
    } else if (current) current.push(raw.replace(/^\s*│ {3}/u, '').replace(/\s*│\s*$/u, ''));
  }
  return found;
}

describe('custom message through cognito-local', () => {
  let pool: CognitoWithEmailAccount;
  let cognito: LocalCognito;
  let idp: CognitoIdentityProviderClient;
  const lines: string[] = [];
  const columns = process.env.COLUMNS;

  beforeAll(async () => {
    // cognito-local draws its box as wide as the terminal, wrapping longer lines: no wrapping here.
    process.env.COLUMNS = '100000';
    // The pool sends with SES, as the stack's (npm start), whose function is set to the same account.
    expect(stack.cognito.emailSendingAccount).toBe('DEVELOPER');
    const stackIdp = cognitoClientFor(stack.cognito.endpoint);
    const described = await stackIdp.send(new DescribeUserPoolCommand({ UserPoolId: stack.cognito.userPoolId }));
    stackIdp.destroy();
    expect(described.UserPool?.EmailConfiguration).toMatchObject({ EmailSendingAccount: 'DEVELOPER' });
    pool = await startCognitoWithEmailAccount({
      lambdaEndpoint: stack.lambda.endpoint,
      triggers: { CustomMessage: 'custom-message' },
      email: { account: 'DEVELOPER' },
      onOutput: (line) => lines.push(line),
    });
    cognito = pool.cognito;
    idp = cognitoClientFor(pool.endpoint);
  });
  afterAll(async () => {
    if (columns === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = columns;
    idp.destroy();
    await pool.stop();
  });

  /** What cognito-local delivered to `address` during `action`, once its console has printed it. */
  async function deliveredTo(address: string, action: () => Promise<unknown>): Promise<Delivery> {
    const before = deliveries(lines).length;
    await action();
    for (let wait = 0; wait < 50; wait += 1) {
      const found = deliveries(lines)
        .slice(before)
        .find((d) => d.fields.Destination === address);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`cognito-local printed no delivery to ${address}`);
  }

  it('sign-up and forgot password: our messages, localised, the code substituted', async () => {
    const email = uniqueEmail('messages.de');
    const signUp = await deliveredTo(email, () =>
      idp.send(
        new SignUpCommand({
          ClientId: cognito.clientId,
          Username: email,
          Password: PASSWORD,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'given_name', Value: 'Jürgen <b>' },
            { Name: 'locale', Value: 'de-AT' },
          ],
        }),
      ),
    );
    const code = cognito.confirmationCode;
    expect(signUp.fields['Email Subject']).toBe('Ihr Bestätigungscode für Cognito Triggers (local)');
    expect(signUp.emailMessage).toMatch(/^<!doctype html>\n<html lang="de">/u);
    expect(signUp.emailMessage).toContain(`>${code}</p>`);
    expect(signUp.emailMessage).toContain('Hallo Jürgen &lt;b&gt;,');
    expect(signUp.emailMessage).not.toContain('{####}');
    expect(signUp.fields['SMS Message']).toBe(
      `Cognito Triggers (local): Ihr Bestätigungscode lautet ${code}. Nicht angefordert? Dann ignorieren Sie diese Nachricht.`,
    );

    // The app's choice in this session wins over the user's attribute.
    const forgot = await deliveredTo(email, () =>
      idp.send(
        new ForgotPasswordCommand({ ClientId: cognito.clientId, Username: email, ClientMetadata: { locale: 'fr' } }),
      ),
    );
    expect(forgot.fields['Email Subject']).toBe('Réinitialisez votre mot de passe Cognito Triggers (local)');
    expect(forgot.emailMessage).toContain(`>${code}</p>`);
    expect(forgot.fields['SMS Message']).toContain(`votre code de réinitialisation est ${code}`);
  });

  // cognito-local has no ResendConfirmationCode: the event Cognito would send, through the same endpoint.
  it('resend: the same trigger through the Lambda endpoint answers our message with the placeholder kept', async () => {
    const base = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_ResendCode' });
    const event = {
      ...base,
      userPoolId: stack.cognito.userPoolId,
      request: { ...base.request, userAttributes: { ...base.request.userAttributes, locale: 'de' } },
    };
    const { payload, functionError } = await invokeFunction('custom-message', event);
    expect(functionError).toBeUndefined();
    const response = (payload as typeof event).response;
    expect(response.emailSubject).toBe('Ihr neuer Bestätigungscode für Cognito Triggers (local)');
    expect(response.emailMessage).toContain('Frühere Codes gelten nicht mehr.');
    expect(response.emailMessage).toContain('>{####}</p>');
    expect(response.smsMessage).toBe('Cognito Triggers (local): Ihr neuer Bestätigungscode lautet {####}');
  });

  it('admin invitation and attribute update: the temporary password and user name substituted', async () => {
    const email = uniqueEmail('messages.invited');
    const invitation = await deliveredTo(email, () =>
      idp.send(
        new AdminCreateUserCommand({
          UserPoolId: cognito.userPoolId,
          Username: email,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'locale', Value: 'fr-CA' },
          ],
        }),
      ),
    );
    expect(invitation.fields['Email Subject']).toBe('Vous êtes invité à rejoindre Cognito Triggers (local)');
    expect(invitation.emailMessage).toContain(`Votre nom d’utilisateur est ${invitation.fields.Username}`);
    expect(invitation.emailMessage).toContain(`>${invitation.fields.Code}</p>`);
    expect(invitation.emailMessage).not.toMatch(/\{####\}|\{username\}/u);

    const changed = uniqueEmail('messages.changed');
    // cognito-local delivers the code to the address before the change (Cognito: to the new one).
    const update = await deliveredTo(email, () =>
      idp.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: cognito.userPoolId,
          Username: email,
          UserAttributes: [{ Name: 'email', Value: changed }],
        }),
      ),
    );
    expect(update.fields['Email Subject']).toBe('Vérifiez vos coordonnées Cognito Triggers (local)');
    expect(update.emailMessage).toContain(`>${update.fields.Code}</p>`);
  });

  it('speaks Spanish to a user whose locale says so, and English to one without', async () => {
    const spanish = uniqueEmail('messages.es');
    const es = await deliveredTo(spanish, () =>
      idp.send(
        new SignUpCommand({
          ClientId: cognito.clientId,
          Username: spanish,
          Password: PASSWORD,
          UserAttributes: [
            { Name: 'email', Value: spanish },
            { Name: 'locale', Value: 'es' },
          ],
        }),
      ),
    );
    expect(es.fields['Email Subject']).toBe('Su código de verificación de Cognito Triggers (local)');
    const english = uniqueEmail('messages.en');
    const en = await deliveredTo(english, () =>
      idp.send(
        new SignUpCommand({
          ClientId: cognito.clientId,
          Username: english,
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: english }],
        }),
      ),
    );
    expect(en.fields['Email Subject']).toBe('Your Cognito Triggers (local) verification code');
    expect(en.emailMessage).toContain('Hello,');
  });
});

describe("custom message and the pool's e-mail sending account (guide: user-pool-lambda-custom-message)", () => {
  const columns = process.env.COLUMNS;
  const started: Array<{ stop(): Promise<void> }> = [];
  /** The custom message function set to COGNITO_DEFAULT, served from this process. */
  let cognitoDefaultFunction: LocalLambda;

  beforeAll(async () => {
    process.env.COLUMNS = '100000';
    Object.assign(process.env, LOCAL_MAIL_ENVIRONMENT, { MESSAGES_EMAIL_SENDING_ACCOUNT: 'COGNITO_DEFAULT' });
    // Imported after the setting: the function reads its configuration once, at its first invocation.
    const { handler } = await import('../../functions/custom-message/handler.ts');
    cognitoDefaultFunction = await startLambdaServer({ 'custom-message': handler });
    started.push(cognitoDefaultFunction);
  });
  afterAll(async () => {
    if (columns === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = columns;
    for (const server of started.reverse()) await server.stop();
  });

  /** A pool with this account whose custom message function is served at `lambdaEndpoint`. */
  async function poolWith(account: EmailSendingAccount, lambdaEndpoint: string) {
    const lines: string[] = [];
    const pool = await startCognitoWithEmailAccount({
      lambdaEndpoint,
      triggers: { CustomMessage: 'custom-message' },
      email: { account },
      onOutput: (line) => lines.push(line),
    });
    started.push(pool);
    const idp = cognitoClientFor(pool.endpoint);
    started.push({ stop: async () => idp.destroy() });
    const signUp = (email: string) =>
      idp.send(
        new SignUpCommand({
          ClientId: pool.cognito.clientId,
          Username: email,
          Password: PASSWORD,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'locale', Value: 'de' },
          ],
        }),
      );
    /** What cognito-local delivered to `address`, once printed. */
    const deliveredTo = async (address: string): Promise<Delivery> => {
      for (let wait = 0; wait < 50; wait += 1) {
        const found = deliveries(lines).find((d) => d.fields.Destination === address);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`cognito-local printed no delivery to ${address}`);
    };
    const describePool = async () =>
      (await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.cognito.userPoolId }))).UserPool
        ?.EmailConfiguration;
    return { pool, signUp, deliveredTo, describePool };
  }

  it('DEVELOPER (SES): the user gets our e-mail, subject and body, and our SMS', async () => {
    const { pool, signUp, deliveredTo, describePool } = await poolWith('DEVELOPER', stack.lambda.endpoint);
    expect(await describePool()).toMatchObject({
      EmailSendingAccount: 'DEVELOPER',
      From: 'no-reply@cognito-triggers.local',
    });
    const email = uniqueEmail('account.developer');
    await signUp(email);
    const delivery = await deliveredTo(email);
    const code = pool.cognito.confirmationCode;
    expect(delivery.fields['Email Subject']).toBe('Ihr Bestätigungscode für Cognito Triggers (local)');
    expect(delivery.emailMessage).toContain(`>${code}</p>`);
    expect(delivery.fields['SMS Message']).toContain(`Ihr Bestätigungscode lautet ${code}`);
    expect(pool.standIn.refusals).toEqual([]);
  });

  it("COGNITO_DEFAULT: the sign-up succeeds; our SMS, and the pool's own e-mail (no subject or body of ours)", async () => {
    const { pool, signUp, deliveredTo, describePool } = await poolWith(
      'COGNITO_DEFAULT',
      cognitoDefaultFunction.endpoint,
    );
    expect(await describePool()).toEqual({ EmailSendingAccount: 'COGNITO_DEFAULT' });
    const email = uniqueEmail('account.cognito-default');
    await expect(signUp(email)).resolves.toMatchObject({ UserConfirmed: false });
    const delivery = await deliveredTo(email);
    const code = pool.cognito.confirmationCode;
    expect(delivery.fields.Code).toBe(code);
    expect(delivery.fields['Email Subject']).toBeUndefined();
    expect(delivery.emailMessage).toBe('');
    expect(delivery.fields['SMS Message']).toBe(
      `Cognito Triggers (local): Ihr Bestätigungscode lautet ${code}. Nicht angefordert? Dann ignorieren Sie diese Nachricht.`,
    );
    const answered = cognitoDefaultFunction.invocations.at(-1);
    expect(answered?.ok).toBe(true);
    expect((answered?.result as { response: Record<string, unknown> }).response).toMatchObject({
      emailMessage: null,
      emailSubject: null,
    });
    expect(pool.standIn.refusals).toEqual([]);
  });

  it('a function set to DEVELOPER on a COGNITO_DEFAULT pool: the sign-up fails as in Cognito', async () => {
    // The stack's function is set to DEVELOPER; this pool is not: the mismatch serverless.yml prevents.
    const { pool, signUp } = await poolWith('COGNITO_DEFAULT', stack.lambda.endpoint);
    const email = uniqueEmail('account.mismatch');
    await expect(signUp(email)).rejects.toMatchObject({ name: INVALID_LAMBDA_RESPONSE });
    expect(pool.standIn.refusals).toHaveLength(1);
    expect(pool.standIn.refusals[0]?.problems).toEqual([
      "emailMessage is allowed only when the pool's EmailSendingAccount is DEVELOPER",
      "emailSubject is allowed only when the pool's EmailSendingAccount is DEVELOPER",
    ]);
  });
});

describe('custom senders through the Lambda endpoint', () => {
  const pool = stack.cognito.userPoolId;
  const outbox = join(process.cwd(), '.local', 'outbox');

  const smsTo = (phone: string): Array<{ to: string; body: string }> => {
    let files: string[];
    try {
      files = readdirSync(outbox).filter((name) => name.startsWith('sms-') && name.endsWith('.json'));
    } catch {
      return [];
    }
    return files
      .map((name) => JSON.parse(readFileSync(join(outbox, name), 'utf8')) as { to: string; body: string })
      .filter((sms) => sms.to === phone);
  };
  const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

  async function emailEvent(email: string, code: string, codePool = pool) {
    const event = buildEvent('CustomEmailSender', { triggerSource: 'CustomEmailSender_ForgotPassword' });
    return {
      ...event,
      userPoolId: pool,
      userName: randomUUID(),
      request: {
        ...event.request,
        code: await encryptCode(code, codePool),
        userAttributes: { sub: randomUUID(), email, email_verified: 'true', given_name: 'Zoë', locale: 'es-ES' },
      },
    };
  }

  it("e-mail: decrypts the code, sends it once through SES in the user's language", async () => {
    const email = uniqueEmail('sender.email');
    const event = await emailEvent(email, '864209');
    expect((await invokeFunction('custom-email-sender', event)).functionError).toBeUndefined();
    // Lambda may deliver an asynchronous event twice: still one message.
    expect((await invokeFunction('custom-email-sender', event)).functionError).toBeUndefined();
    const received = await mailTo(email);
    expect(received).toHaveLength(1);
    expect(received[0]?.subject).toBe('Restablezca su contraseña de Cognito Triggers (local)');
    expect(received[0]?.body.text).toContain('Hola Zoë:');
    expect(received[0]?.body.text).toContain('864209');
    expect(received[0]?.body.html).toContain('>864209</p>');
  });

  it('e-mail: a code encrypted for another pool is refused, nothing is sent', async () => {
    const email = uniqueEmail('sender.foreign');
    const event = await emailEvent(email, '864209', 'eu-west-1_SomeoneElse');
    expect((await invokeFunction('custom-email-sender', event)).functionError).toBeUndefined();
    expect(await mailTo(email)).toEqual([]);
  });

  it('SMS: decrypts the code, writes the SMS to the outbox once; nothing without a phone number', async () => {
    const phone = uniquePhone();
    const base = buildEvent('CustomSMSSender', { triggerSource: 'CustomSMSSender_Authentication' });
    const event = {
      ...base,
      userPoolId: pool,
      userName: randomUUID(),
      request: {
        ...base.request,
        code: await encryptCode('402918', pool),
        userAttributes: { sub: randomUUID(), phone_number: phone, phone_number_verified: 'true', locale: 'fr' },
      },
    };
    expect((await invokeFunction('custom-sms-sender', event)).functionError).toBeUndefined();
    expect((await invokeFunction('custom-sms-sender', event)).functionError).toBeUndefined();
    expect(smsTo(phone)).toEqual([
      {
        to: phone,
        body: 'Cognito Triggers (local) : votre code de connexion est 402918, valable 3 minutes. Ne le partagez pas.',
      },
    ]);

    const noPhone = { ...event, request: { ...event.request, userAttributes: { sub: randomUUID(), locale: 'fr' } } };
    expect((await invokeFunction('custom-sms-sender', noPhone)).functionError).toBeUndefined();
  });
});
