/**
 * The training report: markdown for the job summary and the commit comment, and the JSON
 * report, from what the train journey found out. Pure functions. Model ids, file names and
 * provider error messages are untrusted text: they go through `cell`/`escapeText`.
 */
import { lineChart } from './charts.js';
import { cell, code, escapeText, formatInt, formatUsd, table } from './markdown.js';

export type TrainOutcome =
  /** The job finished and produced a model. */
  | 'succeeded'
  /** The job failed at the provider. */
  | 'failed'
  /** The job was cancelled (by us on abort, or by someone else). */
  | 'cancelled'
  /** timeout-minutes ran out while the job was still going: resume later. */
  | 'timeout'
  /** wait: false — the job was started (or found) and left to run. */
  | 'detached'
  /** The workflow was cancelled while following. */
  | 'aborted'
  /** Nothing was uploaded: data errors, budget, model shut down, missing file. */
  | 'refused'
  /** A provider error stopped the journey before or while following (quota, permission…). */
  | 'error'
  /** Scheduled resume: no unfinished job for this target. */
  | 'nothing-to-resume';

/** How the job came to be followed. */
export type JobAction = 'created' | 'attached' | 'followed-by-id' | 'resumed' | 'none';

export interface FileRef {
  id: string;
  name: string;
  bytes: number;
  reused: boolean;
  via: 'files' | 'uploads' | null;
}

export interface FinalMetrics {
  step: number | null;
  trainLoss: number | null;
  validLoss: number | null;
  /** Full validation loss at the end (checkpoint metrics), when the provider gives it. */
  fullValidLoss: number | null;
  trainAccuracy: number | null;
  validAccuracy: number | null;
}

/** One metrics event: the step and its losses. */
export interface LossPoint {
  step: number;
  trainLoss: number | null;
  validLoss: number | null;
}

export interface ProviderQuote {
  costUsd: number | null;
  trainTokens: number | null;
  /** Our estimate from the data, made before the quote. */
  ourCostUsd: number | null;
  ourTokens: number | null;
}

/** Our estimate against the provider's quote: "ours $X for N tokens; theirs $Y for M tokens (±p%)". */
export function quoteText(provider: string, q: ProviderQuote): string {
  const side = (cost: number | null, tokens: number | null) => `${formatCost(cost)}${tokens === null ? '' : ` for ${formatInt(tokens)} tokens`}`;
  const costDiff = differencePct(q.costUsd, q.ourCostUsd);
  const tokenDiff = differencePct(q.trainTokens, q.ourTokens);
  const diffs = [costDiff === null ? null : `cost ${formatPct(costDiff)}`, tokenDiff === null ? null : `tokens ${formatPct(tokenDiff)}`].filter(Boolean);
  return `ours ${side(q.ourCostUsd, q.ourTokens)}; ${escapeText(provider)}'s ${side(q.costUsd, q.trainTokens)}${diffs.length ? ` (${escapeText(provider)} vs ours: ${diffs.join(', ')})` : ''}`;
}

export interface TrainTargetResult {
  target: string;
  provider: string;
  /** Base model. */
  model: string;
  method: string | null;
  outcome: TrainOutcome;
  action: JobAction;
  /** Why the journey did what it did (why a new job, why refused, …). */
  reason: string | null;
  jobId: string | null;
  /** The provider's status word, last seen. */
  status: string | null;
  jobKey: string | null;
  fineTunedModel: string | null;
  trainedTokens: number | null;
  /** The estimate made from the data (same rule as the PR check). */
  estimatedTokens: number | null;
  estimatedCostUsd: number | null;
  pricePerMillion: number | null;
  actualCostUsd: number | null;
  /** (actual − estimate) / estimate × 100; null when either is unknown or the estimate is 0. */
  costDifferencePct: number | null;
  /**
   * The provider's own quote before the job (Together's estimate-price) next to ours from the
   * data; `estimatedCostUsd` then holds the quote. Optional: only providers that quote set it.
   */
  quote?: ProviderQuote | null;
  metrics: FinalMetrics | null;
  /** Losses over the steps, from the metrics events (absent when none were seen). */
  lossCurve?: LossPoint[];
  /** Job creation to finish, in seconds. */
  durationSeconds: number | null;
  error: { code: string; message: string; param: string | null } | null;
  requestId: string | null;
  /** A hint to act on (billing, permission, closure dates). */
  hint: string | null;
  trainingFile: FileRef | null;
  validationFile: FileRef | null;
  /** Problems that refused the target (first few). */
  problems: string[];
  /** Warnings worth repeating in the report (shutdown soon, provider closing). */
  notices: string[];
  smoke: { markdown: string; failed: boolean } | null;
}

export function emptyResult(target: string, provider: string, model: string): TrainTargetResult {
  return {
    target,
    provider,
    model,
    method: null,
    outcome: 'refused',
    action: 'none',
    reason: null,
    jobId: null,
    status: null,
    jobKey: null,
    fineTunedModel: null,
    trainedTokens: null,
    estimatedTokens: null,
    estimatedCostUsd: null,
    pricePerMillion: null,
    actualCostUsd: null,
    costDifferencePct: null,
    metrics: null,
    durationSeconds: null,
    error: null,
    requestId: null,
    hint: null,
    trainingFile: null,
    validationFile: null,
    problems: [],
    notices: [],
    smoke: null,
  };
}

/** trained tokens × price per 1M; null when either is unknown. */
export function actualCost(trainedTokens: number | null, pricePerMillion: number | null): number | null {
  if (trainedTokens === null || pricePerMillion === null) return null;
  return (trainedTokens * pricePerMillion) / 1_000_000;
}

/** Percentage difference of `actual` from `estimate`; null when unknown or the estimate is 0. */
export function differencePct(actual: number | null, estimate: number | null): number | null {
  if (actual === null || estimate === null || estimate === 0) return null;
  return ((actual - estimate) / estimate) * 100;
}

export function formatPct(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return 'n/a';
  const r = Math.round(p * 10) / 10;
  if (r === 0) return '±0%';
  return `${r > 0 ? '+' : '−'}${Math.abs(r)}%`;
}

/** 75 → "1m 15s", 3725 → "1h 2m 5s". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return 'unknown';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/** USD with 4 decimals under $1 (training runs on small data cost cents), else 2. */
export function formatCost(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return 'unknown';
  return Math.abs(n) < 1 ? `$${n.toFixed(4)}` : formatUsd(n);
}

function loss(n: number | null): string {
  return n === null ? '–' : n.toFixed(4);
}

/** One compact line: "step 12 · train loss 0.4123 · valid loss 0.4500". */
export function metricsLine(m: Pick<FinalMetrics, 'step' | 'trainLoss' | 'validLoss'> & { totalSteps?: number | null }): string {
  const parts: string[] = [];
  if (m.step !== null) parts.push(`step ${m.step}${m.totalSteps ? `/${m.totalSteps}` : ''}`);
  if (m.trainLoss !== null) parts.push(`train loss ${loss(m.trainLoss)}`);
  if (m.validLoss !== null) parts.push(`valid loss ${loss(m.validLoss)}`);
  return parts.join(' · ');
}

const ICON: Record<TrainOutcome, string> = {
  succeeded: '✅',
  failed: '❌',
  cancelled: '🛑',
  timeout: '⏳',
  detached: '🚀',
  aborted: '🛑',
  refused: '⛔',
  error: '❌',
  'nothing-to-resume': '💤',
};

const WORDS: Record<TrainOutcome, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  timeout: 'still running (timeout-minutes reached)',
  detached: 'started, not waited for (wait: false)',
  aborted: 'workflow cancelled while following',
  refused: 'refused before upload',
  error: 'stopped by a provider error',
  'nothing-to-resume': 'nothing to resume',
};

/** Does this outcome fail the step? */
export function isFailure(r: TrainTargetResult): boolean {
  return ['failed', 'cancelled', 'aborted', 'refused', 'error'].includes(r.outcome) || (r.smoke?.failed ?? false);
}

export interface ResumeInfo {
  /** How the job can be picked up again; absent when it cannot be said. */
  jobId: string;
}

/** How to pick up an unfinished job, in markdown. */
export function resumeText(jobId: string): string {
  return (
    `The job keeps running at the provider. To pick it up again, rerun this workflow (a rerun of the same commit attaches to ` +
    `the same job, it never starts another), run the action with ${code(`job-id: ${jobId}`, 120)}, or let a scheduled ` +
    'workflow (`on: schedule`) find the unfinished job by its tag and follow it to the end.'
  );
}

function fileText(f: FileRef | null): string {
  if (!f) return '–';
  const how = f.reused ? 'reused' : f.via === 'uploads' ? 'Uploads API' : 'Files API';
  return `${cell(f.id, 60)} (${cell(f.name, 60)}, ${formatInt(f.bytes)} bytes, ${how})`;
}

export interface TrainReportOptions {
  /** e.g. "acme/datasets@abc1234". */
  where?: string | null;
  headingLevel?: number;
}

function renderOne(r: TrainTargetResult, level: number): string {
  const h = '#'.repeat(level);
  const out: string[] = [];
  out.push(`${h} ${ICON[r.outcome]} ${cell(r.target, 80)}: ${WORDS[r.outcome]}`);
  const rows: string[][] = [];
  rows.push(['base model', `${cell(r.model, 80)}${r.method ? ` (${escapeText(r.method)})` : ''}`]);
  if (r.jobId) rows.push(['job', `${cell(r.jobId, 80)}${r.status ? ` — status ${code(r.status, 30)}` : ''}`]);
  if (r.fineTunedModel) rows.push(['fine-tuned model', `**${cell(r.fineTunedModel, 120)}**`]);
  if (r.trainedTokens !== null || r.estimatedTokens !== null) {
    rows.push(['trained tokens', `${r.trainedTokens === null ? 'not known yet' : formatInt(r.trainedTokens)}${r.estimatedTokens !== null ? ` (estimated ${formatInt(r.estimatedTokens)})` : ''}`]);
  }
  if (r.actualCostUsd !== null || r.estimatedCostUsd !== null) {
    const actual = r.actualCostUsd === null ? 'not known yet' : formatCost(r.actualCostUsd);
    const est = formatCost(r.estimatedCostUsd);
    const diff = r.costDifferencePct === null ? '' : `, ${formatPct(r.costDifferencePct)} vs estimate`;
    const price = r.pricePerMillion === null ? '' : ` at ${formatUsd(r.pricePerMillion)}/1M`;
    rows.push(['cost', `${actual} (estimated ${est}${diff})${price}`]);
  }
  if (r.quote) rows.push(['estimate vs quote', quoteText(r.provider, r.quote)]);
  if (r.metrics) {
    const m = r.metrics;
    const bits = [metricsLine(m)];
    if (m.fullValidLoss !== null) bits.push(`full valid loss ${loss(m.fullValidLoss)}`);
    if (m.trainAccuracy !== null) bits.push(`train accuracy ${(m.trainAccuracy * 100).toFixed(1)}%`);
    if (m.validAccuracy !== null) bits.push(`valid accuracy ${(m.validAccuracy * 100).toFixed(1)}%`);
    rows.push(['final metrics', bits.filter(Boolean).join(' · ') || '–']);
  }
  if (r.durationSeconds !== null) rows.push(['duration', formatDuration(r.durationSeconds)]);
  if (r.trainingFile) rows.push(['training file', fileText(r.trainingFile)]);
  if (r.validationFile) rows.push(['validation file', fileText(r.validationFile)]);
  if (r.jobKey) rows.push(['job key', `\`${r.jobKey.slice(0, 16)}…\``]);
  out.push(table(['', ''], rows));
  if (r.reason) out.push(`_${escapeText(r.reason)}_`);
  if (r.error) {
    const meta = [`code ${code(r.error.code, 60)}`];
    if (r.error.param) meta.push(`param ${code(r.error.param, 60)}`);
    if (r.requestId) meta.push(`request id ${code(r.requestId, 80)}`);
    out.push(`**Error:** ${cell(r.error.message, 400)} (${meta.join(', ')})`);
  } else if (r.requestId && (r.outcome === 'failed' || r.outcome === 'error')) {
    out.push(`Request id: ${code(r.requestId, 80)}`);
  }
  if (r.hint) out.push(`**What to do:** ${cell(r.hint, 800)}`);
  if (r.problems.length) out.push(r.problems.map((p) => `- ${cell(p, 300)}`).join('\n'));
  if ((r.outcome === 'timeout' || r.outcome === 'detached' || r.outcome === 'aborted') && r.jobId) out.push(resumeText(r.jobId));
  if (r.notices.length) out.push(r.notices.map((n) => `- ⚠️ ${cell(n, 300)}`).join('\n'));
  const chart = lossChart(r.lossCurve ?? []);
  if (chart) out.push(chart);
  if (r.smoke) out.push(r.smoke.markdown);
  return out.join('\n\n');
}

/** Points on the chart at most: a long job's steps are averaged in buckets. */
const CHART_POINTS = 60;

/**
 * Train and validation loss over the steps as a Mermaid line chart ('' with fewer than 2 steps).
 * Steps are averaged into at most 60 buckets; validation loss, reported every few steps, holds
 * its last value between reports.
 */
export function lossChart(curve: readonly LossPoint[]): string {
  const points = curve
    .filter((p) => Number.isFinite(p.step))
    .slice()
    .sort((a, b) => a.step - b.step);
  if (points.length < 2 || !points.some((p) => p.trainLoss !== null)) return '';
  const first = points[0]!.step;
  const last = points[points.length - 1]!.step;
  const buckets = Math.min(CHART_POINTS, points.length);
  const span = Math.max(1, last - first + 1);
  const sums = Array.from({ length: buckets }, () => ({ t: 0, tn: 0, v: 0, vn: 0 }));
  for (const p of points) {
    const b = sums[Math.min(buckets - 1, Math.floor(((p.step - first) / span) * buckets))]!;
    if (p.trainLoss !== null && Number.isFinite(p.trainLoss)) {
      b.t += p.trainLoss;
      b.tn++;
    }
    if (p.validLoss !== null && Number.isFinite(p.validLoss)) {
      b.v += p.validLoss;
      b.vn++;
    }
  }
  const hold = (vals: (number | null)[]): number[] | null => {
    const firstKnown = vals.find((v) => v !== null);
    if (firstKnown === undefined || firstKnown === null) return null;
    let prev = firstKnown;
    return vals.map((v) => (v === null ? prev : (prev = v)));
  };
  const train = hold(sums.map((b) => (b.tn ? b.t / b.tn : null)))!;
  const valid = hold(sums.map((b) => (b.vn ? b.v / b.vn : null)));
  const chart = lineChart({
    title: valid ? 'Loss: train (first line), validation (second line)' : 'Train loss',
    xLabel: 'step',
    xRange: [first, last],
    yLabel: 'loss',
    series: valid ? [train, valid] : [train],
  });
  return `**Loss over steps**\n\n${chart}`;
}

/** The job summary and commit comment body. */
export function renderTrainMarkdown(results: readonly TrainTargetResult[], opts: TrainReportOptions = {}): string {
  const level = opts.headingLevel ?? 3;
  const h = '#'.repeat(Math.max(1, level - 1));
  const failed = results.filter(isFailure).length;
  const title = `${h} finetune-ci training${opts.where ? ` — ${cell(opts.where, 100)}` : ''}`;
  if (results.length === 0) return `${title}\n\nNo targets to train.`;
  const head = results.length > 1 ? `${results.length} targets, ${results.filter((r) => r.outcome === 'succeeded').length} succeeded${failed ? `, ${failed} failed` : ''}.` : '';
  return [title, head, ...results.map((r) => renderOne(r, level))].filter(Boolean).join('\n\n') + '\n';
}

/** The JSON report (all targets). */
export function toTrainJson(results: readonly TrainTargetResult[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'finetune-ci/train',
    version: 1,
    ...extra,
    failed: results.some(isFailure),
    targets: results.map((r) => ({ ...r, smoke: r.smoke ? { failed: r.smoke.failed } : null })),
  };
}
