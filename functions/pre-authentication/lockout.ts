/**
 * The brute-force guard lives in shared/stores/lockout.ts, shared with migrate-user (one rule, one
 * message on one attempts row); re-exported here for this function's config and tests.
 */
export {
  decideAttempt,
  SIGN_IN_REFUSED_MESSAGE,
  type AttemptVerdict,
  type LockoutPolicy,
} from '../../shared/stores/lockout.ts';
