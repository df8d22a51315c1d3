/**
 * The data of a smoke-test run: the parsed suite, the chat call it goes through, and what a run
 * returns. Pure types, no behaviour. Everything a run returns is plain JSON-able data, so that the
 * journey can write it out as the `smoke-report` file as it is.
 */

import type { ChatMessage, ChatOptions, ChatUsage } from '../types.js';

export type { ChatMessage, ChatOptions } from '../types.js';

/** Token counts as the `smoke-report` JSON writes them. */
export interface TokenUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ChatAnswer {
  text: string;
  /** Time the call took, as the provider measured it (retries included). */
  latencyMs: number;
  usage?: Pick<ChatUsage, 'promptTokens' | 'completionTokens'>;
}

/**
 * The one call a smoke run makes. The journey adapts the provider's chat call to it; it should
 * already retry what the provider retries, and throw when it gives up.
 */
export type ChatFn = (model: string, messages: ChatMessage[], opts: ChatOptions) => Promise<ChatAnswer>;

/** Checks that read the answer's text and have a `not-` form. */
export const TEXT_CHECKS = ['equals', 'contains', 'icontains', 'starts-with', 'regex', 'is-json'] as const;
export type TextCheck = (typeof TEXT_CHECKS)[number];
/** Checks without a `not-` form (negate a length with the other bound). */
export const OTHER_CHECKS = ['json-schema', 'min-length', 'max-length', 'max-latency-ms'] as const;
export type OtherCheck = (typeof OTHER_CHECKS)[number];
export type CheckType = TextCheck | `not-${TextCheck}` | OtherCheck;

export const CHECK_TYPES: readonly CheckType[] = [...TEXT_CHECKS, ...TEXT_CHECKS.map((t) => `not-${t}` as const), ...OTHER_CHECKS];

/**
 * One check, as `parseSuite` normalises it: text values are strings (numbers and booleans
 * written in YAML are turned into their text), `regex` is the pattern source, `json-schema`
 * (and `is-json`, optionally) a JSON Schema object, lengths and latency numbers.
 */
export interface Assertion {
  type: CheckType;
  value?: unknown;
  /** 1-based line of the check in the suite file; null when built in code. */
  line?: number | null;
}

export interface CheckResult {
  type: string;
  pass: boolean;
  /** Why it failed, in words, quoting the expectation and the start of the answer; "" when it passed. */
  reason: string;
  line?: number | null;
}

export interface SmokeDefaults {
  system?: string;
  temperature?: number;
  max_tokens?: number;
  seed?: number;
}

export interface SmokeCase {
  name: string;
  /** The messages sent: a `prompt` becomes the default system message (if any) and one user message. */
  messages: ChatMessage[];
  assert: Assertion[];
  line: number | null;
}

export interface SmokeSuite {
  file: string;
  description?: string;
  defaults: SmokeDefaults;
  /** Pass rate the model under test needs, 0..1. */
  threshold: number;
  /** Whether the file set `threshold` (otherwise it is the default, 1). */
  thresholdSet: boolean;
  cases: SmokeCase[];
}

export interface Price {
  /** USD per 1M input tokens. */
  input: number;
  /** USD per 1M output tokens. */
  output: number;
}

/** One case against one model. */
export interface CaseOutcome {
  pass: boolean;
  /** Why the call itself failed (after the provider's retries); null when it answered. */
  error: string | null;
  /** Every check, in suite order. Empty when the call failed. */
  checks: CheckResult[];
  /** The checks that failed (a subset of `checks`). */
  failed: CheckResult[];
  answer: string;
  latencyMs: number;
  usage: TokenUsage | null;
}

export interface ModelSummary {
  role: 'model' | 'compare';
  model: string;
  passed: number;
  total: number;
  /** passed / total, 0..1. */
  passRate: number;
  promptTokens: number;
  completionTokens: number;
  /** Answered calls whose response carried no token usage (the cost is then a lower bound). */
  callsWithoutUsage: number;
  /** USD for this model's smoke calls; null when no price is known. */
  cost: number | null;
  price: Price | null;
}

export interface CaseRow {
  name: string;
  line: number | null;
  /** One outcome per model, in the order of `SmokeRun.models`. */
  outcomes: CaseOutcome[];
}

export interface SmokeRun {
  file: string;
  /** The model under test first, then the compare model if any. */
  models: ModelSummary[];
  cases: CaseRow[];
  threshold: number;
  thresholdSource: 'option' | 'suite' | 'default';
  /** The model under test's pass rate against the threshold. */
  verdict: 'pass' | 'fail';
  concurrency: number;
  calls: number;
  /** From the first call to the last answer, measured in the process (performance.now). */
  wallMs: number;
  /** Sum of the models' costs; null when any model's price is unknown. */
  cost: number | null;
}
