import {
  addressHeldByOther,
  chooseLinkTarget,
  planFederatedSignUp,
  settleFederatedSignUp,
  type FederatedRequest,
} from '../../../functions/pre-signup/linking.ts';
import { parseFederatedUserName } from '../../../functions/pre-signup/federated-user.ts';
import {
  isAlreadyLinkedError,
  linkedIdentities,
  type DirectoryUser,
  type UserDirectory,
} from '../../../shared/aws/cognito.ts';

const user = (overrides: Partial<DirectoryUser> & { attributes?: Record<string, string> } = {}): DirectoryUser => ({
  username: 'native-1',
  status: 'CONFIRMED',
  enabled: true,
  ...overrides,
  attributes: { email: 'Jane@Example.com', email_verified: 'true', ...overrides.attributes },
});

describe('parseFederatedUserName', () => {
  it('splits at the first underscore and spells social providers as the API wants', () => {
    expect(parseFederatedUserName('google_1234_5')).toEqual({ providerName: 'Google', providerUserId: '1234_5' });
    expect(parseFederatedUserName('SignInWithApple_000.abc')).toEqual({
      providerName: 'SignInWithApple',
      providerUserId: '000.abc',
    });
    expect(parseFederatedUserName('CorpSAML_jane')).toEqual({ providerName: 'CorpSAML', providerUserId: 'jane' });
    expect(parseFederatedUserName('plainuser')).toBeUndefined();
    expect(parseFederatedUserName('_x')).toBeUndefined();
  });
});

describe('chooseLinkTarget', () => {
  it('picks the one confirmed native user with the verified address', () => {
    expect(chooseLinkTarget([user()], 'jane@example.com')?.username).toBe('native-1');
  });

  it.each([
    ['unverified e-mail', user({ attributes: { email_verified: 'false' } })],
    ['unconfirmed user', user({ status: 'UNCONFIRMED' })],
    ['disabled user', user({ enabled: false })],
    ['federated user', user({ status: 'EXTERNAL_PROVIDER' })],
    ['other address', user({ attributes: { email: 'john@example.com' } })],
  ])('ignores a %s', (_label, candidate) => {
    expect(chooseLinkTarget([candidate], 'jane@example.com')).toBeUndefined();
  });

  it('picks a native user already linked to another provider', () => {
    const linked = user({ attributes: { identities: '[{"providerName":"SignInWithApple"}]' } });
    expect(chooseLinkTarget([linked], 'jane@example.com')?.username).toBe('native-1');
  });

  it('links to nobody when the address is ambiguous', () => {
    expect(chooseLinkTarget([user(), user({ username: 'native-2' })], 'jane@example.com')).toBeUndefined();
  });
});

const GOOGLE = { providerName: 'Google', providerUserId: '42' };
const identities = (...entries: Array<{ providerName: string; userId: string }>) =>
  JSON.stringify(
    entries.map((entry) => ({ ...entry, providerType: entry.providerName, issuer: null, primary: false })),
  );
/** A native user with the Google identity linked, as ListUsers shows one after AdminLinkProviderForUser. */
const linkedUser = (providerName = 'Google') =>
  user({ attributes: { identities: identities({ providerName, userId: '42' }) } });

/** An SDK error as the client throws it for Cognito's answer. */
const cognitoError = (name: string, message: string) => Object.assign(new Error(message), { name });
const ALREADY_LINKED = cognitoError('InvalidParameterException', 'SourceUser is already linked to DestinationUser');

describe("linked identities and Cognito's answer to a repeated link", () => {
  it('reads the identities attribute, and nothing from an unreadable one', () => {
    expect(linkedIdentities(linkedUser())).toEqual([{ providerName: 'Google', userId: '42' }]);
    for (const raw of ['not json', '{}', '[1, null, {"providerName": 7}]']) {
      expect(linkedIdentities(user({ attributes: { identities: raw } }))).toEqual([]);
    }
    expect(linkedIdentities(user())).toEqual([]);
  });

  it('knows the answers Cognito gives for a source identity linked already, old and new', () => {
    expect(isAlreadyLinkedError(ALREADY_LINKED)).toBe(true);
    expect(
      isAlreadyLinkedError(
        cognitoError(
          'InvalidParameterException',
          'Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, only as a DestinationUser',
        ),
      ),
    ).toBe(true);
    expect(isAlreadyLinkedError(cognitoError('InvalidParameterException', 'Merging is not currently supported'))).toBe(
      false,
    );
    expect(isAlreadyLinkedError(cognitoError('TooManyRequestsException', 'already linked'))).toBe(false);
    expect(isAlreadyLinkedError('already linked')).toBe(false);
  });
});

describe('planFederatedSignUp', () => {
  const check = (overrides: Partial<FederatedRequest> = {}) => ({
    email: 'jane@example.com',
    link: GOOGLE,
    verifyEmail: true,
    userName: 'Google_42',
    ...overrides,
  });

  it('links to the one native owner of the verified address', () => {
    expect(planFederatedSignUp([user()], check())).toEqual({ action: 'link', identity: GOOGLE, target: user() });
  });

  it('finds the identity linked already, on a retry, in any spelling of the provider', () => {
    expect(planFederatedSignUp([linkedUser()], check())).toEqual({ action: 'already-linked', identity: GOOGLE });
    expect(planFederatedSignUp([linkedUser('google')], check())).toEqual({
      action: 'already-linked',
      identity: GOOGLE,
    });
    // Another identity of the same provider is not this one.
    const other = user({ attributes: { identities: identities({ providerName: 'Google', userId: '43' }) } });
    expect(planFederatedSignUp([other], check())).toEqual({ action: 'link', identity: GOOGLE, target: other });
  });

  it('never marks verified an address another user holds verified: the alias would move to the newcomer', () => {
    // Untrusted provider: no link, and the native owner keeps the address.
    expect(planFederatedSignUp([user()], check({ link: undefined }))).toEqual({
      action: 'create',
      autoVerifyEmail: false,
      addressHeld: true,
    });
    // A federated user holding it verified counts too; so does an ambiguous pair of natives.
    const federatedHolder = user({ username: 'Facebook_9', status: 'EXTERNAL_PROVIDER' });
    expect(planFederatedSignUp([federatedHolder], check())).toMatchObject({ action: 'create', autoVerifyEmail: false });
    expect(planFederatedSignUp([user(), user({ username: 'native-2' })], check())).toMatchObject({
      action: 'create',
      autoVerifyEmail: false,
    });
  });

  it('verifies an address nobody holds, or holds only unverified', () => {
    expect(planFederatedSignUp([], check())).toEqual({ action: 'create', autoVerifyEmail: true, addressHeld: false });
    // A native sign-up confirmed by domain but never verified (the takeover attempt) holds nothing.
    const squatter = user({ attributes: { email_verified: 'false' } });
    expect(planFederatedSignUp([squatter], check())).toEqual({
      action: 'create',
      autoVerifyEmail: true,
      addressHeld: false,
    });
    expect(planFederatedSignUp([], check({ verifyEmail: false }))).toMatchObject({ autoVerifyEmail: false });
  });

  it('does not count the signing-up user itself as another holder', () => {
    expect(addressHeldByOther([user({ username: 'google_42' })], 'jane@example.com', 'Google_42')).toBe(false);
    expect(addressHeldByOther([user()], 'JANE@example.com ', 'Google_42')).toBe(true);
  });
});

describe('settleFederatedSignUp', () => {
  const request = (overrides: Partial<FederatedRequest> = {}): FederatedRequest => ({
    userPoolId: 'pool',
    userName: 'Google_42',
    email: 'jane@example.com',
    link: GOOGLE,
    verifyEmail: true,
    ...overrides,
  });

  /** A directory over a mutable user list; linking behaves as `link` says (by default as Cognito: records it). */
  const directory = (
    users: DirectoryUser[],
    link?: (request: Parameters<UserDirectory['linkProviderUser']>[0]) => Promise<void>,
  ) => {
    const links: unknown[] = [];
    let lookups = 0;
    const fake: UserDirectory = {
      findUsersByEmail: async () => {
        lookups += 1;
        return users;
      },
      linkProviderUser:
        link ??
        (async (linkRequest) => {
          links.push(linkRequest);
        }),
    };
    return { fake, links, lookups: () => lookups };
  };

  it('links the federated identity to the native account', async () => {
    const { fake, links } = directory([user()]);
    expect(await settleFederatedSignUp(fake, request())).toEqual({ linked: GOOGLE, repeated: false });
    expect(links).toEqual([
      { userPoolId: 'pool', nativeUsername: 'native-1', providerName: 'Google', providerUserId: '42' },
    ]);
  });

  it('ends a retry after a successful link like the first call, without linking again', async () => {
    const { fake, links } = directory([linkedUser()]);
    expect(await settleFederatedSignUp(fake, request())).toEqual({ linked: GOOGLE, repeated: true });
    expect(links).toEqual([]);
  });

  it('takes Cognito\'s "already linked" for success once the directory shows the link', async () => {
    const users = [user()];
    const { fake, lookups } = directory(users, async () => {
      users[0] = linkedUser(); // a racing delivery linked it first
      throw ALREADY_LINKED;
    });
    expect(await settleFederatedSignUp(fake, request())).toEqual({ linked: GOOGLE, repeated: true });
    expect(lookups()).toBe(2);
  });

  it('keeps the error when the directory does not show the link, or the error is another', async () => {
    await expect(
      settleFederatedSignUp(
        directory([user()], async () => {
          throw ALREADY_LINKED;
        }).fake,
        request(),
      ),
    ).rejects.toBe(ALREADY_LINKED);
    const throttled = cognitoError('TooManyRequestsException', 'Rate exceeded');
    await expect(
      settleFederatedSignUp(
        directory([user()], async () => {
          throw throttled;
        }).fake,
        request(),
      ),
    ).rejects.toBe(throttled);
  });

  it('answers without linking when no native account matches, verifying only an address nobody holds', async () => {
    const { fake, links } = directory([]);
    expect(await settleFederatedSignUp(fake, request())).toEqual({ linked: undefined, autoVerifyEmail: true });
    expect(links).toEqual([]);
    expect(await settleFederatedSignUp(directory([user()]).fake, request({ link: undefined }))).toEqual({
      linked: undefined,
      autoVerifyEmail: false,
      withheld: 'address-held',
    });
  });

  describe('when the directory cannot be asked', () => {
    const down = cognitoError('InternalErrorException', 'down');
    const unavailable: UserDirectory = {
      findUsersByEmail: async () => {
        throw down;
      },
      linkProviderUser: async () => {
        throw new Error('never called');
      },
    };

    it('fails closed for linking: the error stands, nothing is linked', async () => {
      await expect(settleFederatedSignUp(unavailable, request())).rejects.toBe(down);
    });

    it('lets a sign-up that links nothing through, without auto-verifying its address', async () => {
      expect(await settleFederatedSignUp(unavailable, request({ link: undefined }))).toEqual({
        linked: undefined,
        autoVerifyEmail: false,
        withheld: 'directory-unavailable',
        lookupError: down,
      });
    });
  });
});
