/**
 * What a change did to a dataset: examples added, removed and changed (same prompt, new
 * answer), by the per-example hashes the check keeps, and how tokens and cost moved.
 */
import type { FileReport } from './check.js';
import type { TargetReport } from './target.js';
import { KeyList, KeyMap } from './keys.js';

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

function counts(words: Uint32Array): KeyMap {
  const m = new KeyMap(words.length / 2);
  for (let i = 0; i < words.length; i += 2) m.add(words[i] as number, words[i + 1] as number);
  return m;
}

export function diffExamples(base: FileReport['keys'] | null, head: FileReport['keys']): ExampleDiff {
  if (!base) return { added: head.hash.length / 2, removed: 0, changed: 0, unchanged: 0 };
  // One table of base counts (a second one for head would double the peak on big files): head
  // examples use them up (unchanged, else added); what is left was removed. Equal examples have
  // equal prompts, so which of several equal base examples is the removed one does not matter.
  const left = counts(base.hash);
  const addedPrompts = new KeyList();
  const removedPrompts = new KeyMap();
  let unchanged = 0;
  for (let i = 0; i < head.hash.length; i += 2) {
    const hi = head.hash[i] as number;
    const lo = head.hash[i + 1] as number;
    const n = left.get(hi, lo) ?? 0;
    if (n > 0) {
      left.set(hi, lo, n - 1);
      unchanged++;
    } else {
      addedPrompts.push(head.promptHash[i] as number, head.promptHash[i + 1] as number);
    }
  }
  for (let i = 0; i < base.hash.length; i += 2) {
    const hi = base.hash[i] as number;
    const lo = base.hash[i + 1] as number;
    const n = left.get(hi, lo) ?? 0;
    if (n > 0) {
      left.set(hi, lo, n - 1);
      removedPrompts.add(base.promptHash[i] as number, base.promptHash[i + 1] as number);
    }
  }
  let changed = 0;
  let added = 0;
  const prompts = addedPrompts.words();
  for (let i = 0; i < prompts.length; i += 2) {
    const hi = prompts[i] as number;
    const lo = prompts[i + 1] as number;
    const r = removedPrompts.get(hi, lo) ?? 0;
    if (r > 0) {
      removedPrompts.set(hi, lo, r - 1);
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
