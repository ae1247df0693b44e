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

const time = (iso) => new Date(iso).toLocaleTimeString([], { hour12: false, fractionalSecondDigits: 3 });
const outcomeBadge = (outcome) => element('span', { class: `badge ${outcome}`, text: outcome });

// Tabs: arrow keys move between them (WAI-ARIA tabs pattern), each shows its panel.
const tabs = [...document.querySelectorAll('[role="tab"]')];
function select(tab) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
}
for (const [index, tab] of tabs.entries()) {
  tab.addEventListener('click', () => select(tab));
  tab.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = tabs[(index + step + tabs.length) % tabs.length];
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
  const row = element(
    'tr',
    { tabindex: '0', 'aria-expanded': 'false', 'data-id': String(invocation.id) },
    element('td', { text: time(invocation.at) }),
    element('td', { text: invocation.functionName }),
    element('td', { text: invocation.triggerSource ?? '' }),
    element('td', {}, outcomeBadge(invocation.outcome)),
    element('td', { class: 'number', text: String(Math.round(invocation.durationMs)) }),
    element('td', { class: 'mono', text: invocation.userRef ?? '' }),
  );
  const toggle = () => {
    const open = row.getAttribute('aria-expanded') === 'true';
    row.setAttribute('aria-expanded', String(!open));
    if (open) row.nextElementSibling?.remove();
    else row.after(details(invocation));
  };
  row.addEventListener('click', toggle);
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      toggle();
    }
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
      { class: `operation ${operation.status}` },
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
function renderMessages() {
  const items = [...records.message.values()].reverse().map((message) =>
    element(
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
    ),
  );
  $('messages').replaceChildren(...items);
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

// Try it: each form posts its fields; the answer is shown, and a sign-in's tokens as marked claims.
function claimsTable(title, claims, suppressed = []) {
  return element(
    'table',
    { class: 'claims' },
    element('caption', { text: title }),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        element('th', { scope: 'col', text: 'Claim' }),
        element('th', { scope: 'col', text: 'Value' }),
        element('th', { scope: 'col', text: 'Pre token generation' }),
      ),
    ),
    element(
      'tbody',
      {},
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
    ),
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

// A magic link opens /sign-in#token=...: redeem it, show the result on the Try it view.
if (location.pathname === '/sign-in') {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
  history.replaceState(null, '', '/');
  select($('tab-try'));
  if (token) post('link-redeem', { token });
}
