/**
 * Create auth challenge: an e-mail one-time code or a magic link (plan.ts decides), within the user's
 * send limit across sessions, delivered only to a verified address. For a user who does not exist or
 * has no verified address the same work is done, the same challenge returned, and nothing sent; the
 * time a send would have taken is waited instead. Fails closed: no challenge without its message.
 */
import { cognitoTrigger, UserFacingError } from '../../shared/runtime/index.ts';
import { MetricUnit } from '../../shared/runtime/observability.ts';
import { createAuthChallenge } from '../../shared/events/triggers/auth-challenge.ts';
import { mailSender } from '../../shared/mail/sender.ts';
import { authChallengeStore, sendKey } from '../../shared/stores/auth-challenges.ts';
import { loadConfig } from './config.ts';
import { renderChallengeEmail } from './email.ts';
import { pause, sendLatency, type SendLatency } from './latency.ts';
import { planChallenge, REFUSALS } from './plan.ts';

const sender = mailSender();
let latency: SendLatency | undefined;

export const handler = cognitoTrigger(
  createAuthChallenge,
  async (event, { config, log, metrics, budget }) => {
    latency ??= sendLatency(config.initialSendLatencyMs);
    const now = Date.now();
    const { session, clientMetadata, userAttributes, userNotFound } = event.request;
    const plan = planChallenge(
      {
        session,
        clientMetadata,
        userAttributes,
        userNotFound: userNotFound === true,
        binding: {
          userPoolId: event.userPoolId,
          clientId: event.callerContext.clientId ?? '',
          userName: event.userName,
        },
        now,
      },
      config,
    );
    if (plan.kind === 'refuse') throw new UserFacingError(plan.message, 'challenge refused');

    const { outgoing, state } = plan;
    if (outgoing) {
      const verdict = await authChallengeStore(config.authChallengesTable).takeSend(
        sendKey(event.userPoolId, event.userName),
        now,
        { limit: config.sendLimit, windowMs: config.sendWindowSeconds * 1000 },
        budget.signal,
      );
      if (!verdict.allowed) {
        log.info('send limit reached', { retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) });
        metrics.addMetric('SendThrottled', MetricUnit.Count, 1);
        throw new UserFacingError(REFUSALS.throttled, 'send limit reached');
      }
      const email = renderChallengeEmail(outgoing, config.mail.appName, clientMetadata, userAttributes);
      if (outgoing.deliverTo) {
        const startedAt = performance.now();
        await sender.send({ to: outgoing.deliverTo, from: config.mail.from, ...email }, budget.signal);
        latency.record(performance.now() - startedAt);
        metrics.addMetric(state.method === 'EMAIL_OTP' ? 'CodeSent' : 'LinkSent', MetricUnit.Count, 1);
      } else {
        await pause(latency.expectedMs(), budget.signal);
        metrics.addMetric('NotDelivered', MetricUnit.Count, 1);
      }
    }
    log.info('challenge created', {
      method: state.method,
      origin: state.origin,
      delivered: Boolean(outgoing?.deliverTo),
    });
    event.response = {
      publicChallengeParameters: plan.publicChallengeParameters,
      privateChallengeParameters: plan.privateChallengeParameters,
      challengeMetadata: plan.challengeMetadata,
    };
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
