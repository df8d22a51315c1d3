/**
 * Renderers for the check report: JSON (the machine contract), text (a terminal) and markdown
 * (the PR comment and the job summary). Pure: numbers in, strings out.
 */
import { OVERHEADS, OVERHEADS_SOURCE, AUTO_EPOCHS } from '../catalog/overheads.js';
import type { FileReport } from '../dataset/check.js';
import type { TargetDiff } from '../dataset/diff.js';
import type { TargetReport } from '../dataset/target.js';
import type { Diagnostic, Distribution } from '../dataset/types.js';
import {
  cell,
  details,
  escapeText,
  formatDelta,
  formatInt,
  formatUsd,
  formatUsdDelta,
  table,
} from './markdown.js';
import { plain } from './text.js';

export const REPORT_VERSION = 1;

/** The rules behind the counts that no primary source confirms: every report lists them. */
export function unconfirmedRules(): string[] {
  return Object.values(OVERHEADS)
    .filter((r) => !r.confirmed)
    .map((r) => r.note);
}

function fileJson(f: FileReport, t: TargetReport) {
  const training = f.role === 'training';
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
    errors: f.errors + (training ? t.notices.filter((n) => n.severity === 'error').length : 0),
    warnings: f.warnings + (training ? t.notices.filter((n) => n.severity === 'warning').length : 0),
    diagnostics: training ? [...t.notices, ...f.diagnostics] : f.diagnostics,
    diagnosticsOmitted: f.diagnosticsOmitted,
    diagnosticCounts: Object.fromEntries(f.byCode.map((c) => [c.code, c.count])),
    tokens: { ...f.tokens, approximate: t.model.approximateTokens, encoding: t.model.encoding },
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
  return {
    targets: targets.length,
    errors: targets.reduce((s, t) => s + t.errors, 0),
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
  return {
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
  };
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
      const diags = f.role === 'training' ? [...t.notices, ...f.diagnostics] : f.diagnostics;
      const shown = diags.slice(0, opts.maxDiagnostics);
      for (const d of shown) {
        const sev = d.severity === 'error' ? red('error') : d.severity === 'warning' ? yellow('warning') : dim('info');
        const loc = d.line === null ? safe(d.file) : `${safe(d.file)}:${d.line}`;
        out.push(`  ${loc}  ${sev}  ${safe(d.message)}  ${dim(`[${d.code}]`)}`);
        out.push(dim(`      fix: ${safe(d.hint)}`));
      }
      const hidden = diags.length - shown.length + f.diagnosticsOmitted;
      if (hidden > 0) {
        const by = f.byCode.map((b) => `${b.code} ×${b.count}`).join(', ');
        out.push(dim(`  … and ${hidden} more (all counted: ${by}; use --format json for every one kept)`));
      }
      out.push(
        `  ${formatInt(f.examples)} examples, ${formatInt(f.stats.messages)} messages, ` +
          `${formatInt(f.tokens.total)} tokens${t.model.approximateTokens ? ' (approximate)' : ''}, ` +
          `${formatInt(f.tokens.billable)} billable` +
          (f.tokens.overContext ? `, ${f.tokens.overContext} over the ${formatInt(t.model.trainingContext ?? 0)}-token context` : ''),
      );
      const d = f.tokens.perExample;
      if (d) out.push(dim(`  tokens per example: ${distText(d)}`));
      const errs = f.errors + (f.role === 'training' ? t.notices.filter((n) => n.severity === 'error').length : 0);
      const warns = f.warnings + (f.role === 'training' ? t.notices.filter((n) => n.severity === 'warning').length : 0);
      out.push(`  ${errs ? red(`${errs} error${errs === 1 ? '' : 's'}`) : 'no errors'}, ${warns ? yellow(`${warns} warning${warns === 1 ? '' : 's'}`) : 'no warnings'}`);
      out.push('');
    }
    const e = t.estimate;
    out.push(
      `  estimate: ${e.epochs} epochs (${e.epochsSource}) × ${formatInt(e.billableTokens)} billable = ${formatInt(e.trainedTokens)} trained tokens` +
        (e.pricePerMillion === null
          ? ' — price unknown: set --price'
          : ` × $${e.pricePerMillion}/1M = ${bold(formatUsd(e.costUsd))}`),
    );
    if (t.overBudget) out.push(red(`  over budget: the estimate is above max-cost ${formatUsd(t.maxCost)}`));
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
  const all: Diagnostic[] = [];
  let total = 0;
  for (const t of targets) {
    for (const f of [t.training, ...(t.validation ? [t.validation] : [])]) {
      total += f.errors + f.warnings + f.infos;
      all.push(...f.diagnostics);
    }
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  all.sort((a, b) => rank[a.severity] - rank[b.severity] || (a.line ?? 0) - (b.line ?? 0));
  const rows = all.slice(0, max).map((d) => {
    // No code span around escaped text: entities would show literally inside one.
    const loc = d.line === null ? cell(d.file, 60) : `${cell(d.file, 60)}:${d.line}`;
    const link = d.line !== null && opts.lineUrl ? `[${loc}](${opts.lineUrl(d.file, d.line)})` : loc;
    return [
      ICON[d.severity],
      link,
      `\`${d.code}\``,
      cell(d.path ? `${d.message}` : d.message, 160),
      cell(d.hint, 120),
    ];
  });
  return { rows, total };
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
      `- **${cell(t.requestedModel)}** (${t.model.encoding}${t.model.approximateTokens ? ', approximate' : ''}, ` +
        `training context ${t.model.trainingContext === null ? 'unknown' : formatInt(t.model.trainingContext)}): ` +
        `${e.pricePerMillion === null ? 'price unknown — set `price-per-million`' : `$${e.pricePerMillion} per 1M trained tokens`}; ` +
        `source: ${cell(t.model.source, 200)}, as of ${t.model.asOf}` +
        (t.model.unconfirmed.length ? `; unconfirmed: ${t.model.unconfirmed.join(', ')}` : '') +
        `; validation profile: ${t.profile.name} (at least ${t.profile.minExamples} examples).`,
    );
  }
  lines.push(
    `- Epochs: ${targets.some((t) => t.estimate.epochsSource === 'auto') ? `auto = ${AUTO_EPOCHS.source}` : 'as set'}; trained tokens = epochs × Σ min(example tokens, training context).`,
  );
  lines.push(
    `- Tokens per example = Σ messages (${OVERHEADS.perMessage.value} + role + content [+ name + ${OVERHEADS.perName.value}]) + ${OVERHEADS.perExample.value}, calibrated to a billed job (${OVERHEADS_SOURCE.source}, as of ${OVERHEADS_SOURCE.asOf}).`,
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
  const note = '\n\n_The report was cut to fit GitHub\'s comment limit; the job summary and the JSON report have everything._\n';
  const cut = last.slice(0, limit - note.length);
  return cut.slice(0, cut.lastIndexOf('\n')) + note;
}

function renderMarkdownOnce(
  targets: readonly TargetReport[],
  opts: MarkdownOptions,
  shape: { problems: number; dists: boolean; methods: boolean },
  folded: boolean,
): string {
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
  out.push(
    table(
      ['dataset', 'status', 'model', 'examples', 'billable tokens', 'epochs', 'trained tokens', 'est. cost'],
      rows,
      ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
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
  const notices = new Map<string, Diagnostic>();
  for (const t of targets) for (const n of t.notices) if (n.severity === 'warning' || n.severity === 'error') notices.set(n.message, n);
  if (notices.size) {
    out.push('');
    for (const n of notices.values()) {
      out.push(`> [!${n.severity === 'error' ? 'CAUTION' : 'WARNING'}]\n> ${escapeText(n.message)}. Fix: ${escapeText(n.hint)}.`);
      out.push('');
    }
  }
  const { rows: problems, total } = problemRows(targets, opts, shape.problems);
  if (total > 0) {
    out.push('');
    out.push(`#### Problems${problems.length < total ? ` (first ${formatInt(problems.length)} of ${formatInt(total)})` : ''}`);
    out.push('');
    if (problems.length) out.push(table(['', 'where', 'code', 'problem', 'fix'], problems));
    const counts = new Map<string, number>();
    for (const t of targets)
      for (const f of [t.training, ...(t.validation ? [t.validation] : [])]) for (const c of f.byCode) counts.set(c.code, (counts.get(c.code) ?? 0) + c.count);
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
          )
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
    out.push('_Some details were folded to keep this comment under GitHub\'s size limit; the job summary and the JSON report have everything._');
  }
  return out.join('\n') + '\n';
}
