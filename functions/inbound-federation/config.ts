import { defineConfig } from '../../shared/config.ts';
import { compileMappings, mappingProblems, type Mappings } from './mapping.ts';

export interface InboundFederationConfig {
  mappings: Mappings;
}

type RawMappings = Record<string, Record<string, string | string[]>>;

export const loadConfig = defineConfig<InboundFederationConfig>((env) => {
  const raw = env.json<RawMappings>('FEDERATION_ATTRIBUTE_MAPPINGS', {}, mappingProblems);
  return { mappings: compileMappings(raw) };
});
