/**
 * Renderers for the check report: JSON (the machine contract), text (a terminal) and markdown
 * (the PR comment and the job summary). Pure: numbers in, strings out. One file because the
 * three renderers share what they say (totals, run notices, grouped findings, the unconfirmed
 * rules) and must not drift apart.
 */
import { OVERHEADS, OVERHEADS_SOURCE, AUTO_EPOCHS } from '../catalog/overheads.js';
import type { FileReport } from '../dataset/check.js';
import type { TargetDiff } from '../dataset/diff.js';
import { isNotice, type TargetReport } from '../dataset/target.js';
import type { Diagnostic, Distribution } from '../dataset/types.js';
import { cell, details, escapeText, formatDelta, formatInt, formatUsd, formatUsdDelta, table } from './markdown.js';
import { barChart, histogram } from './charts.js';
import { plain } from './text.js';

export const REPORT_VERSION = 1;

/** The rules behind the counts that no primary source confirms: every report lists them. */
export function unconfirmedRules(): string[] {
  return Object.values(OVERHEADS)
    .filter((r) => !r.confirmed)
    .map((r) => r.note);
}

/** A target's own diagnostics (method support, unknown model, budget…), without the run's notices. */
function targetDiagnostics(t: TargetReport): Diagnostic[] {
  return t.notices.filter((n) => !isNotice(n));
}

/** Model and platform notices of the run, each once (several targets may share a model). */
export function runNotices(targets: readonly TargetReport[]): Pick<Diagnostic, 'code' | 'severity' | 'message' | 'hint'>[] {
  const seen = new Map<string, Pick<Diagnostic, 'code' | 'severity' | 'message' | 'hint'>>();
  for (const t of targets)
    for (const n of t.notices) {
      if (!isNotice(n)) continue;
      const key = `${n.severity}|${n.code}|${n.message}`;
      if (!seen.has(key)) seen.set(key, { code: n.code, severity: n.severity, message: n.message, hint: n.hint });
    }
  return [...seen.values()];
}

/** Money in JSON: rounded to a millionth of a dollar (no 0.009411600000000001). */
export function roundUsd(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Every non-integer number under a key about money (cost, usd, price), rounded; the rest as is. */
function roundMoney<T>(v: T, key = ''): T {
  if (typeof v === 'number') return (/cost|usd|price/i.test(key) && !Number.isInteger(v) ? roundUsd(v) : v) as T;
  if (Array.isArray(v)) return v.map((x) => roundMoney(x, key)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = roundMoney(x, k);
    return out as T;
  }
  return v;
}

function fileJson(f: FileReport, t: TargetReport) {
  const training = f.role === 'training';
  const own = training ? targetDiagnostics(t) : [];
  return {
    path: f.path,
    role: f.role,
    target: t.name,
    model: t.requestedModel,
    method: t.method,
    format: f.format,
    bytes: f.bytes,
    lines: f.lines,
    examples: f.examples,
    validExamples: f.validExamples,
    errors: f.errors + own.filter((n) => n.severity === 'error').length,
    warnings: f.warnings + own.filter((n) => n.severity === 'warning').length,
    diagnostics: [...own, ...f.diagnostics],
    diagnosticsOmitted: f.diagnosticsOmitted,
    diagnosticCounts: Object.fromEntries(f.byCode.map((c) => [c.code, c.count])),
    tokens: { ...f.tokens, approximate: t.model.approximateTokens, encoding: t.tokenizer ? t.tokenizer.label : t.model.encoding },
    stats: f.stats,
    epochs: training ? t.estimate.epochs : null,
    trainedTokens: training ? t.estimate.trainedTokens : null,
    costUsd: training ? t.estimate.costUsd : null,
  };
}

export interface JsonReport {
  version: number;
  generatedAt: string;
  ok: boolean;
  totals: ReturnType<typeof totals>;
  targets: unknown[];
  files: ReturnType<typeof fileJson>[];
  unconfirmedRules: string[];
  /** Model and platform notices (shutdown dates, job-creation closure), once per run. */
  notices: ReturnType<typeof runNotices>;
}

/** A dataset the change removes: what it cost at base (it leaves the total). */
export interface RemovedDataset {
  path: string;
  model: string;
  examples: number;
  billableTokens: number;
  trainedTokens: number;
  /** Cost at base; null when its price is unknown. */
  costUsd: number | null;
}

export function totals(targets: readonly TargetReport[], diffs?: readonly (TargetDiff | null)[], removed: readonly RemovedDataset[] = []) {
  let costKnown = true;
  let cost = 0;
  let costDelta: number | null = 0;
  targets.forEach((t, i) => {
    if (t.estimate.costUsd === null) costKnown = false;
    else cost += t.estimate.costUsd;
    const d = diffs?.[i];
    if (d && costDelta !== null) costDelta = d.costDelta === null ? null : costDelta + d.costDelta;
  });
  for (const r of removed) if (costDelta !== null) costDelta = r.costUsd === null ? null : costDelta - r.costUsd;
  // A notice error (a model already shut down) counts once, however many targets use the model.
  const noticeErrors = targets.reduce((n, t) => n + t.notices.filter((x) => isNotice(x) && x.severity === 'error').length, 0);
  const distinctNoticeErrors = runNotices(targets).filter((n) => n.severity === 'error').length;
  return {
    targets: targets.length,
    errors: targets.reduce((s, t) => s + t.errors, 0) - noticeErrors + distinctNoticeErrors,
    warnings: targets.reduce((s, t) => s + t.warnings, 0),
    examples: targets.reduce((s, t) => s + t.training.examples, 0),
    billableTokens: targets.reduce((s, t) => s + t.estimate.billableTokens, 0),
    trainedTokens: targets.reduce((s, t) => s + t.estimate.trainedTokens, 0),
    estimatedCostUsd: costKnown ? cost : null,
    costDeltaUsd: diffs || removed.length ? costDelta : null,
    overBudget: targets.some((t) => t.overBudget),
  };
}

export function toJson(targets: readonly TargetReport[], diffs?: readonly (TargetDiff | null)[], removed: readonly RemovedDataset[] = []): JsonReport {
  const files = targets.flatMap((t) => [fileJson(t.training, t), ...(t.validation ? [fileJson(t.validation, t)] : [])]);
  const tot = totals(targets, diffs, removed);
  return roundMoney({
    version: REPORT_VERSION,
    generatedAt: new Date().toISOString(),
    ok: tot.errors === 0,
    totals: tot,
    targets: targets.map((t, i) => ({
      name: t.name,
      model: t.requestedModel,
      baseModel: t.model.id,
      method: t.method,
      profile: t.profile.name,
      trainingFile: t.training.path,
      validationFile: t.validation?.path ?? null,
      errors: t.errors,
      warnings: t.warnings,
      estimate: t.estimate,
      overBudget: t.overBudget,
      maxCost: t.maxCost,
      shutdownDate: t.model.shutdownDate,
      notices: t.notices,
      diff: diffs?.[i] ?? null,
    })),
    files,
    unconfirmedRules: unconfirmedRules(),
    notices: runNotices(targets),
  });
}

// ---------------------------------------------------------------- grouping

/** Diagnostics of one code in one file, said once: "no-system-message on 100 lines: 1, 2, 3 … 100". */
export interface DiagnosticGroup {
  code: string;
  severity: Diagnostic['severity'];
  file: string;
  first: Diagnostic;
  /** Distinct lines among the kept diagnostics, ascending (whole-file ones have none). */
  lines: number[];
  /** Every occurrence counted, kept or not. */
  count: number;
}

/** Group a file's diagnostics by code, in order of first appearance; `counts` has the full counts. */
export function groupDiagnostics(diags: readonly Diagnostic[], counts?: ReadonlyMap<string, number>): DiagnosticGroup[] {
  const groups = new Map<string, DiagnosticGroup & { seen: Set<number> }>();
  for (const d of diags) {
    const key = `${d.file}\u0000${d.code}`;
    let g = groups.get(key);
    if (!g) {
      g = { code: d.code, severity: d.severity, file: d.file, first: d, lines: [], count: 0, seen: new Set() };
      groups.set(key, g);
    }
    g.count++;
    if (d.line !== null && !g.seen.has(d.line)) {
      g.seen.add(d.line);
      g.lines.push(d.line);
    }
  }
  return [...groups.values()].map(({ seen: _seen, ...g }) => {
    g.lines.sort((a, b) => a - b);
    const full = counts?.get(g.code);
    return full !== undefined && full > g.count ? { ...g, count: full } : g;
  });
}

/** "1, 2, 3, 4, 5 … 100": the first lines and the last one. */
export function lineList(lines: readonly number[], more = false): string {
  const SHOWN = 5;
  if (lines.length <= SHOWN + 1) return lines.map(formatInt).join(', ') + (more ? ' …' : '');
  return `${lines.slice(0, SHOWN).map(formatInt).join(', ')} … ${formatInt(lines[lines.length - 1]!)}${more ? ' …' : ''}`;
}

/** How a group reads: its code, how often and where; null for a single diagnostic. */
export function groupSummary(g: DiagnosticGroup): string | null {
  if (g.count <= 1) return null;
  const more = g.count > g.lines.length && g.lines.length > 0;
  if (g.lines.length === 0) return `${g.code} ×${formatInt(g.count)}`;
  if (!more) return `${g.code} on ${formatInt(g.lines.length)} lines: ${lineList(g.lines)}`;
  return `${g.code} ×${formatInt(g.count)} on lines ${lineList(g.lines, true)}`;
}

// ---------------------------------------------------------------- text (terminal)

/** Data text for one terminal line: no control, bidi or hidden characters, no line breaks (text.ts). */
const safe = (s: string) => plain(s, 1000);

export interface TextOptions {
  color: boolean;
  maxDiagnostics: number;
}

export function renderText(targets: readonly TargetReport[], opts: TextOptions): string {
  const c = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const red = (s: string) => c('31', s);
  const yellow = (s: string) => c('33', s);
  const dim = (s: string) => c('2', s);
  const bold = (s: string) => c('1', s);
  const out: string[] = [];
  for (const t of targets) {
    const files = [t.training, ...(t.validation ? [t.validation] : [])];
    for (const f of files) {
      out.push(bold(`${safe(f.path)}`) + dim(`  (${f.role}, ${f.format ?? 'unknown format'}, ${safe(t.requestedModel)}, ${t.method})`));
      const own = f.role === 'training' ? targetDiagnostics(t) : [];
      const groups = groupDiagnostics([...own, ...f.diagnostics], new Map(f.byCode.map((b) => [b.code, b.count])));
      // Repeated findings of one code are one entry, and take one of the --max-problems slots.
      const shown = groups.slice(0, opts.maxDiagnostics);
      for (const g of shown) {
        const d = g.first;
        const sev = d.severity === 'error' ? red('error') : d.severity === 'warning' ? yellow('warning') : dim('info');
        const summary = groupSummary(g);
        if (summary) {
          out.push(`  ${safe(d.file)}  ${sev}  ${safe(summary)}: ${safe(d.message)}${g.lines.length > 1 ? ' (first shown)' : ''}  ${dim(`[${d.code}]`)}`);
        } else {
          const loc = d.line === null ? safe(d.file) : `${safe(d.file)}:${d.line}`;
          out.push(`  ${loc}  ${sev}  ${safe(d.message)}  ${dim(`[${d.code}]`)}`);
        }
        out.push(dim(`      fix: ${safe(d.hint)}`));
      }
      const hidden = groups.slice(shown.length).reduce((n, g) => n + g.count, 0);
      if (hidden > 0) {
        const by = groups
          .slice(shown.length)
          .map((g) => `${g.code} ×${g.count}`)
          .join(', ');
        out.push(dim(`  … and ${hidden} more (${by}; use --format json for every one kept)`));
      }
      out.push(
        `  ${formatInt(f.examples)} examples, ${formatInt(f.stats.messages)} messages, ` +
          `${formatInt(f.tokens.total)} tokens${t.model.approximateTokens ? ' (approximate)' : t.tokenizer ? ` (exact: ${t.tokenizer.label})` : ''}, ` +
          `${formatInt(f.tokens.billable)} billable` +
          (f.tokens.overContext ? `, ${f.tokens.overContext} over the ${formatInt(t.model.trainingContext ?? 0)}-token context` : ''),
      );
      const d = f.tokens.perExample;
      if (d) out.push(dim(`  tokens per example: ${distText(d)}`));
      const own2 = f.role === 'training' ? targetDiagnostics(t) : [];
      const errs = f.errors + own2.filter((n) => n.severity === 'error').length;
      const warns = f.warnings + own2.filter((n) => n.severity === 'warning').length;
      out.push(`  ${errs ? red(`${errs} error${errs === 1 ? '' : 's'}`) : 'no errors'}, ${warns ? yellow(`${warns} warning${warns === 1 ? '' : 's'}`) : 'no warnings'}`);
      out.push('');
    }
    const e = t.estimate;
    out.push(
      `  estimate: ${e.epochs} epochs (${e.epochsSource}) × ${formatInt(e.billableTokens)} billable = ${formatInt(e.trainedTokens)} trained tokens` +
        (e.pricePerMillion === null ? ' — price unknown: set --price' : ` × $${e.pricePerMillion}/1M = ${bold(formatUsd(e.costUsd))}`) +
        (e.minimumChargeUsd !== null ? ` (the minimum charge per job)` : ''),
    );
    if (t.overBudget) out.push(red(`  over budget: the estimate is above max-cost ${formatUsd(t.maxCost)}`));
    out.push('');
  }
  const notices = runNotices(targets);
  if (notices.length) {
    out.push(bold('Notices'));
    for (const n of notices) {
      const sev = n.severity === 'error' ? red('error') : n.severity === 'warning' ? yellow('notice') : dim('info');
      out.push(`  ${sev}  ${safe(n.message)}  ${dim(`[${n.code}]`)}`);
      out.push(dim(`      fix: ${safe(n.hint)}`));
    }
    out.push('');
  }
  const tot = totals(targets);
  out.push(
    `${tot.errors ? red(`✗ ${tot.errors} error${tot.errors === 1 ? '' : 's'}`) : '✓ no errors'}, ${tot.warnings} warning${tot.warnings === 1 ? '' : 's'} in ${targets.length} dataset${targets.length === 1 ? '' : 's'}; ` +
      `estimated cost ${formatUsd(tot.estimatedCostUsd)}`,
  );
  out.push(dim(`Token counts follow the billed rule; unconfirmed parts: ${unconfirmedRules().length} (see --format markdown or json).`));
  return out.join('\n') + '\n';
}

function distText(d: Distribution): string {
  return `min ${formatInt(d.min)}, p10 ${formatInt(d.p10)}, median ${formatInt(d.median)}, mean ${formatInt(d.mean)}, p90 ${formatInt(d.p90)}, max ${formatInt(d.max)}`;
}

// ---------------------------------------------------------------- markdown (PR comment, summary)

export interface MarkdownOptions {
  /** Per target, the change against the base branch (PR check). */
  diffs?: readonly (TargetDiff | null)[];
  /** Link a file line: (path, line) => URL. */
  lineUrl?: (path: string, line: number) => string;
  /** Problems listed before folding. */
  maxProblems?: number;
  /** Hard limit on characters (a GitHub comment takes 65,536). */
  maxChars?: number;
  title?: string;
  /** Extra sections (e.g. smoke-suite problems) placed after the problems. */
  extra?: string[];
  today?: string;
  /** Datasets the change removes (a row each; their base cost leaves the total). */
  removed?: readonly RemovedDataset[];
  /** Errors and warnings found outside the datasets (smoke suites, configuration), for the headline. */
  outside?: { errors: number; warnings: number };
}

const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

function statusCell(t: TargetReport): string {
  if (t.errors > 0) return `❌ ${t.errors} error${t.errors === 1 ? '' : 's'}`;
  if (t.overBudget) return '❌ over budget';
  if (t.warnings > 0) return `⚠️ ${t.warnings} warning${t.warnings === 1 ? '' : 's'}`;
  return '✅ ok';
}

function withDelta(value: string, delta: string | null): string {
  return delta === null ? value : `${value} (${delta})`;
}

function problemRows(targets: readonly TargetReport[], opts: MarkdownOptions, max: number): { rows: string[][]; total: number } {
  const groups: DiagnosticGroup[] = [];
  for (const t of targets) {
    groups.push(...groupDiagnostics(targetDiagnostics(t)));
    for (const f of [t.training, ...(t.validation ? [t.validation] : [])]) {
      groups.push(...groupDiagnostics(f.diagnostics, new Map(f.byCode.map((b) => [b.code, b.count]))));
    }
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  groups.sort((a, b) => rank[a.severity] - rank[b.severity] || (a.first.line ?? 0) - (b.first.line ?? 0));
  const rows = groups.slice(0, max).map((g) => {
    const d = g.first;
    // No code span around escaped text: entities would show literally inside one.
    const file = cell(d.file, 60);
    const loc = g.lines.length > 1 ? `${file}: lines ${lineList(g.lines, g.count > g.lines.length)}` : d.line === null ? file : `${file}:${d.line}`;
    const link = d.line !== null && opts.lineUrl ? `[${loc}](${opts.lineUrl(d.file, d.line)})` : loc;
    const times = g.count > 1 ? ` (×${formatInt(g.count)}${g.lines.length > 1 ? ', first shown' : ''})` : '';
    return [ICON[d.severity], link, `\`${d.code}\``, cell(d.message, 160) + times, cell(d.hint, 200)];
  });
  return { rows, total: groups.length };
}

/** The distribution of tokens per example as a chart GitHub renders ('' without examples). */
function tokenChart(f: FileReport): string {
  const { labels, counts } = histogram(f.keys.tokens);
  if (!labels.length) return '';
  return '\n\n' + barChart({ title: 'Tokens per example', xLabel: 'tokens', yLabel: 'examples', labels, values: counts });
}

function distRow(label: string, d: Distribution | null): string[] {
  if (!d) return [label, '–', '–', '–', '–', '–', '–'];
  return [label, formatInt(d.min), formatInt(d.p10), formatInt(d.median), formatInt(d.mean), formatInt(d.p90), formatInt(d.max)];
}

function methodsSection(targets: readonly TargetReport[]): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const t of targets) {
    const key = `${t.requestedModel}|${t.estimate.pricePerMillion}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const e = t.estimate;
    lines.push(
      `- **${cell(t.requestedModel)}** (${t.tokenizer ? `its own tokenizer and chat template, ${cell(t.tokenizer.label)}` : t.model.encoding}${t.model.approximateTokens ? ', approximate' : ''}, ` +
        `training context ${t.model.trainingContext === null ? 'unknown' : formatInt(t.model.trainingContext)}): ` +
        `${e.pricePerMillion === null ? 'price unknown — set `price-per-million`' : `$${e.pricePerMillion} per 1M trained tokens`}; ` +
        (t.model.minimumChargeUsd != null ? `minimum charge ${formatUsd(t.model.minimumChargeUsd)} per job${e.minimumChargeUsd !== null ? ' (applied)' : ''}; ` : '') +
        `source: ${cell(t.model.source, 200)}, as of ${t.model.asOf}` +
        (t.model.unconfirmed.length ? `; unconfirmed: ${t.model.unconfirmed.join(', ')}` : '') +
        `; validation profile: ${t.profile.name} (at least ${t.profile.minExamples} examples).`,
    );
  }
  lines.push(
    `- Epochs: ${targets.some((t) => t.estimate.epochsSource === 'auto') ? `auto = ${targets.some((t) => t.model.defaultEpochs !== undefined) ? `the provider's default where it has one (Together: ${targets.find((t) => t.model.defaultEpochs !== undefined)!.model.defaultEpochs}), else ` : ''}${AUTO_EPOCHS.source}` : 'as set'}; trained tokens = epochs × Σ min(example tokens, training context).`,
  );
  lines.push(
    `- Tokens per example = Σ messages (${OVERHEADS.perMessage.value} + role + content [+ name + ${OVERHEADS.perName.value}]) + tool definitions (their "namespace functions" rendering ${OVERHEADS.toolsOverhead.value < 0 ? '−' : '+'} ${Math.abs(OVERHEADS.toolsOverhead.value)}) + ${OVERHEADS.perExample.value}, calibrated to a billed job (${OVERHEADS_SOURCE.source}, as of ${OVERHEADS_SOURCE.asOf}).`,
  );
  lines.push('- Not confirmed by any published source (our stated rules):');
  for (const r of unconfirmedRules()) lines.push(`  - ${r}`);
  return lines.join('\n');
}

/** The headline's example counts over all datasets: " · examples: +3 added, −2 removed, 1 changed". */
function exampleChanges(diffs: readonly (TargetDiff | null)[] | undefined, removed: readonly RemovedDataset[]): string {
  const known = (diffs ?? []).filter((d): d is TargetDiff => d !== null);
  if (!known.length && !removed.length) return '';
  const added = known.reduce((n, d) => n + d.examples.added, 0);
  const gone = known.reduce((n, d) => n + d.examples.removed, 0) + removed.reduce((n, r) => n + r.examples, 0);
  const changed = known.reduce((n, d) => n + d.examples.changed, 0);
  return ` · examples: +${formatInt(added)} added, −${formatInt(gone)} removed, ${formatInt(changed)} changed`;
}

export function renderMarkdown(targets: readonly TargetReport[], opts: MarkdownOptions = {}): string {
  const limit = opts.maxChars ?? 65_000;
  const attempts = [
    { problems: opts.maxProblems ?? 30, dists: true, methods: true },
    { problems: 10, dists: true, methods: true },
    { problems: 10, dists: false, methods: true },
    { problems: 5, dists: false, methods: false },
    { problems: 0, dists: false, methods: false },
  ];
  let last = '';
  for (const [i, a] of attempts.entries()) {
    last = renderMarkdownOnce(targets, opts, a, i > 0);
    if (last.length <= limit) return last;
  }
  // Still too long (thousands of targets): cut at a line and say so.
  const note = "\n\n_The report was cut to fit GitHub's comment limit; the job summary and the JSON report have everything._\n";
  const cut = last.slice(0, limit - note.length);
  return cut.slice(0, cut.lastIndexOf('\n')) + note;
}

function renderMarkdownOnce(targets: readonly TargetReport[], opts: MarkdownOptions, shape: { problems: number; dists: boolean; methods: boolean }, folded: boolean): string {
  const removed = opts.removed ?? [];
  const tot = totals(targets, opts.diffs, removed);
  const diffs = opts.diffs;
  const out: string[] = [];
  const errors = tot.errors + (opts.outside?.errors ?? 0);
  const warnings = tot.warnings + (opts.outside?.warnings ?? 0);
  const verdict = errors > 0 || tot.overBudget ? '❌' : warnings > 0 ? '⚠️' : '✅';
  out.push(
    `### ${verdict} ${opts.title ?? 'finetune-ci'}: ${targets.length} dataset${targets.length === 1 ? '' : 's'} checked` +
      (removed.length ? `, ${removed.length} removed` : '') +
      ` — ${formatInt(errors)} error${errors === 1 ? '' : 's'}, ${formatInt(warnings)} warning${warnings === 1 ? '' : 's'}`,
  );
  out.push('');
  const costLine =
    `**Estimated training cost: ${formatUsd(tot.estimatedCostUsd)}` +
    (tot.costDeltaUsd !== null ? ` (${formatUsdDelta(tot.costDeltaUsd)} vs base)` : '') +
    `** · ${formatInt(tot.trainedTokens)} trained tokens`;
  out.push(costLine + exampleChanges(diffs, removed));
  out.push('');
  const rows = targets.map((t, i) => {
    const d = diffs?.[i] ?? null;
    const name = t.name === 'default' || t.name === t.training.path ? '' : `**${cell(t.name, 40)}** `;
    return [
      `${name}${cell(t.training.path, 80)}${t.validation ? ` <br>validation: ${cell(t.validation.path, 80)}` : ''}${d?.isNew ? ' 🆕' : ''}`,
      statusCell(t),
      cell(t.requestedModel, 40),
      withDelta(formatInt(t.training.examples), d ? formatDelta(d.examplesDelta) : null),
      withDelta(formatInt(t.estimate.billableTokens), d ? formatDelta(d.billableDelta) : null),
      `${t.estimate.epochs}`,
      withDelta(formatInt(t.estimate.trainedTokens), d ? formatDelta(d.trainedDelta) : null),
      withDelta(formatUsd(t.estimate.costUsd), d ? formatUsdDelta(d.costDelta) : null),
    ];
  });
  for (const r of removed) {
    rows.push([
      `~~${cell(r.path, 80)}~~ 🗑️`,
      'removed',
      cell(r.model, 40),
      withDelta('0', formatDelta(-r.examples)),
      withDelta('0', formatDelta(-r.billableTokens)),
      '–',
      withDelta('0', formatDelta(-r.trainedTokens)),
      withDelta(formatUsd(0), r.costUsd === null ? 'unknown' : formatUsdDelta(-r.costUsd)),
    ]);
  }
  out.push(table(['dataset', 'status', 'model', 'examples', 'billable tokens', 'epochs', 'trained tokens', 'est. cost'], rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r']));
  if (diffs?.some((d) => d) || removed.length) {
    const changes = targets
      .map((t, i) => ({ t, d: diffs?.[i] ?? null }))
      .filter(({ d }) => d && (d.examples.added || d.examples.removed || d.examples.changed))
      .map(
        ({ t, d }) =>
          `- ${cell(t.training.path, 80)}: ${d!.isNew ? 'new dataset, ' : ''}+${formatInt(d!.examples.added)} added, −${formatInt(d!.examples.removed)} removed, ${formatInt(d!.examples.changed)} changed`,
      );
    for (const r of removed) changes.push(`- ${cell(r.path, 80)}: removed, −${formatInt(r.examples)} examples`);
    if (changes.length) {
      out.push('');
      out.push(changes.join('\n'));
    }
  }
  const budget = targets.filter((t) => t.overBudget);
  for (const t of budget) {
    out.push('');
    out.push(`> [!CAUTION]\n> ${cell(t.name, 40)}: the estimate ${formatUsd(t.estimate.costUsd)} is above max-cost ${formatUsd(t.maxCost)}.`);
  }
  const notices = runNotices(targets).filter((n) => n.severity !== 'info');
  if (notices.length) {
    out.push('');
    out.push('#### Notices');
    out.push('');
    for (const n of notices) {
      out.push(`> [!${n.severity === 'error' ? 'CAUTION' : 'WARNING'}]\n> ${escapeText(n.message)}. Fix: ${escapeText(n.hint)}.`);
      out.push('');
    }
  }
  const { rows: problems, total } = problemRows(targets, opts, shape.problems);
  if (total > 0) {
    out.push('');
    out.push(`#### Problems${problems.length < total ? ` (first ${formatInt(problems.length)} kinds of ${formatInt(total)})` : ''}`);
    out.push('');
    if (problems.length) out.push(table(['', 'where', 'code', 'problem', 'fix'], problems));
    const counts = new Map<string, number>();
    for (const t of targets) for (const f of [t.training, ...(t.validation ? [t.validation] : [])]) for (const c of f.byCode) counts.set(c.code, (counts.get(c.code) ?? 0) + c.count);
    if (problems.length < total && counts.size) {
      out.push('');
      out.push(`All counted: ${[...counts].map(([c, n]) => `\`${c}\` ×${formatInt(n)}`).join(', ')}.`);
    }
  }
  for (const e of opts.extra ?? []) {
    out.push('');
    out.push(e);
  }
  if (shape.dists) {
    const body = targets
      .map((t) => {
        const f = t.training;
        return (
          `**${cell(f.path, 80)}** — ${formatInt(f.examples)} examples, ${formatInt(f.stats.messages)} messages, ` +
          `${f.stats.missingSystem} without a system message, ${f.stats.missingUser} without a user message, ` +
          `${f.stats.duplicates} duplicates, ${f.tokens.overContext} over the training context` +
          (t.validation ? `, ${t.validation.stats.inTraining} validation examples also in training` : '') +
          '\n\n' +
          table(
            ['per example', 'min', 'p10', 'median', 'mean', 'p90', 'max'],
            [distRow('tokens', f.tokens.perExample), distRow('messages', f.stats.messagesPerExample)],
            ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
          ) +
          tokenChart(f)
        );
      })
      .join('\n\n');
    out.push('');
    out.push(details('Distributions', body));
  }
  if (shape.methods) {
    out.push('');
    out.push(details('How these figures were made', methodsSection(targets)));
  }
  if (folded) {
    out.push('');
    out.push("_Some details were folded to keep this comment under GitHub's size limit; the job summary and the JSON report have everything._");
  }
  return out.join('\n') + '\n';
}
