/**
 * Pre sign-up: domain rules and disposable addresses, auto-confirm and auto-verify rules, and linking of
 * federated sign-ups to the native account that already owns the verified address.
 */
import { cognitoTrigger, MetricUnit, UserFacingError } from '../../shared/runtime/index.ts';
import { cognitoDirectory } from '../../shared/aws/cognito.ts';
import { loadConfig } from './config.ts';
import { decideSignUp } from './policy.ts';
import { isDisposableDomain } from './disposable.ts';
import { linkToNativeAccount } from './linking.ts';

const directory = cognitoDirectory();

export const handler = cognitoTrigger(
  'PreSignUp',
  async (event, { config, log, metrics, budget }) => {
    const { userAttributes } = event.request;
    const verdict = decideSignUp(
      { triggerSource: event.triggerSource, userName: event.userName, userAttributes },
      config.policy,
      isDisposableDomain,
    );
    if (!verdict.allowed) throw new UserFacingError(verdict.message, verdict.reason);

    if (verdict.link) {
      const request = { userPoolId: event.userPoolId, ...verdict.link };
      const linked = await linkToNativeAccount(directory, request, budget.signal);
      if (linked) {
        log.info('federated identity linked to native user', { provider: linked.providerName });
        metrics.addMetric('IdentitiesLinked', MetricUnit.Count, 1);
        // Cognito would still create a second user from this sign-up; refusing it makes the next
        // federated sign-in land on the linked native account instead.
        throw new UserFacingError(config.linkedMessage, 'identity-linked');
      }
    }

    event.response.autoConfirmUser = verdict.autoConfirmUser;
    event.response.autoVerifyEmail = verdict.autoVerifyEmail;
    event.response.autoVerifyPhone = verdict.autoVerifyPhone;
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
