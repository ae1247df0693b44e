/**
 * One `npm start` per stack file. The stack file is the address book scripts and tests read; a second
 * stack writing it would send them to its own servers, and stopping would delete it under the first.
 * So a start first claims `<stack file>.pid` (created exclusively, holding its pid) and gives it back
 * when it stops; a claim whose process is gone (killed with -9) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

export class StackInUseError extends Error {
  override readonly name = 'StackInUseError';
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims the stack file for this process; returns the release, which removes only our own claim. */
export function claimStackFile(stackFile: string, pid: number = process.pid): () => void {
  const claim = `${stackFile}.pid`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      writeFileSync(claim, `${pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = Number.parseInt(readFileSync(claim, 'utf8'), 10);
      if (Number.isInteger(owner) && owner > 0 && running(owner)) {
        throw new StackInUseError(
          `a local stack already runs on ${stackFile} (pid ${owner}): stop it first (Ctrl-C in its terminal, ` +
            `or kill ${owner}), or start another with --stack-file <other path>`,
        );
      }
      rmSync(claim, { force: true });
    }
  }
  return () => {
    try {
      if (Number.parseInt(readFileSync(claim, 'utf8'), 10) === pid) rmSync(claim, { force: true });
    } catch {
      // Already gone.
    }
  };
}
