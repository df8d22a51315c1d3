/**
 * Model profiles as data. Every figure carries where it came from and when; figures nobody
 * could confirm are null or listed in `unconfirmed`, and reports say so. Users override any
 * of it (see `resolveModel`), and can describe models this table does not know.
 *
 * Sources: OpenAI rows from shared/facts/openai-fine-tuning.md §4 (collected 2026-11-25 from
 * OpenAI's spec, guides and secondary pricing sources that agree with each other); Together and
 * Azure rows from shared/facts/providers.md (2026-11-25). The same id may appear once per
 * provider (Azure serves OpenAI's GPT snapshots under their own terms); `resolveModel` picks the
 * row for the target's provider.
 */
import type { ProviderName } from '../providers/registry.js';
import type { Method } from '../types.js';
import { VERTEX_MODELS } from './vertex.js';

export type Encoding = 'o200k_base' | 'cl100k_base';
export const ENCODINGS: readonly Encoding[] = ['o200k_base', 'cl100k_base'];

export interface ModelProfile {
  /** Base model id as the provider names it. */
  id: string;
  provider: ProviderName;
  /** Tokenizer used to count; `approximate` when it is not the model's own tokenizer. */
  encoding: Encoding;
  approximateTokens: boolean;
  /** Longest example the provider trains on; longer ones are truncated. null: unknown. */
  trainingContext: number | null;
  /** USD per 1M trained tokens. null: unknown, the user must set `price-per-million`. */
  trainingPricePerMillion: number | null;
  /** USD per 1M tokens for the tuned model, input/output. null: unknown. */
  inferencePricePerMillion: { input: number; output: number } | null;
  methods: Method[];
  /** YYYY-MM-DD the base model (and its fine-tunes) stop working, if announced. */
  shutdownDate: string | null;
  /** Which fields are not settled by a primary source. */
  unconfirmed: string[];
  source: string;
  asOf: string;
  /**
   * Prices that differ by method and adapter (Together: SFT or DPO, LoRA or Full), USD per 1M
   * tokens; null where unpublished. When set, the estimate picks the method's LoRA price
   * (Together's default adapter) unless the user sets a price.
   */
  methodPrices?: { supervised: AdapterPrices; dpo: AdapterPrices };
  /** Longest sequence per method when it differs by method (Together: SFT vs DPO). */
  contextByMethod?: Partial<Record<Method, number>>;
  /** The least a job costs, USD (null: none known). */
  minimumChargeUsd?: number | null;
  /** Where the price, limits and minimum come from, and when they were read. */
  priceSource?: { url: string; asOf: string };
  /** The model's own tokenizer (an id in TOKENIZER_PINS): counts are exact once it is fetched. */
  tokenizer?: string;
  /** Epochs the provider trains when none are given (`auto`), when it is not OpenAI's rule. */
  defaultEpochs?: number;
}

export interface AdapterPrices {
  lora: number | null;
  full: number | null;
}

const FACTS = 'OpenAI fine-tuning guide, model deprecations page and pricing (prices from secondary sources that agree)';
const AS_OF = '2026-11-25';

function openai(
  id: string,
  encoding: Encoding,
  trainingContext: number | null,
  train: number | null,
  input: number,
  output: number,
  methods: Method[],
  shutdownDate: string | null,
  unconfirmed: string[] = [],
): ModelProfile {
  return {
    id,
    provider: 'openai',
    encoding,
    approximateTokens: false,
    trainingContext,
    trainingPricePerMillion: train,
    inferencePricePerMillion: { input, output },
    methods,
    shutdownDate,
    unconfirmed,
    source: FACTS,
    asOf: AS_OF,
  };
}

export const OPENAI_MODELS: readonly ModelProfile[] = [
  openai('gpt-4.1-2025-04-14', 'o200k_base', 65_536, 25, 3, 12, ['supervised', 'dpo'], '2027-01-14', ['trainingContext']),
  openai('gpt-4.1-mini-2025-04-14', 'o200k_base', 65_536, 5, 0.8, 3.2, ['supervised', 'dpo'], '2027-01-14', ['trainingContext']),
  openai('gpt-4.1-nano-2025-04-14', 'o200k_base', 65_536, 1.5, 0.2, 0.8, ['supervised', 'dpo'], '2026-10-23', ['trainingContext']),
  openai('gpt-4o-2024-08-06', 'o200k_base', 65_536, 25, 3.75, 15, ['supervised', 'dpo'], '2027-01-14', ['trainingContext']),
  openai('gpt-4o-mini-2024-07-18', 'o200k_base', 65_536, 3, 0.3, 1.2, ['supervised', 'dpo'], '2027-01-14'),
  openai('o4-mini-2025-04-16', 'o200k_base', null, null, 4, 16, ['reinforcement'], '2026-10-23', ['trainingContext', 'trainingPricePerMillion']),
  openai('gpt-3.5-turbo-0125', 'cl100k_base', 16_385, 8, 3, 6, ['supervised'], '2026-10-23'),
  openai('gpt-3.5-turbo-1106', 'cl100k_base', 16_385, 8, 3, 6, ['supervised'], '2026-10-23'),
  openai('gpt-3.5-turbo-0613', 'cl100k_base', 4_096, 8, 3, 6, ['supervised'], '2026-10-23'),
  openai('davinci-002', 'cl100k_base', null, 6, 12, 12, ['supervised'], null, ['trainingContext', 'shutdownDate']),
  openai('babbage-002', 'cl100k_base', null, 0.4, 1.6, 1.6, ['supervised'], null, ['trainingContext', 'shutdownDate']),
];

const PROVIDERS_FACTS = 'Together AI OpenAPI spec (2026-04-28) and SDK 0.52.0; Azure OpenAI / Foundry fine-tuning docs (2026-02 to 2026-10)';

/**
 * An open-weight model: its own tokenizer is not shipped, so counts use o200k_base and say they
 * are approximate; Together's `estimate-price` (or Azure's job) gives the real number.
 */
function openWeight(provider: 'together' | 'azure', id: string, trainingContext: number | null, methods: Method[], extraUnconfirmed: string[] = []): ModelProfile {
  return {
    id,
    provider,
    encoding: 'o200k_base',
    approximateTokens: true,
    trainingContext,
    // Together: billed per token at a rate set by model size, SFT/DPO and LoRA/Full; the published
    // rates are unconfirmed. Azure: Microsoft calls its figures examples. Unknown: set price-per-million.
    trainingPricePerMillion: null,
    inferencePricePerMillion: null,
    methods,
    shutdownDate: null,
    unconfirmed: ['encoding', ...(trainingContext === null ? ['trainingContext'] : []), 'trainingPricePerMillion', 'shutdownDate', ...extraUnconfirmed],
    source: PROVIDERS_FACTS,
    asOf: AS_OF,
    // Together's create-job and estimate-price: `n_epochs` defaults to 1 (API reference, read
    // 2026-12-02); with `auto` we send none, so Together trains one epoch.
    ...(provider === 'together' ? { defaultEpochs: 1 } : {}),
  };
}

/**
 * Together's per-model prices, limits and minimum charge (shared/facts/providers.md, "Update
 * 2026-12-02"): LoRA prices per 1M tokens, SFT / DPO, from Together's blog of 2026-09-11; Full
 * fine-tuning prices unpublished there (null). Sequence limits from Together's supported-models
 * page. "$4.00 minimum charge; some models are exempt" (pricing doc, newer, undated) contradicts
 * the older "no minimum" FAQ: kept, and listed as unconfirmed.
 */
const TOGETHER_PRICES = 'https://www.together.ai/pricing#fine-tuning (Together blog 2026-09-11; docs.together.ai/docs/fine-tuning/pricing)';
const TOGETHER_LIMITS = 'https://docs.together.ai/docs/fine-tuning/supported-models';
const TOGETHER_AS_OF = '2026-12-02';
const TOGETHER_MINIMUM_USD = 4;

function together(id: string, lora: { sft: number; dpo: number }, context: { supervised: number; dpo: number } | null, extraUnconfirmed: string[] = []): ModelProfile {
  const base = openWeight('together', id, context?.supervised ?? null, ['supervised', 'dpo'], extraUnconfirmed);
  return {
    ...base,
    trainingPricePerMillion: lora.sft,
    unconfirmed: [...base.unconfirmed.filter((f) => f !== 'trainingPricePerMillion'), 'minimumChargeUsd'],
    methodPrices: { supervised: { lora: lora.sft, full: null }, dpo: { lora: lora.dpo, full: null } },
    ...(context ? { contextByMethod: { supervised: context.supervised, dpo: context.dpo } } : {}),
    minimumChargeUsd: TOGETHER_MINIMUM_USD,
    priceSource: { url: `${TOGETHER_PRICES}; limits: ${TOGETHER_LIMITS}`, asOf: TOGETHER_AS_OF },
    source: `${base.source}; prices and limits: ${TOGETHER_PRICES}, ${TOGETHER_LIMITS}`,
    asOf: TOGETHER_AS_OF,
  };
}

/**
 * Together AI: open-weight models trained from the same chat JSONL (LoRA by default). Ids as
 * Together names them for fine-tuning; check `GET /v1/fine-tunes/models/supported` for the
 * current list (newer families: Qwen 3.5, Gemma 4, gpt-oss). Rows without a published price
 * need price-per-million; estimate-price is the truth at train time.
 */
export const TOGETHER_MODELS: readonly ModelProfile[] = [
  together('Qwen/Qwen3.5-9B', { sft: 0.34, dpo: 0.84 }, null),
  // The facts name this row "Qwen3.8-27B"; Together's model lists name Qwen 3.5 27B.
  together('Qwen/Qwen3.5-27B', { sft: 1.05, dpo: 2.62 }, null, ['id']),
  together('google/gemma-4-31B-it', { sft: 1.05, dpo: 2.62 }, null, ['id']),
  { ...together('openai/gpt-oss-20b', { sft: 0.4, dpo: 1.0 }, { supervised: 16_384, dpo: 8_192 }), tokenizer: 'gpt-oss' },
  { ...together('openai/gpt-oss-120b', { sft: 2.5, dpo: 6.25 }, { supervised: 16_384, dpo: 8_192 }), tokenizer: 'gpt-oss' },
  { ...openWeight('together', 'Qwen/Qwen3-8B', null, ['supervised', 'dpo']), tokenizer: 'qwen3' },
  { ...openWeight('together', 'Qwen/Qwen3-14B', null, ['supervised', 'dpo'], ['id']), tokenizer: 'qwen3' },
  { ...openWeight('together', 'Qwen/Qwen3-32B', null, ['supervised', 'dpo'], ['id']), tokenizer: 'qwen3' },
  openWeight('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', null, ['supervised', 'dpo'], ['id']),
  openWeight('together', 'meta-llama/Meta-Llama-3.1-70B-Instruct-Reference', null, ['supervised', 'dpo'], ['id']),
  openWeight('together', 'meta-llama/Llama-3.3-70B-Instruct-Reference', null, ['supervised', 'dpo'], ['id']),
];

function azureGpt(id: string, methods: Method[]): ModelProfile {
  return {
    id,
    provider: 'azure',
    encoding: 'o200k_base',
    approximateTokens: false,
    trainingContext: null,
    trainingPricePerMillion: null,
    inferencePricePerMillion: null,
    methods,
    // Retired for new customers in autumn 2026; existing customers may train until no earlier
    // than April 2027. No exact date was published: unknown, not guessed.
    shutdownDate: null,
    unconfirmed: ['trainingContext', 'trainingPricePerMillion', 'shutdownDate'],
    source: `${PROVIDERS_FACTS}; closed to new customers since autumn 2026, training for existing customers until no earlier than 2027-04`,
    asOf: AS_OF,
  };
}

/**
 * Azure OpenAI (v1 API, Foundry). Its GPT base models retired for new customers in autumn 2026;
 * open-weight models are what new customers can tune there. Training tiers (globalstandard,
 * developerTier) change the price: pass `trainingType` in provider options; prices unknown here.
 */
export const AZURE_MODELS: readonly ModelProfile[] = [
  azureGpt('gpt-4.1-2025-04-14', ['supervised', 'dpo']),
  azureGpt('gpt-4.1-mini-2025-04-14', ['supervised', 'dpo']),
  azureGpt('gpt-4o-2024-08-06', ['supervised', 'dpo']),
  azureGpt('gpt-4o-mini-2024-07-18', ['supervised', 'dpo']),
  openWeight('azure', 'gpt-oss-20b', null, ['supervised'], ['id', 'methods']),
  openWeight('azure', 'gpt-oss-120b', null, ['supervised'], ['id', 'methods']),
  openWeight('azure', 'Llama-3.3-70B-Instruct', null, ['supervised'], ['id', 'methods']),
  openWeight('azure', 'Qwen3-32B', null, ['supervised'], ['id', 'methods']),
  openWeight('azure', 'Ministral-3B', null, ['supervised'], ['id', 'methods']),
];

/** Every row of every provider, OpenAI first (the same id may appear once per provider). */
export const CATALOG: readonly ModelProfile[] = [...OPENAI_MODELS, ...TOGETHER_MODELS, ...AZURE_MODELS, ...VERTEX_MODELS];

/**
 * One profile per id (the first row wins, so a lookup without a provider keeps meaning OpenAI):
 * Azure's rows for OpenAI's GPT snapshots are in `AZURE_MODELS` and `CATALOG`, not here.
 */
export const MODELS: readonly ModelProfile[] = CATALOG.filter((m, i) => CATALOG.findIndex((x) => x.id === m.id) === i);

/** Aliases people type that resolve to one dated snapshot. */
export const ALIASES: Readonly<Record<string, string>> = {
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
};
