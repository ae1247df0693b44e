import { readFileSync } from 'node:fs';
import { asNewUser } from '../../../scripts/bench/warm.ts';

const sample = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('the warm bench', () => {
  it('gives each invocation a user of its own, keeping a federated user name federated', () => {
    const native = asNewUser(sample('events/post-confirmation/PostConfirmation_ConfirmSignUp.json'), 'a-b-c');
    expect(native.userName).toBe('a-b-c');
    expect((native.request as { userAttributes: { sub: string } }).userAttributes.sub).toBe('a-b-c');

    const original = sample('events/pre-signup/PreSignUp_ExternalProvider.json');
    const federated = asNewUser(original, 'a-b-c');
    expect(federated.userName).toBe('Google_abc');
    expect(original.userName).toBe('Google_115024857362041934865'); // the sample itself is left alone
  });
});
