/**
 * The local stack's servers keep an idle keep-alive connection open for as long as the client keeps it.
 *
 * Why: the SDK's clients (NodeHttpHandler's agent: keep-alive, no idle timeout of its own) hold an idle
 * connection until the server closes it, and a Node server of default settings closes one 6 s after its
 * last answer (keepAliveTimeout 5 s and a grace second). A request sent as the server closes can end in
 * ECONNRESET with no fault anywhere, and the test clients make one attempt (maxAttempts 1). Tests wait
 * about that long between two calls: a fault case lets a trigger's 6 s context run out ("hang") before
 * the next case prepares its user, and a loaded machine stretches such waits. A loaded npm test run met
 * it so: "cognito reset" of the fault tests failed in its preparation, the stack's AdminCreateUser
 * answered by "read ECONNRESET", right after the "cognito hang" case; the fuzz harness's stand-ins had
 * met it between two functions' runs (dccee08). The servers the stack owns therefore never close an idle
 * connection first (local-cloud/ports.ts keepIdleConnections), and stop with closeAllConnections.
 * Measured on real connections: one request, an idle pause past 6 s, and the second request must travel
 * on the same socket. DynamoDB Local (Jetty) is not ours but is held to the same.
 */
import { Agent, request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { testStack } from '../setup/stack-file.ts';

const stack = testStack();

/** Past Node's server keep-alive (5 s) and its grace second: a server of Node defaults has closed by now. */
const IDLE_MS = 6_500;

/**
 * The servers clients reach with keep-alive connections, by what the stack file calls them. Not the
 * Pwned Passwords stand-in: it records every request for the tests that read them back, and a probe
 * there is one they would meet (it listens through listenOnLoopback, as the others here do).
 */
const endpoints: Array<[string, string]> = [
  ['cognito (the outermost stand-in)', stack.cognito.endpoint],
  ['dynamodb', stack.dynamodb.endpoint],
  ['lambda', stack.lambda.endpoint],
  ['sfn', stack.sfn.endpoint],
  ['s3', stack.s3.endpoint],
  ['ses', stack.ses.endpoint],
  ...(stack.console ? [['console', stack.console.url] as [string, string]] : []),
];

/** One GET on `agent`'s single socket; whether it travelled on a socket reused from an earlier request. */
function get(url: string, agent: Agent): Promise<{ status: number; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = httpRequest(
      { host: target.hostname, port: target.port, path: '/', method: 'GET', agent },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, reusedSocket: outgoing.reusedSocket }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Whether `url`'s server still held the connection after the idle pause: the second GET reused its socket. */
async function keptOpen(url: string): Promise<boolean> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const first = await get(url, agent);
    expect(first.status).toBeGreaterThan(0);
    await sleep(IDLE_MS);
    return (await get(url, agent)).reusedSocket;
  } finally {
    agent.destroy();
  }
}

it('every server of the stack keeps an idle keep-alive connection open past 6 s: a client reuses it, no reset', async () => {
  // All at once: one idle pause for the lot.
  const kept = await Promise.all(endpoints.map(async ([name, url]) => [name, await keptOpen(url)] as const));
  expect(Object.fromEntries(kept)).toEqual(Object.fromEntries(endpoints.map(([name]) => [name, true])));
}, 30_000);
