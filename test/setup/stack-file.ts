/** Where the global set-up leaves the local stack's endpoints for the test files (other processes). */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackFile } from '../../local-cloud/stack.ts';

export type TestStackInfo = StackFile;

export const STACK_FILE_VARIABLE = 'COGNITO_TRIGGERS_TEST_STACK';

export function newStackFile(): string {
  return join(tmpdir(), `cognito-triggers-test-stack-${process.pid}.json`);
}

export function testStack(): TestStackInfo {
  const file = process.env[STACK_FILE_VARIABLE];
  if (!file)
    throw new Error(
      `${STACK_FILE_VARIABLE} is not set: run the tests with npm test (jest's global set-up starts the stack)`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as TestStackInfo;
}
