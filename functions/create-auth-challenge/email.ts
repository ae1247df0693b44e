/**
 * The sign-in e-mails: a one-time code, or a magic link. English only until the shared localised
 * templates land (shared/messages); the style is shared/mail/templates.ts's.
 */
import { escapeHtml } from '../../shared/mail/templates.ts';
import type { Outgoing } from './plan.ts';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export function renderChallengeEmail(
  outgoing: Pick<Outgoing, 'kind' | 'values'>,
  appName: string,
  _clientMetadata?: Readonly<Record<string, string>> | null,
  _userAttributes?: Readonly<Record<string, string>> | null,
): RenderedEmail {
  const values = outgoing.values;
  const minutes = values.minutes;
  let subject: string;
  let lines: string[];
  let htmlLines: string[];
  if ('code' in values) {
    subject = `Your ${appName} sign-in code`;
    lines = [`Your sign-in code is ${values.code}.`, `It is valid for ${minutes} minutes. Never share it with anyone.`];
    htmlLines = [
      `Your sign-in code is <strong style="font-size: 1.4em; letter-spacing: 0.1em;">${escapeHtml(values.code)}</strong>.`,
      escapeHtml(lines[1] as string),
    ];
  } else {
    subject = `Sign in to ${appName}`;
    lines = [
      `Open this link to sign in: ${values.link}`,
      `The link works once, for ${minutes} minutes. If you did not ask for it, ignore this e-mail.`,
    ];
    htmlLines = [
      `<a href="${escapeHtml(values.link)}">Sign in to ${escapeHtml(appName)}</a>`,
      escapeHtml(lines[1] as string),
    ];
  }
  const text = ['Hello,', '', ...lines.flatMap((line) => [line, '']), `The ${appName} team`, ''].join('\n');
  const html = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #1f2933;">',
    '<p>Hello,</p>',
    ...htmlLines.map((line) => `<p>${line}</p>`),
    `<p>${escapeHtml(`The ${appName} team`)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, html, text };
}
