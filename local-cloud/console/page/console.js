// The local console's page: plain DOM, no framework and no build step. Every value from the stack is
// put on the page as text (textContent), never as markup; e-mails render in a sandboxed frame.

const records = { invocation: new Map(), operation: new Map(), message: new Map() };
const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

// fractionalSecondDigits alone would show the milliseconds only: the hour, minute and second are named too.
const time = (iso) =>
  new Date(iso).toLocaleTimeString([], {
    hour12: false,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
  });
const outcomeBadge = (outcome) => element('span', { class: `badge ${outcome}`, text: outcome });

// Tabs: arrow keys move between them, Home and End to the first and last (WAI-ARIA tabs pattern,
// automatic activation); only the selected tab is in the Tab order, each shows its panel.
const tabs = [...document.querySelectorAll('[role="tab"]')];
function select(tab) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
  // The Users and Imports views read the stack when shown, not on every record.
  onShow[tab.id]?.();
}
const onShow = {};
for (const [index, tab] of tabs.entries()) {
  tab.addEventListener('click', () => select(tab));
  tab.addEventListener('keydown', (event) => {
    const target = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = tabs[target];
    select(next);
    next.focus();
  });
}

// Invocations: a row each, newest first; a click or Enter opens the event, answer and log lines.
const filters = { functionName: $('filter-function'), outcome: $('filter-outcome'), userRef: $('filter-user') };
function matches(invocation) {
  return (
    (!filters.functionName.value || invocation.functionName === filters.functionName.value) &&
    (!filters.outcome.value || invocation.outcome === filters.outcome.value) &&
    (!filters.userRef.value.trim() || (invocation.userRef ?? '').startsWith(filters.userRef.value.trim()))
  );
}
function details(invocation) {
  const block = (title, value) =>
    element('section', {}, element('h3', { text: title }), element('pre', { text: JSON.stringify(value, null, 2) }));
  return element(
    'tr',
    { class: 'details' },
    element(
      'td',
      { colspan: '6' },
      invocation.reason ? element('p', { text: `Reason: ${invocation.reason}` }) : undefined,
      block('Event', invocation.event),
      block('Answer', invocation.answer),
      block('Log lines', invocation.logs),
    ),
  );
}
function invocationRow(invocation) {
  // A table row takes no aria-expanded (ARIA: only in a grid or tree grid): the disclosure is a button
  // in the row's first cell, and a click anywhere on the row does the same.
  const button = element('button', {
    type: 'button',
    class: 'disclosure',
    'aria-expanded': 'false',
    text: time(invocation.at),
    title: 'Show the event, the answer and the log lines',
  });
  const row = element(
    'tr',
    { 'data-id': String(invocation.id) },
    element('td', {}, button),
    element('td', { text: invocation.functionName }),
    element('td', { text: invocation.triggerSource ?? '' }),
    element('td', {}, outcomeBadge(invocation.outcome)),
    element('td', { class: 'number', text: String(Math.round(invocation.durationMs)) }),
    element('td', { class: 'mono', text: invocation.userRef ?? '' }),
  );
  // The button's own click (Enter, Space) bubbles here too: one handler for both.
  row.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', String(!open));
    if (open) row.nextElementSibling?.remove();
    else row.after(details(invocation));
  });
  return row;
}
function renderInvocations() {
  const body = $('invocations');
  const rows = [...records.invocation.values()].filter(matches).reverse().map(invocationRow);
  body.replaceChildren(...rows);
  const known = new Set([...records.invocation.values()].map((invocation) => invocation.functionName));
  const options = [...filters.functionName.options].map((option) => option.value);
  for (const name of [...known].sort()) {
    if (!options.includes(name)) filters.functionName.append(element('option', { text: name, value: name }));
  }
}
for (const control of Object.values(filters)) control.addEventListener('input', renderInvocations);

// Timeline: each operation with the triggers it caused, in order.
function renderTimeline() {
  const items = [...records.operation.values()].reverse().map((operation) => {
    const caused = operation.invocations
      .map((id) => records.invocation.get(id))
      .filter(Boolean)
      .map((invocation) =>
        element(
          'li',
          {},
          element('span', { class: 'trigger', text: invocation.triggerSource ?? invocation.functionName }),
          ' ',
          outcomeBadge(invocation.outcome),
          element('span', { class: 'quiet', text: ` ${Math.round(invocation.durationMs)} ms` }),
          invocation.reason ? element('span', { class: 'reason', text: ` ${invocation.reason}` }) : undefined,
        ),
      );
    return element(
      'li',
      { class: `operation ${operation.status}`, 'data-id': String(operation.id) },
      element(
        'p',
        {},
        element('strong', { text: operation.operation }),
        operation.detail ? element('span', { class: 'quiet', text: ` ${operation.detail}` }) : undefined,
        element('span', { class: 'quiet', text: ` ${time(operation.at)}, ${Math.round(operation.durationMs)} ms` }),
        operation.userRef ? element('span', { class: 'mono', text: ` ${operation.userRef}` }) : undefined,
        ' ',
        outcomeBadge(operation.status === 'ok' ? 'answered' : 'error'),
      ),
      operation.error
        ? element('p', { class: 'reason', text: `${operation.error.type}: ${operation.error.message}` })
        : undefined,
      caused.length > 0 ? element('ol', { class: 'caused', 'aria-label': 'Triggers' }, ...caused) : undefined,
    );
  });
  $('timeline').replaceChildren(...items);
}

// Messages: e-mails as rendered HTML (sandboxed: no script, no same-origin) and as text; links clickable.
const LINK = /https?:\/\/[^\s<>"']+/gu;
function withLinks(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    parts.push(text.slice(last, match.index));
    parts.push(element('a', { href: match[0], text: match[0] }));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}
function messageItem(message) {
  return element(
    'li',
    { class: 'message' },
    element(
      'p',
      {},
      element('strong', { text: message.channel === 'sms' ? 'SMS' : message.subject || '(no subject)' }),
      element('span', { class: 'quiet', text: ` to ${message.to}, ${time(message.at)}, via ${message.via}` }),
    ),
    message.html
      ? element('iframe', {
          sandbox: '',
          srcdoc: message.html,
          title: `E-mail: ${message.subject ?? ''}`,
          class: 'mail',
        })
      : undefined,
    message.text ? element('pre', { class: 'text' }, ...withLinks(message.text)) : undefined,
  );
}
/**
 * New messages are put on top and the rest left in place: a frame moved in the document loads again
 * (and a reader loses their place), so the list is never rebuilt. The newest SHOWN_MESSAGES are kept.
 */
const SHOWN_MESSAGES = 100;
const shownMessages = new Set();
function renderMessages() {
  const list = $('messages');
  for (const message of records.message.values()) {
    if (shownMessages.has(message.id)) continue;
    shownMessages.add(message.id);
    list.prepend(messageItem(message));
  }
  while (list.children.length > SHOWN_MESSAGES) list.lastElementChild.remove();
}

// Live: the stream sends everything so far, then each record as it is made.
let pending;
function schedule() {
  pending ??= requestAnimationFrame(() => {
    pending = undefined;
    renderInvocations();
    renderTimeline();
    renderMessages();
  });
}
const events = new EventSource('/api/events');
events.addEventListener('record', (event) => {
  const record = JSON.parse(event.data);
  records[record.kind]?.set(record.id, record);
  schedule();
});
events.addEventListener('open', () => ($('live').textContent = 'Live'));
events.addEventListener('error', () => ($('live').textContent = 'Disconnected: is npm start still running?'));

/** A table with a caption and column headings; `rows` are its body's rows. */
function dataTable(className, caption, headings, rows) {
  return element(
    'table',
    { class: className },
    element('caption', { text: caption }),
    element('thead', {}, element('tr', {}, ...headings.map((text) => element('th', { scope: 'col', text })))),
    element('tbody', {}, ...rows),
  );
}

// Try it: each form posts its fields; the answer is shown, and a sign-in's tokens as marked claims.
function claimsTable(title, claims, suppressed = []) {
  return dataTable(
    'claims',
    title,
    ['Claim', 'Value', 'Pre token generation'],
    [
      ...claims.map((claim) =>
        element(
          'tr',
          { class: claim.added ? 'added' : undefined },
          element('td', { class: 'mono', text: claim.name }),
          element('td', {
            class: 'mono',
            text: typeof claim.value === 'string' ? claim.value : JSON.stringify(claim.value),
          }),
          element('td', { text: claim.added ? 'added' : '' }),
        ),
      ),
      ...suppressed.map((name) =>
        element(
          'tr',
          { class: 'removed' },
          element('td', { class: 'mono', text: name }),
          element('td', { text: '' }),
          element('td', { text: 'removed' }),
        ),
      ),
    ],
  );
}
function showAnswer(answer) {
  $('result').textContent = answer.ok ? answer.message : `${answer.error}: ${answer.message}`;
  $('result').className = answer.ok ? 'ok' : 'refused';
  $('result').dataset.state = 'done';
  $('tokens').replaceChildren(
    ...(answer.tokens
      ? [
          claimsTable('ID token', answer.tokens.id, answer.tokens.suppressed),
          claimsTable('Access token', answer.tokens.access),
        ]
      : []),
  );
  if (answer.session)
    for (const input of document.querySelectorAll('input[name="session"]')) input.value = answer.session;
}
async function post(action, fields) {
  $('result').textContent = 'Working…';
  $('result').dataset.state = 'working';
  const response = await fetch(`/api/try/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fields),
  });
  showAnswer(response.ok ? await response.json() : { ok: false, error: 'Console', message: await response.text() });
}
for (const form of document.querySelectorAll('form[data-action]')) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form));
    // A password typed here goes to the pool and nowhere else: the field is cleared once sent.
    for (const input of form.querySelectorAll('input[type="password"]')) input.value = '';
    post(form.dataset.action, fields).catch((error) =>
      showAnswer({ ok: false, error: 'Console', message: String(error) }),
    );
  });
}

// Users: the pool's users, the legacy directory (never a hash: the server drops it), entitlements.
async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}
const date = (iso) => (iso ? new Date(iso).toLocaleString([], { hour12: false }) : '');
function attributeList(attributes) {
  return element(
    'dl',
    { class: 'attributes' },
    ...Object.entries(attributes).flatMap(([name, value]) => [
      element('dt', { text: name }),
      element('dd', { text: value }),
    ]),
  );
}
function entitlementsCell(username) {
  const cell = element('td', {});
  const show = element('button', { type: 'button', text: 'Show', 'aria-label': `Show entitlements of ${username}` });
  show.addEventListener('click', async () => {
    show.disabled = true;
    try {
      const answer = await getJson(`/api/users/entitlements?username=${encodeURIComponent(username)}`);
      if (answer.error) throw new Error(answer.error);
      const rows = answer.rows.map((row) =>
        element(
          'li',
          {},
          element('span', { class: 'mono', text: row.key }),
          element('pre', { text: row.entitlements ? JSON.stringify(row.entitlements, null, 2) : 'no row' }),
        ),
      );
      cell.replaceChildren(
        element('p', { class: 'quiet', text: `Groups: ${answer.groups.join(', ') || 'none'}` }),
        element('ul', { class: 'entitlements' }, ...rows),
      );
    } catch (error) {
      cell.replaceChildren(element('p', { class: 'refused', text: String(error.message ?? error) }));
    }
  });
  cell.append(show);
  return cell;
}
function poolRow(user) {
  return element(
    'tr',
    { 'data-username': user.username },
    element('td', { class: 'mono', text: user.username }),
    element('td', { class: 'status', text: user.status }),
    element('td', { text: user.enabled ? 'yes' : 'no' }),
    element('td', { text: date(user.created) }),
    element('td', {}, attributeList(user.attributes)),
    entitlementsCell(user.username),
    element('td', {}, lastSignIn(user.lastSignIn)),
  );
}
// The tokens of the user's last sign-in through the local pool (any client), as decoded claims: the
// server keeps no token for the page.
function lastSignIn(signIn) {
  if (!signIn) return element('span', { class: 'quiet', text: 'none since npm start' });
  return element(
    'details',
    { class: 'sign-in' },
    element('summary', { text: `${time(signIn.at)} ${signIn.operation} ${signIn.detail ?? ''}`.trim() }),
    claimsTable('ID token', signIn.tokens.id, signIn.tokens.suppressed),
    claimsTable('Access token', signIn.tokens.access),
  );
}
const MIGRATION = {
  'not-migrated': 'not migrated',
  migrated: 'migrated',
  expired: 'migrated, row expired (marker kept)',
};
function legacyRow(view) {
  const row = view.row ?? {};
  return element(
    'tr',
    { 'data-username': view.username },
    element('td', { class: 'mono', text: row.usernameAsGiven ?? view.username }),
    element('td', { text: row.email ?? '' }),
    element('td', { class: `state-${view.state}`, text: MIGRATION[view.state] ?? view.state }),
    element('td', { text: date(view.migratedAt) }),
    element('td', { text: view.expiresAt ? date(new Date(view.expiresAt * 1000).toISOString()) : '' }),
    element('td', { text: view.marker ? 'MIGRATED#' : '' }),
    element('td', { text: view.hasPasswordHash ? 'stored (not shown)' : view.row ? 'none: must reset' : '' }),
  );
}
const emptyRow = (columns, text) => element('tr', {}, element('td', { colspan: String(columns), text }));
// Showing the view and a search each read the users: only the latest read is shown, or a slower
// earlier one would replace the rows (and close a row's opened sign-in) after the search's.
let usersRead = 0;
async function loadUsers() {
  const read = ++usersRead;
  $('users-status').textContent = 'Loading…';
  try {
    const query = new URLSearchParams({ email: $('users-email').value, legacy: $('users-legacy').value });
    const { pool, legacy } = await getJson(`/api/users?${query}`);
    if (read !== usersRead) return;
    $('pool-users').replaceChildren(
      ...(pool.error ? [emptyRow(7, pool.error)] : pool.users.map(poolRow)),
      ...(pool.truncated ? [emptyRow(7, 'More users: search by e-mail to find one.')] : []),
    );
    $('legacy-users').replaceChildren(
      ...(legacy.error ? [emptyRow(7, legacy.error)] : legacy.rows.map(legacyRow)),
      ...(legacy.truncated ? [emptyRow(7, 'More rows: search by user name to find one.')] : []),
    );
    $('users-status').textContent = `Read at ${time(new Date().toISOString())}`;
  } catch (error) {
    if (read !== usersRead) return;
    $('users-status').textContent = `Could not read the users: ${error.message ?? error}`;
  }
}
onShow['tab-users'] = loadUsers;
$('users-form').addEventListener('submit', (event) => {
  event.preventDefault();
  loadUsers();
});

// Imports: each CSV under imports/ with its summary and rejects; polled while one is still running.
function importItem(run) {
  const figures = Object.entries(run.summary ?? {})
    .filter(([, value]) => typeof value !== 'object')
    .map(([name, value]) => element('li', {}, element('span', { class: 'quiet', text: `${name} ` }), String(value)));
  const rejects = run.rejects.map((reject) =>
    element(
      'tr',
      {},
      element('td', { class: 'number', text: reject.line }),
      element('td', { class: 'reason', text: reject.reason }),
      element('td', { text: reject.column }),
      element('td', { class: 'mono', text: reject.username }),
    ),
  );
  return element(
    'li',
    { class: `import ${run.state}`, 'data-name': run.name },
    element(
      'p',
      {},
      element('strong', { text: run.name }),
      element('span', { class: 'quiet', text: ` ${run.key} ` }),
      outcomeBadge(run.state),
    ),
    run.error ? element('p', { class: 'reason', text: run.error }) : undefined,
    figures.length ? element('ul', { class: 'figures', 'aria-label': 'Summary' }, ...figures) : undefined,
    rejects.length
      ? element(
          'div',
          { class: 'scroll' },
          dataTable(
            'rejects',
            `Rejects${run.rejectsTruncated ? ' (the first 100)' : ''}`,
            ['Line', 'Reason', 'Column', 'User name'],
            rejects,
          ),
        )
      : undefined,
  );
}
let importsTimer;
async function loadImports() {
  clearTimeout(importsTimer);
  try {
    const runs = await getJson('/api/imports');
    if (runs.error) throw new Error(runs.error);
    $('imports').replaceChildren(...runs.map(importItem));
    if (!runs.length) $('imports-status').textContent = 'No imports yet: put a CSV under imports/ or run the example.';
    // A run without a summary is still going: look again while the view is open.
    if (runs.some((run) => run.state === 'pending') && !$('view-imports').hidden)
      importsTimer = setTimeout(loadImports, 2000);
  } catch (error) {
    $('imports-status').textContent = `Could not read the imports: ${error.message ?? error}`;
  }
}
onShow['tab-imports'] = loadImports;
$('imports-refresh').addEventListener('click', loadImports);
$('imports-example').addEventListener('click', async () => {
  $('imports-example').disabled = true;
  $('imports-status').textContent = 'Writing the example export…';
  try {
    const response = await fetch('/api/imports/example', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const answer = response.ok ? await response.json() : { error: await response.text() };
    if (answer.error) throw new Error(answer.error);
    await loadImports();
    $('imports-status').textContent = `Put ${answer.key}: batch-import is running it.`;
  } catch (error) {
    $('imports-status').textContent = `Could not start the example: ${error.message ?? error}`;
  } finally {
    $('imports-example').disabled = false;
  }
});

// A magic link opens /sign-in#token=...: redeem it, show the result on the Try it view.
if (location.pathname === '/sign-in') {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  history.replaceState(null, '', '/');
  select($('tab-try'));
  if (token) post('link-redeem', { token });
}
