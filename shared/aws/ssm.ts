/**
 * SSM Parameter Store, for the secrets functions read at cold start (shared/runtime/secrets.ts): one
 * SigV4-signed POST to SSM's JSON API. @aws-sdk/client-ssm did the same but added about 490 KiB to every
 * function's bundle (define-auth-challenge: 62 to 551 KiB) and to its cold start, for one call per
 * instance. The suite's client settings still hold (client-config.ts): region, timeouts, attempts, and
 * what the SDK's standard retry strategy retries.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignatureV4 } from '@smithy/signature-v4';
import { clientSettings, type ClientSettings } from './client-config.ts';

type Env = Readonly<Record<string, string | undefined>>;
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** The hash the signer asks for (its HashConstructor: a key makes it an HMAC), from node:crypto. */
export class Sha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
}

/** An error SSM answered, named by its error type (as the SDK names it: `ParameterNotFound`, ...). */
export class SsmError extends Error {
  constructor(
    name: string,
    message: string,
    readonly status: number,
  ) {
    super(message || name);
    this.name = name;
  }
}

/** SSM's endpoint: AWS_ENDPOINT_URL_SSM or AWS_ENDPOINT_URL when set (local servers), as the SDK reads them. */
export function ssmEndpoint(region: string, env: Env = process.env): URL {
  const configured = env.AWS_ENDPOINT_URL_SSM?.trim() || env.AWS_ENDPOINT_URL?.trim();
  if (configured) return new URL(configured);
  // The region becomes a host name: nothing but a region's characters.
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d+$/u.test(region)) throw new Error(`SSM: not a region: ${region}`);
  return new URL(`https://ssm.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`);
}

/** The function role's credentials: Lambda puts them in every function's environment. */
function environmentCredentials(env: Env) {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('SSM: no credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN?.trim() || undefined };
}

// What @smithy's standard retry strategy retries (service-error-classification), for one GetParameter.
const THROTTLING_ERRORS = new Set([
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);
const TRANSIENT_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
// Node's codes as the SDK lists them, and undici's (fetch) for a socket closed or a connection not made.
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function retryKind(error: unknown): 'throttling' | 'transient' | undefined {
  if (error instanceof SsmError) {
    if (error.status === 429 || THROTTLING_ERRORS.has(error.name)) return 'throttling';
    return TRANSIENT_STATUSES.has(error.status) || TRANSIENT_ERRORS.has(error.name) ? 'transient' : undefined;
  }
  // fetch wraps a network failure: the code is on a cause. Not `instanceof Error`: fetch's errors and
  // AbortSignal.timeout's DOMException may come from another realm (a test's VM context).
  let cause = error as { name?: unknown; code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; typeof cause === 'object' && cause !== null && depth < 5; depth++) {
    if (TRANSIENT_ERRORS.has(String(cause.name)) || NETWORK_CODES.has(String(cause.code))) return 'transient';
    cause = cause.cause as typeof cause;
  }
  return undefined;
}

function serviceError(status: number, errorType: string | null, text: string): SsmError {
  let body: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // A proxy's or load balancer's page: the status says enough.
  }
  // `com.amazonaws.ssm#ParameterNotFound:http://...` is named `ParameterNotFound`, as the SDK does.
  const type = (errorType ?? (typeof body.__type === 'string' ? body.__type : '')).split(':')[0]?.split('#').pop();
  const message =
    typeof body.message === 'string' ? body.message : typeof body.Message === 'string' ? body.Message : '';
  return new SsmError(type || `HTTP ${status}`, message, status);
}

async function getParameter(
  request: { url: URL; body: string; settings: ClientSettings; env: Env },
  signal: AbortSignal | undefined,
): Promise<unknown> {
  const { url, body, settings } = request;
  const signer = new SignatureV4({
    service: 'ssm',
    region: settings.region,
    credentials: environmentCredentials(request.env),
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    query: {},
    headers: {
      // Signed as fetch sends it (with the port when not the default).
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameter',
    },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  // fetch has no connection timeout of its own to set: one deadline for the attempt, as long as the
  // SDK's connection and request timeouts together.
  const deadline = AbortSignal.timeout(settings.connectionTimeoutMs + settings.requestTimeoutMs);
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    signal: signal ? AbortSignal.any([deadline, signal]) : deadline,
  });
  const text = await response.text();
  if (!response.ok) throw serviceError(response.status, response.headers.get('x-amzn-errortype'), text);
  return JSON.parse(text);
}

/** A SecureString's value, decrypted by SSM (kms:Decrypt through ssm.<region>.amazonaws.com). */
export async function readSecureString(name: string, signal?: AbortSignal, env: Env = process.env): Promise<string> {
  const settings = clientSettings(env);
  const request = {
    url: ssmEndpoint(settings.region, env),
    body: JSON.stringify({ Name: name, WithDecryption: true }),
    settings,
    env,
  };
  let answer: unknown;
  for (let attempt = 1; ; attempt++) {
    try {
      answer = await getParameter(request, signal);
      break;
    } catch (error) {
      const kind = retryKind(error);
      if (signal?.aborted || !kind || attempt >= settings.maxAttempts) throw error;
      // The SDK's backoff: full jitter on 100 ms (500 ms after throttling), doubling per retry.
      const base = kind === 'throttling' ? 500 : 100;
      await sleep(Math.floor(Math.random() * base * 2 ** (attempt - 1)), undefined, { signal });
    }
  }
  const parameter = (answer as { Parameter?: { Type?: unknown; Value?: unknown } } | null)?.Parameter;
  // A String parameter would be a secret kept in clear, readable by anyone who may describe parameters.
  if (parameter?.Type !== 'SecureString') throw new Error(`parameter ${name} is not a SecureString`);
  const value = typeof parameter.Value === 'string' ? parameter.Value.trim() : '';
  if (!value) throw new Error(`parameter ${name} is empty`);
  return value;
}
