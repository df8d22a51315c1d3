/**
 * The pull-request check: find the changed datasets, check and price each at head and at base,
 * diff them, and report — one sticky comment, annotations, the job summary, outputs — then
 * decide the step's status from the data and the gates.
 *
 * Over 400 lines on purpose: one journey that reads top to bottom in the order it runs (plan,
 * check at head and base, diff, report, gate); the rendering is in ../report/check.ts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { today } from '../catalog/index.js';
import type { Settings, TargetConfig } from '../config.js';
import { matchesAny } from '../config.js';
import { diffTargets, type TargetDiff } from '../dataset/diff.js';
import { checkTarget, isNotice, type CheckRunOptions, type TargetReport, type TargetSpec } from '../dataset/target.js';
import { engineId } from '../cache/fingerprint.js';
import { CacheStore } from '../cache/store.js';
import type { Diagnostic } from '../dataset/types.js';
import type { WorkerOptions } from '../dataset/workers.js';
import {
  changedFilesFromGit,
  gitBlobAt,
  hasCommit,
  listChangedFiles,
  readBaseContent,
  upsertStickyComment,
  workingTreeBlob,
  type ChangedFile,
  type EventContext,
  type GitHubClient,
} from '../github/index.js';
import { isLfsPointer, smudgeLfsPointer } from '../github/lfs.js';
import { renderMarkdown, runNotices, toJson, totals, type RemovedDataset } from '../report/check.js';
import { cell, formatInt, table } from '../report/markdown.js';
import { readSuite } from '../smoke/suite.js';
import { confine } from '../paths.js';
import { plain, safeJson, visible } from '../report/text.js';
import { ANNOTATIONS_PER_KIND, COMMENT_LIMIT_CHARS, SUMMARY_LIMIT_BYTES, type ActionIO } from './io.js';
import { addCredentials, redactingIO, redactJson } from '../redact.js';

export interface CheckDeps {
  io: ActionIO;
  github: GitHubClient | null;
  event: EventContext | null;
  workspace: string;
  workers?: WorkerOptions;
  tempRoot?: string;
  /** Settings from the same inputs with another config file's text (null: no file): the base's. */
  settingsAt?: (configText: string | null) => Promise<Settings>;
  /** Results by content; default one in memory (the base then reuses the head's line results). */
  cache?: CacheStore;
}

export interface CheckOutcome {
  targets: TargetReport[];
  diffs: (TargetDiff | null)[];
  suiteDiagnostics: Diagnostic[];
  failed: boolean;
  reasons: string[];
  commentUrl: string | null;
  reportPath: string;
}

/** A target's config as the dataset engine's spec (shared with the train journey). */
export function toSpec(t: TargetConfig): TargetSpec {
  const epochs = t.hyperparameters.n_epochs;
  return {
    name: t.name,
    trainingFile: t.trainingFile,
    validationFile: t.validationFile,
    model: t.model,
    method: t.method,
    epochs: typeof epochs === 'number' ? epochs : 'auto',
    overrides: { pricePerMillion: t.pricePerMillion, trainingContext: t.trainingContext, encoding: t.encoding },
    provider: t.provider,
    maxCost: t.maxCost,
  };
}

/** A problem with the configuration that is not in any dataset: a file a target names. */
export interface PathIssue {
  /** missing-file: nothing there; unsafe-path: outside the workspace, in .git, or no regular file. */
  code: 'missing-file' | 'unsafe-path';
  message: string;
  /** Where to annotate it: the config file's line, or the dataset itself. */
  file?: string;
  line?: number;
}

/** A repository path as reports show it: relative to the workspace, with `/`. */
export function repoPath(workspace: string, p: string): string {
  const rel = relative(resolve(workspace), resolve(workspace, p));
  return rel.split(sep).join('/');
}

/**
 * The files of a target, each resolved to its real path inside the workspace (see paths.ts), or
 * why not: a missing file, a path or link that leads outside the workspace or into .git, or
 * something that is not a regular file. Messages quote the path as configured, never where a
 * link leads.
 */
export async function targetFiles(
  s: Pick<Settings, 'configPath' | 'configFound'>,
  t: TargetConfig,
  workspace: string,
): Promise<{ ok: true; training: string; validation?: string } | { ok: false; issues: PathIssue[] }> {
  const issues: PathIssue[] = [];
  const real: Partial<Record<'training_file' | 'validation_file', string>> = {};
  for (const [key, file] of [
    ['training_file', t.trainingFile],
    ['validation_file', t.validationFile],
  ] as const) {
    if (!file) continue;
    const c = await confine(workspace, file);
    if (c.ok) {
      real[key] = c.path;
      continue;
    }
    const name = plain(file, 300);
    if (!t.declared) {
      // A changed file that no target names: annotate the file itself.
      issues.push({
        code: c.problem === 'missing' ? 'missing-file' : 'unsafe-path',
        message: `${name}: this changed dataset ${c.reason}; finetune-ci reads only regular files inside the repository (commit the file itself, not a link to it)`,
        file: repoPath(workspace, file),
      });
      continue;
    }
    const where = s.configFound ? s.configPath : key === 'training_file' ? 'the training-file input' : 'the validation-file input';
    const fix =
      c.problem === 'missing'
        ? s.configFound
          ? `fix ${key} in ${s.configPath} or add the file`
          : `fix ${where} or add the file`
        : `finetune-ci reads only regular files inside the repository: point ${key} in ${where} at one (the file itself, not a link to it)`;
    const line = t.lines?.[key] ?? t.lines?.target ?? null;
    issues.push({
      code: c.problem === 'missing' ? 'missing-file' : 'unsafe-path',
      message: `${name}: the ${key} of target "${plain(t.name, 100)}" ${c.reason}; ${fix}`,
      file: s.configFound ? s.configPath : undefined,
      line: line ?? undefined,
    });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, training: real.training_file!, validation: real.validation_file };
}

/** Which files changed, from the API for a PR (git as a fallback), from git for a push. */
async function changedFiles(deps: CheckDeps): Promise<ChangedFile[] | null> {
  const ev = deps.event;
  if (!ev || !ev.headSha || !ev.baseSha) return null;
  if (ev.pullRequest && deps.github) {
    try {
      const r = await listChangedFiles(
        deps.github,
        { owner: ev.owner, repo: ev.repo, pullNumber: ev.pullRequest.number },
        { expectedCount: ev.pullRequest.changedFiles ?? undefined, onWarning: (m) => deps.io.warning(m) },
      );
      return r.files;
    } catch (e) {
      deps.io.warning(`Could not list the pull request's files through the API (${plain((e as Error).message, 300)}); trying git.`);
    }
  }
  const r = await changedFilesFromGit(deps.workspace, ev.baseSha, ev.headSha);
  if (!r) {
    deps.io.warning(
      `Could not compare ${ev.baseSha.slice(0, 7)}..${ev.headSha.slice(0, 7)} with git (shallow checkout?); checking every configured dataset. Use actions/checkout with fetch-depth: 0 to compare.`,
    );
  }
  return r?.files ?? null;
}

export interface WorkItem {
  config: TargetConfig;
  /** Path of the training file at base (differs when renamed); null: new file. */
  basePath: string | null;
  baseValidationPath: string | null;
}

/** The targets to check: declared ones whose files changed, plus changed datasets no target names. */
export function planTargets(s: Settings, changed: ChangedFile[] | null): { work: WorkItem[]; removed: string[]; suites: string[] } {
  const byPath = new Map((changed ?? []).map((f) => [f.path, f]));
  const configChanged = byPath.has(s.configPath);
  // Paths that a rename moved away from (the old name no longer exists at head).
  const renamedFrom = new Map((changed ?? []).filter((f) => f.status === 'renamed' && f.previousPath).map((f) => [f.previousPath!, f]));
  const base = (p: string | undefined): string | null => {
    if (!p) return null;
    const f = byPath.get(p);
    if (!f) return p;
    // A copy is a new file at head: its source is another dataset, not its base.
    if (f.status === 'added' || f.status === 'copied') return null;
    return f.previousPath ?? p;
  };
  const gone = (p: string | undefined) => p !== undefined && (byPath.get(p)?.status === 'removed' || renamedFrom.has(p));
  const work: WorkItem[] = [];
  const named = new Set<string>();
  for (const t of s.targets) {
    named.add(t.trainingFile);
    if (t.validationFile) named.add(t.validationFile);
    // A target whose file this PR removes or renames away is touched too: the check then reports
    // the missing file (fix the config), instead of silently skipping a target that would break
    // the training run on merge.
    const touched =
      changed === null ||
      configChanged ||
      byPath.has(t.trainingFile) ||
      (t.validationFile !== undefined && byPath.has(t.validationFile)) ||
      (t.smokeTests !== undefined && byPath.has(t.smokeTests)) ||
      gone(t.trainingFile) ||
      gone(t.validationFile);
    if (!touched) continue;
    work.push({ config: t, basePath: base(t.trainingFile), baseValidationPath: base(t.validationFile) });
  }
  const removed: string[] = [];
  for (const f of changed ?? []) {
    if (named.has(f.path) || !matchesAny(f.path, s.datasets)) continue;
    if (f.status === 'removed') {
      removed.push(f.path);
      continue;
    }
    work.push({
      config: { ...s.defaults, name: f.path, trainingFile: f.path, declared: false },
      basePath: base(f.path),
      baseValidationPath: null,
    });
  }
  const suites = new Set<string>();
  for (const t of s.targets) if (t.smokeTests && (changed === null || configChanged || byPath.has(t.smokeTests))) suites.add(t.smokeTests);
  if (s.defaults.smokeTests && (changed === null || byPath.has(s.defaults.smokeTests))) suites.add(s.defaults.smokeTests);
  return { work, removed, suites: [...suites] };
}

function annotate(io: ActionIO, all: Diagnostic[]): { shown: number; hidden: number } {
  let errors = 0;
  let warnings = 0;
  let hidden = 0;
  const sorted = [...all].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  for (const d of sorted) {
    const props = { title: `finetune-ci: ${d.code}`, file: d.file, startLine: d.line ?? undefined };
    const text = `${d.message}. Fix: ${d.hint}`;
    if (d.severity === 'error') {
      if (errors++ < ANNOTATIONS_PER_KIND) io.error(text, props);
      else hidden++;
    } else if (d.severity === 'warning') {
      if (warnings++ < ANNOTATIONS_PER_KIND) io.warning(text, props);
      else hidden++;
    }
  }
  return { shown: errors + warnings - hidden, hidden };
}

function allDiagnostics(targets: readonly TargetReport[]): Diagnostic[] {
  // Model and platform notices once per run, not once per dataset.
  const seen = new Set<string>();
  const notices = targets.flatMap((t) => t.notices.filter(isNotice)).filter((n) => !seen.has(n.message) && !!seen.add(n.message));
  return [...notices, ...targets.flatMap((t) => [...t.notices.filter((n) => !isNotice(n)), ...t.training.diagnostics, ...(t.validation?.diagnostics ?? [])])];
}

function suiteSection(diags: Diagnostic[], lineUrl?: (path: string, line: number) => string): string {
  const rows = diags.slice(0, 20).map((d) => {
    const loc = `${cell(d.file, 60)}${d.line ? `:${d.line}` : ''}`;
    return [
      d.severity === 'error' ? '❌' : d.severity === 'warning' ? '⚠️' : 'ℹ️',
      d.line && lineUrl ? `[${loc}](${lineUrl(d.file, d.line)})` : loc,
      `\`${d.code}\``,
      cell(d.message, 160),
      cell(d.hint, 120),
    ];
  });
  const more = diags.length > rows.length ? `\n\n_…and ${diags.length - rows.length} more in the JSON report._` : '';
  return `#### Smoke-test suites\n\n${table(['', 'where', 'code', 'problem', 'fix'], rows)}${more}`;
}

export async function runCheck(s: Settings, depsIn: CheckDeps): Promise<CheckOutcome> {
  addCredentials(s);
  const deps = { ...depsIn, io: redactingIO(depsIn.io) };
  const { io } = deps;
  const ev = deps.event;
  const day = today();
  const changed = await changedFiles(deps);
  const plan = planTargets(s, changed);
  const tempRoot = deps.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
  const scratch = await mkdtemp(join(tempRoot, 'finetune-ci-'));
  const targets: TargetReport[] = [];
  const diffs: (TargetDiff | null)[] = [];
  const pathIssues: PathIssue[] = [];
  const baseSettings = await loadBaseSettings(s, changed, deps, scratch);
  const cache = deps.cache ?? new CacheStore(null, engineId());
  // Blob ids of unchanged working-tree files, from git (so an unchanged dataset is not even read).
  // Keyed by the resolved path checkTarget is given; the blob is that real file's own.
  const headFiles = async (...paths: (string | undefined)[]) => {
    const out: NonNullable<CheckRunOptions['files']> = {};
    for (const p of paths) if (p) out[p] = { blob: await workingTreeBlob(deps.workspace, repoPath(deps.workspace, p)) };
    return out;
  };
  try {
    if (plan.work.length === 0) {
      io.info(
        changed === null
          ? 'No datasets to check: no targets are configured and the changed files are unknown.'
          : `No changed datasets (patterns: ${s.datasets.map((g) => plain(g, 200)).join(', ')}; ${s.targets.length} configured target${s.targets.length === 1 ? '' : 's'}).`,
      );
    }
    for (const item of plan.work) {
      const spec = toSpec(item.config);
      await io.group(`finetune-ci: ${plain(item.config.name, 200)}`, async () => {
        // Resolved inside the workspace, or refused: nothing outside it is ever opened.
        const files = await targetFiles(s, item.config, deps.workspace);
        if (!files.ok) {
          pathIssues.push(...files.issues);
          for (const m of files.issues) io.info(`Skipped: ${m.message}`);
          return;
        }
        const head = await checkTarget(
          { ...spec, trainingFile: files.training, validationFile: files.validation },
          { today: day, workers: deps.workers, cache, files: await headFiles(files.training, files.validation) },
        );
        relabel(head, deps.workspace, [
          [files.training, repoPath(deps.workspace, spec.trainingFile)],
          ...(files.validation && spec.validationFile ? [[files.validation, repoPath(deps.workspace, spec.validationFile)] as [string, string]] : []),
        ]);
        targets.push(head);
        let diff: TargetDiff | null = null;
        if (ev?.baseSha && changed !== null) {
          // The base is priced under the base's own config (a PR that only raises n_epochs or
          // changes the model must show its cost), or under the head's when the target is new
          // there. An unreadable base is no comparison at all, not a new dataset.
          const baseSpec = baseSettings && baseSettings !== 'failed' ? specAtBase(baseSettings, item.config, spec) : spec;
          const base = baseSettings === 'failed' ? 'failed' : await checkBase(item, baseSpec, ev, deps, scratch, day, cache);
          diff = base === 'failed' ? null : diffTargets(base, head);
        }
        diffs.push(diff);
        io.info(
          `${plain(item.config.name, 200)}: ${head.training.examples} examples, ${head.errors} errors, ${head.warnings} warnings, ` +
            `${head.estimate.trainedTokens} trained tokens, estimated ${head.estimate.costUsd === null ? 'cost unknown' : `$${head.estimate.costUsd.toFixed(2)}`}`,
        );
      });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  // Datasets this PR removes: their base cost leaves the total (infracost-style −$).
  const removed: RemovedDataset[] = [];
  if (plan.removed.length && ev?.baseSha) {
    const scratch2 = await mkdtemp(join(tempRoot, 'finetune-ci-removed-'));
    try {
      for (const path of plan.removed) {
        const config: TargetConfig = { ...s.defaults, name: path, trainingFile: path, declared: false };
        const found = await checkBase({ config, basePath: path, baseValidationPath: null }, toSpec(config), ev, deps, scratch2, day, cache);
        const base = found === 'failed' ? null : found;
        removed.push({
          path,
          model: config.model,
          examples: base?.training.examples ?? 0,
          billableTokens: base?.estimate.billableTokens ?? 0,
          trainedTokens: base?.estimate.trainedTokens ?? 0,
          costUsd: base ? base.estimate.costUsd : 0,
        });
      }
    } finally {
      await rm(scratch2, { recursive: true, force: true });
    }
  } else {
    for (const path of plan.removed) removed.push({ path, model: s.defaults.model, examples: 0, billableTokens: 0, trainedTokens: 0, costUsd: 0 });
  }

  const suiteDiagnostics: Diagnostic[] = [];
  for (const suite of plan.suites) {
    const r = await readSuite(suite, { workspace: deps.workspace });
    for (const d of r.diagnostics) suiteDiagnostics.push({ ...d, file: repoPath(deps.workspace, suite) });
  }
  const suiteErrors = suiteDiagnostics.filter((d) => d.severity === 'error').length;
  const suiteWarnings = suiteDiagnostics.filter((d) => d.severity === 'warning').length;

  // Report.
  const headSha = ev?.pullRequest?.headSha ?? ev?.headSha ?? null;
  const lineUrl = ev && headSha ? (path: string, line: number) => `${ev.serverUrl}/${ev.owner}/${ev.repo}/blob/${headSha}/${urlPath(path)}#L${line}` : undefined;
  const extra: string[] = [];
  if (pathIssues.length) {
    extra.push(`#### Configuration\n\n${pathIssues.map((m) => `- ❌ ${cell(m.message, 400)}`).join('\n')}`);
  }
  if (suiteDiagnostics.length) extra.push(suiteSection(suiteDiagnostics, lineUrl));
  const outside = { errors: suiteErrors + pathIssues.length, warnings: suiteWarnings };
  const annotations = annotate(io, [...allDiagnostics(targets), ...suiteDiagnostics]);
  const tot = totals(targets, diffs, removed);
  const errors = tot.errors + outside.errors;
  const warnings = tot.warnings + outside.warnings;
  // Every error and warning counted (kept or not) minus those annotated: the rest is in the summary.
  // Notice warnings are annotated (once each) but are not the datasets' warnings: count them here.
  const noticeWarnings = runNotices(targets).filter((n) => n.severity === 'warning').length;
  const notAnnotated = Math.max(0, tot.errors + tot.warnings + noticeWarnings + suiteErrors + suiteWarnings - annotations.shown);
  const common = { diffs, lineUrl, removed, outside, today: day };
  // Data is escaped where it is rendered; `visible` once more over the whole body, as the summary gets at the boundary.
  const commentBody = visible(renderMarkdown(targets, { ...common, extra, maxChars: COMMENT_LIMIT_CHARS - 200 }));
  const summaryExtra = [...extra];
  if (notAnnotated > 0) {
    summaryExtra.push(
      `_${formatInt(notAnnotated)} more problem${notAnnotated === 1 ? ' was' : 's were'} not annotated (GitHub shows ${ANNOTATIONS_PER_KIND} errors and ${ANNOTATIONS_PER_KIND} warnings per step); they are listed here (the first ones) and counted in the JSON report._`,
    );
  }
  // The summary limit is in bytes; dataset text can be multi-byte, so measure and shrink.
  let summary = '';
  for (let chars = SUMMARY_LIMIT_BYTES - 4096; chars > 4096; chars = Math.floor(chars / 2)) {
    summary = renderMarkdown(targets, { ...common, extra: summaryExtra, maxProblems: 1000, maxChars: chars });
    if (Buffer.byteLength(summary, 'utf8') <= SUMMARY_LIMIT_BYTES - 4096) break;
  }

  const reportPath = join(tempRoot, `finetune-ci-check-${process.pid}-${Date.now()}.json`);
  const json = { ...toJson(targets, diffs, removed), suites: suiteDiagnostics, removed, configErrors: pathIssues.map((m) => m.message), notAnnotated };
  await writeFile(reportPath, safeJson(JSON.parse(redactJson(json))));

  // The job summary first: it must carry the report even if commenting fails in any way.
  await io.appendSummary(summary);

  let commentUrl: string | null = null;
  if (s.comment && ev?.pullRequest && deps.github && plan.work.length + suiteDiagnostics.length + removed.length > 0) {
    const why = (detail: string) =>
      `finetune-ci could not write the pull request comment (${detail}). ` +
      (ev.pullRequest!.isFork
        ? 'Pull requests from forks get a read-only token; the full report is in the job summary. '
        : 'Give the workflow `permissions: pull-requests: write`; the full report is in the job summary. ') +
      'The check result does not depend on the comment.';
    try {
      const r = await upsertStickyComment(deps.github, { owner: ev.owner, repo: ev.repo, issueNumber: ev.pullRequest.number }, commentBody, { id: `check-${s.commentId}` });
      if (r.ok) {
        commentUrl = r.url;
        io.info(`PR comment ${r.action}: ${r.url}`);
      } else {
        io.warning(why(`HTTP ${r.status}: ${r.message}`));
      }
    } catch (e) {
      // A server error or dropped connection after retries: still no reason to fail the check.
      io.warning(why(`${(e as { status?: number }).status ? `HTTP ${(e as { status?: number }).status}: ` : ''}${(e as Error).message}`));
    }
  }

  io.setOutput('errors', errors);
  io.setOutput('warnings', warnings);
  io.setOutput('examples', tot.examples);
  io.setOutput('billable-tokens', tot.billableTokens);
  io.setOutput('trained-tokens', tot.trainedTokens);
  io.setOutput('estimated-cost', tot.estimatedCostUsd === null ? '' : tot.estimatedCostUsd.toFixed(4));
  io.setOutput('cost-delta', tot.costDeltaUsd === null ? '' : tot.costDeltaUsd.toFixed(4));
  io.setOutput('report', reportPath);
  io.setOutput('comment-url', commentUrl ?? '');

  const reasons: string[] = [];
  for (const m of pathIssues) {
    io.error(m.message, { title: `finetune-ci: ${m.code}`, file: m.file, startLine: m.line });
    reasons.push(m.message);
  }
  const dataErrors = errors - pathIssues.length;
  if (s.failOn !== 'never' && dataErrors > 0) reasons.push(`${dataErrors} error${dataErrors === 1 ? '' : 's'} in the datasets`);
  if (s.failOn === 'warning' && warnings > 0) reasons.push(`${warnings} warning${warnings === 1 ? '' : 's'} (fail-on: warning)`);
  for (const t of targets) {
    if (t.overBudget) reasons.push(`${t.name}: estimated $${t.estimate.costUsd?.toFixed(2)} is above max-cost $${t.maxCost}`);
  }
  if (s.maxCostIncrease !== undefined && tot.costDeltaUsd !== null && tot.costDeltaUsd > s.maxCostIncrease) {
    reasons.push(`the estimated cost rises by $${tot.costDeltaUsd.toFixed(2)}, above max-cost-increase $${s.maxCostIncrease}`);
  }
  const failed = reasons.length > 0;
  if (failed) io.setFailed(`finetune-ci: ${reasons.join('; ')}`);
  return { targets, diffs, suiteDiagnostics, failed, reasons, commentUrl, reportPath };
}

/** A repository path as a URL path: every segment encoded, `(`/`)` too (they end a markdown link). */
function urlPath(path: string): string {
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** Paths in reports are the repository's as configured, not the runner's (nor a link's target). */
function relabel(t: TargetReport, workspace: string, labels: [real: string, label: string][] = []): void {
  const names = new Map(labels);
  const strip = (p: string) => names.get(p) ?? (p.startsWith(workspace + '/') ? p.slice(workspace.length + 1) : p);
  for (const f of [t.training, ...(t.validation ? [t.validation] : [])]) {
    f.path = strip(f.path);
    for (const d of f.diagnostics) {
      // A hint may name the file (e.g. the jq conversion of a JSON file): the repository's path.
      if (d.hint.includes(workspace + '/')) d.hint = d.hint.split(workspace + '/').join('');
      d.file = strip(d.file);
    }
  }
  for (const n of t.notices) n.file = strip(n.file);
}

async function checkBase(item: WorkItem, spec: TargetSpec, ev: EventContext, deps: CheckDeps, scratch: string, day: string, cache: CacheStore): Promise<TargetReport | null | 'failed'> {
  if (!item.basePath || !ev.baseSha) return null;
  // From local git the base is streamed, and its summary or line results found by content: no
  // temp copy, and only the lines the head does not have are analysed.
  // A small blob (one that may be a Git LFS pointer, under 1 KB) goes through a temp copy as
  // before, where an LFS pointer is found and fetched.
  const fromGit = async (path: string) => {
    const blob = await gitBlobAt(deps.workspace, ev.baseSha!, path);
    if (blob && blob.size < 1024) return copy(path);
    return blob ? { file: `${path}@base`, run: { blob: blob.sha, source: { size: blob.size, open: blob.open } } } : null;
  };
  const copy = (path: string) =>
    readBaseContent({
      octokit: deps.github ?? undefined,
      repo: { owner: ev.owner, repo: ev.repo },
      workspace: deps.workspace,
      ref: ev.baseSha!,
      path,
      tempRoot: scratch,
    }).then((c) => (c ? { file: c.file, run: {} as { blob?: string; source?: undefined } } : null));
  const read = async (path: string) => ((await hasCommit(deps.workspace, ev.baseSha!)) ? fromGit(path) : copy(path));
  try {
    const training = await read(item.basePath);
    if (!training) return null;
    const validation = item.baseValidationPath ? await read(item.baseValidationPath) : null;
    const files: NonNullable<CheckRunOptions['files']> = { [training.file]: training.run };
    if (validation) files[validation.file] = validation.run;
    for (const [path, content] of [
      [item.basePath, training],
      [item.baseValidationPath, validation],
    ] as const) {
      // A streamed blob is over the size of any LFS pointer (see fromGit).
      if (!content || !path || content.run.source || !(await isLfsPointer(content.file))) continue;
      // Stored in Git LFS at base: fetch the content, or skip the comparison and say why.
      const got = await smudgeLfsPointer(deps.workspace, content.file);
      if (!got.ok) {
        deps.io.warning(
          `${path} is stored in Git LFS at the base commit and its content could not be fetched (${got.reason}); the comparison with base is skipped. ` +
            'Install git-lfs and check out with `lfs: true` on actions/checkout to compare.',
        );
        return 'failed';
      }
    }
    const quiet = await checkTarget(
      { ...spec, trainingFile: training.file, validationFile: validation?.file },
      // The head's settings for diagnostics kept: one summary serves a file as head and, after the merge, as base.
      { today: day, workers: deps.workers, cache, files },
    );
    return quiet;
  } catch (e) {
    deps.io.warning(`Could not read ${plain(item.basePath, 300)} at the base commit (${plain((e as Error).message, 300)}); the comparison with base is skipped.`);
    return 'failed';
  }
}

/** How a target was set up at base: its own entry in the base config, else the base defaults. */
function specAtBase(base: Settings, head: TargetConfig, headSpec: TargetSpec): TargetSpec {
  const declared = base.targets.find((t) => t.name === head.name);
  const config = declared ?? (head.declared ? null : { ...base.defaults, name: head.name, trainingFile: head.trainingFile, declared: false });
  if (!config) return headSpec; // a target the base config did not have: priced as at head
  return { ...toSpec(config), name: headSpec.name, trainingFile: headSpec.trainingFile, validationFile: headSpec.validationFile };
}

/** The settings at the base commit, when this change edits the config file. */
async function loadBaseSettings(s: Settings, changed: ChangedFile[] | null, deps: CheckDeps, scratch: string): Promise<Settings | 'failed' | undefined> {
  const ev = deps.event;
  const edit = changed?.find((f) => f.path === s.configPath || f.previousPath === s.configPath);
  if (!edit || !ev?.baseSha || !deps.settingsAt) return undefined;
  try {
    const base =
      edit.status === 'added'
        ? null
        : await readBaseContent({
            octokit: deps.github ?? undefined,
            repo: { owner: ev.owner, repo: ev.repo },
            workspace: deps.workspace,
            ref: ev.baseSha,
            path: edit.previousPath ?? s.configPath,
            tempRoot: scratch,
          });
    const text = base ? await readFile(base.file, 'utf8') : null;
    return await deps.settingsAt(text);
  } catch (e) {
    deps.io.warning(`Could not read ${plain(s.configPath, 300)} as it was at the base commit (${plain((e as Error).message, 300)}); cost changes against base are not shown.`);
    return 'failed';
  }
}
