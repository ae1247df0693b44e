/**
 * Every text a trigger throws at the user. Cognito shows it inside its own sentence and ends that with a
 * period: "PreSignUp failed with error <message>." (developer guide, pre sign-up: "Amazon Cognito ...
 * failed with error"; the same for every trigger that can refuse). A message that ends with a period
 * reads "... support.." to the user, so none of ours may.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../scripts/build.ts';
import { GENERIC_FAILURE_MESSAGE } from '../../../shared/runtime/index.ts';
import { SIGN_IN_REFUSED_MESSAGE } from '../../../shared/stores/lockout.ts';
import { INVALID_CREDENTIALS_MESSAGE, UNKNOWN_USER_RESET_MESSAGE } from '../../../functions/migrate-user/answer.ts';
import { DENIAL_MESSAGES } from '../../../functions/pre-signup/policy.ts';
import { DEFAULT_LINKED_MESSAGE, linkedMessageOf } from '../../../functions/pre-signup/config.ts';
import { REFUSALS } from '../../../functions/create-auth-challenge/plan.ts';
import { CLIENT_REFUSED_MESSAGE, TOKEN_REFUSED_MESSAGE } from '../../../functions/pre-token-generation/handler.ts';
import { NOTHING_MAPPED_MESSAGE } from '../../../functions/inbound-federation/mapping.ts';

const MESSAGES: Record<string, string> = {
  GENERIC_FAILURE_MESSAGE,
  SIGN_IN_REFUSED_MESSAGE,
  INVALID_CREDENTIALS_MESSAGE,
  UNKNOWN_USER_RESET_MESSAGE,
  DEFAULT_LINKED_MESSAGE,
  CLIENT_REFUSED_MESSAGE,
  TOKEN_REFUSED_MESSAGE,
  NOTHING_MAPPED_MESSAGE,
  ...Object.fromEntries(Object.entries(DENIAL_MESSAGES).map(([reason, text]) => [`DENIAL_MESSAGES.${reason}`, text])),
  ...Object.fromEntries(Object.entries(REFUSALS).map(([reason, text]) => [`REFUSALS.${reason}`, text])),
};

/**
 * What each `new UserFacingError(<first argument>` in functions/ throws, as written, and where its text
 * comes from: a new source of user-facing text fails this test until it is listed (and checked) here.
 */
const SOURCES: Record<string, string[]> = {
  SIGN_IN_REFUSED_MESSAGE: ['SIGN_IN_REFUSED_MESSAGE'],
  UNKNOWN_USER_RESET_MESSAGE: ['UNKNOWN_USER_RESET_MESSAGE'],
  // migrate-user's lockout: the lock message, or for a locked reset an unknown user's answer.
  refusal: ['SIGN_IN_REFUSED_MESSAGE', 'UNKNOWN_USER_RESET_MESSAGE'],
  INVALID_CREDENTIALS_MESSAGE: ['INVALID_CREDENTIALS_MESSAGE'],
  'verdict.message': Object.keys(DENIAL_MESSAGES).map((reason) => `DENIAL_MESSAGES.${reason}`),
  'config.linkedMessage': ['DEFAULT_LINKED_MESSAGE'],
  'plan.message': ['REFUSALS.method', 'REFUSALS.redirect'],
  'REFUSALS.throttled': ['REFUSALS.throttled'],
  CLIENT_REFUSED_MESSAGE: ['CLIENT_REFUSED_MESSAGE'],
  TOKEN_REFUSED_MESSAGE: ['TOKEN_REFUSED_MESSAGE'],
  NOTHING_MAPPED_MESSAGE: ['NOTHING_MAPPED_MESSAGE'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('user-facing messages, as Cognito shows them ("<Trigger> failed with error <message>.")', () => {
  it.each(Object.entries(MESSAGES))('%s does not end with a period', (_name, text) => {
    expect(text.trim()).toBe(text);
    expect(text).not.toMatch(/\.$/u);
    expect(`PreSignUp failed with error ${text}.`).not.toMatch(/\.\.$/u);
  });

  it('every UserFacingError thrown in functions/ takes its text from a message checked above', () => {
    const thrown = sourceFiles(join(ROOT, 'functions')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new UserFacingError\(\s*([^,)]+)/gu)].map((match) =>
        (match[1] ?? '').trim(),
      ),
    );
    expect(thrown.length).toBeGreaterThan(0);
    for (const argument of thrown) {
      expect(Object.keys(SOURCES)).toContain(argument);
      for (const name of SOURCES[argument] ?? []) expect(Object.keys(MESSAGES)).toContain(name);
    }
  });

  it("a team's SIGNUP_LINKED_MESSAGE is shown without its closing period, which Cognito adds", () => {
    expect(linkedMessageOf('Connected. Sign in again.')).toBe('Connected. Sign in again');
    expect(linkedMessageOf('Connected!')).toBe('Connected!');
    expect(linkedMessageOf(undefined)).toBe(DEFAULT_LINKED_MESSAGE);
  });

  it('the sign-in refusals do not tell an unknown user from a known one', () => {
    // One text for every reason each function refuses a sign-in or a reset for (its reason goes to logs).
    expect(new Set([INVALID_CREDENTIALS_MESSAGE, SIGN_IN_REFUSED_MESSAGE, UNKNOWN_USER_RESET_MESSAGE]).size).toBe(3);
    for (const text of [INVALID_CREDENTIALS_MESSAGE, SIGN_IN_REFUSED_MESSAGE, UNKNOWN_USER_RESET_MESSAGE])
      expect(text).not.toMatch(/exist|unknown|legacy|locked|blocked|verified|hash/iu);
  });
});
