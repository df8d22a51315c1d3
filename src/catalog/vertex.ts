/**
 * Gemini models tunable on Vertex AI (supervised fine-tuning), as data.
 *
 * Sources, read 2026-12-02 with the search tools:
 * - Limits: "About supervised fine-tuning for Gemini models",
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning
 *   (Gemini 2.5 Pro / Flash / Flash-Lite: 131,072 input+output training tokens per example,
 *   validation ≤ 5,000 examples, JSONL ≤ 1 GB, ≤ 1M text-only or 300K multimodal examples,
 *   adapter sizes 1/2/4/8/16). The same page lists newer Gemini 3.5 Flash / Flash-Lite tables;
 *   their tuning ids and prices could not be confirmed, so they are not rows here (set `model`
 *   and `price-per-million`: an unknown Vertex model is counted approximately and priced by you).
 * - Training prices per 1M training tokens (training tokens = dataset tokens × epochs): 2.5 Pro
 *   25, 2.5 Flash 5, 2.5 Flash-Lite 1.50 — third-party copies of Google's pricing page, not
 *   confirmed on Google's page: listed in `unconfirmed`.
 * - Inference of a tuned model is billed as its base model (per 1M tokens, ≤ 200K context):
 *   2.5 Pro 1.25 / 10, 2.5 Flash 0.30 / 2.50, 2.5 Flash-Lite 0.10 / 0.40 (secondary sources
 *   that agree, 2026-03 to 2026-06): unconfirmed.
 * Token counts are approximate: Gemini's tokenizer is not published as a file a JS library can
 * load (Google's Python SDK counts locally with the Gemma 3 SentencePiece model, which is not
 * shipped here); counts use o200k_base and say so. The job's own `tuningDataStats` billable
 * token count is compared with the estimate after the job starts.
 */
import type { ModelProfile } from './models.js';

const SOURCE = 'Vertex AI "About supervised fine-tuning for Gemini models" (limits) and third-party copies of the Vertex AI pricing page (prices), read 2026-12-02';
const AS_OF = '2026-12-02';

function gemini(id: string, train: number, input: number, output: number): ModelProfile {
  return {
    id,
    provider: 'vertex',
    encoding: 'o200k_base',
    approximateTokens: true,
    trainingContext: 131_072,
    trainingPricePerMillion: train,
    inferencePricePerMillion: { input, output },
    methods: ['supervised'],
    shutdownDate: null,
    unconfirmed: ['encoding', 'trainingPricePerMillion', 'inferencePricePerMillion', 'shutdownDate'],
    source: SOURCE,
    asOf: AS_OF,
  };
}

export const VERTEX_MODELS: readonly ModelProfile[] = [gemini('gemini-2.5-pro', 25, 1.25, 10), gemini('gemini-2.5-flash', 5, 0.3, 2.5), gemini('gemini-2.5-flash-lite', 1.5, 0.1, 0.4)];

/** Vertex dataset limits (same source): enforced by the `vertex` validation profile. */
export const VERTEX_LIMITS = {
  maxExampleTokens: 131_072,
  maxFileBytes: 1024 * 1024 * 1024,
  maxExamples: 1_000_000,
  maxValidationExamples: 5_000,
  source: 'https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning',
  asOf: AS_OF,
} as const;
