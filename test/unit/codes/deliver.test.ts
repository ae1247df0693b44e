/**
 * The custom senders' outcome write after a failed send must happen inside the invocation: once the
 * wrapper stops waiting the function returns, Lambda freezes it, and a write still under way never lands
 * (the row would stay `sending`). Cognito invokes the senders asynchronously (the guide, "Custom sender
 * Lambda triggers"): the budget is the Lambda's own remaining time, here 3 s.
 */
import { deliverOnce } from '../../../shared/codes/deliver.ts';
import { customEmailSender } from '../../../shared/events/triggers/custom-sender.ts';
import { buildEvent } from '../../../shared/events/index.ts';
import { cognitoTrigger, lambdaContext, TriggerFailure } from '../../../shared/runtime/index.ts';
import type { DeliveryStore } from '../../../shared/stores/deliveries.ts';
import { captureOutput, type CapturedOutput } from '../../helpers/capture-output.ts';

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

/** A DynamoDB that answers slowly (500 ms a write) and records what it finished. */
function slowStore() {
  const done: string[] = [];
  const leases: Array<number | undefined> = [];
  const slow = <T>(what: string, value: T) =>
    new Promise<T>((resolve) =>
      setTimeout(() => {
        done.push(what);
        resolve(value);
      }, 500),
    );
  const store: DeliveryStore = {
    claim: (_id, _meta, _now, _signal, leaseMs) => {
      leases.push(leaseMs);
      return slow('claim', 'claimed' as const);
    },
    markDelivered: () => slow('delivered', undefined),
    release: () => slow('released', undefined),
  };
  return { store, done, leases };
}

/** An SES or SNS that never answers: the send ends only when its signal aborts. */
const hangingSend = (signal?: AbortSignal) =>
  new Promise<string>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));

it('gives the claim up before the wrapper stops waiting when SES or SNS hangs and DynamoDB is slow', async () => {
  const { store, done, leases } = slowStore();
  const handler = cognitoTrigger(
    customEmailSender,
    async (event, { log, metrics, budget }) => {
      await deliverOnce(
        { store, log, metrics, remainingMs: budget.remainingMs },
        { id: 'delivery#email#x', source: event.triggerSource, channel: 'email' },
        hangingSend,
        budget.signal,
      );
      return event;
    },
    { failureMode: 'closed' },
  );
  const event = buildEvent('CustomEmailSender', { triggerSource: 'CustomEmailSender_SignUp' });
  await expect(handler(event, lambdaContext('custom-email-sender', 3_000))).rejects.toBeInstanceOf(TriggerFailure);
  // What the store finished by the time the function returned: the claim, and giving it up.
  expect(done).toEqual(['claim', 'released']);
  // The claim's lease covers the invocation (budget left + margin): past it, Lambda's retry takes over.
  expect(leases[0]).toBeGreaterThan(2_500);
  expect(leases[0]).toBeLessThan(4_500);
});
