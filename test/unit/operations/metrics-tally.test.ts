/** npm start's outcome counts, from the EMF lines Powertools prints as the functions run. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricsFileFor, metricsTally } from '../../../local-cloud/metrics-tally.ts';
import { captureOutput } from '../../helpers/capture-output.ts';

/** What a function of that service prints when it publishes these metrics (Powertools itself). */
function emf(
  service: string,
  trigger: string,
  metrics: Array<[string, (typeof MetricUnit)[keyof typeof MetricUnit], number]>,
): string {
  const output = captureOutput();
  try {
    const m = new Metrics({ namespace: 'CognitoTriggers', serviceName: service, defaultDimensions: { trigger } });
    for (const [name, unit, value] of metrics) m.addMetric(name, unit, value);
    m.publishStoredMetrics();
  } finally {
    output.restore();
  }
  return output.text();
}

describe('the local outcome counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sums Count metrics per function from EMF lines, across chunk boundaries, and ignores other output', () => {
    const file = join(dir, 'metrics.json');
    const tally = metricsTally(file, () => new Date('2026-12-04T23:00:00Z'));
    const signIn = emf('pre-authentication', 'PreAuthentication', [
      ['Invocations', MetricUnit.Count, 1],
      ['Allowed', MetricUnit.Count, 1],
      ['Duration', MetricUnit.Milliseconds, 12.5],
    ]);
    const locked = emf('pre-authentication', 'PreAuthentication', [
      ['Invocations', MetricUnit.Count, 1],
      ['Denied', MetricUnit.Count, 1],
      ['SignInsLocked', MetricUnit.Count, 1],
    ]);
    // A function adding one metric twice in an invocation: Powertools prints the values as a list.
    const twice = emf('custom-message', 'CustomMessage', [
      ['Invocations', MetricUnit.Count, 1],
      ['DefaultMessages', MetricUnit.Count, 2],
      ['DefaultMessages', MetricUnit.Count, 1],
    ]);
    const all = `${signIn}{"level":"INFO","message":"not a metric"}\n${locked}${twice}`;
    tally.write(all.slice(0, 37));
    tally.write(Buffer.from(all.slice(37)));
    expect(tally.counts()).toEqual({
      'pre-authentication': { Invocations: 2, Allowed: 1, Denied: 1, SignInsLocked: 1 },
      'custom-message': { Invocations: 1, DefaultMessages: 3 },
    });
    tally.flush();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      updatedAt: '2026-12-04T23:00:00.000Z',
      functions: tally.counts(),
    });
    // The dashboard's rows: invocations, errors and the function's declared outcomes, in its order.
    expect(tally.table().split('\n')).toEqual([
      'pre-authentication  Invocations 2  Errors 0  Allowed 1  Denied 1  SignInsLocked 1',
      'custom-message      Invocations 1  Errors 0  Allowed 0  FailedOpen 0  DefaultMessages 3  ShortFormMessages 0',
    ]);
  });

  it('says so when nothing ran, and keeps .local/metrics.json for npm start, another name beside another stack file', () => {
    expect(metricsTally(join(dir, 'none.json')).table()).toBe('no function has run yet');
    expect(metricsFileFor('/r/.local/stack.json', '/r/.local/stack.json')).toBe('/r/.local/metrics.json');
    expect(metricsFileFor('/tmp/test-stack-1.json', '/r/.local/stack.json')).toBe('/tmp/test-stack-1.metrics.json');
  });
});
