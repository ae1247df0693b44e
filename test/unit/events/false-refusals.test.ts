/**
 * Answers Cognito accepts must pass the response rules: a false refusal fails a real user's sign-in.
 * Each case cites the developer guide page it follows.
 */
import { buildEvent, isWritableAttribute, responseProblems } from '../../../shared/events/index.ts';

describe('false refusals', () => {
  describe('pre token generation (guide: user-pool-lambda-pre-token-generation)', () => {
    it("accepts the guide's complex claim values in both tokens, and aud as the client id in the access token", () => {
      const event = buildEvent('PreTokenGeneration', { version: '2' });
      const claims = {
        booleanTest: false,
        longTest: 9223372036854775807,
        ArrayTest: ['test', 1.7976931348623157e308, true],
        jsonTest: { first_json_block: { key_A: 'value_A' } },
      };
      // The claims table has no aud to add in the ID token (footnote 4 allows it in the access token, as
      // the session's client id): an ID-token aud is refused (test/unit/events/guide-divergences.test.ts).
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: claims, claimsToSuppress: ['email'] },
          accessTokenGeneration: {
            claimsToAddOrOverride: { ...claims, aud: event.callerContext.clientId as string },
            claimsToSuppress: ['email'],
            scopesToAdd: ['MyAPI.read', 'MyAPI.write', 'MyAPI.admin'],
            scopesToSuppress: ['aws.cognito.signin.user.admin'],
          },
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([]);
    });

    it('still refuses an ID-token aud other than the client id', () => {
      const event = buildEvent('PreTokenGeneration', { version: '3' });
      event.response = {
        claimsAndScopeOverrideDetails: { idTokenGeneration: { claimsToAddOrOverride: { aud: 'another-client' } } },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([
        'response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride.aud: reserved claim: Cognito sets it and rejects a change',
      ]);
    });

    it('accepts c_hash, which the claims reference does not reserve', () => {
      const v2 = buildEvent('PreTokenGeneration', { version: '2' });
      v2.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: { c_hash: 'x' }, claimsToSuppress: ['c_hash'] },
        },
      };
      expect(responseProblems('PreTokenGeneration', v2, v2)).toEqual([]);
      const v1 = buildEvent('PreTokenGeneration', { version: '1' });
      v1.response = { claimsOverrideDetails: { claimsToAddOrOverride: { c_hash: 'x' } } };
      expect(responseProblems('PreTokenGeneration', v1, v1)).toEqual([]);
    });

    it('accepts the role claims next to cognito:groups, which removes them', () => {
      const event = buildEvent('PreTokenGeneration', { version: '2' });
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToSuppress: ['cognito:roles', 'cognito:groups', 'cognito:preferred_role'] },
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([]);
    });
  });

  describe('custom attribute names (Cognito pattern [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]{1,20})', () => {
    it.each(['custom:dépt', 'custom:org/unit', 'custom:部署', 'custom:a+b', 'custom:x'.padEnd(27, 'y')])(
      'accepts %s',
      (name) => {
        expect(isWritableAttribute(name)).toBe(true);
        const event = buildEvent('UserMigration', { triggerSource: 'UserMigration_Authentication' });
        event.response.userAttributes = { email: 'jane@example.com', [name]: 'value' };
        expect(responseProblems('UserMigration', event, event)).toEqual([]);
      },
    );

    it.each(['custom:', 'custom:has space', 'custom:'.padEnd(28, 'z'), 'custom:tab\t'])('refuses %j', (name) => {
      expect(isWritableAttribute(name)).toBe(false);
    });

    it('counts characters, not UTF-16 units: 20 astral characters fit', () => {
      expect(isWritableAttribute(`custom:${'😀'.repeat(20)}`)).toBe(true);
      expect(isWritableAttribute(`custom:${'😀'.repeat(21)}`)).toBe(false);
    });
  });

  describe('create auth challenge (guide: user-pool-lambda-create-auth-challenge)', () => {
    it('does not require privateChallengeParameters', () => {
      const event = buildEvent('CreateAuthChallenge');
      event.response.publicChallengeParameters = { hint: 'check your inbox' };
      expect(responseProblems('CreateAuthChallenge', event, event)).toEqual([]);
    });
  });

  describe('custom message lengths count the message as sent (guide: user-pool-lambda-custom-message)', () => {
    it('counts the user name Cognito substitutes, not the placeholder', () => {
      const longName = 'a.very.long.user.name.of.someone@subdomain.example-company.com';
      const event = buildEvent('CustomMessage', {
        triggerSource: 'CustomMessage_AdminCreateUser',
        userName: longName,
      });
      // Under 140 characters as a template; over once {username} becomes the real user name.
      const message = `Welcome! User {username}, temporary password {####}. ${'x'.repeat(80)}`;
      const sent = [...message].length - '{username}'.length + longName.length;
      expect([...message].length).toBeLessThanOrEqual(140);
      expect(sent).toBeGreaterThan(140);
      event.response.smsMessage = message;
      expect(responseProblems('CustomMessage', event, event)).toEqual([
        `response.smsMessage: must be at most 140 characters once Cognito substitutes the code and user name, got ${sent}`,
      ]);
    });

    it('accepts the developer guide AdminCreateUser SMS example for a short user name', () => {
      const event = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_AdminCreateUser', userName: 'jane' });
      event.response.smsMessage = `Welcome to the service. Your user name is {username} Your temporary password is {####}`;
      expect(responseProblems('CustomMessage', event, event)).toEqual([]);
    });

    it('counts the longest name the user could be addressed by in an e-mail', () => {
      const email = `${'j'.repeat(60)}@example.com`;
      const event = buildEvent('CustomMessage', {
        triggerSource: 'CustomMessage_AdminCreateUser',
        request: { userAttributes: { email } },
      });
      event.response.emailSubject = 'Welcome';
      event.response.emailMessage = `{username} {####} ${'x'.repeat(20_000 - 18)}`;
      expect([...event.response.emailMessage]).toHaveLength(20_000);
      expect(responseProblems('CustomMessage', event, event, { emailSendingAccount: 'DEVELOPER' })).toEqual([
        `response.emailMessage: must be at most 20000 characters once Cognito substitutes the code and user name, got ${20_000 - 10 + email.length}`,
      ]);
    });

    it('counts every occurrence of the code as a six-digit code', () => {
      const event = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_SignUp' });
      event.response.smsMessage = `{####} {####} ${'x'.repeat(126)}`;
      expect(responseProblems('CustomMessage', event, event)).toEqual([]);
      event.response.smsMessage = `{####} {####} ${'x'.repeat(127)}`;
      expect(responseProblems('CustomMessage', event, event)).toEqual([
        'response.smsMessage: must be at most 140 characters once Cognito substitutes the code and user name, got 141',
      ]);
    });
  });
});
