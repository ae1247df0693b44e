import { chooseLinkTarget, linkToNativeAccount } from '../../../functions/pre-signup/linking.ts';
import { parseFederatedUserName } from '../../../functions/pre-signup/federated-user.ts';
import type { DirectoryUser, UserDirectory } from '../../../shared/aws/cognito.ts';

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

describe('linkToNativeAccount', () => {
  const directory = (users: DirectoryUser[]) => {
    const links: unknown[] = [];
    const fake: UserDirectory = {
      findUsersByEmail: async () => users,
      linkProviderUser: async (request) => {
        links.push(request);
      },
    };
    return { fake, links };
  };

  it('links the federated identity to the native account', async () => {
    const { fake, links } = directory([user()]);
    const linked = await linkToNativeAccount(fake, {
      userPoolId: 'pool',
      identity: { providerName: 'Google', providerUserId: '42' },
      email: 'jane@example.com',
    });
    expect(linked).toEqual({ providerName: 'Google', providerUserId: '42' });
    expect(links).toEqual([
      { userPoolId: 'pool', nativeUsername: 'native-1', providerName: 'Google', providerUserId: '42' },
    ]);
  });

  it('does nothing when no native account matches', async () => {
    const { fake, links } = directory([]);
    expect(
      await linkToNativeAccount(fake, {
        userPoolId: 'pool',
        identity: { providerName: 'Google', providerUserId: '42' },
        email: 'jane@example.com',
      }),
    ).toBeUndefined();
    expect(links).toEqual([]);
  });
});
