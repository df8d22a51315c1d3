import { describe, expect, test } from '@jest/globals';
import { connection, parseSettings } from '../../src/config.js';
import { PROFILES, resolveModel, platformNotices } from '../../src/catalog/index.js';
import { createProvider, ProviderSetupError } from '../../src/providers/index.js';
import { PROVIDER_NAMES, PROVIDERS, alternativesTo, secretInputs, secretValues } from '../../src/providers/registry.js';

const inputs = (m: Record<string, string>) => (name: string) => m[name] ?? '';

describe('provider registry', () => {
  test('every provider has a validation profile and declares its secret inputs once', () => {
    for (const n of PROVIDER_NAMES) {
      expect(PROFILES[n].name).toBe(n);
      expect(PROVIDERS[n].profile).toBe(PROFILES[n]);
      expect(PROVIDERS[n].name).toBe(n);
    }
    expect(secretInputs()).toEqual(expect.arrayContaining(['openai-api-key', 'azure-api-key', 'together-api-key']));
    expect(secretInputs()).not.toContain('together-base-url');
  });

  test("settings take each provider's inputs from its entry, and redaction gets exactly the secrets", async () => {
    const s = await parseSettings(
      inputs({ 'together-api-key': 'tk-1', 'together-base-url': 'http://127.0.0.1:9/v1', 'azure-api-key': 'az-2', 'azure-endpoint': 'https://r.openai.azure.com' }),
      async () => null,
    );
    expect(connection(s, 'together')).toEqual({ name: 'together', apiKey: 'tk-1', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(connection(s, 'azure')).toEqual({ name: 'azure', apiKey: 'az-2', azureEndpoint: 'https://r.openai.azure.com' });
    expect(secretValues(s.credentials).sort()).toEqual(['az-2', 'tk-1']);
  });

  test('the default model follows the provider', async () => {
    const together = await parseSettings(inputs({ provider: 'together' }), async () => null);
    expect(together.defaults.model).toBe(PROVIDERS.together.defaultModel);
    const openai = await parseSettings(inputs({}), async () => null);
    expect(openai.defaults.model).toBe(PROVIDERS.openai.defaultModel);
    const cfg = await parseSettings(inputs({}), async () => 'targets:\n  t:\n    training_file: a.jsonl\n    provider: together\n');
    expect(cfg.targets[0]!.model).toBe(PROVIDERS.together.defaultModel);
  });

  test('an unknown provider name is refused with the known ones', async () => {
    await expect(createProvider({ name: 'nope' as never })).rejects.toThrow(ProviderSetupError);
    await expect(createProvider({ name: 'constructor' as never })).rejects.toThrow(/use openai, azure, together/);
  });

  test('capabilities drive unknown models and the way out when a provider closes', () => {
    expect(resolveModel('some/new-model', {}, 'together').methods).toEqual([...PROVIDERS.together.capabilities.unknownModelMethods]);
    expect(resolveModel('gpt-4o-custom', {}, 'together').approximateTokens).toBe(true);
    expect(alternativesTo('openai')).not.toContain('openai');
    const closed = platformNotices('openai', '2027-02-01').find((n) => n.code === 'provider-closed');
    for (const alt of alternativesTo('openai')) expect(closed!.hint).toContain(alt);
  });
});
