/**
 * docs/operations.md's per-function section is what infra/operations.cjs generates (npm run docs): every
 * function has its heading (the other pages link to `operations.md#<function>`), and each lists the
 * alarms that watch it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { ROOT } from '../../scripts/build.ts';
import { OPERATIONS_PAGE, renderFunctionsSection, renderOperationsPage } from '../../scripts/docs/operations.ts';

describe('docs/operations.md, per function', () => {
  it('is in step with infra/operations.cjs (npm run docs writes it)', async () => {
    const file = join(ROOT, OPERATIONS_PAGE);
    const text = readFileSync(file, 'utf8');
    const rendered = await format(await renderOperationsPage(text), { ...(await resolveConfig(file)), filepath: file });
    expect(rendered).toBe(text);
  });

  it("gives every function a heading and its Errors, Throttles and Duration alarms, and migrate-user its refusals' alarm", async () => {
    const section = await renderFunctionsSection();
    for (const folder of ['pre-signup', 'migrate-user', 'custom-sms-sender', 'import-batch'])
      expect(section).toContain(`### ${folder}\n`);
    const migrateUser = section.slice(
      section.indexOf('### migrate-user'),
      section.indexOf('###', section.indexOf('### migrate-user') + 4),
    );
    for (const alarm of [
      'MigrateUserErrorsAlarm',
      'MigrateUserThrottlesAlarm',
      'MigrateUserDurationAlarm',
      'MigrationRefusalsAlarm',
      'LockoutBurstAlarm',
    ])
      expect(migrateUser).toContain(`\`${alarm}\``);
    // 60 % of Cognito's 5 s budget.
    expect(migrateUser).toMatch(/`MigrateUserDurationAlarm` \| 3000 \|/u);
  });
});
