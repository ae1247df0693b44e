/**
 * Typed configuration from environment variables, read and validated once at cold start. Every problem
 * is collected and reported together, by variable name; values are never echoed (they may be secrets).
 */
import { ConfigError } from './runtime/errors.ts';
import { parameterVariable, plainSecretInLambda, secretState, type SecretVariable } from './runtime/secrets.ts';
import { lazy } from './lazy.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  /**
   * A secret (shared/runtime/secrets.ts): the value of the parameter `<name>_PARAMETER` names, read at
   * cold start, or locally the plain variable. Undefined, with a problem, when it cannot be had.
   */
  secret(name: SecretVariable): string | undefined {
    const state = secretState(name, this.env);
    if ('value' in state) return state.value;
    if (state.missing === 'plain-in-lambda') this.problems.push(plainSecretInLambda(name));
    else if (state.missing === 'not-loaded')
      this.problems.push(`${parameterVariable(name)}: the parameter was not read`);
    else this.problems.push(`${name}: required, not set (in AWS Lambda: ${parameterVariable(name)})`);
    return undefined;
  }

  required(name: string): string {
    const value = this.raw(name);
    if (value === undefined) this.problems.push(`${name}: required, not set`);
    return value ?? '';
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name}: expected true or false`);
    return fallback;
  }

  int(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      this.problems.push(`${name}: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return parsed;
  }

  /** A comma-separated list; blanks dropped, each entry trimmed and, by default, lower-cased. */
  list(name: string, fallback: readonly string[] = [], { lowerCase = true } = {}): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    return value
      .split(',')
      .map((entry) => (lowerCase ? entry.trim().toLowerCase() : entry.trim()))
      .filter(Boolean);
  }

  oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: expected one of ${allowed.join(', ')}`);
    return fallback;
  }

  /** A JSON document, checked by `validate`, which returns problems (empty when valid). */
  json<T>(name: string, fallback: T, validate: (value: unknown) => string[]): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      this.problems.push(`${name}: not valid JSON`);
      return fallback;
    }
    const problems = validate(parsed);
    if (problems.length) {
      this.problems.push(...problems.map((problem) => `${name}: ${problem}`));
      return fallback;
    }
    return parsed as T;
  }
}

/** Reads a configuration with `read`, throwing one ConfigError that lists every problem. */
export function readConfig<C>(read: (env: EnvReader) => C, env: Env = process.env): C {
  const reader = new EnvReader(env);
  const config = read(reader);
  if (reader.problems.length) throw new ConfigError(reader.problems);
  return config;
}

/**
 * Where each variable a function reads is explained: name → one line, exported by the module that reads
 * it and rendered into the function's docs page by `npm run docs` (with the kind, default and bounds
 * the read itself declares), so that the page cannot say what the code does not do.
 */
export type SettingDescriptions = Readonly<Record<string, string>>;

/** A configuration read once per container (cold start) and then reused. */
export type LoadConfig<C> = (() => C) & {
  /** The reading itself, for `npm run docs`, which runs it to learn what the function reads. */
  readonly read: (env: EnvReader) => C;
};

export function defineConfig<C>(read: (env: EnvReader) => C): LoadConfig<C> {
  return Object.assign(
    lazy(() => readConfig(read)),
    { read },
  );
}
