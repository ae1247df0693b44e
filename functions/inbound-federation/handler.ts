/**
 * Inbound federation: map what an OIDC, SAML or social provider sends onto user-pool attributes through
 * the provider's declared mapping, dropping everything the mapping does not name.
 */
import { cognitoTrigger, MetricUnit } from '../../shared/runtime/index.ts';
import { loadConfig } from './config.ts';
import { mapAttributes, mappingFor } from './mapping.ts';

export const handler = cognitoTrigger(
  'InboundFederation',
  (event, { config, log, metrics }) => {
    const { providerName, attributes } = event.request;
    const mapping = mappingFor(config.mappings, providerName);
    if (!mapping) {
      // Cognito keeps the provider's attributes as its own attribute mapping makes them.
      log.info('no mapping for provider; attributes left to the pool', { providerName });
      event.response.userAttributesToMap = {};
      return event;
    }
    const result = mapAttributes(mapping, attributes);
    if (result.tooLong.length) {
      metrics.addMetric('AttributesTooLong', MetricUnit.Count, result.tooLong.length);
      log.warn('provider values over the attribute limit left out', { attributes: result.tooLong, providerName });
    }
    event.response.userAttributesToMap = result.attributes;
    return event;
  },
  { config: loadConfig },
);
