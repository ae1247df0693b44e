/**
 * The pool's password policy, applied to migrated passwords. Cognito does not apply it to a password a
 * migration accepts; a weak legacy password is still right, so the user is migrated, but as
 * RESET_REQUIRED, and chooses a new password that meets the policy. Pure.
 */
export interface PasswordPolicy {
  minLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}

/** Cognito's defaults for a new pool. */
export const COGNITO_DEFAULT_POLICY: PasswordPolicy = {
  minLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
};

/**
 * The characters Cognito counts as special, as its developer guide lists them; a space counts too, but
 * only inside the password (Cognito refuses leading and trailing white space outright).
 */
export const COGNITO_SPECIAL_CHARACTERS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

export type PolicyRule = 'length' | 'uppercase' | 'lowercase' | 'number' | 'symbol' | 'edge-whitespace';

/** The rules `password` breaks (empty: it meets the policy). Letters and digits as Cognito counts them: basic Latin. */
export function policyViolations(password: string, policy: PasswordPolicy): PolicyRule[] {
  const broken: PolicyRule[] = [];
  if ([...password].length < policy.minLength) broken.push('length');
  if (policy.requireUppercase && !/[A-Z]/u.test(password)) broken.push('uppercase');
  if (policy.requireLowercase && !/[a-z]/u.test(password)) broken.push('lowercase');
  if (policy.requireNumbers && !/[0-9]/u.test(password)) broken.push('number');
  const inner = password.slice(1, -1);
  if (
    policy.requireSymbols &&
    ![...password].some((c) => COGNITO_SPECIAL_CHARACTERS.includes(c)) &&
    !inner.includes(' ')
  )
    broken.push('symbol');
  if (/^\s|\s$/u.test(password)) broken.push('edge-whitespace');
  return broken;
}
