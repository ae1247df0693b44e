/**
 * The local console (`npm start`'s page, local-cloud/console) in a real browser: Debian's chromium
 * driven by playwright-core, against the test stack. What a newcomer does with it: signs up through
 * "Try it" and sees the triggers in the timeline, reads the rendered verification e-mail, signs in by
 * clicking a magic link, sees why a sign-up was refused, finds users and the legacy directory's migration
 * state, runs an example import and reads its rejects; and nothing secret reaches the page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { AdminGetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dynamoDbClientFor } from '../../local-cloud/index.ts';
import { entitlementStore } from '../../shared/stores/entitlements.ts';
import { legacyUserStore } from '../../shared/stores/legacy-users.ts';
import { cognito, createConfirmedUser, signIn, stack, tableName, uniqueEmail } from '../helpers/stack.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * A browser, the stack and the pool's flows on two loaded cores: a test's steps wait on locators, and
 * the whole test may take longer than the suite's default 30 s (no timing is asserted).
 */
const BROWSER_TEST_MS = 120_000;
const PASSWORD = 'Correct-Horse-Battery-9';
/**
 * A stored password hash: a modular-crypt or PHC prefix and its parameters and digest (bcrypt, Argon2,
 * scrypt, PBKDF2, the `$1$`/`$5$`/`$6$` crypts), or Django's `pbkdf2_sha256$<rounds>$...`.
 */
const STORED_HASH = /\$(?:2[abxy]|argon2(?:id|i|d)|pbkdf2[\w-]*|scrypt|[156])\$[^\s"']+|pbkdf2_sha256\$\d+\$/u;
/** A JWT: header and payload both JSON objects (`eyJ`), and a signature. */
const JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/u;

/** axe-core's browser build (a devDependency), evaluated in the page by the accessibility test. */
const AXE_SOURCE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const VIEWS = ['Invocations', 'Sign-in timeline', 'Messages', 'Users', 'Imports', 'Try it'];

const consoleUrl = stack.console?.url ?? '';
const idp = cognito();
const dynamoDb = dynamoDbClientFor(stack.dynamodb.endpoint);
const db = DynamoDBDocumentClient.from(dynamoDb);
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(consoleUrl);
  await page.getByText('Live', { exact: true }).waitFor();
});
afterEach(() => page.close());
afterAll(async () => {
  await browser?.close();
  idp.destroy();
  db.destroy();
  dynamoDb.destroy();
});

/** A picture of the view as it is, for a person to look at (.local/ is not committed). */
const screenshot = (view: string) =>
  page.screenshot({ path: `.local/console-screenshots/${view}.png`, fullPage: true });

async function submit(action: string, fields: Record<string, string>): Promise<string> {
  await page.getByRole('tab', { name: 'Try it' }).click();
  const form = page.locator(`form[data-action="${action}"]`);
  for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
  // The page marks the result working as the form is sent, done when the answer is shown.
  await form.getByRole('button').click();
  await page.locator('#result[data-state="done"]').waitFor();
  return (await page.locator('#result').textContent()) ?? '';
}

/** The timeline's entry for the operation, once it holds `count` triggers. */
async function timelineEntry(operation: string, count: number) {
  await page.getByRole('tab', { name: 'Sign-in timeline' }).click();
  const entry = page
    .locator('#timeline > li')
    .filter({ has: page.locator('strong', { hasText: new RegExp(`^${operation}$`, 'u') }) })
    .first();
  await entry
    .locator('.caused > li')
    .nth(count - 1)
    .waitFor();
  return entry.locator('.caused .trigger').allTextContents();
}

/** The Users view's data for one user, as the page reads it (GET /api/users). */
async function usersApi(email: string): Promise<{ text: string; user?: Record<string, unknown> }> {
  const text = await (await fetch(`${consoleUrl}api/users?email=${encodeURIComponent(email)}`)).text();
  const parsed = JSON.parse(text) as { pool: { users?: Array<Record<string, unknown>> } };
  return { text, user: parsed.pool.users?.[0] };
}

/** A user whose own entitlement row (by sub) pre token generation adds as claims; answers the user name. */
async function userWithEntitlements(email: string, tenant: string): Promise<string> {
  const username = await createConfirmedUser(idp, email, PASSWORD);
  const { UserAttributes } = await idp.send(
    new AdminGetUserCommand({ UserPoolId: stack.cognito.userPoolId, Username: email }),
  );
  const sub = UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? '';
  await entitlementStore(tableName('entitlements'), () => db).put({ kind: 'sub', id: sub }, { tenant });
  return username;
}

describe('the local console', () => {
  it(
    'is served on the loopback address and refuses another Host (DNS rebinding)',
    async () => {
      expect(new URL(consoleUrl).hostname).toBe('127.0.0.1');
      const url = new URL(consoleUrl);
      const refused = await new Promise<number>((resolve, reject) => {
        import('node:http')
          .then(({ request }) => {
            const call = request(
              { host: url.hostname, port: url.port, path: '/api/records', headers: { host: 'rebound.example' } },
              (response) => resolve(response.statusCode ?? 0),
            );
            call.on('error', reject).end();
          })
          .catch(reject);
      });
      expect(refused).toBe(421);
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows a sign-up from "Try it" in the timeline: pre sign-up, custom message, then post confirmation',
    async () => {
      const email = uniqueEmail('console-signup');
      expect(await submit('sign-up', { email, password: PASSWORD })).toBe('Signed up: the code is in Messages');
      expect(await timelineEntry('SignUp', 2)).toEqual(['PreSignUp_SignUp', 'CustomMessage_SignUp']);
      expect(await submit('confirm', { email, code: stack.cognito.confirmationCode })).toBe('Confirmed');
      expect(await timelineEntry('ConfirmSignUp', 1)).toEqual(['PostConfirmation_ConfirmSignUp']);

      // The verification e-mail, rendered as HTML in a sandboxed frame (no script runs in it).
      await page.getByRole('tab', { name: 'Messages' }).click();
      const message = page
        .locator('#messages > li')
        .filter({ hasText: `to ${email}` })
        .filter({ hasText: 'verification' });
      const frame = message.locator('iframe.mail').first();
      await frame.waitFor();
      expect(await frame.getAttribute('sandbox')).toBe('');
      expect(await frame.contentFrame().locator('body').innerText()).toContain(stack.cognito.confirmationCode);

      // The password typed never reaches the page, nor any token.
      const text = await page.locator('body').innerText();
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toMatch(JWT);
    },
    BROWSER_TEST_MS,
  );

  it(
    'signs in by a magic link clicked in Messages, with the claims pre token generation added marked',
    async () => {
      const email = uniqueEmail('console-link');
      await createConfirmedUser(idp, email, PASSWORD);
      const { UserAttributes } = await idp.send(
        new AdminGetUserCommand({ UserPoolId: stack.cognito.userPoolId, Username: email }),
      );
      const sub = UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? '';
      await entitlementStore(tableName('entitlements'), () => db).put(
        { kind: 'sub', id: sub },
        { roles: ['console-tester'], tenant: 'console-tenant' },
      );

      expect(await submit('link-start', { email })).toBe('If the address can sign in, a link is in Messages');
      await page.getByRole('tab', { name: 'Messages' }).click();
      const link = page
        .locator('#messages > li')
        .filter({ hasText: `to ${email}` })
        .locator('a[href*="/sign-in#token="]')
        .first();
      await link.waitFor();
      await link.click();

      await page.locator('#result[data-state="done"]', { hasText: /^Signed in$/u }).waitFor();
      const added = page.locator('#tokens tr.added td:first-child');
      await added.first().waitFor();
      expect(await added.allTextContents()).toEqual(expect.arrayContaining(['roles', 'tenant']));
      expect(await page.locator('#tokens').innerText()).toContain('console-tenant');
      expect(await page.locator('body').innerText()).not.toMatch(JWT);

      // A magic link's refresh token is the CUSTOM_AUTH stand-in's: it refreshes it, with the same claims.
      expect(await submit('refresh', {})).toBe('Tokens refreshed');
      expect(await added.allTextContents()).toEqual(expect.arrayContaining(['roles', 'tenant']));
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows a refused sign-up's user-facing reason, in the timeline and on the invocation",
    async () => {
      const email = `${uniqueEmail('console-refused').split('@')[0]}@mailinator.com`;
      const result = await submit('sign-up', { email, password: PASSWORD });
      // Cognito's words: "<function> failed with error <message>." (the function's own text, its period added).
      expect(result).toMatch(/^UserLambdaValidationException: \S+ failed with error .+\.$/u);
      const reason = result.replace(/^.* failed with error (.+)\.$/u, '$1');

      await page.getByRole('tab', { name: 'Sign-in timeline' }).click();
      const operation = page.locator('#timeline > li.error').filter({ hasText: reason }).first();
      await operation.waitFor();
      expect(await operation.locator('.caused .trigger').allTextContents()).toEqual(['PreSignUp_SignUp']);
      expect((await operation.locator('.caused .reason').innerText()).trim()).toBe(reason);

      await page.getByRole('tab', { name: 'Invocations' }).click();
      await page.locator('#filter-outcome').selectOption('refused');
      const row = page.locator('#invocations tr[data-id]').filter({ hasText: 'PreSignUp_SignUp' }).first();
      await row.waitFor();
      await row.getByRole('button').focus();
      await page.keyboard.press('Enter');
      expect(await row.getByRole('button').getAttribute('aria-expanded')).toBe('true');
      const details = await page.locator('#invocations tr.details').first().innerText();
      expect(details).toContain(`Reason: ${reason}`);
      expect(details).not.toContain(PASSWORD);
      expect(details).not.toContain(email);
    },
    BROWSER_TEST_MS,
  );

  it(
    'lists a user signed up through "Try it" in Users, with its status, and what pre token generation reads',
    async () => {
      const email = uniqueEmail('console-users');
      await submit('sign-up', { email, password: PASSWORD });
      await page.getByRole('tab', { name: 'Users' }).click();
      // The guide's ListUsers filter: `email ^= "<prefix>"` (Managing and searching for user accounts).
      await page.getByLabel('Pool e-mail starts with').fill(email);
      await page.getByRole('button', { name: 'Refresh' }).click();
      const row = page.locator('#pool-users tr[data-username]').filter({ hasText: email });
      await row.locator('td.status', { hasText: /^UNCONFIRMED$/u }).waitFor();

      await submit('confirm', { email, code: stack.cognito.confirmationCode });
      await page.getByRole('tab', { name: 'Users' }).click();
      await row.locator('td.status', { hasText: /^CONFIRMED$/u }).waitFor();
      // The user's own row, keyed by sub as pre token generation reads it (functions/pre-token-generation/sources.ts).
      const { UserAttributes } = await idp.send(
        new AdminGetUserCommand({ UserPoolId: stack.cognito.userPoolId, Username: email }),
      );
      const sub = UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value ?? '';
      await entitlementStore(tableName('entitlements'), () => db).put(
        { kind: 'sub', id: sub },
        { tenant: 'users-view' },
      );
      await row.getByRole('button', { name: /^Show entitlements of / }).click();
      await row.locator('.entitlements li', { hasText: `sub#${sub}` }).waitFor();
      expect(await row.locator('.entitlements').innerText()).toContain('"tenant": "users-view"');
      await screenshot('users');
    },
    BROWSER_TEST_MS,
  );

  it(
    "shows a legacy row's migration state and marker, and no hash anywhere on the page",
    async () => {
      const store = legacyUserStore(tableName('legacyUsers'), () => db);
      const name = uniqueEmail('console-legacy').split('@')[0] ?? '';
      const row = (username: string) => ({
        username,
        usernameAsGiven: username,
        email: `${username}@example.com`,
        attributes: { email: `${username}@example.com`, email_verified: 'true' },
        passwordHash: '$2b$10$abcdefghijklmnopqrstuuJ0w0fKQ2mJ7hG2dI0pX5y3v7cR8Lq4K',
        mfaEnabled: false,
        importedAt: new Date().toISOString(),
      });
      await store.putAll([row(name), row(`${name}-waiting`)]);
      expect(await store.markMigrated(name, new Date().toISOString(), Math.floor(Date.now() / 1000) + 86_400)).toBe(
        'marked',
      );

      await page.getByRole('tab', { name: 'Users' }).click();
      await page.getByLabel('Legacy user name').fill(name);
      await page.getByRole('button', { name: 'Refresh' }).click();
      const migrated = page.locator(`#legacy-users tr[data-username="${name}"]`);
      await migrated.waitFor();
      expect(await migrated.locator('td').allTextContents()).toEqual([
        name,
        `${name}@example.com`,
        'migrated',
        expect.any(String),
        expect.any(String),
        'MIGRATED#',
        'stored (not shown)',
      ]);

      await page.getByLabel('Legacy user name').fill(`${name}-waiting`);
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page
        .locator(`#legacy-users tr[data-username="${name}-waiting"] td`, { hasText: /^not migrated$/u })
        .waitFor();
      // And the unsearched page of the directory (whatever other tests imported): no hash of any format.
      await page.getByLabel('Legacy user name').fill('');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator('#legacy-users tr').first().waitFor();
      const text = await page.locator('body').innerText();
      // A stored hash of any format (a label such as another test's family name "bcrypt $2b$" is no hash).
      expect(text).not.toMatch(STORED_HASH);
    },
    BROWSER_TEST_MS,
  );

  it('runs an example import and shows its summary and rejects (line, reason)', async () => {
    await page.getByRole('tab', { name: 'Imports' }).click();
    await page.getByRole('button', { name: 'Run an example import' }).click();
    await page.locator('#imports-status', { hasText: /^Put imports\/example-/u }).waitFor({ timeout: 60_000 });
    const name = ((await page.locator('#imports-status').textContent()) ?? '').replace(
      /^Put imports\/(.+)\.csv:.*$/u,
      '$1',
    );
    const run = page.locator(`#imports > li[data-name="${name}"]`);
    // The page polls while the run has no summary; batch-import writes it last (results/<name>/summary.json).
    await run.locator('.figures').waitFor({ timeout: 90_000 });
    expect(await run.getAttribute('class')).toBe('import done');
    const figures = await run.locator('.figures').innerText();
    expect(figures).toMatch(/accepted\s+[1-9]\d*/u);
    expect(figures).toMatch(/rejected\s+[1-9]/u);
    const reject = run.locator('table.rejects tbody tr').filter({ hasText: 'username-invalid' }).first();
    await reject.waitFor();
    expect(Number(await reject.locator('td').first().textContent())).toBeGreaterThan(50);
    expect(await page.locator('body').innerText()).not.toMatch(STORED_HASH);
    await screenshot('imports');
  }, 150_000);

  it(
    "shows in Users the claims of a user's last sign-in made by an SDK client, the added ones marked, and no token",
    async () => {
      const email = uniqueEmail('console-sdk');
      const username = await userWithEntitlements(email, 'sdk-tenant');
      // An app's sign-in (InitiateAuth USER_PASSWORD_AUTH through the local pool), not the console's.
      const { AuthenticationResult } = await signIn(idp, email, PASSWORD);
      expect(AuthenticationResult?.IdToken).toMatch(JWT);

      await page.getByRole('tab', { name: 'Users' }).click();
      await page.getByLabel('Pool e-mail starts with').fill(email);
      await page.getByRole('button', { name: 'Refresh' }).click();
      // The search's own read, not the one showing the view started.
      await page.locator('#users-status', { hasText: /^Read at / }).waitFor();
      const row = page.locator(`#pool-users tr[data-username="${username}"]`);
      const summary = row.locator('details.sign-in summary');
      await summary.waitFor();
      expect(await summary.innerText()).toMatch(/InitiateAuth USER_PASSWORD_AUTH$/u);
      await summary.click();
      const added = row.locator('table.claims tr.added td:first-child');
      await added.first().waitFor();
      expect(await added.allTextContents()).toContain('tenant');
      expect(await row.innerText()).toContain('sdk-tenant');

      // Decoded claims only: no JWT (nor any `eyJ`), no refresh token, in the page or in what it reads.
      const body = await page.locator('body').innerText();
      const { text } = await usersApi(email);
      for (const seen of [body, text]) {
        expect(seen).not.toContain('eyJ');
        expect(seen).not.toContain(AuthenticationResult?.RefreshToken ?? 'no refresh token');
      }
    },
    BROWSER_TEST_MS,
  );

  it(
    'shows a token refresh from "Try it" in the timeline with its pre token generation (TokenGeneration_RefreshTokens)',
    async () => {
      const email = uniqueEmail('console-refresh');
      expect(await submit('sign-up', { email, password: PASSWORD })).toBe('Signed up: the code is in Messages');
      expect(await submit('confirm', { email, code: stack.cognito.confirmationCode })).toBe('Confirmed');
      expect(await submit('sign-in', { email, password: PASSWORD })).toBe('Signed in');
      expect(await submit('refresh', {})).toBe('Tokens refreshed');
      expect(await page.locator('#tokens').innerText()).not.toContain('eyJ');

      // The refresh is the user's last sign-in: its operation, found by id in the timeline.
      const { user } = await usersApi(email);
      const last = user?.lastSignIn as { operationId: number; detail: string } | undefined;
      expect(last?.detail).toBe('REFRESH_TOKEN_AUTH');
      await page.getByRole('tab', { name: 'Sign-in timeline' }).click();
      const entry = page.locator(`#timeline > li[data-id="${last?.operationId}"]`);
      // "TokenGeneration_RefreshTokens: Called when a user tries to refresh the identity and access tokens"
      // (developer guide, "Pre token generation Lambda trigger sources").
      await entry.locator('.caused > li').first().waitFor();
      expect(await entry.locator('strong').innerText()).toBe('InitiateAuth');
      expect(await entry.innerText()).toContain('REFRESH_TOKEN_AUTH');
      expect(await entry.locator('.caused .trigger').allTextContents()).toEqual(['TokenGeneration_RefreshTokens']);

      // The picture in README: the timeline of a sign-up, a confirmation, a sign-in and a refresh.
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: '.local/console-screenshots/console.png' });
    },
    BROWSER_TEST_MS,
  );

  it(
    'has no serious or critical axe-core violation in any view',
    async () => {
      // Something in each view: a sign-up (invocations, timeline, messages), a sign-in's claims (Try it).
      const email = uniqueEmail('console-axe');
      await submit('sign-up', { email, password: PASSWORD });
      await submit('confirm', { email, code: stack.cognito.confirmationCode });
      await submit('sign-in', { email, password: PASSWORD });
      // The page's CSP (script-src 'self') refuses an injected <script>, which page.addScriptTag adds
      // (with `content` or `path` alike). page.evaluate sends the source over the DevTools protocol
      // (Runtime.evaluate), to which the page's CSP does not apply: axe is defined in the page's world.
      await page.evaluate(AXE_SOURCE);
      const violations: string[] = [];
      for (const view of VIEWS) {
        await page.getByRole('tab', { name: view }).click();
        if (view === 'Users') await page.locator('#users-status', { hasText: /^Read at / }).waitFor();
        if (view === 'Messages') await page.locator('#messages > li').first().waitFor();
        // The e-mails' sandboxed frames run no script, so axe cannot enter them: their templates are
        // the messages' own concern (test/unit of the mail templates).
        const found = (await page.evaluate(
          `axe.run(document, { iframes: false, resultTypes: ['violations'] }).then((result) => result.violations
            .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
            .map((violation) => violation.id + ' (' + violation.impact + '): ' +
              violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')))`,
        )) as string[];
        violations.push(...found.map((violation) => `${view}: ${violation}`));
        await screenshot(view.toLowerCase().replace(/\W+/gu, '-'));
      }
      expect(violations).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it(
    'is reached with Tab and moves between views with the arrow keys, Home and End (WAI-ARIA tabs)',
    async () => {
      // From the top of the page, Tab reaches the selected tab first (the others are out of the Tab order).
      await page.locator('body').focus();
      let focused = '';
      for (let presses = 0; presses < 5 && !focused.startsWith('tab-'); presses += 1) {
        await page.keyboard.press('Tab');
        focused = (await page.locator(':focus').getAttribute('id')) ?? '';
      }
      expect(focused).toBe('tab-invocations');
      const expectSelected = async (id: string, panel: string) => {
        expect(await page.locator(':focus').getAttribute('id')).toBe(id);
        expect(await page.locator(`#${id}`).getAttribute('aria-selected')).toBe('true');
        expect(await page.locator(`#${panel}`).isVisible()).toBe(true);
        expect(await page.locator('[role="tab"][tabindex="0"]').count()).toBe(1);
      };
      await page.keyboard.press('ArrowRight');
      await expectSelected('tab-timeline', 'view-timeline');
      await page.keyboard.press('End');
      await expectSelected('tab-try', 'view-try');
      await page.keyboard.press('ArrowRight');
      await expectSelected('tab-invocations', 'view-invocations');
      await page.keyboard.press('ArrowLeft');
      await expectSelected('tab-try', 'view-try');
      await page.keyboard.press('Home');
      await expectSelected('tab-invocations', 'view-invocations');
      // Tab leaves the tab list for the panel.
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').getAttribute('role')).not.toBe('tab');
    },
    BROWSER_TEST_MS,
  );

  it(
    'has no horizontal scroll in any view at 1280 px or at 400 px',
    async () => {
      const overflow = () =>
        page.evaluate(
          `({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })`,
        ) as Promise<{ scrollWidth: number; clientWidth: number }>;
      const wide: string[] = [];
      for (const width of [1280, 400]) {
        await page.setViewportSize({ width, height: 800 });
        for (const view of VIEWS) {
          await page.getByRole('tab', { name: view }).click();
          if (view === 'Users') await page.locator('#users-status', { hasText: /^Read at / }).waitFor();
          const { scrollWidth, clientWidth } = await overflow();
          if (scrollWidth > clientWidth) wide.push(`${view} at ${width} px: ${scrollWidth} > ${clientWidth}`);
        }
      }
      expect(wide).toEqual([]);
    },
    BROWSER_TEST_MS,
  );
});
