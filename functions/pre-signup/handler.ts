/**
 * Pre sign-up: domain rules and disposable addresses, auto-confirm rules, and for federated sign-ups
 * linking to the native account that already owns the verified address, or auto-verifying an address
 * nobody else holds.
 */
import { asError, cognitoTrigger, MetricUnit, UserFacingError } from '../../shared/runtime/index.ts';
import { preSignUp } from '../../shared/events/triggers/pre-signup.ts';
import { cognitoDirectory } from '../../shared/aws/cognito.ts';
import { loadConfig } from './config.ts';
import { decideSignUp } from './policy.ts';
import { isDisposableDomain } from './disposable.ts';
import { settleFederatedSignUp } from './linking.ts';

const directory = cognitoDirectory();
let removedSettingsReported = false;

export const handler = cognitoTrigger(
  preSignUp,
  async (event, { config, log, metrics, budget }) => {
    if (!removedSettingsReported && config.removedSettings.length > 0) {
      removedSettingsReported = true;
      log.warn('settings no longer read are set; they do nothing (docs/pre-signup.md, Security notes)', {
        settings: config.removedSettings,
      });
    }
    const { userAttributes } = event.request;
    const verdict = decideSignUp(
      { triggerSource: event.triggerSource, userName: event.userName, userAttributes },
      config.policy,
      isDisposableDomain,
    );
    if (!verdict.allowed) throw new UserFacingError(verdict.message, verdict.reason);

    let { autoVerifyEmail } = verdict;
    if (verdict.federated) {
      const request = { userPoolId: event.userPoolId, userName: event.userName, ...verdict.federated };
      const outcome = await settleFederatedSignUp(directory, request, budget.signal);
      if (outcome.linked) {
        const { providerName: provider } = outcome.linked;
        if (outcome.repeated) log.info('federated identity found linked already (a repeated delivery)', { provider });
        else {
          log.info('federated identity linked to native user', { provider });
          metrics.addMetric('IdentitiesLinked', MetricUnit.Count, 1);
        }
        // Cognito would still create a second user from this sign-up; refusing it makes the next
        // federated sign-in land on the linked native account instead. A retry ends the same way.
        throw new UserFacingError(config.linkedMessage, 'identity-linked');
      }
      if (outcome.withheld === 'directory-unavailable') {
        log.error('user directory unavailable: address not auto-verified', asError(outcome.lookupError));
        metrics.addMetric('DirectoryLookupFailures', MetricUnit.Count, 1);
      } else if (outcome.withheld === 'address-held') {
        log.info('address held by another user: not auto-verified');
      }
      autoVerifyEmail = outcome.autoVerifyEmail;
    }

    event.response.autoConfirmUser = verdict.autoConfirmUser;
    event.response.autoVerifyEmail = autoVerifyEmail;
    event.response.autoVerifyPhone = verdict.autoVerifyPhone;
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
