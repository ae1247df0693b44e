import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimStackFile, StackInUseError } from '../../../local-cloud/stack-lock.ts';

const stackFile = () => join(mkdtempSync(join(tmpdir(), 'stack-lock-')), 'stack.json');

describe('claimStackFile', () => {
  it('refuses while another running process holds the stack file, naming it and the way out', () => {
    const file = stackFile();
    const release = claimStackFile(file);
    expect(() => claimStackFile(file, process.pid + 1)).toThrow(StackInUseError);
    expect(() => claimStackFile(file, process.pid + 1)).toThrow(
      `a local stack already runs on ${file} (pid ${process.pid})`,
    );
    release();
    expect(existsSync(`${file}.pid`)).toBe(false);
  });

  it('takes over the claim of a process that is gone (a start killed with -9)', () => {
    const file = stackFile();
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid as number;
    writeFileSync(`${file}.pid`, `${gone}\n`);
    const release = claimStackFile(file);
    expect(readFileSync(`${file}.pid`, 'utf8')).toBe(`${process.pid}\n`);
    release();
  });

  it("releases only its own claim, never a later stack's", () => {
    const file = stackFile();
    const release = claimStackFile(file);
    writeFileSync(`${file}.pid`, `${process.ppid}\n`);
    release();
    expect(readFileSync(`${file}.pid`, 'utf8')).toBe(`${process.ppid}\n`);
  });
});
