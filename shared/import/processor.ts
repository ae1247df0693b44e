/**
 * The row-batch processor: a batch of parsed rows in; accepted rows (the legacy directory item and the
 * Cognito import line of each) and rejected rows out. No files, no network, no CLI: the import CLI
 * streams a file through it, and a deployed job (S3, Step Functions) can run it on batches of its own.
 *
 * State is only what "unique in the file" needs, behind SeenValues, so a caller spreading batches over
 * machines can supply a shared implementation; the default keeps 64-bit hashes in flat memory.
 */
import { normaliseEmail, normaliseUsername, type LegacyUserItem } from '../stores/legacy-user.ts';
import { COGNITO_FILE_LIMITS, cognitoLineWriter, type CognitoFileLimits } from './cognito-csv.ts';
import type { ResolvedColumns } from './columns.ts';
import { uniqueContacts, type ContactAttribute, type PoolSettings } from './pool.ts';
import { HashSet64 } from './unique.ts';
import { rejectedUsername } from './outputs.ts';
import { rowValidator, usernameOf, type RejectReason, type ValidUser } from './validate.ts';

export interface RowInput {
  /** The line of the file on which the row starts (the header is line 1). */
  line: number;
  fields: readonly string[];
}

export interface AcceptedRow {
  line: number;
  item: LegacyUserItem;
  /** The user's line in a Cognito import file, without its line break. */
  cognitoLine: string;
}

export interface RejectedRow {
  line: number;
  column: string;
  reason: RejectReason;
  /** As the export spelled it (never the hash). */
  username: string;
}

export interface BatchResult {
  accepted: AcceptedRow[];
  rejected: RejectedRow[];
}

export type UniqueKind = 'username' | ContactAttribute;

/** Normalised values already taken by accepted rows. */
export interface SeenValues {
  has(kind: UniqueKind, value: string): boolean;
  add(kind: UniqueKind, value: string): void;
  /** A hint: about this many values of `kind` will be added in all (an implementation may make room now). */
  reserve?(kind: UniqueKind, values: number): void;
}

/** SeenValues in this process: one HashSet64 per kind (about 11-16 MiB per million values each). */
export function seenInMemory(): SeenValues & { bytes(): number } {
  const sets = new Map<UniqueKind, HashSet64>();
  const setOf = (kind: UniqueKind) => {
    let set = sets.get(kind);
    if (!set) sets.set(kind, (set = new HashSet64()));
    return set;
  };
  return {
    has: (kind, value) => sets.get(kind)?.has(value) ?? false,
    add: (kind, value) => void setOf(kind).add(value),
    reserve: (kind, values) => setOf(kind).reserve(values),
    bytes: () => [...sets.values()].reduce((sum, set) => sum + set.bytes, 0),
  };
}

export interface ProcessorOptions {
  columns: ResolvedColumns;
  settings: PoolSettings;
  /** Written into every item, so a resumed run writes exactly what the first one would have. */
  importedAt: string;
  seen?: SeenValues;
  limits?: CognitoFileLimits;
}

export interface RowProcessor {
  processBatch(rows: readonly RowInput[]): BatchResult;
  /**
   * A hint: about this many rows will be processed in all. The uniqueness sets make room for them now,
   * while small, instead of growing (old and new table at once) in the middle of the run.
   */
  reserve(rows: number): void;
}

const DUPLICATE: Record<ContactAttribute, RejectReason> = {
  email: 'email-duplicate',
  phone_number: 'phone-duplicate',
};

/** The directory item of a valid user: exactly LegacyUserItem, optional fields only when present. */
export function legacyItem(user: ValidUser, importedAt: string): LegacyUserItem {
  const item: LegacyUserItem = {
    username: normaliseUsername(user.username),
    usernameAsGiven: user.username,
    attributes: user.attributes,
    mfaEnabled: user.mfaEnabled,
    importedAt,
  };
  if (user.attributes.email !== undefined) item.email = normaliseEmail(user.attributes.email);
  if (user.passwordHash !== undefined) item.passwordHash = user.passwordHash;
  return item;
}

export function createRowProcessor(options: ProcessorOptions): RowProcessor {
  const { columns, settings, importedAt } = options;
  const seen = options.seen ?? seenInMemory();
  const limits = options.limits ?? COGNITO_FILE_LIMITS;
  const contacts = uniqueContacts(settings);
  const cognitoLineOf = cognitoLineWriter(settings.csvHeader);
  const validateRow = rowValidator(columns, settings);

  return {
    reserve(rows) {
      seen.reserve?.('username', rows);
      for (const kind of contacts) seen.reserve?.(kind, rows);
    },
    processBatch(rows) {
      const accepted: AcceptedRow[] = [];
      const rejected: RejectedRow[] = [];
      for (const { line, fields } of rows) {
        const verdict = validateRow(fields);
        if (!verdict.ok) {
          rejected.push({
            line,
            column: verdict.column,
            reason: verdict.reason,
            // Not as given: a shifted row may hold a hash there (and this reaches work/ part objects).
            username: rejectedUsername(usernameOf(fields, columns)),
          });
          continue;
        }
        const { user } = verdict;
        const cognitoLine = cognitoLineOf(user);
        if (typeof cognitoLine !== 'string') {
          rejected.push({ line, column: cognitoLine.column, reason: cognitoLine.reason, username: user.username });
          continue;
        }
        // Counted on the line as written: each escaped comma is two characters of Cognito's row.
        if (cognitoLine.length > limits.maxRowChars) {
          rejected.push({ line, column: '', reason: 'row-too-long', username: user.username });
          continue;
        }
        // Checked last and claimed only by accepted rows: a rejected row leaves its name free.
        const item = legacyItem(user, importedAt);
        if (seen.has('username', item.username)) {
          rejected.push({ line, column: 'username', reason: 'username-duplicate', username: user.username });
          continue;
        }
        let taken: ContactAttribute | undefined;
        for (const kind of contacts) {
          const value = contactKey(kind, item);
          if (value !== undefined && seen.has(kind, value)) {
            taken = kind;
            break;
          }
        }
        if (taken) {
          rejected.push({ line, column: taken, reason: DUPLICATE[taken], username: user.username });
          continue;
        }
        seen.add('username', item.username);
        for (const kind of contacts) {
          const value = contactKey(kind, item);
          if (value !== undefined) seen.add(kind, value);
        }
        accepted.push({ line, item, cognitoLine });
      }
      return { accepted, rejected };
    },
  };
}

/** The value compared for uniqueness: the item's normalised e-mail, the phone number as given (E.164 is canonical). */
function contactKey(kind: ContactAttribute, item: LegacyUserItem): string | undefined {
  return kind === 'email' ? item.email : item.attributes.phone_number;
}
