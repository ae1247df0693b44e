import { ResponseValidationError, buildEvent, checkResponse, responseProblems } from '../../../shared/events/index.ts';

describe('response rules', () => {
  it('accepts the answer Cognito sends back unchanged', () => {
    const event = buildEvent('PreSignUp');
    expect(checkResponse('PreSignUp', event, event)).toBe(event);
  });

  it('requires the event object back', () => {
    expect(responseProblems('PreSignUp', buildEvent('PreSignUp'), undefined)).toEqual([
      '(result): expected the event object, got undefined',
    ]);
  });

  it('checks shapes with the path', () => {
    const event = buildEvent('PreSignUp');
    const answer = { ...event, response: { ...event.response, autoConfirmUser: 'yes' } };
    expect(responseProblems('PreSignUp', event, answer)).toEqual([
      'response.autoConfirmUser: expected boolean, got string',
    ]);
  });

  describe('pre sign-up', () => {
    it('reads a flag left out as false, as Cognito does', () => {
      const event = buildEvent('PreSignUp');
      const answer = { ...event, response: { autoConfirmUser: true } };
      expect(responseProblems('PreSignUp', event, answer)).toEqual([]);
    });

    it('refuses to auto-verify an attribute the user does not have', () => {
      const event = buildEvent('PreSignUp', { request: { userAttributes: { email: undefined } } });
      event.response.autoVerifyEmail = true;
      event.response.autoVerifyPhone = true;
      expect(responseProblems('PreSignUp', event, event)).toEqual([
        'response.autoVerifyEmail: requires an email attribute',
        'response.autoVerifyPhone: requires a phone_number attribute',
      ]);
    });
  });

  describe('custom message', () => {
    // E-mail parts are Cognito's to take only from a pool that sends with SES (its own tests below).
    const SES = { emailSendingAccount: 'DEVELOPER' } as const;

    it('requires the code placeholder and, for AdminCreateUser, the user name placeholder', () => {
      const event = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_AdminCreateUser' });
      event.response.emailMessage = 'Welcome aboard, your code is {####}';
      event.response.smsMessage = 'Hi {username}';
      expect(responseProblems('CustomMessage', event, event, SES)).toEqual([
        'response.emailMessage: must contain the user name placeholder {username}',
        'response.smsMessage: must contain the code placeholder {####}',
      ]);
    });

    it('enforces Cognito length limits in characters', () => {
      const event = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_SignUp' });
      event.response.smsMessage = `{####} ${'x'.repeat(140)}`;
      event.response.emailSubject = '';
      event.response.emailMessage = `{####}${'é'.repeat(20_000)}`;
      expect(responseProblems('CustomMessage', event, event, SES)).toEqual([
        'response.emailMessage: must be at most 20000 characters once Cognito substitutes the code and user name, got 20006',
        'response.emailSubject: must be at least 1 characters, got 0',
        'response.smsMessage: must be at most 140 characters once Cognito substitutes the code and user name, got 147',
      ]);
    });

    it('accepts a verification link in place of the code', () => {
      const event = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_SignUp' });
      event.response.emailMessage = 'Please {##Click Here##} to verify';
      event.response.emailSubject = 'Verify';
      expect(responseProblems('CustomMessage', event, event, SES)).toEqual([]);
    });

    it('takes the link only in sign-up e-mails: SMS and other messages need the code', () => {
      const signUp = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_SignUp' });
      signUp.response.smsMessage = 'Please {##Click Here##} to verify';
      expect(responseProblems('CustomMessage', signUp, signUp, SES)).toEqual([
        'response.smsMessage: must contain the code placeholder {####}',
      ]);
      const forgot = buildEvent('CustomMessage', { triggerSource: 'CustomMessage_ForgotPassword' });
      forgot.response.emailMessage = 'Please {##Click Here##} to reset';
      expect(responseProblems('CustomMessage', forgot, forgot, SES)).toEqual([
        'response.emailMessage: must contain the code placeholder {####}',
      ]);
    });
  });

  describe('user migration', () => {
    const event = () => buildEvent('UserMigration', { triggerSource: 'UserMigration_Authentication' });

    it('requires attributes and refuses the ones Cognito owns', () => {
      const e = event();
      expect(responseProblems('UserMigration', e, e)).toEqual([
        'response.userAttributes: required: the migrated user needs at least one attribute',
      ]);
      e.response.userAttributes = {
        sub: 'x',
        'cognito:user_status': 'CONFIRMED',
        favourite: 'tea',
        email: 'a@example.com',
      };
      expect(responseProblems('UserMigration', e, e)).toEqual([
        'response.userAttributes.sub: set by Cognito, a migration may not answer it',
        'response.userAttributes.cognito:user_status: set by Cognito, a migration may not answer it',
        'response.userAttributes.favourite: not a standard or custom: attribute',
      ]);
    });

    it('accepts a username for a user who signed in with an alias', () => {
      const e = event();
      e.response.userAttributes = { username: 'jane-legacy-42', email: 'jane@example.com' };
      expect(responseProblems('UserMigration', e, e)).toEqual([]);
    });

    it('a forgot-password migration needs a verified e-mail address or phone number', () => {
      const e = buildEvent('UserMigration', { triggerSource: 'UserMigration_ForgotPassword' });
      e.response.userAttributes = { email: 'jane@example.com' };
      expect(responseProblems('UserMigration', e, e)).toEqual([
        'response.userAttributes: a password reset needs a verified email or phone_number (email_verified or phone_number_verified "true")',
      ]);
      e.response.userAttributes = { phone_number: '+447700900123', phone_number_verified: 'true' };
      expect(responseProblems('UserMigration', e, e)).toEqual([]);
    });

    it('checks status, MFA and delivery against the attributes', () => {
      const e = event();
      e.response.userAttributes = { email: 'a@example.com', phone_number: '07700 900123' };
      e.response.finalUserStatus = 'FORCE_CHANGE_PASSWORD' as never;
      expect(responseProblems('UserMigration', e, e)[0]).toContain(
        'response.finalUserStatus: expected one of "CONFIRMED", "RESET_REQUIRED"',
      );
      e.response.finalUserStatus = 'CONFIRMED';
      e.response.userAttributes = { email: 'a@example.com' };
      e.response.enableSMSMFA = true;
      e.response.desiredDeliveryMediums = ['SMS'];
      expect(responseProblems('UserMigration', e, e)).toEqual([
        'response.enableSMSMFA: requires a phone_number attribute',
        'response.desiredDeliveryMediums: SMS requires a phone_number attribute',
      ]);
      e.response.userAttributes = { email: 'a@example.com', phone_number: '07700 900123' };
      expect(responseProblems('UserMigration', e, e)).toEqual([
        'response.userAttributes.phone_number: must be E.164 (+ and up to 15 digits)',
      ]);
    });
  });

  describe('pre token generation', () => {
    it('V1: string claims only, reserved claims untouchable', () => {
      const event = buildEvent('PreTokenGeneration', { version: '1' });
      event.response = {
        claimsOverrideDetails: {
          claimsToAddOrOverride: { tenant: 'acme', aud: 'x', level: 3 as unknown as string },
          claimsToSuppress: ['email', 'sub'],
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual(
        ['response.claimsOverrideDetails.claimsToAddOrOverride.level: expected string, got number'].map((p) => p),
      );
    });

    it('V1: reserved claims', () => {
      const event = buildEvent('PreTokenGeneration', { version: '1' });
      event.response = {
        claimsOverrideDetails: {
          claimsToAddOrOverride: { tenant: 'acme', aud: 'x', 'cognito:username': 'y' },
          claimsToSuppress: ['email', 'sub'],
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([
        'response.claimsOverrideDetails.claimsToAddOrOverride.aud: reserved claim: Cognito sets it and rejects a change',
        'response.claimsOverrideDetails.claimsToAddOrOverride.cognito:username: reserved claim: Cognito sets it and rejects a change',
        'response.claimsOverrideDetails.claimsToSuppress[1]: reserved claim sub cannot be suppressed',
      ]);
    });

    it('V2: JSON claim values, audience of this client only, scopes checked', () => {
      const event = buildEvent('PreTokenGeneration', { version: '2' });
      const clientId = event.callerContext.clientId;
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: {
            claimsToAddOrOverride: { roles: ['a', 'b'], profile: { tier: 2, beta: true }, nothing: null as never },
          },
          accessTokenGeneration: {
            claimsToAddOrOverride: { aud: clientId as string, jti: 'x' },
            scopesToAdd: ['orders/read', 'openid', 'two words'],
            scopesToSuppress: ['email', 'aws.cognito.signin.user.admin'],
          },
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([
        'response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride.nothing: claim values must be JSON (string, number, boolean, array or object), not null',
        'response.claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToAddOrOverride.jti: reserved claim: Cognito sets it and rejects a change',
        'response.claimsAndScopeOverrideDetails.accessTokenGeneration.scopesToAdd[2]: a scope is one non-empty word without spaces',
      ]);
    });

    it('V2: groups and roles may be suppressed, dev: claims only suppressed, device_key never touched', () => {
      const event = buildEvent('PreTokenGeneration', { version: '2' });
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: {
            claimsToAddOrOverride: { 'dev:team': 'x' },
            claimsToSuppress: [
              'cognito:groups',
              'cognito:preferred_role',
              'cognito:roles',
              'dev:team',
              'cognito:username',
            ],
          },
          accessTokenGeneration: { claimsToSuppress: ['cognito:groups', 'device_key'] },
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([
        'response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride.dev:team: reserved claim: Cognito sets it and rejects a change',
        'response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToSuppress[4]: reserved claim cognito:username cannot be suppressed',
        'response.claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToSuppress[1]: reserved claim device_key cannot be suppressed',
      ]);
    });

    it('V2: the ID token keeps email_verified, phone_number_verified, updated_at and address scalar', () => {
      const event = buildEvent('PreTokenGeneration', { version: '2' });
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: {
            claimsToAddOrOverride: { address: { street_address: '1 Main St' }, email_verified: true, updated_at: 1 },
          },
          accessTokenGeneration: { claimsToAddOrOverride: { address: { street_address: '1 Main St' } } },
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([
        'response.claimsAndScopeOverrideDetails.idTokenGeneration.claimsToAddOrOverride.address: must be a string, number or boolean in the ID token',
      ]);
    });

    it("accepts the developer guide's own V2 example (adds openid, suppresses the admin scope)", () => {
      const event = buildEvent('PreTokenGeneration', { version: '2' });
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: {
            claimsToAddOrOverride: { family_name: 'xyz' },
            claimsToSuppress: ['email', 'birthdate'],
          },
          accessTokenGeneration: {
            claimsToAddOrOverride: { family_name: 'xyz' },
            claimsToSuppress: ['email', 'birthdate'],
            scopesToAdd: ['openid', 'email', 'solar-system-data/asteroids.read'],
            scopesToSuppress: ['phone_number', 'aws.cognito.signin.user.admin', 'solar-system-data/planets.read'],
          },
          groupOverrideDetails: {
            groupsToOverride: ['new-group-A', 'new-group-B', 'new-group-C'],
            iamRolesToOverride: ['arn:aws:iam::123456789012:role/new_roleA'],
            preferredRole: 'arn:aws:iam::123456789012:role/new_role',
          },
        },
      };
      expect(responseProblems('PreTokenGeneration', event, event)).toEqual([]);
    });

    it('V3 client credentials: access token claims and scopes', () => {
      const event = buildEvent('PreTokenGeneration', { triggerSource: 'TokenGeneration_ClientCredentials' });
      event.response = {
        claimsAndScopeOverrideDetails: {
          accessTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' }, scopesToAdd: ['orders/write'] },
        },
      };
      expect(checkResponse('PreTokenGeneration', event, event)).toBe(event);
    });
  });

  describe('custom authentication', () => {
    it('define: tokens and failure are exclusive, a next challenge must be valid', () => {
      const event = buildEvent('DefineAuthChallenge');
      event.response = { issueTokens: true, failAuthentication: true, challengeName: null };
      expect(responseProblems('DefineAuthChallenge', event, event)).toEqual([
        'response: issueTokens and failAuthentication cannot both be true',
      ]);
      event.response = { issueTokens: false, failAuthentication: false, challengeName: 'MAGIC' };
      expect(responseProblems('DefineAuthChallenge', event, event)[0]).toContain(
        'response.challengeName: must be one of CUSTOM_CHALLENGE',
      );
      event.response = { issueTokens: false, failAuthentication: false, challengeName: 'CUSTOM_CHALLENGE' };
      expect(responseProblems('DefineAuthChallenge', event, event)).toEqual([]);
    });

    it('create: parameters must be string maps', () => {
      const event = buildEvent('CreateAuthChallenge');
      (event.response as Record<string, unknown>).publicChallengeParameters = 'check your inbox';
      expect(() => checkResponse('CreateAuthChallenge', event, event)).toThrow(ResponseValidationError);
    });

    it('verify: answerCorrect must be a boolean', () => {
      const event = buildEvent('VerifyAuthChallengeResponse');
      (event.response as Record<string, unknown>).answerCorrect = 'true';
      expect(responseProblems('VerifyAuthChallengeResponse', event, event)).toEqual([
        'response.answerCorrect: expected boolean, got string',
      ]);
    });
  });

  describe('inbound federation', () => {
    it('accepts provider claims passed through, as the developer guide does, but not over-long values', () => {
      const event = buildEvent('InboundFederation');
      event.response.userAttributesToMap = {
        email: 'jane@example.com',
        'custom:department': 'Eng',
        sub: '7a1f5c2e9b',
        department: 'Eng',
        bio: '😀'.repeat(2048),
        notes: 'x'.repeat(2049),
      };
      expect(responseProblems('InboundFederation', event, event)).toEqual([
        'response.userAttributesToMap.notes: longer than 2048 characters',
      ]);
    });

    it("accepts the guide's examples: every provider attribute merged, and {} (keep everything)", () => {
      const event = buildEvent('InboundFederation');
      const { userInfo, idToken } = event.request.attributes;
      event.response.userAttributesToMap = Object.fromEntries(
        Object.entries({ ...userInfo, ...idToken }).map(([name, value]) => [name, String(value)]),
      );
      expect(responseProblems('InboundFederation', event, event)).toEqual([]);
      event.response.userAttributesToMap = {};
      expect(responseProblems('InboundFederation', event, event)).toEqual([]);
    });

    it("refuses an answer that drops or changes the provider's sub", () => {
      const event = buildEvent('InboundFederation');
      event.response.userAttributesToMap = { email: 'jane@example.com' };
      expect(responseProblems('InboundFederation', event, event)).toEqual([
        "response.userAttributesToMap.sub: required: the provider's sub identifies the federated user and would be dropped",
      ]);
      event.response.userAttributesToMap = { email: 'jane@example.com', sub: 'someone-else' };
      expect(responseProblems('InboundFederation', event, event)).toEqual([
        "response.userAttributesToMap.sub: must be the provider's sub as sent: another value would change the user's identity",
      ]);
    });

    it('asks nothing of a SAML answer when the assertion carries no sub', () => {
      const event = buildEvent('InboundFederation', {
        request: {
          providerName: 'CorporateAD',
          providerType: 'SAML',
          attributes: {
            tokenResponse: undefined,
            idToken: undefined,
            userInfo: undefined,
            samlResponse: { email: 'john.doe@company.com', department: 'Engineering' },
          },
        },
      });
      event.response.userAttributesToMap = { email: 'john.doe@company.com' };
      expect(responseProblems('InboundFederation', event, event)).toEqual([]);
    });
  });

  it('names every problem in the thrown error', () => {
    const event = buildEvent('CustomMessage');
    event.response.smsMessage = 'no';
    expect(() => checkResponse('CustomMessage', event, event)).toThrow(
      "CustomMessage response breaks Cognito's rules: response.smsMessage: must be at least 6 characters once Cognito substitutes the code and user name, got 2; response.smsMessage: must contain the code placeholder {####}",
    );
  });
});
