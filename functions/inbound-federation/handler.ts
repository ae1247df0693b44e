/**
 * Inbound federation: keep and rename what an OIDC, SAML or social provider sends through the provider's
 * declared mapping, dropping everything the mapping does not name but the provider's `sub`. The answer
 * holds provider attribute names; the pool's attribute mapping for the provider applies after it.
 */
import { cognitoTrigger, MetricUnit, UserFacingError } from '../../shared/runtime/index.ts';
import { inboundFederation } from '../../shared/events/triggers/inbound-federation.ts';
import { loadConfig } from './config.ts';
import { decideFederation, NOTHING_MAPPED_MESSAGE } from './mapping.ts';

export const handler = cognitoTrigger(
  inboundFederation,
  (event, { config, log, metrics }) => {
    const { providerName, attributes } = event.request;
    const decision = decideFederation(config.mappings, providerName, attributes);
    if (decision.kind === 'unmapped') {
      log.info('no mapping for provider; every provider attribute kept', { providerName });
      event.response.userAttributesToMap = {};
      return event;
    }
    if (decision.tooLong.length) {
      metrics.addMetric('AttributesTooLong', MetricUnit.Count, decision.tooLong.length);
      log.warn('provider values over the attribute limit left out', { tooLong: decision.tooLong, providerName });
    }
    if (decision.kind === 'subject-too-long') {
      metrics.addMetric('SubjectTooLong', MetricUnit.Count, 1);
      log.warn("provider's sub is over the attribute limit; sign-in refused", { providerName });
      throw new UserFacingError(NOTHING_MAPPED_MESSAGE, 'subject-too-long');
    }
    if (decision.kind === 'nothing-mapped') {
      metrics.addMetric('NothingMapped', MetricUnit.Count, 1);
      log.warn('provider sent none of the mapped claims; sign-in refused', { providerName });
      throw new UserFacingError(NOTHING_MAPPED_MESSAGE, 'nothing-mapped');
    }
    event.response.userAttributesToMap = decision.attributes;
    return event;
  },
  { config: loadConfig, failureMode: 'closed' },
);
