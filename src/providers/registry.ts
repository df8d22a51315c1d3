/**
 * Every provider, declared once. Config, main (masking), the train journey (redaction), the
 * catalog (unknown models, notices), the smoke journey and the CLI derive what they need from
 * these entries; adding a provider is one folder under providers/ plus one entry here.
 *
 * This module is light on purpose: it imports no adapter and no SDK. Each entry's `load` imports
 * its adapter lazily, so the check path never pays for a provider's client library.
 */
import { PROFILES, type ValidationProfile } from '../catalog/profiles.js';
import type { Method } from '../dataset/types.js';
import type { Provider } from './types.js';

/** What `createProvider` gets: the fields the entry's inputs fill, plus run-wide knobs. */
export interface ProviderSettings {
  name: ProviderName;
  apiKey?: string;
  baseUrl?: string;
  /** Azure resource endpoint, e.g. https://my-resource.openai.azure.com */
  azureEndpoint?: string;
  /** Vertex AI: Google Cloud project, region, and the gs:// prefix uploads go to. */
  project?: string;
  location?: string;
  bucket?: string;
  /** Vertex AI: Cloud Storage API endpoint (a fake in tests); default Google's. */
  storageBaseUrl?: string;
  partThresholdBytes?: number;
  /** Together: hardware for smoke-test endpoints, and minutes of inactivity before Together stops one. */
  endpointHardware?: string;
  endpointInactiveTimeoutMinutes?: number;
  log?: (line: string) => void;
}

/** The connection fields an action input can fill. */
export type ConnectionField = 'apiKey' | 'baseUrl' | 'azureEndpoint' | 'project' | 'location' | 'bucket' | 'storageBaseUrl';

export interface CredentialInput {
  /** The action input (and the key in `Settings.credentials[name]`). */
  input: string;
  field: ConnectionField;
  /** Masked in the log and redacted from every report. */
  secret: boolean;
}

export interface Capabilities {
  /** Its models are open-weight or use their own tokenizer: an OpenAI-looking name guesses no encoding. */
  ownTokenizers: boolean;
  /** Methods a model the catalog does not know is assumed to take. */
  unknownModelMethods: readonly Method[];
  /** Tuned models answer only through something the user creates (smoke-model); the message says what. */
  smokeNeedsExistingTarget: string | null;
  /** Takes new fine-tuning jobs today: offered as a way out when another provider closes. */
  acceptsNewJobs: boolean;
}

export interface ProviderEntry {
  name: string;
  /** For people: "Vertex AI (Gemini)". */
  title: string;
  inputs: readonly CredentialInput[];
  /** The model used when neither the `model` input nor the config names one. */
  defaultModel: string;
  /** What it accepts in a training file (data with source and date, in catalog/profiles.ts). */
  readonly profile: ValidationProfile;
  capabilities: Capabilities;
  /** Builds the adapter (imports it on first use). Throws ProviderSetupError on missing settings. */
  load(s: ProviderSettings): Promise<Provider>;
}

export class ProviderSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderSetupError';
  }
}

/** An API key that is present and can travel in a header; the error names the input, never the value. */
export function requireApiKey(s: ProviderSettings, input: string): string {
  const key = s.apiKey ?? '';
  if (!key) {
    throw new ProviderSetupError(`input ${input} is empty: training and smoke tests need an API key (pass it from a secret: ${input}: \${{ secrets.${input.toUpperCase().replace(/-/g, '_')} }})`);
  }
  if (!/^[\x21-\x7e]+$/.test(key)) {
    // A header with a line break or space fails inside fetch with the whole value in the error
    // text: refuse it here, without repeating it.
    throw new ProviderSetupError(`the ${s.name} API key contains spaces, line breaks or non-ASCII characters; copy it again into the secret (it is not shown here)`);
  }
  return key;
}

const openAIFamily: Capabilities = {
  ownTokenizers: false,
  unknownModelMethods: ['supervised', 'dpo', 'reinforcement'],
  smokeNeedsExistingTarget: null,
  acceptsNewJobs: true,
};

/** The providers, in the order help texts list them; each has one entry in PROVIDERS below. */
export const PROVIDER_NAMES = ['openai', 'azure', 'together', 'vertex'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const PROVIDERS: Readonly<Record<ProviderName, ProviderEntry>> = {
  openai: {
    name: 'openai',
    get profile() {
      return PROFILES.openai;
    },
    title: 'OpenAI',
    inputs: [
      { input: 'openai-api-key', field: 'apiKey', secret: true },
      { input: 'openai-base-url', field: 'baseUrl', secret: false },
    ],
    defaultModel: 'gpt-4.1-mini-2025-04-14',
    capabilities: openAIFamily,
    async load(s) {
      const apiKey = requireApiKey(s, 'openai-api-key');
      const { OpenAIProvider } = await import('./openai.js');
      return new OpenAIProvider({ apiKey, baseURL: s.baseUrl, partThresholdBytes: s.partThresholdBytes, log: s.log });
    },
  },
  azure: {
    name: 'azure',
    get profile() {
      return PROFILES.azure;
    },
    title: 'Azure OpenAI',
    inputs: [
      { input: 'azure-api-key', field: 'apiKey', secret: true },
      { input: 'azure-endpoint', field: 'azureEndpoint', secret: false },
    ],
    defaultModel: 'gpt-4.1-mini-2025-04-14',
    capabilities: {
      ...openAIFamily,
      unknownModelMethods: ['supervised', 'dpo'],
      smokeNeedsExistingTarget:
        'Smoke tests skipped: on Azure OpenAI a tuned model answers only through a deployment. Create one (README, "Azure: a Developer-tier deployment for smoke tests") and set smoke-model to its name.',
    },
    async load(s) {
      const apiKey = requireApiKey(s, 'azure-api-key');
      const endpoint = s.baseUrl ?? (s.azureEndpoint ? `${s.azureEndpoint.replace(/\/+$/, '')}/openai/v1/` : undefined);
      if (!endpoint) throw new ProviderSetupError('input azure-endpoint is empty: set it to https://<resource>.openai.azure.com');
      const { OpenAIProvider } = await import('./openai.js');
      return new OpenAIProvider({
        apiKey,
        baseURL: endpoint,
        name: 'azure',
        defaultHeaders: { 'api-key': apiKey },
        partThresholdBytes: s.partThresholdBytes,
        log: s.log,
      });
    },
  },
  together: {
    name: 'together',
    get profile() {
      return PROFILES.together;
    },
    title: 'Together AI',
    inputs: [
      { input: 'together-api-key', field: 'apiKey', secret: true },
      { input: 'together-base-url', field: 'baseUrl', secret: false },
    ],
    defaultModel: 'Qwen/Qwen3-8B',
    capabilities: { ownTokenizers: true, unknownModelMethods: ['supervised', 'dpo'], smokeNeedsExistingTarget: null, acceptsNewJobs: true },
    async load(s) {
      const apiKey = requireApiKey(s, 'together-api-key');
      const { TogetherProvider } = await import('./together/adapter.js');
      return new TogetherProvider({
        apiKey,
        baseURL: s.baseUrl,
        endpointHardware: s.endpointHardware,
        endpointInactiveTimeoutMinutes: s.endpointInactiveTimeoutMinutes,
        log: s.log,
      });
    },
  },
  vertex: {
    name: 'vertex',
    get profile() {
      return PROFILES.vertex;
    },
    title: 'Vertex AI (Gemini)',
    // No key: Application Default Credentials (google-github-actions/auth) authenticate.
    inputs: [
      { input: 'vertex-project', field: 'project', secret: false },
      { input: 'vertex-location', field: 'location', secret: false },
      { input: 'vertex-bucket', field: 'bucket', secret: false },
      { input: 'vertex-base-url', field: 'baseUrl', secret: false },
      { input: 'vertex-storage-url', field: 'storageBaseUrl', secret: false },
    ],
    defaultModel: 'gemini-2.5-flash',
    capabilities: { ownTokenizers: true, unknownModelMethods: ['supervised'], smokeNeedsExistingTarget: null, acceptsNewJobs: true },
    async load(s) {
      const { createVertexProvider } = await import('./vertex/adapter.js');
      return createVertexProvider(s);
    },
  },
};

export function providerEntry(name: ProviderName): ProviderEntry {
  return PROVIDERS[name];
}

export function isProviderName(name: string): name is ProviderName {
  // Own keys only: `constructor` or `__proto__` is no provider.
  return Object.hasOwn(PROVIDERS, name);
}

/** Every action input that holds a secret (masked before anything can print it). */
export function secretInputs(): string[] {
  return PROVIDER_NAMES.flatMap((n) => PROVIDERS[n].inputs.filter((i) => i.secret).map((i) => i.input));
}

/** The values of the secret inputs among parsed credentials, for redaction. */
export function secretValues(credentials: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>): string[] {
  return PROVIDER_NAMES.flatMap((n) => PROVIDERS[n].inputs.filter((i) => i.secret).map((i) => credentials[n]?.[i.field] ?? '')).filter(Boolean);
}

/** Providers that take new jobs, other than `name`: where to go when `name` closes. */
export function alternativesTo(name: string): ProviderName[] {
  return PROVIDER_NAMES.filter((n) => n !== name && PROVIDERS[n].capabilities.acceptsNewJobs);
}
