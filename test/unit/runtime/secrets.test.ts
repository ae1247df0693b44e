/**
 * The functions' secrets: read at cold start from the SSM SecureString their environment names (here an
 * SSM stand-in on a local port, answering as SSM's JSON API does), kept for the instance, never a plain
 * Lambda environment value; locally a plain value still works.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildEvent, TRIGGERS } from '../../../shared/events/index.ts';
import { EnvReader, readConfig } from '../../../shared/config.ts';
import { readLinkSettings } from '../../../shared/passwordless/config.ts';
import { cognitoTrigger, ConfigError, lambdaContext, userNameHash } from '../../../shared/runtime/index.ts';
import {
  forgetSecrets,
  loadSecrets,
  secretProblems,
  secretState,
  type ParameterReader,
} from '../../../shared/runtime/secrets.ts';
import { captureOutput, type CapturedOutput } from '../../helpers/capture-output.ts';

const IN_LAMBDA = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
const KEY = 'a-magic-link-key-from-parameter-store-0123456789';
const LOG_KEY = 'a-log-hash-key-from-parameter-store-abcdefghij';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof ConfigError ? error.problems.join('; ') : (error as Error).message),
  );

afterEach(() => forgetSecrets());

describe('a secret with a local value', () => {
  it('is read from the plain variable outside Lambda (npm start, npm run invoke, tests)', async () => {
    const env = { MAGIC_LINK_SECRET: KEY };
    await loadSecrets({ env, read: () => Promise.reject(new Error('no SSM locally')) });
    expect(secretState('MAGIC_LINK_SECRET', env)).toEqual({ value: KEY });
    const reader = new EnvReader(env);
    expect(reader.secret('MAGIC_LINK_SECRET')).toBe(KEY);
    expect(reader.problems).toEqual([]);
  });

  it('is refused in AWS Lambda, as the local code keyring is', async () => {
    for (const name of ['MAGIC_LINK_SECRET', 'LOG_HASH_KEY'] as const) {
      const env = { ...IN_LAMBDA, [name]: KEY };
      await expect(rejection(loadSecrets({ env }))).resolves.toMatch(
        new RegExp(`^${name}: a plain environment value is for local runs only`, 'u'),
      );
      const reader = new EnvReader(env);
      expect(reader.secret(name)).toBeUndefined();
      expect(reader.problems).toEqual([expect.stringContaining(`${name}_PARAMETER`)]);
    }
    // `serverless invoke local` sets the function name but is no Lambda runtime: the local value serves.
    expect(
      secretProblems({ AWS_LAMBDA_FUNCTION_NAME: 'cognito-triggers-dev-createAuthChallenge', MAGIC_LINK_SECRET: KEY }),
    ).toEqual([]);
  });

  it('may not be given both ways, and a parameter is named by its path', () => {
    expect(secretProblems({ MAGIC_LINK_SECRET: KEY, MAGIC_LINK_SECRET_PARAMETER: '/app/key' })).toEqual([
      'MAGIC_LINK_SECRET: set MAGIC_LINK_SECRET or MAGIC_LINK_SECRET_PARAMETER, not both',
    ]);
    expect(secretProblems({ LOG_HASH_KEY_PARAMETER: 'log-hash-key' })).toEqual([
      expect.stringMatching(/^LOG_HASH_KEY_PARAMETER: expected a parameter path/u),
    ]);
    // Never the value in a problem: a configuration error is logged.
    expect(secretProblems({ ...IN_LAMBDA, MAGIC_LINK_SECRET: KEY }).join(' ')).not.toContain(KEY);
  });
});

describe('a secret in SSM Parameter Store', () => {
  const env = { ...IN_LAMBDA, MAGIC_LINK_SECRET_PARAMETER: '/cognito-triggers/test/magic-link-secret' };

  it('is read once per instance at cold start, by the name the environment gives', async () => {
    const reads: string[] = [];
    const read: ParameterReader = async (name) => {
      reads.push(name);
      return KEY;
    };
    expect(secretState('MAGIC_LINK_SECRET', env)).toEqual({ missing: 'not-loaded' });
    await Promise.all([loadSecrets({ env, read }), loadSecrets({ env, read })]);
    await loadSecrets({ env, read });
    expect(reads).toEqual(['/cognito-triggers/test/magic-link-secret']);
    const reader = new EnvReader(env);
    expect(readLinkSettings(reader, ['MAGIC_LINK'])?.key).toEqual(Buffer.from(KEY, 'utf8'));
    expect(reader.problems).toEqual(['MAGIC_LINK_REDIRECT_URLS: required, not set']);
  });

  it('is read again by the next invocation after a failed read; until then the configuration fails', async () => {
    let fail = true;
    const read: ParameterReader = async () => {
      if (fail) throw new Error('ThrottlingException');
      return KEY;
    };
    await expect(rejection(loadSecrets({ env, read }))).resolves.toBe('ThrottlingException');
    expect(() => readConfig((reader) => reader.secret('MAGIC_LINK_SECRET'), env)).toThrow(
      /MAGIC_LINK_SECRET_PARAMETER: the parameter was not read/u,
    );
    fail = false;
    await loadSecrets({ env, read });
    expect(readConfig((reader) => reader.secret('MAGIC_LINK_SECRET'), env)).toBe(KEY);
  });

  it('stops the wait (not the read) when the invocation runs out of time', async () => {
    let finish: (value: string) => void = () => undefined;
    const read: ParameterReader = () => new Promise((resolve) => (finish = resolve));
    const controller = new AbortController();
    const waiting = rejection(loadSecrets({ env, read, signal: controller.signal }));
    controller.abort(new Error('budget spent'));
    await expect(waiting).resolves.toBe('budget spent');
    finish(KEY);
    await loadSecrets({ env, read: () => Promise.reject(new Error('not read twice')) });
    expect(secretState('MAGIC_LINK_SECRET', env)).toEqual({ value: KEY });
  });
});

const ACCESS_KEY_ID = 'ASIAEXAMPLELOCAL';
const SECRET_ACCESS_KEY = 'a-local-secret-access-key';
const SESSION_TOKEN = 'a-local-session-token';

/**
 * Checks a request's SigV4 signature as SSM would, written from the IAM User Guide ("Create a signed AWS
 * API request": canonical request, string to sign, signing key, signature), not with the signer itself.
 * Returns what is wrong, or undefined.
 */
function signatureProblem(method: string, path: string, headers: IncomingHttpHeaders, body: string) {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/u.exec(
      String(headers.authorization),
    );
  if (!match) return `no SigV4 Authorization header: ${String(headers.authorization)}`;
  const [, keyId, day, region, service, signedHeaders = '', signature] = match;
  if (keyId !== ACCESS_KEY_ID || region !== 'eu-west-1' || service !== 'ssm') return `scope ${match[0]}`;
  const signed = signedHeaders.split(';');
  // The target, the body's type and the session token are covered by the signature, not merely sent.
  for (const name of ['content-type', 'host', 'x-amz-date', 'x-amz-security-token', 'x-amz-target'])
    if (!signed.includes(name)) return `${name} is not signed`;
  const amzDate = String(headers['x-amz-date']);
  if (!amzDate.startsWith(day ?? '-')) return 'x-amz-date is not of the credential scope day';
  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
  const canonical = [
    method,
    path,
    '',
    ...signed.map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/gu, ' ')}`),
    '',
    signedHeaders,
    sha256(body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = [day, region, service, 'aws4_request'].reduce<Buffer>(
    (secret, part) =>
      createHmac('sha256', secret)
        .update(part ?? '')
        .digest(),
    Buffer.from(`AWS4${SECRET_ACCESS_KEY}`, 'utf8'),
  );
  return createHmac('sha256', key).update(toSign).digest('hex') === signature ? undefined : 'signature does not match';
}

describe('the SSM client (an SSM stand-in on a local port)', () => {
  let server: Server;
  const requests: Array<{
    target: unknown;
    contentType: unknown;
    token: unknown;
    signature: string | undefined;
    body: Record<string, unknown>;
  }> = [];
  let answer: (name: string) => { status: number; body: unknown } | 'hang' | 'reset';
  const previous = { ...process.env };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        requests.push({
          target: request.headers['x-amz-target'],
          contentType: request.headers['content-type'],
          token: request.headers['x-amz-security-token'],
          signature: signatureProblem(request.method ?? '', request.url ?? '', request.headers, body) ?? 'valid',
          body: parsed,
        });
        const reply = answer(String(parsed.Name));
        if (reply === 'hang') return;
        if (reply === 'reset') {
          request.socket.destroy();
          return;
        }
        response.writeHead(reply.status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(reply.status === 200 ? {} : { 'x-amzn-errortype': (reply.body as { __type: string }).__type }),
        });
        response.end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'eu-west-1',
      // As Lambda gives every function its role's credentials.
      AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      AWS_SESSION_TOKEN: SESSION_TOKEN,
      AWS_SDK_CONNECTION_TIMEOUT_MS: '200',
      AWS_SDK_REQUEST_TIMEOUT_MS: '300',
    });
  });
  afterAll(async () => {
    process.env = previous;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    requests.length = 0;
  });

  const secureString = (name: string, value: string) => ({
    status: 200,
    body: { Parameter: { Name: name, Type: 'SecureString', Value: value, Version: 1 } },
  });

  // SSM API Reference, GetParameter: a POST of `{"Name", "WithDecryption"}` in the JSON 1.1 protocol
  // (`X-Amz-Target: AmazonSSM.GetParameter`), signed with SigV4 by the role's temporary credentials.
  it('asks GetParameter WithDecryption for the named SecureString, signed with SigV4 and the session token', async () => {
    answer = (name) => secureString(name, KEY);
    const { readSecureString } = await import('../../../shared/aws/ssm.ts');
    await expect(readSecureString('/cognito-triggers/test/magic-link-secret')).resolves.toBe(KEY);
    expect(requests).toEqual([
      {
        target: 'AmazonSSM.GetParameter',
        contentType: 'application/x-amz-json-1.1',
        token: SESSION_TOKEN,
        signature: 'valid',
        body: { Name: '/cognito-triggers/test/magic-link-secret', WithDecryption: true },
      },
    ]);
  });

  it('retries what the SDK retries (5xx, throttling, a reset connection) once, and nothing else', async () => {
    const { readSecureString, SsmError } = await import('../../../shared/aws/ssm.ts');
    for (const first of [
      { status: 503, body: { __type: 'InternalServerError', message: 'try again' } },
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      'reset' as const,
    ]) {
      requests.length = 0;
      let calls = 0;
      answer = (name) => (calls++ === 0 ? first : secureString(name, KEY));
      await expect(readSecureString('/p')).resolves.toBe(KEY);
      expect(requests).toHaveLength(2);
    }
    requests.length = 0;
    answer = () => ({ status: 400, body: { __type: 'com.amazonaws.ssm#ParameterNotFound', message: 'none' } });
    const error = await readSecureString('/p').catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SsmError);
    expect(error).toMatchObject({ name: 'ParameterNotFound', message: 'none', status: 400 });
    expect(requests).toHaveLength(1);
    // Two attempts at most (client-config.ts: one retry).
    requests.length = 0;
    answer = () => ({ status: 500, body: { __type: 'InternalServerError' } });
    await expect(readSecureString('/p')).rejects.toThrow('InternalServerError');
    expect(requests).toHaveLength(2);
  });

  it('asks nothing without credentials in the environment', async () => {
    const { readSecureString } = await import('../../../shared/aws/ssm.ts');
    const env = { ...process.env, AWS_ACCESS_KEY_ID: undefined };
    await expect(readSecureString('/p', undefined, env)).rejects.toThrow(/no credentials in the environment/u);
    expect(requests).toEqual([]);
  });

  it('refuses a plain String parameter (a secret kept in clear) and an empty one', async () => {
    const { readSecureString } = await import('../../../shared/aws/ssm.ts');
    answer = (name) => ({ status: 200, body: { Parameter: { Name: name, Type: 'String', Value: KEY } } });
    await expect(readSecureString('/p')).rejects.toThrow('parameter /p is not a SecureString');
    answer = (name) => secureString(name, ' ');
    await expect(readSecureString('/p')).rejects.toThrow('parameter /p is empty');
  });

  it('gives up on a hanging SSM within the short timeouts and bounded retries', async () => {
    answer = () => 'hang';
    const { readSecureString } = await import('../../../shared/aws/ssm.ts');
    const startedAt = Date.now();
    await expect(readSecureString('/p')).rejects.toThrow();
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    // Two attempts (client-config.ts: one retry), no more.
    expect(requests).toHaveLength(2);
  });

  describe('through the runtime wrapper', () => {
    let output: CapturedOutput;
    beforeEach(() => {
      output = captureOutput();
      process.env.LOG_HASH_KEY_PARAMETER = '/cognito-triggers/test/log-hash-key';
    });
    afterEach(() => {
      output.restore();
      delete process.env.LOG_HASH_KEY_PARAMETER;
    });

    it('keys userRef with the parameter read before the first invocation; a failed read fails it, the next reads again', async () => {
      answer = () => ({ status: 400, body: { __type: 'ParameterNotFound', message: 'not found' } });
      const handler = cognitoTrigger(
        TRIGGERS.PreSignUp,
        (event, { log }) => {
          log.info('policy ran');
          return event;
        },
        { failureMode: 'closed' },
      );
      const event = buildEvent('PreSignUp');
      await expect(handler(event, lambdaContext('pre-signup'))).rejects.toThrow(/could not complete your request/u);
      expect(output.text()).toContain('ParameterNotFound');
      // No pseudonym under another key while the named one is missing.
      expect(userNameHash(event.userPoolId, event.userName)).toBeUndefined();

      answer = (name) => secureString(name, LOG_KEY);
      await expect(handler(event, lambdaContext('pre-signup'))).resolves.toEqual(event);
      const expected = createHmac('sha256', LOG_KEY)
        .update(`${event.userPoolId}\u0000${event.userName.toLowerCase()}`)
        .digest('hex')
        .slice(0, 16);
      expect(output.records().find((record) => record.message === 'policy ran')?.userRef).toBe(expected);
      expect(output.text()).not.toContain(LOG_KEY);
      // Cached for the instance: a third invocation asks SSM nothing.
      const asked = requests.length;
      await handler(event, lambdaContext('pre-signup'));
      expect(requests).toHaveLength(asked);
    });
  });
});
