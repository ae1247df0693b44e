/**
 * Verify auth challenge: is the answer the code that was sent, or a valid magic-link token not used
 * before (check.ts; the single use is a conditional write, so two concurrent answers with one link
 * cannot both win). A user who does not exist has a code nobody received and no link: their answers
 * go through the same comparison and are wrong. Fails closed.
 */
import { cognitoTrigger } from '../../shared/runtime/index.ts';
import { MetricUnit } from '../../shared/runtime/observability.ts';
import { verifyAuthChallenge } from '../../shared/events/triggers/auth-challenge.ts';
import { authChallengeStore } from '../../shared/stores/auth-challenges.ts';
import { loadConfig } from './config.ts';
import { checkAnswer } from './check.ts';

export const handler = cognitoTrigger(
  verifyAuthChallenge,
  async (event, { config, log, metrics, budget }) => {
    const { privateChallengeParameters, challengeAnswer, clientMetadata, userNotFound } = event.request;
    const check = checkAnswer(
      {
        // A challenge created without private parameters holds nothing to compare: every answer is wrong.
        privateChallengeParameters: privateChallengeParameters ?? {},
        answer: challengeAnswer,
        resendRequested: clientMetadata?.action === 'resend',
        binding: {
          userPoolId: event.userPoolId,
          clientId: event.callerContext.clientId ?? '',
          userName: event.userName,
        },
        now: Date.now(),
      },
      config.link?.key,
    );
    let correct = check.correct && userNotFound !== true;
    if (correct && check.correct && check.link) {
      correct = await authChallengeStore(config.authChallengesTable).useLink(
        check.link.nonce,
        check.link.expiresAt,
        budget.signal,
      );
      if (!correct) log.info('answer refused', { reason: 'link-used' });
    } else if (!check.correct) {
      log.info('answer refused', { reason: check.reason });
    }
    metrics.addMetric(correct ? 'AnswerCorrect' : 'AnswerWrong', MetricUnit.Count, 1);
    event.response = { answerCorrect: correct };
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
