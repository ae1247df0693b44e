import { rmSync } from 'node:fs';

const STOP_TIMEOUT_MS = 15_000;

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.cognitoTriggersStack;
  if (!running) return;
  const { child, file } = running;
  if (child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  rmSync(file, { force: true });
}
