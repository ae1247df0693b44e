/**
 * `npm run notifications:retry -- [--table <name>] [--sub <sub>] [--limit <n>] [--stack-file <path>]`:
 * sends again every notification whose last send failed (welcome, password changed, new sign-in), under
 * its original id, so nothing goes out twice. Prints one line per message and a summary; exits 1 when a
 * message failed again, so a scheduled run shows up red.
 *
 * Against AWS: the table from --table or NOTIFICATIONS_TABLE, credentials and region as the AWS CLI
 * finds them. Against `npm start`'s local stack: --stack-file .local/stack.json (endpoints and table).
 */
import { parseArgs } from 'node:util';
import { retryFailedNotifications, type RetryResult } from '../shared/mail/retry.ts';
import { sesSender } from '../shared/mail/sender.ts';
import { createLogger, createMetrics } from '../shared/runtime/observability.ts';
import { redactText } from '../shared/runtime/redact.ts';
import { notificationStore } from '../shared/stores/notifications.ts';
import { UsageError, useStackFile } from '../local-cloud/stack.ts';

const OPERATOR_WRITE_MS = 10_000;

const { values } = parseArgs({
  options: {
    table: { type: 'string' },
    sub: { type: 'string' },
    limit: { type: 'string' },
    'stack-file': { type: 'string' },
  },
});

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be a whole number above 0, got ${text}`);
  return limit;
}

async function main(): Promise<number> {
  const stackTable = values['stack-file'] ? useStackFile(values['stack-file'], 'notifications').tableName : undefined;
  const table = values.table ?? stackTable ?? process.env.NOTIFICATIONS_TABLE;
  if (!table) throw new UsageError('name the notifications table: --table <name> or NOTIFICATIONS_TABLE');
  const limit = parseLimit(values.limit);

  // The results printed below are the report; the library's own log lines and EMF would only repeat them.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const results = await retryFailedNotifications(
    {
      store: notificationStore(table),
      sender: sesSender(),
      log: createLogger('retry-notifications'),
      metrics: createMetrics('retry-notifications', 'RetryNotifications'),
      // No Cognito waiting here: recording an outcome from afar may take its time.
      remainingMs: () => OPERATOR_WRITE_MS,
    },
    { sub: values.sub, limit },
  );
  for (const result of results) process.stdout.write(`${result.id} ${result.kind} ${result.outcome}\n`);
  process.stdout.write(`${summary(results)}\n`);
  return results.some((result) => result.outcome === 'failed') ? 1 : 0;
}

function summary(results: readonly RetryResult[]): string {
  const counts = new Map<string, number>();
  for (const { outcome } of results) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  const parts = [...counts].map(([outcome, count]) => `${count} ${outcome}`);
  return `retried ${results.length} failed notification(s)${parts.length ? `: ${parts.join(', ')}` : ''}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof UsageError
        ? error.message
        : error instanceof Error
          ? `${error.name}: ${error.message}`
          : String(error);
    // SDK errors may quote addresses; the terminal is a log like any other.
    process.stderr.write(`error: ${redactText(message.split('\n')[0] ?? '')}\n`);
    process.exit(1);
  },
);
