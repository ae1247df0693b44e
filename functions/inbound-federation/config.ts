import { defineConfig, type SettingDescriptions } from '../../shared/config.ts';
import { compileMappings, mappingProblems, type Mappings } from './mapping.ts';

export interface InboundFederationConfig {
  mappings: Mappings;
}

type RawMappings = Record<string, Record<string, string | string[]>>;

export const loadConfig = defineConfig<InboundFederationConfig>((env) => {
  const raw = env.json<RawMappings>('FEDERATION_ATTRIBUTE_MAPPINGS', {}, mappingProblems);
  return { mappings: compileMappings(raw) };
});

export const settingDescriptions: SettingDescriptions = {
  FEDERATION_ATTRIBUTE_MAPPINGS:
    'per provider name (or `*` for any other), which provider attributes to keep and where each comes from (below)',
};
