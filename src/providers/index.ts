/**
 * The one place that picks a provider implementation. Journeys call `createProvider` and see
 * only the `Provider` interface; OpenAI's SDK is loaded lazily, so the check path never pays
 * for it.
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
    default:
      throw new ProviderSetupError(`provider ${s.name} is not available yet; use openai or azure`);
  }
}
