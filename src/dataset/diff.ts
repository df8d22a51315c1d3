/**
 * What a change did to a dataset: examples added, removed and changed (same prompt, new
 * answer), by the per-example hashes the check keeps, and how tokens and cost moved.
 */
import type { FileReport } from './check.js';
import type { TargetReport } from './target.js';

export interface ExampleDiff {
  added: number;
  removed: number;
  /** Same prompt, different example: an edited answer. */
  changed: number;
  unchanged: number;
}

export interface TargetDiff {
  examples: ExampleDiff;
  /** Head minus base. */
  examplesDelta: number;
  billableDelta: number;
  trainedDelta: number;
  costDelta: number | null;
  /** No base version: the dataset is new. */
  isNew: boolean;
}

function counts(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

export function diffExamples(base: FileReport['keys'] | null, head: FileReport['keys']): ExampleDiff {
  if (!base) return { added: head.hash.length, removed: 0, changed: 0, unchanged: 0 };
  const baseCounts = counts(base.hash);
  const headCounts = counts(head.hash);
  // Examples only in head / only in base, with their prompt hashes.
  const addedPrompts: string[] = [];
  const removedPrompts = new Map<string, number>();
  let unchanged = 0;
  head.hash.forEach((h, i) => {
    const left = baseCounts.get(h) ?? 0;
    if (left > 0) {
      baseCounts.set(h, left - 1);
      unchanged++;
    } else {
      addedPrompts.push(head.promptHash[i] as string);
    }
  });
  base.hash.forEach((h, i) => {
    const left = headCounts.get(h) ?? 0;
    if (left > 0) headCounts.set(h, left - 1);
    else {
      const p = base.promptHash[i] as string;
      removedPrompts.set(p, (removedPrompts.get(p) ?? 0) + 1);
    }
  });
  let changed = 0;
  let added = 0;
  for (const p of addedPrompts) {
    const left = removedPrompts.get(p) ?? 0;
    if (left > 0) {
      removedPrompts.set(p, left - 1);
      changed++;
    } else {
      added++;
    }
  }
  let removed = 0;
  for (const n of removedPrompts.values()) removed += n;
  return { added, removed, changed, unchanged };
}

export function diffTargets(base: TargetReport | null, head: TargetReport): TargetDiff {
  const cost = (t: TargetReport | null) => (t ? t.estimate.costUsd : 0);
  const baseCost = cost(base);
  const headCost = cost(head);
  return {
    examples: diffExamples(base?.training.keys ?? null, head.training.keys),
    examplesDelta: head.training.examples - (base?.training.examples ?? 0),
    billableDelta: head.estimate.billableTokens - (base?.estimate.billableTokens ?? 0),
    trainedDelta: head.estimate.trainedTokens - (base?.estimate.trainedTokens ?? 0),
    costDelta: baseCost === null || headCost === null ? null : headCost - baseCost,
    isNew: base === null,
  };
}
