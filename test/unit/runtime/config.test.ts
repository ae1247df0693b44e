import { readConfig } from '../../../shared/config.ts';
import { ConfigError } from '../../../shared/runtime/index.ts';
import { clientSettings } from '../../../shared/aws/client-config.ts';

describe('configuration', () => {
  it('reads typed values with defaults', () => {
    const config = readConfig(
      (env) => ({
        on: env.bool('ON', false),
        n: env.int('N', 3),
        list: env.list('L'),
        mode: env.oneOf('M', ['a', 'b'], 'a'),
      }),
      { ON: 'yes', L: ' Example.COM, ,b.org ' },
    );
    expect(config).toEqual({ on: true, n: 3, list: ['example.com', 'b.org'], mode: 'a' });
  });

  it('reports every problem at once, by name, without values', () => {
    const run = () =>
      readConfig(
        (env) => ({
          on: env.bool('ON', false),
          n: env.int('N', 3, { min: 1, max: 9 }),
          id: env.required('ID'),
          mode: env.oneOf('M', ['a', 'b'], 'a'),
        }),
        {
          ON: 'perhaps',
          N: '99',
          M: 'secret-value',
        },
      );
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(
      'invalid configuration: ON: expected true or false; N: expected a whole number from 1 to 9; ID: required, not set; M: expected one of a, b',
    );
    try {
      run();
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-value');
    }
  });

  it('gives SDK clients short timeouts and one retry by default', () => {
    expect(clientSettings({})).toEqual({
      region: 'us-east-1',
      maxAttempts: 2,
      connectionTimeoutMs: 1000,
      requestTimeoutMs: 2000,
    });
    expect(clientSettings({ AWS_REGION: 'eu-west-1', AWS_SDK_MAX_ATTEMPTS: '3' })).toMatchObject({
      region: 'eu-west-1',
      maxAttempts: 3,
    });
  });
});
