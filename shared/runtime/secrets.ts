/**
 * The functions' secrets (the magic-link key, the log pseudonym key) are no Lambda environment values:
 * the environment names an SSM Parameter Store SecureString (`<NAME>_PARAMETER`), read once per
 * instance at cold start, before the configuration, and kept in memory. Locally (`npm start`,
 * `npm run invoke`, tests) the plain variable `<NAME>` may hold the value instead; in AWS Lambda a plain
 * value is refused, as the local code keyring is.
 *
 * The SSM read (one signed request, aws/ssm.ts) is imported only when a parameter is named.
 */
import { ConfigError } from './errors.ts';
import { runningInLambda } from './environment.ts';

export const SECRET_VARIABLES = ['LOG_HASH_KEY', 'MAGIC_LINK_SECRET'] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

type Env = Readonly<Record<string, string | undefined>>;

export function parameterVariable(name: SecretVariable): `${SecretVariable}_PARAMETER` {
  return `${name}_PARAMETER`;
}

/** Reads one SecureString parameter's decrypted value. */
export type ParameterReader = (parameterName: string, signal?: AbortSignal) => Promise<string>;

// A full path: the IAM policy names the parameter's ARN as `...:parameter<name>`.
const PARAMETER_NAME = /^(?:\/[A-Za-z0-9_.-]+)+$/u;

export const plainSecretInLambda = (name: SecretVariable) =>
  `${name}: a plain environment value is for local runs only; in AWS Lambda name a SecureString parameter in ${parameterVariable(name)}`;

function value(env: Env, name: string): string | undefined {
  const text = env[name]?.trim();
  return text ? text : undefined;
}

/** Parameter values read so far, by parameter name. */
const loaded = new Map<string, string>();
let inFlight: Promise<void> | undefined;

/** What is wrong with the secrets' settings (names only, never a value). */
export function secretProblems(env: Env = process.env): string[] {
  const problems: string[] = [];
  for (const name of SECRET_VARIABLES) {
    const parameter = value(env, parameterVariable(name));
    const plain = value(env, name);
    if (parameter && !PARAMETER_NAME.test(parameter)) {
      problems.push(
        `${parameterVariable(name)}: expected a parameter path such as /cognito-triggers/prod/${name.toLowerCase()}`,
      );
    }
    if (parameter && plain) problems.push(`${name}: set ${name} or ${parameterVariable(name)}, not both`);
    if (!parameter && plain && runningInLambda(env)) problems.push(plainSecretInLambda(name));
  }
  return problems;
}

function parametersToRead(env: Env): string[] {
  return SECRET_VARIABLES.map((name) => value(env, parameterVariable(name))).filter(
    (parameter): parameter is string => parameter !== undefined && !loaded.has(parameter),
  );
}

function untilAborted(signal: AbortSignal | undefined): Promise<never> | undefined {
  if (!signal) return undefined;
  return new Promise<never>((_, reject) => {
    const abort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });
}

const ssmReader: ParameterReader = async (name, signal) =>
  (await import('../aws/ssm.ts')).readSecureString(name, signal);

/**
 * Reads every named parameter not read yet (concurrent callers share one read; a failed read is tried
 * again by the next call). Throws a ConfigError for bad settings; `signal` stops the wait, not the read.
 */
export async function loadSecrets(
  options: { env?: Env; read?: ParameterReader; signal?: AbortSignal } = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const problems = secretProblems(env);
  if (problems.length) throw new ConfigError(problems);
  if (parametersToRead(env).length === 0) return;
  const read = options.read ?? ssmReader;
  inFlight ??= Promise.all(
    parametersToRead(env).map(async (parameter) => {
      loaded.set(parameter, await read(parameter));
    }),
  ).then(
    () => {
      inFlight = undefined;
    },
    (error: unknown) => {
      inFlight = undefined;
      throw error;
    },
  );
  const aborted = untilAborted(options.signal);
  await (aborted ? Promise.race([inFlight, aborted]) : inFlight);
  // Another caller's read may have covered only part of what this environment names.
  if (parametersToRead(env).length) await loadSecrets(options);
}

/** Starts reading at module load (Lambda's init phase); the first invocation waits for it, or retries. */
export function prefetchSecrets(env: Env = process.env): void {
  if (secretProblems(env).length === 0 && parametersToRead(env).length) loadSecrets({ env }).catch(() => undefined);
}

export type SecretState = { value: string } | { missing: 'not-set' | 'not-loaded' | 'plain-in-lambda' };

/** A secret's value: the named parameter's, once read, or (outside Lambda) the plain variable's. */
export function secretState(name: SecretVariable, env: Env = process.env): SecretState {
  const parameter = value(env, parameterVariable(name));
  if (parameter) {
    const read = loaded.get(parameter);
    return read === undefined ? { missing: 'not-loaded' } : { value: read };
  }
  const plain = value(env, name);
  if (plain === undefined) return { missing: 'not-set' };
  return runningInLambda(env) ? { missing: 'plain-in-lambda' } : { value: plain };
}

/** For tests: forget what was read. */
export function forgetSecrets(): void {
  loaded.clear();
  inFlight = undefined;
}
