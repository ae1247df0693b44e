import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { KmsKeyringClass } from '@aws-crypto/kms-keyring';
import { AlgorithmSuiteIdentifier, CommitmentPolicy, KeyringNode } from '@aws-crypto/material-management-node';
import { encryptCode } from '../../../shared/codes/encrypt.ts';
import {
  LOCAL_KEYRING_IN_LAMBDA,
  readCodeKeyringConfig,
  refuseLocalKeyringInLambda,
} from '../../../shared/codes/config.ts';
import {
  CodeRejected,
  codeDecrypter,
  KeyServiceError,
  localKeyring,
  runningInLambda,
  sampleKeyring,
} from '../../../shared/codes/keyring.ts';
import { loadOrCreateLocalKey } from '../../../shared/codes/local-key.ts';
import { EnvReader } from '../../../shared/config.ts';
import { buildEvent } from '../../../shared/events/index.ts';

const POOL = 'eu-west-1_Pool0001';
let dir: string;
const previous = { ...process.env };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyring-'));
  process.env.CODE_KEYRING_KEY_FILE = join(dir, 'code.key');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env = previous;
});

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'decrypted',
    (error: unknown) => (error instanceof CodeRejected ? error.reason : `${(error as Error).name}`),
  );

describe('the local keyring', () => {
  it('makes its key on first use, owner-only, and keeps it', () => {
    const file = join(dir, 'fresh.key');
    const key = loadOrCreateLocalKey(file);
    expect(key).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateLocalKey(file)).toEqual(key);
    writeFileSync(file, 'c2hvcnQ=\n');
    expect(() => loadOrCreateLocalKey(file)).toThrow(/256-bit/u);
  });

  it('decrypts what encrypt-code makes, for the pool it was made for only', async () => {
    const decrypter = codeDecrypter({ kind: 'local' });
    const ciphertext = await encryptCode('482913', POOL);
    expect(existsSync(join(dir, 'code.key'))).toBe(true);
    await expect(decrypter.decrypt(ciphertext, POOL)).resolves.toBe('482913');
    await expect(rejection(decrypter.decrypt(ciphertext, 'eu-west-1_Other001'))).resolves.toBe('wrong-pool');
  });

  it("decrypts the sample events' codes on any clone", async () => {
    const sample = buildEvent('CustomEmailSender', { triggerSource: 'CustomEmailSender_SignUp' });
    await expect(codeDecrypter({ kind: 'local' }).decrypt(sample.request.code ?? '', sample.userPoolId)).resolves.toBe(
      '123456',
    );
    const made = await encryptCode('777777', POOL, sampleKeyring());
    await expect(codeDecrypter({ kind: 'local' }).decrypt(made, POOL)).resolves.toBe('777777');
  });

  it('refuses corrupted, truncated, foreign-key, empty and non-base64 ciphertexts', async () => {
    const decrypter = codeDecrypter({ kind: 'local' });
    const ciphertext = await encryptCode('482913', POOL);
    const bytes = Buffer.from(ciphertext, 'base64');
    for (const offset of [10, Math.floor(bytes.length / 2), bytes.length - 20]) {
      const flipped = Buffer.from(bytes);
      flipped[offset] = (flipped[offset] ?? 0) ^ 0x01;
      await expect(rejection(decrypter.decrypt(flipped.toString('base64'), POOL))).resolves.toBe('undecryptable');
    }
    await expect(rejection(decrypter.decrypt(bytes.subarray(0, 100).toString('base64'), POOL))).resolves.toBe(
      'undecryptable',
    );
    const otherKey = join(dir, 'other.key');
    const foreign = await encryptCode('482913', POOL, localKeyring(otherKey));
    await expect(rejection(decrypter.decrypt(foreign, POOL))).resolves.toBe('undecryptable');
    await expect(rejection(decrypter.decrypt('', POOL))).resolves.toBe('empty');
    await expect(rejection(decrypter.decrypt('not base64!', POOL))).resolves.toBe('not-base64');
  });
});

describe('the local keyring is refused in Lambda', () => {
  it('tells the Lambda runtime from local runs (serverless invoke local sets AWS_LAMBDA_FUNCTION_NAME too)', () => {
    expect(runningInLambda({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' })).toBe(true);
    expect(runningInLambda({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' })).toBe(true);
    expect(
      runningInLambda({ AWS_LAMBDA_FUNCTION_NAME: 'cognito-triggers-dev-customEmailSender', IS_LOCAL: 'true' }),
    ).toBe(false);
    expect(runningInLambda({})).toBe(false);
  });

  it('fails the configuration, and the module load, in Lambda', () => {
    const lambda = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', CODE_KEYRING: 'local' };
    const reader = new EnvReader(lambda);
    readCodeKeyringConfig(reader, lambda);
    expect(reader.problems).toEqual([LOCAL_KEYRING_IN_LAMBDA]);
    expect(() => refuseLocalKeyringInLambda(lambda)).toThrow(LOCAL_KEYRING_IN_LAMBDA);
    expect(() => refuseLocalKeyringInLambda({ CODE_KEYRING: 'local' })).not.toThrow();
    expect(() => refuseLocalKeyringInLambda({ ...lambda, CODE_KEYRING: 'kms' })).not.toThrow();
  });

  it('needs a KMS key ARN for the KMS keyring', () => {
    const missing = new EnvReader({});
    readCodeKeyringConfig(missing, {});
    expect(missing.problems).toEqual(['CODE_KMS_KEY_ARN: required, not set']);
    const wrong = new EnvReader({ CODE_KMS_KEY_ARN: 'alias/codes' });
    readCodeKeyringConfig(wrong, {});
    expect(wrong.problems).toEqual([expect.stringMatching(/^CODE_KMS_KEY_ARN: expected a KMS key ARN/u)]);
  });
});

describe('the KMS keyring (KMS stood in for by a local server)', () => {
  const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const dataKey = randomBytes(32);
  const wrapped = randomBytes(48);
  let server: Server;
  let answer: { status: number; body: unknown } = { status: 200, body: {} };
  const requests: Array<Record<string, unknown>> = [];

  /** A message as Cognito makes it: the data key wrapped by KMS (here: by our stand-in's rules). */
  async function cognitoCiphertext(code: string, pool: string): Promise<string> {
    class FakeKms extends KmsKeyringClass(KeyringNode as never) {}
    const client = {
      generateDataKey: async () => ({
        KeyId: KEY_ARN,
        Plaintext: new Uint8Array(dataKey),
        CiphertextBlob: new Uint8Array(wrapped),
      }),
    };
    const keyring = new FakeKms({
      generatorKeyId: KEY_ARN,
      clientProvider: () => client,
    } as never) as unknown as KeyringNode;
    const { encrypt } = buildEncrypt(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);
    const { result } = await encrypt(keyring, code, {
      encryptionContext: { 'userpool-id': pool },
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
    });
    return Buffer.from(result).toString('base64');
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        requests.push({ target: request.headers['x-amz-target'], ...(JSON.parse(body) as object) });
        const ok = answer.status === 200;
        response.writeHead(answer.status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(ok ? {} : { 'x-amzn-errortype': (answer.body as { __type: string }).__type }),
        });
        response.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_KMS: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SDK_MAX_ATTEMPTS: '1',
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('asks KMS to unwrap the data key with the pool in the encryption context, and decrypts', async () => {
    const ciphertext = await cognitoCiphertext('246810', POOL);
    answer = {
      status: 200,
      body: { KeyId: KEY_ARN, Plaintext: dataKey.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    };
    requests.length = 0;
    await expect(codeDecrypter({ kind: 'kms', kmsKeyArn: KEY_ARN }).decrypt(ciphertext, POOL)).resolves.toBe('246810');
    expect(requests).toEqual([
      expect.objectContaining({
        target: 'TrentService.Decrypt',
        KeyId: KEY_ARN,
        CiphertextBlob: wrapped.toString('base64'),
        // The signed suite adds its public key to the context.
        EncryptionContext: { 'userpool-id': POOL, 'aws-crypto-public-key': expect.any(String) },
      }),
    ]);
  });

  it('refuses a ciphertext of another pool, or one KMS calls invalid, without retrying', async () => {
    answer = { status: 200, body: { KeyId: KEY_ARN, Plaintext: dataKey.toString('base64') } };
    const decrypter = codeDecrypter({ kind: 'kms', kmsKeyArn: KEY_ARN });
    // The guide ("Activating custom sender Lambda triggers") keys the code key's use to the encryption
    // context `userpool-id`: another pool's code is refused from the header, before KMS is asked.
    requests.length = 0;
    await expect(
      rejection(decrypter.decrypt(await cognitoCiphertext('246810', 'eu-west-1_Other001'), POOL)),
    ).resolves.toBe('wrong-pool');
    expect(requests).toEqual([]);
    answer = { status: 400, body: { __type: 'InvalidCiphertextException', message: 'invalid' } };
    await expect(rejection(decrypter.decrypt(await cognitoCiphertext('246810', POOL), POOL))).resolves.toBe(
      'undecryptable',
    );
    // A data key wrapped by another KMS key is not even sent to KMS.
    requests.length = 0;
    await expect(
      rejection(
        codeDecrypter({ kind: 'kms', kmsKeyArn: KEY_ARN.replace('1234abcd', '9999abcd') }).decrypt(
          await cognitoCiphertext('1', POOL),
          POOL,
        ),
      ),
    ).resolves.toBe('undecryptable');
    expect(requests).toEqual([]);
  });

  it('fails (for Lambda to retry) when KMS itself fails', async () => {
    const decrypter = codeDecrypter({ kind: 'kms', kmsKeyArn: KEY_ARN });
    for (const body of [
      { __type: 'KMSInternalException', message: 'internal' },
      { __type: 'ThrottlingException', message: 'slow down' },
    ]) {
      answer = { status: body.__type === 'ThrottlingException' ? 400 : 500, body };
      await expect(decrypter.decrypt(await cognitoCiphertext('246810', POOL), POOL)).rejects.toBeInstanceOf(
        KeyServiceError,
      );
    }
  });
});

it('keeps the local key file out of git', () => {
  expect(readFileSync(join(process.cwd(), '.gitignore'), 'utf8')).toMatch(/^\/?\.local\/?$/mu);
});
