/**
 * Entitlements kept in memory for a short time, so that a burst of sign-ins and refreshes does not read
 * DynamoDB each time, and so that a recent answer can be served while the store fails.
 *
 * A fresh entry (younger than `ttlMs`) is used without reading. When the store cannot answer, entries
 * up to `staleMs` old are served instead, but only if every key the token needs has one: a token is
 * never built from a part of the entitlements. A row that does not exist is cached as well (it is the
 * commonest answer: most users have no row of their own).
 */
import type { Entitlements } from '../../shared/stores/entitlements.ts';

interface Entry {
  value: Entitlements | undefined;
  at: number;
}

export interface CacheOptions {
  ttlMs: number;
  staleMs: number;
  maxEntries: number;
  now?: () => number;
}

export type Read = (keys: readonly string[]) => Promise<Map<string, Entitlements | undefined>>;

export interface Loaded {
  values: Map<string, Entitlements | undefined>;
  /** Keys answered from memory without reading. */
  hits: number;
  /** Keys read from the store. */
  misses: number;
  /** The store failed and every missing key was served from a stale entry. */
  stale: boolean;
}

export class EntitlementCache {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  constructor(private readonly options: CacheOptions) {
    this.now = options.now ?? Date.now;
  }

  private within(key: string, ageMs: number): Entry | undefined {
    const entry = this.entries.get(key);
    return entry && this.now() - entry.at < ageMs ? entry : undefined;
  }

  private set(key: string, value: Entitlements | undefined): void {
    // Oldest first out: Map keeps insertion order, and a refreshed key moves to the end.
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entitlements of `keys`: fresh ones from memory, the rest from `read`, stale ones if `read` fails. */
  async load(keys: readonly string[], read: Read): Promise<Loaded> {
    const values = new Map<string, Entitlements | undefined>();
    const missing: string[] = [];
    for (const key of new Set(keys)) {
      const fresh = this.options.ttlMs > 0 ? this.within(key, this.options.ttlMs) : undefined;
      if (fresh) values.set(key, fresh.value);
      else missing.push(key);
    }
    const hits = values.size;
    if (missing.length === 0) return { values, hits, misses: 0, stale: false };
    try {
      const read_ = await read(missing);
      for (const key of missing) {
        const value = read_.get(key);
        values.set(key, value);
        if (this.options.ttlMs > 0 || this.options.staleMs > 0) this.set(key, value);
      }
      return { values, hits, misses: missing.length, stale: false };
    } catch (error) {
      const stale = missing.map((key) => [key, this.within(key, this.options.staleMs)] as const);
      if (stale.some(([, entry]) => entry === undefined)) throw error;
      for (const [key, entry] of stale) values.set(key, entry?.value);
      return { values, hits, misses: missing.length, stale: true };
    }
  }
}
