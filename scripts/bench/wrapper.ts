/**
 * The wrapper every handler runs in (checks, logging, metrics), in process: what it adds to one
 * invocation of a policy that does nothing (target: under WRAPPER_TARGETS.overheadMs), and how many
 * events and responses the event library checks per second.
 */
import { buildEvent } from '../../shared/events/index.ts';
import { checkResponseWith, parseEventWith } from '../../shared/events/check.ts';
import { preSignUp } from '../../shared/events/triggers/pre-signup.ts';
import { cognitoTrigger, lambdaContext } from '../../shared/runtime/index.ts';
import { progress, silenced, type SuiteResult } from './suite.ts';

export const WRAPPER_TARGETS = { overheadMs: 1 } as const;

function perSecond(iterations: number, work: () => void): number {
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) work();
  return Math.round(iterations / ((performance.now() - started) / 1000));
}

async function overheadMs(iterations = 2_000): Promise<number> {
  const handler = cognitoTrigger(preSignUp, (event) => event, { failureMode: 'closed' });
  const event = buildEvent('PreSignUp');
  const context = lambdaContext('bench');
  return silenced(async () => {
    for (let i = 0; i < 200; i += 1) await handler(structuredClone(event), context);
    const started = performance.now();
    for (let i = 0; i < iterations; i += 1) await handler(structuredClone(event), context);
    return Math.round(((performance.now() - started) / iterations) * 1000) / 1000;
  });
}

export async function run(): Promise<SuiteResult> {
  progress('wrapper: overhead per invocation and check throughput');
  const sample = buildEvent('PreSignUp');
  const eventChecksPerSecond = perSecond(50_000, () => parseEventWith(preSignUp, sample));
  const responseChecksPerSecond = perSecond(50_000, () => checkResponseWith(preSignUp, sample, sample));
  const wrapperOverheadMs = await overheadMs();
  return {
    targets: { ...WRAPPER_TARGETS },
    figures: { wrapperOverheadMs, eventChecksPerSecond, responseChecksPerSecond },
    tables: [
      {
        title: `Wrapper, in process (target: overhead under ${WRAPPER_TARGETS.overheadMs} ms per invocation)`,
        columns: ['figure', 'value'],
        rows: [
          ['wrapper overhead per invocation', `${wrapperOverheadMs} ms`],
          ['PreSignUp event checks', `${eventChecksPerSecond.toLocaleString('en')}/s`],
          ['PreSignUp response checks', `${responseChecksPerSecond.toLocaleString('en')}/s`],
        ],
      },
    ],
    misses:
      wrapperOverheadMs > WRAPPER_TARGETS.overheadMs
        ? [`wrapper: costs ${wrapperOverheadMs} ms per invocation (target ${WRAPPER_TARGETS.overheadMs} ms)`]
        : [],
  };
}
