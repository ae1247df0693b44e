/**
 * Define auth challenge: the passwordless sign-in's sequence (decide.ts). A failed session is one
 * answer, `failAuthentication`, whatever the reason, which Cognito turns into "Incorrect username or
 * password."; the reason goes to the log and a metric, never to the client.
 */
import { cognitoTrigger } from '../../shared/runtime/index.ts';
import { MetricUnit } from '../../shared/runtime/observability.ts';
import { defineAuthChallenge } from '../../shared/events/triggers/auth-challenge.ts';
import { loadConfig } from './config.ts';
import { decideNext } from './decide.ts';

export const handler = cognitoTrigger(
  defineAuthChallenge,
  (event, { config, log, metrics }) => {
    const { session, userNotFound, clientMetadata } = event.request;
    const decision = decideNext(
      { session, userNotFound: userNotFound === true, resendRequested: clientMetadata?.action === 'resend' },
      config,
    );
    if (decision.next === 'fail') {
      log.info('authentication failed', { reason: decision.reason, rounds: session.length });
      metrics.addMetric('AuthenticationFailed', MetricUnit.Count, 1);
      event.response = { challengeName: null, issueTokens: false, failAuthentication: true };
    } else if (decision.next === 'tokens') {
      metrics.addMetric('TokensIssued', MetricUnit.Count, 1);
      event.response = { challengeName: null, issueTokens: true, failAuthentication: false };
    } else {
      event.response = { challengeName: decision.challengeName, issueTokens: false, failAuthentication: false };
    }
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
