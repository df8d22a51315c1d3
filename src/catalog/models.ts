/**
 * Model profiles as data. Every figure carries where it came from and when; figures nobody
 * could confirm are null or listed in `unconfirmed`, and reports say so. Users override any
 * of it (see `resolveModel`), and can describe models this table does not know.
 *
 * Source of every row: shared/facts/openai-fine-tuning.md §4 (collected 2026-11-25 from
 * OpenAI's spec, guides and secondary pricing sources that agree with each other).
 */
import type { Method } from '../dataset/types.js';

export type Encoding = 'o200k_base' | 'cl100k_base';
export const ENCODINGS: readonly Encoding[] = ['o200k_base', 'cl100k_base'];

export interface ModelProfile {
  /** Base model id as the provider names it. */
  id: string;
  provider: 'openai' | 'azure' | 'together';
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
}

const FACTS = 'OpenAI fine-tuning docs and pricing (secondary sources agree), collected in shared/facts/openai-fine-tuning.md';
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

export const MODELS: readonly ModelProfile[] = [
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

/** Aliases people type that resolve to one dated snapshot. */
export const ALIASES: Readonly<Record<string, string>> = {
  'gpt-4.1': 'gpt-4.1-2025-04-14',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
  'gpt-4o': 'gpt-4o-2024-08-06',
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
};
