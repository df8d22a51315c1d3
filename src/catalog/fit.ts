/**
 * What data a base model takes for fine-tuning, as data with its source: the format (chat or
 * legacy prompt/completion) and whether training examples may carry images. `null`: the
 * provider does not say, so nothing is refused on that ground.
 */
import type { ModelProfile } from './models.js';

export interface ModelFit {
  /** Supervised data shapes the model trains on. */
  formats: ('chat' | 'completion')[];
  /** Images in training examples (vision fine-tuning). null: unknown. */
  vision: boolean | null;
  source: string;
  asOf: string;
}

const OPENAI_GUIDE = 'OpenAI fine-tuning guide: vision fine-tuning on gpt-4o-2024-08-06 only; babbage-002 and davinci-002 take prompt/completion pairs (shared/facts/openai-fine-tuning.md §2, §4)';
const AZURE_VISION =
  'Azure OpenAI "Vision fine-tuning": supported for gpt-4o 2024-08-06 and gpt-4.1 2025-04-14 only (https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision, read 2026-12-02)';

/** Legacy completion models: prompt/completion only. */
export const COMPLETION_ONLY_MODELS: readonly string[] = ['davinci-002', 'babbage-002'];

/** Base models that take images in training examples, per provider (its docs say "only"). */
export const VISION_MODELS: Readonly<Record<'openai' | 'azure', readonly string[]>> = {
  openai: ['gpt-4o-2024-08-06'],
  azure: ['gpt-4o-2024-08-06', 'gpt-4.1-2025-04-14'],
};

/** Providers whose tunable models are a closed list: an id the catalog does not know is an error. */
export const CLOSED_LIST_PROVIDERS: readonly ModelProfile['provider'][] = ['openai', 'azure'];

export function modelFit(profile: ModelProfile, inCatalog: boolean): ModelFit {
  const asOf = '2026-12-02';
  if (!inCatalog) return { formats: ['chat', 'completion'], vision: null, source: 'not in the catalog', asOf };
  if (profile.provider === 'openai') {
    const completion = COMPLETION_ONLY_MODELS.includes(profile.id);
    return {
      formats: completion ? ['completion'] : ['chat'],
      vision: VISION_MODELS.openai.includes(profile.id),
      source: OPENAI_GUIDE,
      asOf,
    };
  }
  if (profile.provider === 'azure') {
    return { formats: ['chat', 'completion'], vision: VISION_MODELS.azure.includes(profile.id), source: AZURE_VISION, asOf };
  }
  // Together (and any provider added later): images and formats depend on the model; not refused here.
  return { formats: ['chat', 'completion'], vision: null, source: 'the provider does not publish it per model', asOf };
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The nearest ids to an unknown one (closest first, at most `n`). */
export function nearestIds(id: string, candidates: readonly string[], n = 3): string[] {
  const q = id.toLowerCase().slice(0, 200);
  return [...new Set(candidates)]
    .map((c) => ({ c, d: distance(q, c.toLowerCase()) }))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, n)
    .map((x) => x.c);
}
