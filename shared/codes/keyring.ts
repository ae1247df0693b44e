/**
 * The codes Cognito hands the custom senders: AWS Encryption SDK messages (base64), their data key
 * wrapped by the stack's KMS key, with the encryption context `userpool-id`. Cognito encrypts with a
 * signed, non-committing algorithm suite, so decryption allows it (REQUIRE_ENCRYPT_ALLOW_DECRYPT).
 *
 * Only what decrypting needs is imported (the decrypt client, the KMS keyring class with our own
 * KMSClient + DecryptCommand, the raw AES keyring): `@aws-crypto/client-node`'s index would bring the
 * encrypt side, caching and the hierarchical keyring with a DynamoDB client, and its KMS keyring the
 * whole aggregated KMS client.
 */
import { DecryptCommand, KMSClient, type DecryptCommandInput } from '@aws-sdk/client-kms';
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { KmsKeyringClass } from '@aws-crypto/kms-keyring';
import {
  CommitmentPolicy,
  KeyringNode,
  MultiKeyringNode,
  NodeDefaultCryptographicMaterialsManager,
  immutableClass,
  type NodeDecryptionMaterial,
  type NodeDecryptionRequest,
  type NodeEncryptionMaterial,
  type NodeMaterialsManager,
} from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import { clientConfig } from '../aws/client-config.ts';
import { lazy } from '../lazy.ts';
import {
  LOCAL_KEY_NAME,
  LOCAL_KEY_NAMESPACE,
  SAMPLE_KEY_NAME,
  loadOrCreateLocalKey,
  localKeyFile,
  sampleKey,
} from './local-key.ts';

/** The encryption context key Cognito puts the pool id under. */
export const POOL_CONTEXT_KEY = 'userpool-id';

export type KeyringKind = 'kms' | 'local';

export interface CodeKeyringConfig {
  kind: KeyringKind;
  /** The KMS key's ARN (`kms` only): the keyring decrypts data keys wrapped by this key and no other. */
  kmsKeyArn?: string;
}

/** Why a code was refused: never the code or anything derived from it. */
export type CodeRejection = 'not-base64' | 'undecryptable' | 'wrong-pool' | 'empty';

export class CodeRejected extends Error {
  override readonly name = 'CodeRejected';
  constructor(
    readonly reason: CodeRejection,
    detail?: string,
  ) {
    super(detail ? `code refused (${reason}): ${detail}` : `code refused (${reason})`);
  }
}

// Where the local keyring is refused; shared with the secrets' local values.
export { runningInLambda } from '../runtime/environment.ts';

class CodeKmsKeyring extends KmsKeyringClass(KeyringNode as never) {}
immutableClass(CodeKmsKeyring);

export const kmsClient = lazy(() => new KMSClient(clientConfig()));

/** KMS could not be asked (unreachable, throttling, denied): the code may be fine, the event is retried. */
export class KeyServiceError extends Error {
  override readonly name = 'KeyServiceError';
}

/** KMS's answers that mean this ciphertext's data key is not ours to unwrap, whatever we retry. */
const CIPHERTEXT_ERRORS = new Set(['InvalidCiphertextException', 'IncorrectKeyException']);

/**
 * The keyring's KMS calls go through our client (short timeouts, endpoint variables); the keyring only
 * ever calls `decrypt`. `signal` aborts the call with the invocation's budget. The keyring folds KMS
 * errors into one message; `errors` keeps them, to tell a service failure from a bad ciphertext.
 */
function kmsKeyring(keyArn: string, errors: Error[], signal?: AbortSignal): KeyringNode {
  const client = {
    decrypt: async (input: DecryptCommandInput) => {
      try {
        return await kmsClient().send(new DecryptCommand(input), { abortSignal: signal });
      } catch (error) {
        errors.push(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    },
  };
  return new CodeKmsKeyring({ keyIds: [keyArn], clientProvider: () => client } as never) as unknown as KeyringNode;
}

const rawAes = (keyName: string, key: Uint8Array) =>
  new RawAesKeyringNode({
    keyName,
    keyNamespace: LOCAL_KEY_NAMESPACE,
    unencryptedMasterKey: key,
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

/** The raw AES keyring `npm run encrypt-code` encrypts with (key: .local/code-keyring.key). */
export function localKeyring(file = localKeyFile()): RawAesKeyringNode {
  return rawAes(LOCAL_KEY_NAME, loadOrCreateLocalKey(file));
}

/** The published key of the sample events' codes (local-key.ts). */
export function sampleKeyring(): RawAesKeyringNode {
  return rawAes(SAMPLE_KEY_NAME, sampleKey());
}

/** What CODE_KEYRING=local decrypts with: this clone's key, and the sample events' key. */
export function localDecryptionKeyring(file = localKeyFile()): KeyringNode {
  return new MultiKeyringNode({ generator: localKeyring(file), children: [sampleKeyring()] });
}

const { decrypt } = buildDecrypt({
  commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT,
  // Cognito wraps each code's data key once, with the pool's key; a message with many wrapped keys
  // would make us call KMS for each.
  maxEncryptedDataKeys: 3,
});

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/u;

/**
 * The Encryption SDK for JavaScript has no "required encryption context" on decrypt: this materials
 * manager checks the message header's `userpool-id` before the keyring is asked, so that another pool's
 * ciphertext never reaches KMS (whose key policy refuses it too: infra/cognito.existing-*.yml).
 */
class PoolContextMaterialsManager implements NodeMaterialsManager {
  private readonly inner: NodeDefaultCryptographicMaterialsManager;
  constructor(
    keyring: KeyringNode,
    private readonly userPoolId: string,
  ) {
    this.inner = new NodeDefaultCryptographicMaterialsManager(keyring);
  }
  decryptMaterials(request: NodeDecryptionRequest): Promise<NodeDecryptionMaterial> {
    if (request.encryptionContext[POOL_CONTEXT_KEY] !== this.userPoolId) throw new CodeRejected('wrong-pool');
    return this.inner.decryptMaterials(request);
  }
  getEncryptionMaterials(): Promise<NodeEncryptionMaterial> {
    throw new Error('the code keyring only decrypts');
  }
}

export interface CodeDecrypter {
  /** The code in clear; throws CodeRejected when it cannot be, or was made for another pool. */
  decrypt(ciphertext: string, userPoolId: string, signal?: AbortSignal): Promise<string>;
}

export function codeDecrypter(config: CodeKeyringConfig): CodeDecrypter {
  const local = config.kind === 'local' ? lazy(() => localDecryptionKeyring()) : undefined;
  return {
    async decrypt(ciphertext, userPoolId, signal) {
      const text = ciphertext.trim();
      if (!text) throw new CodeRejected('empty');
      if (!BASE64.test(text) || text.length % 4 !== 0) throw new CodeRejected('not-base64');
      const kmsErrors: Error[] = [];
      const keyring = local ? local() : kmsKeyring(config.kmsKeyArn ?? '', kmsErrors, signal);
      let result: Awaited<ReturnType<typeof decrypt>>;
      try {
        // A code is a few bytes; a body bigger than this is no code of Cognito's.
        result = await decrypt(new PoolContextMaterialsManager(keyring, userPoolId), Buffer.from(text, 'base64'), {
          maxBodySize: 4096,
        });
      } catch (error) {
        if (error instanceof CodeRejected) throw error;
        const serviceError = kmsErrors.find((e) => !CIPHERTEXT_ERRORS.has(e.name));
        if (serviceError)
          throw new KeyServiceError(`KMS Decrypt failed: ${serviceError.name}: ${serviceError.message.slice(0, 200)}`);
        // The SDK's messages name the failing check, never the plaintext.
        throw new CodeRejected('undecryptable', error instanceof Error ? error.message.slice(0, 200) : undefined);
      }
      // Checked before the keyring ran; kept as the last word on what is returned.
      const pool = result.messageHeader.encryptionContext[POOL_CONTEXT_KEY];
      if (pool !== userPoolId) {
        result.plaintext.fill(0);
        throw new CodeRejected('wrong-pool');
      }
      const code = Buffer.from(result.plaintext).toString('utf8');
      result.plaintext.fill(0);
      if (!code) throw new CodeRejected('empty');
      return code;
    },
  };
}
