/**
 * Writes events/<function>/<TriggerSource>.json for every kind of event Cognito sends, from the
 * library's builders, so that the samples and the library can never disagree; and the deployed import's
 * job functions' samples (scripts/job-events.ts), made from one sample export by the import's own code.
 *
 *   npm run events            write the samples
 *   npm run events -- --check exit 1 if any sample is missing or differs
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_EVENT_KINDS,
  FUNCTION_FOLDERS,
  buildEvent,
  sampleFileName,
  type KnownEventKind,
} from '../shared/events/index.ts';
import { ROOT } from './build.ts';
import { jobSampleFiles } from './job-events.ts';

export interface SampleFile {
  kind: KnownEventKind;
  path: string;
  content: string;
}

/** Cognito's own field order, so that a sample reads like a captured event. */
const FIELD_ORDER = [
  'version',
  'triggerSource',
  'region',
  'userPoolId',
  'userName',
  'callerContext',
  'request',
  'response',
];

function inCognitoOrder(event: object): object {
  const rank = (key: string) => (FIELD_ORDER.includes(key) ? FIELD_ORDER.indexOf(key) : FIELD_ORDER.length);
  return Object.fromEntries(Object.entries(event).sort(([a], [b]) => rank(a) - rank(b)));
}

export function sampleFiles(): SampleFile[] {
  return ALL_EVENT_KINDS.map((kind) => ({
    kind,
    path: join(ROOT, 'events', FUNCTION_FOLDERS[kind.trigger], sampleFileName(kind)),
    content: `${JSON.stringify(inCognitoOrder(buildEvent(kind.trigger, { triggerSource: kind.triggerSource, version: kind.version } as never)), null, 2)}\n`,
  }));
}

const invokedDirectly = process.argv[1]?.endsWith('generate-events.ts');
if (invokedDirectly) {
  const check = process.argv.includes('--check');
  let stale = 0;
  const jobFiles = await jobSampleFiles();
  for (const file of [...sampleFiles(), ...jobFiles]) {
    const current = existsSync(file.path) ? readFileSync(file.path, 'utf8') : undefined;
    if (current === file.content) continue;
    if (check) {
      stale += 1;
      console.error(`stale: ${file.path}`);
    } else {
      mkdirSync(join(file.path, '..'), { recursive: true });
      writeFileSync(file.path, file.content);
      console.log(`wrote ${file.path}`);
    }
  }
  if (check) {
    // A sample no trigger source explains (a renamed source, a removed trigger) is stale too.
    const expected = new Set(sampleFiles().map((file) => file.path));
    for (const file of jobFiles) expected.add(file.path);
    for (const folder of readdirSync(join(ROOT, 'events'))) {
      for (const name of readdirSync(join(ROOT, 'events', folder))) {
        const path = join(ROOT, 'events', folder, name);
        if (expected.has(path)) continue;
        stale += 1;
        console.error(`unexpected: ${path}`);
      }
    }
  }
  if (stale) process.exit(1);
}
