/**
 * The legacy directory as this trigger uses it: find the user a typed name refers to (the reads
 * lookup.ts plans), and record a migration once.
 */
import { MetricUnit, type Metrics } from '../../shared/runtime/index.ts';
import { expiresAtSeconds } from '../../shared/stores/expiry.ts';
import { legacyUserStore, type MarkOutcome } from '../../shared/stores/legacy-users.ts';
import { lookupPlan, resolveLookup, type FoundUser, type Lookup, type LookupMode } from './lookup.ts';

export interface DirectorySettings {
  legacyUsersTable: string;
  lookup: LookupMode;
  hashTtlSeconds: number;
}

export interface LegacyDirectory {
  /** The legacy user `typed` names, if exactly one, and the name its attempts count under. */
  find(typed: string): Promise<Lookup>;
  /**
   * Marks the user migrated (`migratedAt`) and starts the TTL that removes the row and its hash; counts
   * `UsersMigrated`. A repeat (Cognito retried) keeps the first mark and still succeeds.
   */
  markMigrated(found: FoundUser): Promise<MarkOutcome>;
}

export function legacyDirectory(
  settings: DirectorySettings,
  now: number,
  { metrics, signal }: { metrics: Metrics; signal: AbortSignal },
): LegacyDirectory {
  const store = legacyUserStore(settings.legacyUsersTable);
  return {
    // Both reads of a `both` lookup run every time, so a hit by name costs what a miss costs.
    async find(typed) {
      const plan = lookupPlan(typed, settings.lookup);
      const [byUsername, byEmail] = await Promise.all([
        plan.byUsername ? store.get(typed, signal) : undefined,
        plan.byEmail ? store.findByEmail(typed, signal) : undefined,
      ]);
      return resolveLookup(typed, byUsername, byEmail);
    },
    async markMigrated(found) {
      const outcome = await store.markMigrated(
        found.item.username,
        new Date(now).toISOString(),
        expiresAtSeconds(now, settings.hashTtlSeconds),
        signal,
      );
      metrics.addMetric('UsersMigrated', MetricUnit.Count, 1);
      return outcome;
    },
  };
}
