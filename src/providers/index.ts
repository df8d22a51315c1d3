/**
 * The one place that picks a provider implementation. Journeys call `createProvider` and see
 * only the `Provider` interface; adapters are loaded lazily (OpenAI's SDK for openai and azure,
 * plain fetch for together), so the check path never pays for them.
 */
import type { Provider, ProviderName } from './types.js';

export * from './types.js';
export * from './errors.js';

export interface ProviderSettings {
  name: ProviderName;
  apiKey: string;
  baseUrl?: string;
  /** Azure resource endpoint, e.g. https://my-resource.openai.azure.com */
  azureEndpoint?: string;
  partThresholdBytes?: number;
  /** Together: hardware for smoke-test endpoints, and minutes of inactivity before Together stops one. */
  endpointHardware?: string;
  endpointInactiveTimeoutMinutes?: number;
  log?: (line: string) => void;
}

export class ProviderSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderSetupError';
  }
}

export async function createProvider(s: ProviderSettings): Promise<Provider> {
  if (!s.apiKey) {
    const input = s.name === 'openai' ? 'openai-api-key' : s.name === 'azure' ? 'azure-api-key' : 'together-api-key';
    throw new ProviderSetupError(
      `input ${input} is empty: training and smoke tests need an API key (pass it from a secret: ${input}: \${{ secrets.${input.toUpperCase().replace(/-/g, '_')} }})`,
    );
  }
  if (!/^[\x21-\x7e]+$/.test(s.apiKey)) {
    // A header with a line break or space fails inside fetch with the whole value in the error
    // text: refuse it here, without repeating it.
    throw new ProviderSetupError(
      `the ${s.name} API key contains spaces, line breaks or non-ASCII characters; copy it again into the secret (it is not shown here)`,
    );
  }
  switch (s.name) {
    case 'openai': {
      const { OpenAIProvider } = await import('./openai.js');
      return new OpenAIProvider({ apiKey: s.apiKey, baseURL: s.baseUrl, partThresholdBytes: s.partThresholdBytes, log: s.log });
    }
    case 'azure': {
      const endpoint = s.baseUrl ?? (s.azureEndpoint ? `${s.azureEndpoint.replace(/\/+$/, '')}/openai/v1/` : undefined);
      if (!endpoint) throw new ProviderSetupError('input azure-endpoint is empty: set it to https://<resource>.openai.azure.com');
      const { OpenAIProvider } = await import('./openai.js');
      return new OpenAIProvider({
        apiKey: s.apiKey,
        baseURL: endpoint,
        name: 'azure',
        defaultHeaders: { 'api-key': s.apiKey },
        partThresholdBytes: s.partThresholdBytes,
        log: s.log,
      });
    }
    case 'together': {
      const { TogetherProvider } = await import('./together.js');
      return new TogetherProvider({
        apiKey: s.apiKey,
        baseURL: s.baseUrl,
        endpointHardware: s.endpointHardware,
        endpointInactiveTimeoutMinutes: s.endpointInactiveTimeoutMinutes,
        log: s.log,
      });
    }
    default:
      throw new ProviderSetupError(`unknown provider ${String(s.name)}; use openai, azure or together`);
  }
}
