import {
  decideSignUp,
  DEFAULT_POLICY,
  DENIAL_MESSAGES,
  type SignUpPolicy,
  type SignUpRequest,
} from '../../../functions/pre-signup/policy.ts';
import {
  domainMatches,
  emailDomain,
  isListedOrSubdomain,
  normalizedList,
} from '../../../functions/pre-signup/email-domain.ts';
import { isDisposableDomain } from '../../../functions/pre-signup/disposable.ts';
import { readPreSignUpConfig } from '../../../functions/pre-signup/config.ts';
import { readConfig } from '../../../shared/config.ts';

const signUp = (email: string | undefined, extra: Record<string, string> = {}): SignUpRequest => ({
  triggerSource: 'PreSignUp_SignUp',
  userName: 'b9f1c2d3-0000-4000-8000-000000000001',
  userAttributes: { ...(email === undefined ? {} : { email }), ...extra },
});
const policy = (overrides: Partial<SignUpPolicy> = {}): SignUpPolicy => ({ ...DEFAULT_POLICY, ...overrides });
const neverDisposable = () => false;

describe('e-mail domains', () => {
  it('extracts a normalised domain', () => {
    expect(emailDomain('Jane@Example.COM.')).toBe('example.com');
    expect(emailDomain('a@b@bücher.example')).toBe('xn--bcher-kva.example');
    expect(emailDomain('no-at-sign')).toBeUndefined();
    expect(emailDomain('trailing@')).toBeUndefined();
  });

  it('matches a domain and its subdomains, not look-alikes', () => {
    expect(domainMatches('example.com', 'example.com')).toBe(true);
    expect(domainMatches('mail.example.com', 'example.com')).toBe(true);
    expect(domainMatches('badexample.com', 'example.com')).toBe(false);
    expect(domainMatches('mail.example.com', '*.example.com')).toBe(true);
  });

  it('knows disposable providers from the maintained list, subdomains included', () => {
    expect(isDisposableDomain('mailinator.com')).toBe(true);
    expect(isDisposableDomain('inbox.mailinator.com')).toBe(true);
    expect(isDisposableDomain('gmail.com')).toBe(false);
    expect(isListedOrSubdomain('com', new Set(['com']))).toBe(false);
  });
});

describe('Unicode domains: one form for rules, addresses and the disposable list', () => {
  const configured = (env: Record<string, string>) => readConfig(readPreSignUpConfig, env).policy;

  it('refuses a denied domain written in Unicode, in either form of the address', () => {
    const rules = configured({ SIGNUP_DENIED_DOMAINS: 'Bücher.example' });
    expect(rules.deniedDomains).toEqual(['xn--bcher-kva.example']);
    for (const address of ['a@bücher.example', 'a@xn--bcher-kva.example', 'a@mail.BÜCHER.example']) {
      expect(decideSignUp(signUp(address), rules, neverDisposable)).toMatchObject({ reason: 'domain-denied' });
    }
  });

  it('refuses a denied domain written in punycode when the address is in Unicode', () => {
    const rules = configured({ SIGNUP_DENIED_DOMAINS: 'xn--bcher-kva.example' });
    expect(decideSignUp(signUp('a@bücher.example'), rules, neverDisposable)).toMatchObject({ reason: 'domain-denied' });
  });

  it('admits both forms through a Unicode allow-list entry, and auto-confirms by one', () => {
    const rules = configured({
      SIGNUP_ALLOWED_DOMAINS: '*.bücher.example',
      SIGNUP_AUTO_CONFIRM_DOMAINS: 'bücher.example',
    });
    for (const address of ['a@bücher.example', 'a@xn--bcher-kva.example']) {
      expect(decideSignUp(signUp(address), rules, neverDisposable)).toMatchObject({
        allowed: true,
        autoConfirmUser: true,
      });
    }
    expect(decideSignUp(signUp('a@buecher.example'), rules, neverDisposable)).toMatchObject({
      reason: 'domain-not-allowed',
    });
  });

  it('compares a rule in Unicode even when the policy was not built from the environment', () => {
    expect(domainMatches('xn--bcher-kva.example', 'bücher.example')).toBe(true);
    expect(domainMatches('xn--bcher-kva.example', '.BÜCHER.example.')).toBe(true);
  });

  it('reports an entry that is no domain name, by position, without echoing it', () => {
    expect(() => configured({ SIGNUP_DENIED_DOMAINS: 'ok.example, not a domain' })).toThrow(
      'SIGNUP_DENIED_DOMAINS: entry 2 is not a domain name',
    );
  });

  it('finds a disposable provider listed in punycode from an address or a domain in Unicode', () => {
    expect(isDisposableDomain('dé.net')).toBe(true);
    expect(isDisposableDomain('xn--d-bga.net')).toBe(true);
    expect(decideSignUp(signUp('x@DÉ.net'), DEFAULT_POLICY, isDisposableDomain)).toMatchObject({
      reason: 'disposable-domain',
    });
  });

  it('adds entries of the list written in Unicode or capitals in normal form', () => {
    const listed = normalizedList(new Set(['mailinator.com', 'Dé.example']));
    expect(isListedOrSubdomain('xn--d-bga.example', listed)).toBe(true);
    const ascii = new Set(['mailinator.com', 'xn--d-bga.net']);
    expect(normalizedList(ascii)).toBe(ascii);
  });
});

describe('decideSignUp', () => {
  it('rejects disposable addresses by default, with a user-safe reason', () => {
    const verdict = decideSignUp(signUp('x@mailinator.com'), DEFAULT_POLICY, isDisposableDomain);
    expect(verdict).toEqual({
      allowed: false,
      reason: 'disposable-domain',
      message: DENIAL_MESSAGES['disposable-domain'],
    });
  });

  it('lets disposable addresses through when the check is off', () => {
    expect(
      decideSignUp(signUp('x@mailinator.com'), policy({ blockDisposable: false }), isDisposableDomain).allowed,
    ).toBe(true);
  });

  it('applies the deny-list before the allow-list', () => {
    const rules = policy({ allowedDomains: ['example.com'], deniedDomains: ['contractors.example.com'] });
    expect(decideSignUp(signUp('a@example.com'), rules, neverDisposable).allowed).toBe(true);
    expect(decideSignUp(signUp('a@contractors.example.com'), rules, neverDisposable)).toMatchObject({
      reason: 'domain-denied',
    });
    expect(decideSignUp(signUp('a@other.org'), rules, neverDisposable)).toMatchObject({ reason: 'domain-not-allowed' });
  });

  it('requires an e-mail address when an allow-list is set', () => {
    const verdict = decideSignUp(
      signUp(undefined, { phone_number: '+447700900123' }),
      policy({ allowedDomains: ['example.com'] }),
      neverDisposable,
    );
    expect(verdict).toMatchObject({ allowed: false, reason: 'email-required' });
  });

  it('rejects an address without a domain', () => {
    expect(decideSignUp(signUp('not-an-address'), DEFAULT_POLICY, neverDisposable)).toMatchObject({
      reason: 'invalid-email',
    });
  });

  it('auto-confirms trusted domains but never marks a self sign-up verified', () => {
    const rules = policy({ autoConfirmDomains: ['example.com'] });
    expect(decideSignUp(signUp('a@example.com'), rules, neverDisposable)).toMatchObject({
      autoConfirmUser: true,
      autoVerifyEmail: false,
    });
    expect(decideSignUp(signUp('a@staff.example.com'), rules, neverDisposable)).toMatchObject({
      autoConfirmUser: true,
      autoVerifyEmail: false,
    });
    expect(decideSignUp(signUp('a@other.org'), rules, neverDisposable)).toMatchObject({
      autoConfirmUser: false,
      autoVerifyEmail: false,
    });
  });

  it('reads no removed auto-verify setting: a self sign-up on such a domain stays unverified', () => {
    const config = readConfig(readPreSignUpConfig, {
      SIGNUP_AUTO_CONFIRM_DOMAINS: 'corp.example',
      SIGNUP_AUTO_VERIFY_DOMAINS: 'corp.example',
      SIGNUP_ADMIN_CREATED_AUTO_VERIFY_EMAIL: 'true',
    });
    expect(config.removedSettings).toEqual(['SIGNUP_AUTO_VERIFY_DOMAINS', 'SIGNUP_ADMIN_CREATED_AUTO_VERIFY_EMAIL']);
    expect(decideSignUp(signUp('ceo@corp.example'), config.policy, neverDisposable)).toEqual({
      allowed: true,
      autoConfirmUser: true,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
      federated: undefined,
    });
  });

  it('exempts administrators from domain rules unless configured, and answers no flag Cognito ignores', () => {
    const request: SignUpRequest = {
      triggerSource: 'PreSignUp_AdminCreateUser',
      userName: 'x',
      userAttributes: { email: 'x@mailinator.com', phone_number: '+447700900123' },
    };
    expect(decideSignUp(request, DEFAULT_POLICY, isDisposableDomain)).toEqual({
      allowed: true,
      autoConfirmUser: false,
      autoVerifyEmail: false,
      autoVerifyPhone: false,
      federated: undefined,
    });
    expect(decideSignUp(request, policy({ domainRulesForAdminCreated: true }), isDisposableDomain)).toMatchObject({
      allowed: false,
    });
  });

  describe('federated sign-up', () => {
    const federated = (emailVerified: string | undefined, userName = 'Google_1093847561'): SignUpRequest => ({
      triggerSource: 'PreSignUp_ExternalProvider',
      userName,
      userAttributes: { email: 'jane@example.com', ...(emailVerified ? { email_verified: emailVerified } : {}) },
    });

    const google = { providerName: 'Google', providerUserId: '1093847561' };

    it('confirms, and asks the directory before verifying the address or linking the identity', () => {
      expect(decideSignUp(federated('true'), DEFAULT_POLICY, neverDisposable)).toEqual({
        allowed: true,
        autoConfirmUser: true,
        autoVerifyEmail: false,
        autoVerifyPhone: false,
        federated: { email: 'jane@example.com', link: google, verifyEmail: true },
      });
    });

    it('never links on an address the provider did not verify', () => {
      expect(decideSignUp(federated('false'), DEFAULT_POLICY, neverDisposable)).toMatchObject({
        autoVerifyEmail: false,
        federated: undefined,
      });
      expect(
        decideSignUp(federated(undefined), policy({ federatedEmailVerification: 'always' }), neverDisposable),
      ).toMatchObject({
        autoVerifyEmail: false,
        federated: { verifyEmail: true, link: undefined },
      });
    });

    it('links only identities of trusted providers: any provider can claim any address', () => {
      expect(decideSignUp(federated('true', 'CorpOIDC_7a1f'), DEFAULT_POLICY, neverDisposable)).toMatchObject({
        federated: { verifyEmail: true, link: undefined },
      });
      expect(decideSignUp(federated('true', 'signinwithapple_001'), DEFAULT_POLICY, neverDisposable)).toMatchObject({
        federated: { email: 'jane@example.com', link: { providerName: 'SignInWithApple', providerUserId: '001' } },
      });
      const corp = policy({ linkTrustedProviders: ['CorpOIDC'] });
      expect(decideSignUp(federated('true', 'CorpOIDC_7a1f'), corp, neverDisposable)).toMatchObject({
        federated: { email: 'jane@example.com', link: { providerName: 'CorpOIDC', providerUserId: '7a1f' } },
      });
      expect(decideSignUp(federated('true'), corp, neverDisposable)).toMatchObject({ federated: { link: undefined } });
    });

    it('can be told not to confirm, verify or link', () => {
      const rules = policy({
        federatedAutoConfirm: false,
        federatedEmailVerification: 'never',
        linkFederatedToNative: false,
      });
      expect(decideSignUp(federated('true'), rules, neverDisposable)).toMatchObject({
        autoConfirmUser: false,
        autoVerifyEmail: false,
        federated: undefined,
      });
    });

    it('links on the address as the policy read it, trimmed', () => {
      const padded = { ...federated('true'), userAttributes: { email: ' jane@example.com ', email_verified: 'true' } };
      expect(decideSignUp(padded, DEFAULT_POLICY, neverDisposable)).toMatchObject({
        federated: { email: 'jane@example.com' },
      });
    });

    it('never links a user name that names no provider', () => {
      expect(decideSignUp(federated('true', 'plainuser'), DEFAULT_POLICY, neverDisposable)).toMatchObject({
        federated: { link: undefined },
      });
    });

    it('applies the domain rules to federated addresses too', () => {
      expect(
        decideSignUp(federated('true'), policy({ deniedDomains: ['example.com'] }), neverDisposable),
      ).toMatchObject({ reason: 'domain-denied' });
    });
  });

  it('never tells whether an account exists', () => {
    for (const message of Object.values(DENIAL_MESSAGES)) {
      expect(message).not.toMatch(/exist|already|registered|taken|account/iu);
    }
  });
});
