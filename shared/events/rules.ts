/** A violation of one of Cognito's response rules, as `path: problem`. */
export interface Violation {
  path: string;
  problem: string;
}

export const violation = (path: string, problem: string): Violation => ({ path, problem });

export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.path}: ${v.problem}`).join('; ');
}

/** Length in UTF-16 code units would over-count astral characters; Cognito counts characters. */
export function characterCount(text: string): number {
  return [...text].length;
}

export function checkLength(path: string, text: string, min: number, max: number): Violation[] {
  const length = characterCount(text);
  if (length < min) return [violation(path, `must be at least ${min} characters, got ${length}`)];
  if (length > max) return [violation(path, `must be at most ${max} characters, got ${length}`)];
  return [];
}
