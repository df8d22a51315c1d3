/**
 * The regression corpus: every public dataset in ../shared/data/real/ (third-party files, never
 * committed; `sources.tsv` names each repository, path and commit) is checked as a user would
 * check it, and its verdict and figures are pinned: exit status, the error codes, examples, and
 * billable tokens. Billable tokens are recounted here independently with js-tiktoken from the
 * raw lines (the billed rule of shared/facts/openai-fine-tuning.md §5), so a count is never
 * just our own output copied back. A new false positive on real data fails this test: fix the
 * rule, not the expectation.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { resolveModel } from '../../src/catalog/index.js';
import type { Encoding } from '../../src/catalog/models.js';
import { OVERHEADS } from '../../src/catalog/overheads.js';
import { checkTarget } from '../../src/dataset/target.js';
import { renderFunctions } from '../../src/dataset/tool-render.js';
import type { Method } from '../../src/dataset/types.js';
import { sharedFile } from '../support/shared-data.js';
import { SHARED_MANIFEST } from '../support/shared-manifest.js';

/** Every dataset of data/real in the manifest, resolved: ../shared, or a pinned download checked by sha256. */
const REAL = new Map<string, string>();
for (const e of SHARED_MANIFEST.filter((x) => x.path.startsWith('data/real/') && x.path.endsWith('.jsonl'))) {
  REAL.set(basename(e.path), await sharedFile(e.path));
}

const TODAY = '2026-11-25';
const DEFAULT_MODEL = 'gpt-4.1-mini-2025-04-14';

interface Expect {
  model?: string;
  method?: Method;
  exit: 0 | 1;
  /** Error codes, sorted, each once. */
  errorCodes: string[];
  errors: number;
  /** A clean file has 0: model and platform notices are not a file's warnings. */
  warnings: number;
  examples: number;
  /** Whether the oracle can recount this file (a recognisable format). */
  recount: boolean;
}

const CASES: Record<string, Expect> = {
  'akshata_conv_dpo_train.jsonl': { exit: 0, errorCodes: [], warnings: 1, errors: 0, examples: 200, recount: true },
  'akshata_dpo_train.jsonl': { exit: 0, errorCodes: [], warnings: 1, errors: 0, examples: 180, recount: true },
  // Reinforcement data (developer prompts, grader keys, no answers) checked as supervised: said once.
  'akshata_rft_train.jsonl': { exit: 1, errorCodes: ['looks-like-reinforcement'], warnings: 1, errors: 1, examples: 180, recount: true },
  'akshata_sft_train.jsonl': { exit: 0, errorCodes: [], warnings: 1, errors: 0, examples: 180, recount: true },
  'bootcamp_category.jsonl': { exit: 0, errorCodes: [], warnings: 23, errors: 0, examples: 21, recount: true },
  // 2 examples (the minimum is 10); one is longer than the training context (a warning).
  'cartorjo_fine_tuning_data.jsonl': { exit: 1, errorCodes: ['too-few-examples'], warnings: 2, errors: 1, examples: 2, recount: true },
  'cookbook_drone_training.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 103, recount: true },
  'cookbook_recipe_ner_train100.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 100, recount: true },
  // 5 examples: under OpenAI's minimum of 10.
  'cookbook_toy_chat.jsonl': { exit: 1, errorCodes: ['too-few-examples'], warnings: 2, errors: 1, examples: 5, recount: true },
  'foundry_chartqa_training.jsonl': { model: 'gpt-4o-2024-08-06', exit: 0, errorCodes: [], warnings: 100, errors: 0, examples: 100, recount: true },
  'foundry_countdown_rft_train100.jsonl': { exit: 1, errorCodes: ['looks-like-reinforcement'], warnings: 0, errors: 1, examples: 100, recount: true },
  'foundry_gsm8k_chat_train.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 449, recount: true },
  'foundry_orca_dpo_validation.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 284, recount: true },
  'foundry_stock_toolcall_training.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 86, recount: true },
  'foundry_zava_tooluse_valid.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 55, recount: true },
  'gptfirst_mydata.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 17, recount: true },
  // A pretty-printed JSON object followed by a comment line: not JSONL.
  'hovedopgave_messages.jsonl': { exit: 1, errorCodes: ['json-not-jsonl'], warnings: 0, errors: 1, examples: 0, recount: false },
  // Every system message is "": OpenAI's format check (cookbook) rejects empty content.
  'ledger_input_data.jsonl': { exit: 1, errorCodes: ['empty-content'], warnings: 1, errors: 83, examples: 83, recount: true },
  'ledger_primed_data.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 83, recount: true },
  // GPT-3 era prompt/completion data: for davinci-002 (a chat model would refuse it).
  'semaphore_data1.jsonl': { model: 'davinci-002', exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 101, recount: true },
  // Line 6 is cut off in the middle of a string.
  'semaphore_data3.jsonl': { model: 'davinci-002', exit: 1, errorCodes: ['invalid-json'], warnings: 0, errors: 1, examples: 10, recount: true },
  'thinkport_training.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 40, recount: true },
  'unhackathon_fine_tune_data.jsonl': { exit: 0, errorCodes: [], warnings: 0, errors: 0, examples: 161, recount: true },
};

// ---- the oracle: the billed rule, from raw JSON, counted with js-tiktoken ----

type Json = Record<string, unknown>;
const encoders = new Map<Encoding, (s: string) => number>();
function oracle(enc: Encoding): (s: string) => number {
  let f = encoders.get(enc);
  if (!f) {
    const e = getEncoding(enc);
    f = (s: string) => (s ? e.encode(s, [], []).length : 0);
    encoders.set(enc, f);
  }
  return f;
}

function messageTokens(m: Json, tok: (s: string) => number): number {
  let n = 3 + tok(String(m.role));
  const c = m.content;
  if (typeof c === 'string') n += tok(c);
  else if (Array.isArray(c)) for (const p of c as Json[]) n += p.type === 'text' ? tok(String(p.text)) : OVERHEADS.image.value;
  if (typeof m.name === 'string') n += tok(m.name) + 1;
  for (const call of (m.tool_calls as Json[] | undefined) ?? []) {
    const f = call.function as Json;
    n += tok(String(f.name)) + tok(String(f.arguments));
  }
  if (m.function_call) n += tok(String((m.function_call as Json).name)) + tok(String((m.function_call as Json).arguments));
  if (typeof m.tool_call_id === 'string') n += tok(m.tool_call_id);
  return n;
}

function definitionsTokens(o: Json, tok: (s: string) => number): number {
  const defs = [...(((o.tools as Json[] | undefined) ?? []).map((t) => t.function) as never[]), ...((o.functions as never[] | undefined) ?? [])];
  return defs.length ? tok(renderFunctions(defs)) + OVERHEADS.toolsOverhead.value : 0;
}

function exampleTokens(o: Json, tok: (s: string) => number): number | null {
  if (Array.isArray(o.messages)) return 1 + definitionsTokens(o, tok) + (o.messages as Json[]).reduce((n, m) => n + messageTokens(m, tok), 0);
  if (o.input && Array.isArray(o.preferred_output)) {
    const input = o.input as Json;
    const prompt = definitionsTokens(input, tok) + (input.messages as Json[]).reduce((n, m) => n + messageTokens(m, tok), 0);
    const outputs = [...(o.preferred_output as Json[]), ...(o.non_preferred_output as Json[])].reduce((n, m) => n + messageTokens(m, tok), 0);
    return 2 * (prompt + 1) + outputs;
  }
  if (typeof o.prompt === 'string' && typeof o.completion === 'string') return tok(o.prompt) + tok(o.completion) + 1;
  return null;
}

function recountBillable(path: string, enc: Encoding, context: number | null): number {
  const tok = oracle(enc);
  let billable = 0;
  for (const raw of readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n')) {
    if (raw.trim() === '') continue;
    let o: Json;
    try {
      o = JSON.parse(raw) as Json;
    } catch {
      continue; // not JSON: an error, and no tokens
    }
    const t = exampleTokens(o, tok);
    if (t !== null) billable += context === null ? t : Math.min(t, context);
  }
  return billable;
}

// ---- the corpus ----

describe('the real-dataset regression corpus (../shared/data/real)', () => {
  const files = [...REAL.keys()].sort();

  test('every dataset in the folder has its expectation here, and every expectation its dataset', () => {
    expect(files).toEqual(Object.keys(CASES).sort());
  });

  test.each(Object.entries(CASES))('%s', async (file, want) => {
    const path = REAL.get(file)!;
    const model = want.model ?? DEFAULT_MODEL;
    const r = await checkTarget({ name: file, trainingFile: path, model, method: want.method ?? null, epochs: 'auto' }, { today: TODAY });
    const exit = r.errors > 0 || r.overBudget ? 1 : 0;
    const errorCodes = [...new Set([...r.notices, ...r.training.diagnostics].filter((d) => d.severity === 'error').map((d) => d.code))].sort();
    expect({ exit, errorCodes, errors: r.errors, warnings: r.warnings, examples: r.training.examples }).toEqual({
      exit: want.exit,
      errorCodes: want.errorCodes,
      errors: want.errors,
      warnings: want.warnings,
      examples: want.examples,
    });
    if (want.recount) {
      const profile = resolveModel(model);
      expect(r.training.tokens.billable).toBe(recountBillable(path, profile.encoding, profile.trainingContext));
    } else {
      expect(r.training.tokens.billable).toBe(0);
    }
  });
});
