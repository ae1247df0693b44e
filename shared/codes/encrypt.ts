/**
 * Encrypts a code as Cognito does for the custom senders (for `npm run encrypt-code`, tests and the
 * sample events; no function imports it): an AWS Encryption SDK message, base64, with the encryption
 * context `userpool-id`, in Cognito's suite (AES-256-GCM, HKDF-SHA384, ECDSA P-384 signature, no key
 * commitment), its data key wrapped by the local keyring's key instead of KMS.
 */
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy, type KeyringNode } from '@aws-crypto/material-management-node';
import { localKeyring, POOL_CONTEXT_KEY } from './keyring.ts';

// A non-committing suite can only be chosen by a client that forbids committing encryption.
const { encrypt } = buildEncrypt(CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT);

export async function encryptCode(code: string, userPoolId: string, keyring: KeyringNode = localKeyring()): Promise<string> {
  const { result } = await encrypt(keyring, code, {
    encryptionContext: { [POOL_CONTEXT_KEY]: userPoolId },
    suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
  });
  return Buffer.from(result).toString('base64');
}
