/**
 * The one place that picks a provider implementation. Journeys call `createProvider` and see
 * only the `Provider` interface; each provider is declared once in registry.ts and its adapter
 * is loaded lazily, so the check path never pays for it.
 */
import { isProviderName, PROVIDER_NAMES, PROVIDERS, ProviderSetupError, type ProviderSettings } from './registry.js';
import type { Provider } from './types.js';

export * from './types.js';
export * from './errors.js';
export * from './registry.js';

export async function createProvider(s: ProviderSettings): Promise<Provider> {
  if (!isProviderName(s.name)) throw new ProviderSetupError(`unknown provider ${String(s.name)}; use ${PROVIDER_NAMES.join(', ')}`);
  return PROVIDERS[s.name].load(s);
}
