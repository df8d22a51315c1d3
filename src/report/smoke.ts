/**
 * The smoke report: markdown for the job summary and the training comment, plain text for the
 * terminal. Pure functions of a `SmokeRun`. Case names, model ids, answers and failure reasons
 * (which quote answers) are untrusted: markdown goes through `escapeText`/`cell`, plain text
 * loses control characters (no terminal escapes) and never starts a line with untrusted text
 * (no `::workflow-command::` from a model's answer).
 */
import type { CaseOutcome, ModelSummary, SmokeRun } from '../smoke/types.js';
import { cell, details, escapeText, formatInt, formatUsd, table, truncate } from './markdown.js';
import { plain } from './text.js';

export interface SmokeReportOptions {
  /** Column labels for the model under test and the compare model, e.g. "tuned" and "base". */
  labels?: { model?: string; compare?: string };
  /** Heading level of the title (default 3). */
  headingLevel?: number;
  /** Answer excerpt length in the table (default 60 characters). */
  answerWidth?: number;
  /** Most failed checks listed (default 50); the rest are counted. */
  maxFailures?: number;
}

const DEFAULT_LABELS = { model: 'tested', compare: 'compared' } as const;

function labelOf(s: ModelSummary, opts: SmokeReportOptions): string {
  return s.role === 'model' ? (opts.labels?.model ?? DEFAULT_LABELS.model) : (opts.labels?.compare ?? DEFAULT_LABELS.compare);
}

/** 0.9 → "90%", 2/3 → "66.7%". */
export function formatRate(rate: number): string {
  const pct = Math.round(rate * 1000) / 10;
  return `${pct}%`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${formatInt(ms)} ms`;
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n|\r/).find((l) => l.trim() !== '');
  return line ?? '';
}

function tokens(o: CaseOutcome): string {
  return o.usage ? `${formatInt(o.usage.prompt_tokens + o.usage.completion_tokens)} tok` : '';
}

function thresholdText(run: SmokeRun): string {
  const from = run.thresholdSource === 'option' ? 'set by smoke-threshold' : run.thresholdSource === 'suite' ? 'from the suite' : 'the default: every case';
  return `${formatRate(run.threshold)}, ${from}`;
}

function costText(s: ModelSummary): string {
  if (s.cost === null) return 'unknown';
  return s.callsWithoutUsage > 0 ? `≥ ${formatUsd(s.cost)}` : formatUsd(s.cost);
}

function verdictSentence(run: SmokeRun): string {
  const t = run.models[0]!;
  const cmp = run.verdict === 'pass' ? '≥' : '<';
  return `${t.passed} of ${t.total} cases passed (${formatRate(t.passRate)} ${cmp} threshold ${thresholdText(run)})`;
}

/** Markdown: verdict, pass rate per model, case-by-case table, failed checks, run cost and time. */
export function renderSmokeMarkdown(run: SmokeRun, opts: SmokeReportOptions = {}): string {
  const h = '#'.repeat(Math.min(6, Math.max(1, opts.headingLevel ?? 3)));
  const width = opts.answerWidth ?? 60;
  const maxFailures = opts.maxFailures ?? 50;
  const pass = run.verdict === 'pass';
  const out: string[] = [];

  out.push(`${h} Smoke test ${pass ? '✅ passed' : '❌ failed'}`);
  out.push('');
  out.push(`**Verdict: ${pass ? 'passed' : 'failed'}**: ${escapeText(run.models[0]!.model)}, ${verdictSentence(run)}. Suite: ${escapeText(run.file)}.`);
  out.push('');

  out.push(
    table(
      ['Model', '', 'Passed', 'Pass rate', 'Tokens in / out', 'Cost'],
      run.models.map((s) => [
        escapeText(s.model),
        escapeText(labelOf(s, opts)),
        `${s.passed}/${s.total}`,
        formatRate(s.passRate),
        `${formatInt(s.promptTokens)} / ${formatInt(s.completionTokens)}`,
        costText(s),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');

  const header = ['Case'];
  for (const s of run.models) header.push(escapeText(labelOf(s, opts)), `${escapeText(labelOf(s, opts))} answer`);
  const rows = run.cases.map((row) => {
    const cells = [cell(row.name, 60)];
    for (const o of row.outcomes) {
      const facts = [o.pass ? '✅ pass' : '❌ fail', formatMs(o.latencyMs), tokens(o)].filter(Boolean).join(' · ');
      cells.push(facts, o.error !== null ? `*${cell(o.error, width)}*` : o.answer.trim() === '' ? '*(empty)*' : cell(firstLine(o.answer), width));
    }
    return cells;
  });
  out.push(table(header, rows));
  out.push('');

  const failures: string[] = [];
  run.cases.forEach((row) => {
    row.outcomes.forEach((o, mi) => {
      const who = `**${cell(row.name, 60)}** · ${escapeText(labelOf(run.models[mi]!, opts))}`;
      if (o.error !== null) failures.push(`- ${who}: ${escapeText(truncate(o.error, 300))}`);
      for (const f of o.failed) {
        const at = f.line ? ` (line ${f.line})` : '';
        failures.push(`- ${who}: ${escapeText(f.type)}${at}: ${escapeText(truncate(f.reason, 300))}`);
      }
    });
  });
  if (failures.length) {
    const shown = failures.slice(0, maxFailures);
    if (failures.length > maxFailures) shown.push(`- … and ${failures.length - maxFailures} more`);
    out.push(details(`Failed checks (${failures.length})`, shown.join('\n')));
    out.push('');
  }

  const cost =
    run.cost !== null ? formatUsd(run.cost) : run.models.some((s) => s.cost !== null) ? `${formatUsd(run.models.reduce((a, s) => a + (s.cost ?? 0), 0))} + unknown` : 'unknown (no inference price)';
  out.push(`Smoke run: ${run.calls} calls, concurrency ${run.concurrency}, ${(run.wallMs / 1000).toFixed(2)} s from the first call to the last answer; cost ${cost}.`);
  return out.join('\n');
}

/** Untrusted text for a terminal: one line, hidden and bidi characters shown, shortened (text.ts). */
export { plain } from './text.js';

/** Plain text for the terminal (and logs): every line starts with fixed text, then the data. */
export function renderSmokeText(run: SmokeRun, opts: SmokeReportOptions = {}): string {
  const width = opts.answerWidth ?? 60;
  const labels = run.models.map((s) => labelOf(s, opts));
  const pad = Math.max(...labels.map((l) => l.length));
  const out: string[] = [];
  out.push(`Smoke test ${run.verdict === 'pass' ? 'PASSED' : 'FAILED'}: ${plain(run.models[0]!.model, 80)}, ${verdictSentence(run)}`);
  out.push(`  suite  ${plain(run.file, 120)}`);
  run.models.forEach((s, i) => {
    out.push(
      `  ${labels[i]!.padEnd(pad)}  ${s.passed}/${s.total} passed (${formatRate(s.passRate)})  tokens ${formatInt(s.promptTokens)} in / ${formatInt(s.completionTokens)} out  cost ${costText(s)}  model ${plain(s.model, 80)}`,
    );
  });
  for (const row of run.cases) {
    out.push(`  case   ${plain(row.name, 80)}`);
    row.outcomes.forEach((o, mi) => {
      const mark = o.pass ? 'pass' : 'FAIL';
      const tok = tokens(o);
      const answer = o.error !== null ? `(${plain(o.error, width)})` : `"${plain(firstLine(o.answer), width)}"`;
      out.push(`    ${mark} ${labels[mi]!.padEnd(pad)}  ${formatMs(o.latencyMs).padStart(8)}  ${tok.padStart(9)}  ${answer}`);
      for (const f of o.failed) out.push(`         - ${f.type}: ${plain(f.reason, 200)}`);
    });
  }
  const cost = run.cost !== null ? formatUsd(run.cost) : 'unknown';
  out.push(`  run    ${run.calls} calls, concurrency ${run.concurrency}, ${(run.wallMs / 1000).toFixed(2)} s, cost ${cost}`);
  return out.join('\n');
}
