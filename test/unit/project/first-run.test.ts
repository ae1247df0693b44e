/**
 * A fresh clone's `npm install` prints nothing that worries a newcomer: no dependency refuses the Node
 * version package.json claims (npm's EBADENGINE warning), and every install script in the tree has been
 * reviewed in package.json's allowScripts (npm 11's advisory "install scripts not yet covered" block,
 * which npm 12 turns into a block of the scripts themselves).
 *
 * Read from package-lock.json, which records each package's `engines` and `hasInstallScript`, so the
 * test needs neither the network nor a particular npm.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
}
interface Manifest {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
}
/** semver (a devDependency, the version already in the tree for jest and serverless): only two of its calls are used. */
interface Semver {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const semver = createRequire(import.meta.url)('semver') as Semver;
const installed = Object.entries(lock.packages).filter(([path]) => path !== '');
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('a first npm install', () => {
  it('installs nothing that refuses the oldest Node package.json claims (no EBADENGINE warning)', () => {
    const oldest = semver.minVersion(manifest.engines.node)?.version;
    expect(oldest).toBeDefined();
    const refusing = installed
      .map(([path, entry]) => [nameOf(path), Array.isArray(entry.engines) ? undefined : entry.engines?.node] as const)
      .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
      .filter(([, range]) => !semver.satisfies(oldest ?? '', range))
      .map(([name, range]) => `${name} needs node ${range}`);
    expect(refusing).toEqual([]);
  });

  it('runs only install scripts allowScripts names, and names each one (no "not yet covered" notice)', () => {
    const allowScripts = manifest.allowScripts ?? {};
    const unreviewed = installed
      .filter(([, entry]) => entry.hasInstallScript === true)
      .map(([path, entry]) => ({ name: nameOf(path), version: entry.version ?? '' }))
      .filter(({ name, version }) => !(name in allowScripts) && !(`${name}@${version}` in allowScripts))
      .map(({ name, version }) => `${name}@${version}`);
    expect(unreviewed).toEqual([]);
    // The two whose scripts the build needs: esbuild's binary check and @swc/core's (jest's transform).
    expect(allowScripts).toMatchObject({ esbuild: true, '@swc/core': true });
  });
});
