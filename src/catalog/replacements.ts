/**
 * Where a model's users go when it shuts down: models that still take new fine-tuning jobs,
 * picked by the same training price tier (USD per 1M training tokens, from this catalog's own
 * rows), as data. Reports name them when a model has shut down or is about to.
 *
 * OpenAI creates no new fine-tuning jobs after 2027-01-06 and shuts its remaining tunable models
 * on 2027-01-14 (platform.ts, models.ts). Gemini supervised tuning on Vertex AI keeps a managed,
 * per-token, serverless path for the same chat data (converted on upload). Tiers: gpt-4.1 /
 * gpt-4o ($25) → gemini-2.5-pro ($25); gpt-4.1-mini ($5) → gemini-2.5-flash ($5); gpt-4.1-nano
 * ($1.50), gpt-4o-mini ($3) and gpt-3.5-turbo ($8, retired) → gemini-2.5-flash-lite ($1.50) or
 * gemini-2.5-flash. Vertex prices are unconfirmed (vertex.ts). As of 2026-12-02.
 */
import type { ProviderName } from '../providers/registry.js';

export interface Replacement {
  provider: ProviderName;
  model: string;
}

export const REPLACEMENTS_AS_OF = '2026-12-02';

const flashLite: Replacement = { provider: 'vertex', model: 'gemini-2.5-flash-lite' };
const flash: Replacement = { provider: 'vertex', model: 'gemini-2.5-flash' };
const pro: Replacement = { provider: 'vertex', model: 'gemini-2.5-pro' };

export const REPLACEMENTS: Readonly<Record<string, readonly Replacement[]>> = {
  'gpt-4.1-2025-04-14': [pro, flash],
  'gpt-4o-2024-08-06': [pro, flash],
  'gpt-4.1-mini-2025-04-14': [flash, flashLite],
  'gpt-4o-mini-2024-07-18': [flashLite, flash],
  'gpt-4.1-nano-2025-04-14': [flashLite],
  'gpt-3.5-turbo-0125': [flashLite, flash],
  'gpt-3.5-turbo-1106': [flashLite, flash],
  'gpt-3.5-turbo-0613': [flashLite, flash],
};

/** "provider: vertex, model: gemini-2.5-flash (or …)" for a hint; null when none is known. */
export function replacementHint(modelId: string): string | null {
  const list = REPLACEMENTS[modelId];
  if (!list?.length) return null;
  return list.map((r) => `provider: ${r.provider}, model: ${r.model}`).join(' (or ') + (list.length > 1 ? ')' : '');
}
