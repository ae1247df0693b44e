/**
 * cognito-local "sends" its messages (sign-up and reset codes, invitations, the custom message
 * function's result) by printing a box on its console, which the local stack does not show. This keeps
 * each such message, as plain text, in a log file a person or a test can read: what Cognito would have
 * e-mailed or texted. Codes are local, fixed test codes (cognito-local's CODE), never real ones.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** One delivered message: the fields cognito-local prints (Username, Destination, Code, Email Subject, ...). */
export type DeliveredMessage = Record<string, string>;

const ANSI = /\u001b\[[0-9;]*m/gu;
const TITLE = 'Confirmation Code Delivery';
const FIELD = /^(Username|Destination|Code|Email Subject|Email Message|SMS Message):\s*(.*)$/u;

/** The lines inside a box, less its borders and padding. */
function inside(line: string): string {
  return line
    .replace(ANSI, '')
    .replace(/^[^│]*│/u, '')
    .replace(/│[^│]*$/u, '')
    .trim();
}

/** The fields of one box's inner lines; a field's value continues on the lines after it (a message body). */
export function parseDelivery(lines: readonly string[]): DeliveredMessage | undefined {
  if (!lines.some((line) => line === TITLE)) return undefined;
  const message: DeliveredMessage = {};
  let current: string | undefined;
  for (const line of lines) {
    if (line === TITLE) continue;
    const field = FIELD.exec(line);
    if (field?.[1] !== undefined) {
      current = field[1];
      message[current] = field[2] ?? '';
    } else if (current !== undefined && line !== '') {
      message[current] = `${message[current]}\n${line}`;
    }
  }
  return message;
}

/** How a message is written to the log: a time stamp, then one `Field: value` line per field. */
export function formatDelivery(message: DeliveredMessage, at = new Date()): string {
  const fields = Object.entries(message).map(([name, value]) => `${name}: ${value}`);
  return `--- ${at.toISOString()} ${TITLE}\n${fields.join('\n')}\n`;
}

/**
 * A line handler for cognito-local's output (startProcess's onOutput) that appends each delivered message
 * to `file` (and gives it to `onMessage`: the local console), and passes every line on to `next`.
 */
export function messageLogger(
  file: string,
  next?: (line: string) => void,
  onMessage?: (message: DeliveredMessage) => void,
): (line: string) => void {
  mkdirSync(dirname(file), { recursive: true });
  let box: string[] | undefined;
  return (line) => {
    next?.(line);
    const plain = line.replace(ANSI, '');
    if (box === undefined) {
      if (plain.includes('╭')) box = [];
      return;
    }
    if (plain.includes('╰')) {
      const message = parseDelivery(box);
      box = undefined;
      if (!message) return;
      onMessage?.(message);
      try {
        // Made again if someone cleared .local while the stack runs.
        mkdirSync(dirname(file), { recursive: true });
        appendFileSync(file, formatDelivery(message));
      } catch (failure) {
        // A lost log entry must not stop the stack: this runs in cognito-local's output handler.
        process.stderr.write(`cannot write ${file}: ${String(failure)}\n`);
      }
      return;
    }
    box.push(inside(plain));
  };
}
