/**
 * Epochs, trained tokens and cost of a training run, from billable tokens and a model profile.
 * Pure arithmetic over catalog data (shared/facts/openai-fine-tuning.md §5).
 */
import { AUTO_EPOCHS } from './catalog/overheads.js';
import type { ModelProfile } from './catalog/models.js';

/** `n_epochs: auto`: the cookbook rule with n examples. */
export function autoEpochs(examples: number): number {
  const { targetEpochs, minTargetExamples, maxTargetExamples, minDefaultEpochs, maxDefaultEpochs } = AUTO_EPOCHS;
  if (examples <= 0) return targetEpochs;
  if (examples * targetEpochs < minTargetExamples) {
    return Math.min(maxDefaultEpochs, Math.floor(minTargetExamples / examples));
  }
  if (examples * targetEpochs > maxTargetExamples) {
    return Math.max(minDefaultEpochs, Math.floor(maxTargetExamples / examples));
  }
  return targetEpochs;
}

export interface Estimate {
  epochs: number;
  epochsSource: 'auto' | 'user';
  billableTokens: number;
  trainedTokens: number;
  /** USD per 1M trained tokens, or null when unknown. */
  pricePerMillion: number | null;
  costUsd: number | null;
  priceSource: string;
  priceAsOf: string;
  /** The provider's minimum charge raised the cost to it (USD), or null. */
  minimumChargeUsd: number | null;
}

export function estimate(examples: number, billableTokens: number, model: ModelProfile, epochs: number | 'auto' = 'auto'): Estimate {
  const n = epochs === 'auto' ? (model.defaultEpochs ?? autoEpochs(examples)) : epochs;
  const trainedTokens = n * billableTokens;
  const price = model.trainingPricePerMillion;
  const raw = price === null ? null : (trainedTokens * price) / 1_000_000;
  const minimum = model.minimumChargeUsd ?? null;
  const floored = raw !== null && minimum !== null && raw < minimum;
  return {
    epochs: n,
    epochsSource: epochs === 'auto' ? 'auto' : 'user',
    billableTokens,
    trainedTokens,
    pricePerMillion: price,
    costUsd: floored ? minimum : raw,
    priceSource: model.priceSource?.url ?? model.source,
    priceAsOf: model.priceSource?.asOf ?? model.asOf,
    minimumChargeUsd: floored ? minimum : null,
  };
}
