/**
 * Run a smoke suite against the model under test and, optionally, a model to compare with
 * (the base model, or an earlier fine-tune). All calls of both models share one concurrency
 * limit; cases of the two models are interleaved so both progress together. A call that throws
 * (after the provider's retries, which live in the ChatFn) fails its case with the reason.
 */
import { evaluateAll } from './checks.js';
import type { CaseOutcome, CaseRow, ChatFn, ChatOptions, ModelSummary, Price, SmokeRun, SmokeSuite } from './types.js';

export const DEFAULT_CONCURRENCY = 4;

export interface RunOptions {
  chat: ChatFn;
  /** The model under test (the tuned model's id, or `smoke-model`). */
  model: string;
  /** A model to run the same cases against, side by side; null/undefined for none. */
  compare?: string | null;
  /** Calls in flight at once, across both models. Default 4. */
  concurrency?: number;
  /** Overrides the suite's threshold (the `smoke-threshold` input). */
  threshold?: number;
  /** Inference prices (USD per 1M tokens) for the smoke run's own cost; null/absent: unknown. */
  prices?: { model?: Price | null; compare?: Price | null };
  /** Called as each answer (or failure) arrives, e.g. for progress lines. */
  onOutcome?: (event: { caseName: string; model: string; role: 'model' | 'compare'; outcome: CaseOutcome }) => void;
  /** Clock for wall time; performance.now by default. */
  now?: () => number;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const status = (err as { status?: unknown }).status;
    const msg = err.message || err.name;
    return typeof status === 'number' && !msg.includes(String(status)) ? `${status} ${msg}` : msg;
  }
  return String(err);
}

function validateOptions(opts: RunOptions): number {
  const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`smoke concurrency must be a whole number of 1 or more; got ${concurrency}`);
  }
  if (opts.threshold !== undefined && !(opts.threshold >= 0 && opts.threshold <= 1)) {
    throw new RangeError(`smoke threshold must be from 0 to 1; got ${opts.threshold}`);
  }
  return concurrency;
}

/** True when `passed` of `total` reaches `threshold` (with room for floating-point error). */
export function meetsThreshold(passed: number, total: number, threshold: number): boolean {
  return passed >= threshold * total - 1e-9;
}

export function callCost(price: Price | null, promptTokens: number, completionTokens: number): number | null {
  if (!price) return null;
  return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}

/**
 * Run every case against `model` (and `compare`). Throws only for options no caller should pass
 * (concurrency below 1, threshold outside 0..1); the suite is already validated by parseSuite.
 */
export async function runSuite(suite: SmokeSuite, opts: RunOptions): Promise<SmokeRun> {
  const concurrency = validateOptions(opts);
  const now = opts.now ?? (() => performance.now());
  const models: { role: 'model' | 'compare'; model: string; price: Price | null }[] = [{ role: 'model', model: opts.model, price: opts.prices?.model ?? null }];
  if (opts.compare) models.push({ role: 'compare', model: opts.compare, price: opts.prices?.compare ?? null });

  const chatOpts: ChatOptions = {};
  if (suite.defaults.temperature !== undefined) chatOpts.temperature = suite.defaults.temperature;
  if (suite.defaults.max_tokens !== undefined) chatOpts.max_tokens = suite.defaults.max_tokens;
  if (suite.defaults.seed !== undefined) chatOpts.seed = suite.defaults.seed;

  const rows: CaseRow[] = suite.cases.map((c) => ({ name: c.name, line: c.line, outcomes: [] }));
  // Interleaved: case 1 × each model, case 2 × each model, …
  const tasks = suite.cases.flatMap((_, ci) => models.map((_, mi) => ({ ci, mi })));

  let first: number | null = null;
  let last: number | null = null;

  async function runOne(ci: number, mi: number): Promise<void> {
    const c = suite.cases[ci]!;
    const m = models[mi]!;
    const started = now();
    first ??= started;
    let outcome: CaseOutcome;
    try {
      const answer = await opts.chat(
        m.model,
        c.messages.map((x) => ({ ...x })),
        { ...chatOpts },
      );
      const text = typeof answer?.text === 'string' ? answer.text : '';
      const latencyMs = Number.isFinite(answer?.latencyMs) ? answer.latencyMs : now() - started;
      const result = evaluateAll(c.assert, { text, latencyMs });
      outcome = {
        pass: result.pass,
        error: null,
        checks: result.checks,
        failed: result.failed,
        answer: text,
        latencyMs,
        usage: answer?.usage ? { prompt_tokens: answer.usage.promptTokens, completion_tokens: answer.usage.completionTokens } : null,
      };
    } catch (err) {
      outcome = {
        pass: false,
        error: `the call failed: ${errorText(err)}`,
        checks: [],
        failed: [],
        answer: '',
        latencyMs: now() - started,
        usage: null,
      };
    }
    last = now();
    rows[ci]!.outcomes[mi] = outcome;
    try {
      opts.onOutcome?.({ caseName: c.name, model: m.model, role: m.role, outcome });
    } catch {
      // progress reporting must not stop the run
    }
  }

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const t = tasks[next++]!;
      await runOne(t.ci, t.mi);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));

  const summaries: ModelSummary[] = models.map((m, mi) => {
    let passed = 0;
    let promptTokens = 0;
    let completionTokens = 0;
    let callsWithoutUsage = 0;
    for (const row of rows) {
      const o = row.outcomes[mi]!;
      if (o.pass) passed++;
      if (o.usage) {
        promptTokens += o.usage.prompt_tokens;
        completionTokens += o.usage.completion_tokens;
      } else if (o.error === null) callsWithoutUsage++;
    }
    const total = rows.length;
    return {
      role: m.role,
      model: m.model,
      passed,
      total,
      passRate: total ? passed / total : 0,
      promptTokens,
      completionTokens,
      callsWithoutUsage,
      cost: callCost(m.price, promptTokens, completionTokens),
      price: m.price,
    };
  });

  const threshold = opts.threshold ?? suite.threshold;
  const thresholdSource = opts.threshold !== undefined ? 'option' : suite.thresholdSet ? 'suite' : 'default';
  const tested = summaries[0]!;
  const costs = summaries.map((s) => s.cost);
  return {
    file: suite.file,
    models: summaries,
    cases: rows,
    threshold,
    thresholdSource,
    verdict: tested.total > 0 && meetsThreshold(tested.passed, tested.total, threshold) ? 'pass' : 'fail',
    concurrency,
    calls: tasks.length,
    wallMs: first !== null && last !== null ? last - first : 0,
    cost: costs.every((c): c is number => c !== null) ? costs.reduce((a, b) => a + b, 0) : null,
  };
}
