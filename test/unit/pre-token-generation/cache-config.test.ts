/** The entitlements cache (fresh, stale while the store fails, bounded) and the settings. */
import { EntitlementCache, type Read } from '../../../functions/pre-token-generation/cache.ts';
import { readConfig } from '../../../shared/config.ts';
import { ConfigError } from '../../../shared/runtime/index.ts';
import type { Entitlements } from '../../../shared/stores/entitlements.ts';

function store(rows: Record<string, Entitlements>) {
  const reads: string[][] = [];
  let failing = false;
  const read: Read = async (keys) => {
    reads.push([...keys]);
    if (failing) throw new Error('ProvisionedThroughputExceededException');
    return new Map(keys.map((key) => [key, rows[key]]));
  };
  return { read, reads, fail: (value: boolean) => (failing = value) };
}

describe('the entitlements cache', () => {
  let now = 0;
  const cache = (ttlMs = 30_000, staleMs = 300_000, maxEntries = 100) =>
    new EntitlementCache({ ttlMs, staleMs, maxEntries, now: () => now });
  beforeEach(() => (now = 1_000_000));

  it('reads a key once within its time to live, rows that do not exist included', async () => {
    const s = store({ 'sub#a': { tenant: 't' } });
    const c = cache();
    expect((await c.load(['sub#a', 'group#none'], s.read)).misses).toBe(2);
    now += 29_000;
    const again = await c.load(['sub#a', 'group#none'], s.read);
    expect(again).toMatchObject({ hits: 2, misses: 0, stale: false });
    expect(again.values.get('sub#a')).toEqual({ tenant: 't' });
    expect(s.reads).toHaveLength(1);
    now += 2_000;
    await c.load(['sub#a'], s.read);
    expect(s.reads).toHaveLength(2);
  });

  it('serves a recent answer while the store fails, marked stale', async () => {
    const s = store({ 'sub#a': { tenant: 't' } });
    const c = cache();
    await c.load(['sub#a'], s.read);
    now += 120_000;
    s.fail(true);
    const served = await c.load(['sub#a'], s.read);
    expect(served).toMatchObject({ stale: true });
    expect(served.values.get('sub#a')).toEqual({ tenant: 't' });
  });

  it('fails when any key has no recent answer: never a token from part of the entitlements', async () => {
    const s = store({});
    const c = cache();
    await c.load(['sub#a'], s.read);
    s.fail(true);
    await expect(c.load(['sub#a', 'group#b'], s.read)).rejects.toThrow('ProvisionedThroughputExceededException');
    now += 301_000;
    await expect(c.load(['sub#a'], s.read)).rejects.toThrow();
  });

  it('with a time to live of 0 reads every time, and still keeps answers for failures', async () => {
    const s = store({});
    const c = cache(0);
    await c.load(['sub#a'], s.read);
    await c.load(['sub#a'], s.read);
    expect(s.reads).toHaveLength(2);
    s.fail(true);
    expect((await c.load(['sub#a'], s.read)).stale).toBe(true);
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const s = store({});
    const c = cache(30_000, 300_000, 2);
    await c.load(['a', 'b', 'c'], s.read);
    expect(c.size).toBe(2);
    await c.load(['b', 'c'], s.read);
    expect(s.reads).toHaveLength(1);
  });
});

describe('pre-token-generation configuration', () => {
  const load = async (env: Record<string, string>) => {
    const module = await import('../../../functions/pre-token-generation/config.ts');
    return readConfig(module.readPreTokenConfig, { ENTITLEMENTS_TABLE: 'entitlements', ...env });
  };

  it('has documented defaults', async () => {
    const config = await load({});
    expect(config).toMatchObject({
      entitlementsTable: 'entitlements',
      maxAnswerBytes: 4096,
      cacheTtlMs: 30_000,
      staleMs: 300_000,
      cacheMaxEntries: 10_000,
      managedScopePrefixes: [],
      requireClientEntry: false,
    });
    expect([...config.claimTokens]).toEqual(['id', 'access']);
    expect(config.trustedAttributes.size).toBe(0);
  });

  it('reads trusted attributes and their claim names', async () => {
    const config = await load({ PRETOKEN_TRUSTED_ATTRIBUTES: 'custom:tenant, custom:dept=department' });
    expect([...config.trustedAttributes]).toEqual([
      ['custom:tenant', 'tenant'],
      ['custom:dept', 'department'],
    ]);
  });

  it('names every bad setting', async () => {
    const bad = load({
      PRETOKEN_TRUSTED_ATTRIBUTES: 'custom:x=cognito:groups,sub,custom:y=roles',
      PRETOKEN_CLAIM_TOKENS: 'refresh',
      PRETOKEN_MAX_CLAIM_BYTES: '10',
      ENTITLEMENTS_TABLE: '',
    });
    await expect(bad).rejects.toThrow(ConfigError);
    const message = await bad.catch((error: Error) => error.message);
    for (const name of [
      'PRETOKEN_TRUSTED_ATTRIBUTES',
      'PRETOKEN_CLAIM_TOKENS',
      'PRETOKEN_MAX_CLAIM_BYTES',
      'ENTITLEMENTS_TABLE',
    ])
      expect(message).toContain(name);
  });
});
