/**
 * Smoke tests as a journey: read and validate the suite, open a chat session per model through
 * the provider interface, run the suite (the model under test and, side by side, the base model
 * or another one), report (job summary, outputs, a JSON file) and say whether it passed.
 *
 * `runSmokeStage` is the part the train journey calls after a job succeeds; `runSmokeJourney` is
 * `mode: smoke`, which tests any model on demand. Sessions are always closed: on success, on
 * failure, and when the run is cancelled (an AbortSignal, or SIGINT/SIGTERM from the runner).
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { baseModelId, resolveModel } from '../catalog/index.js';
import { connection, type Settings, type TargetConfig } from '../config.js';
import type { Diagnostic } from '../dataset/types.js';
import { createProvider, providerEntry, ProviderSetupError, type ChatSession, type Provider } from '../providers/index.js';
import { cell, table } from '../report/markdown.js';
import { formatRate, plain, renderSmokeMarkdown, renderSmokeText } from '../report/smoke.js';
import { runSuite } from '../smoke/runner.js';
import { readSuite } from '../smoke/suite.js';
import type { ChatFn, Price, SmokeRun } from '../smoke/types.js';
import { addCredentials, redactingIO, redactJson } from '../redact.js';
import { ABORTED, raceAbort } from '../util/abort.js';
import { onCancelSignal } from '../util/signals.js';
import { ANNOTATIONS_PER_KIND, type ActionIO, type JourneyRunner } from './io.js';

export interface SmokeStageOptions {
  settings: Settings;
  /** The target that was trained (its `smoke_tests`); null in `mode: smoke`. */
  target: TargetConfig | null;
  provider: Provider;
  /** The model to test: the tuned model's id (`smoke-model` overrides it for the calls). */
  model: string;
  /** The model `smoke-compare: base` compares with. */
  baseModel: string;
  io: ActionIO;
  /** Where relative suite paths are read from. Default: GITHUB_WORKSPACE, else the working directory. */
  workspace?: string;
  /** Column labels; default "tuned" and "base" (or "compared" for another model). */
  labels?: { model?: string; compare?: string };
  /** Stops the run: calls not yet sent fail as cancelled, sessions are closed. */
  signal?: AbortSignal;
  /** Directory of the JSON report. Default: RUNNER_TEMP, else the OS temp directory. */
  tempRoot?: string;
}

export interface SmokeStageResult {
  /** The report (also written to the job summary), for the training comment. */
  markdown: string;
  /** The verdict failed, the suite is invalid, or the run was cancelled. */
  failed: boolean;
  /** What ran. When the suite is invalid: no cases, no calls, verdict fail. */
  run: SmokeRun;
  /** Path of the JSON report (the `smoke-report` output). */
  reportPath: string;
  /** The suite's errors and warnings, located (file relative to the workspace, 1-based line). */
  diagnostics: Diagnostic[];
  /** One sentence saying why it failed; null when it passed. */
  reason: string | null;
}

/** `target.smokeTests ?? settings.smoke.tests`: the suite to run, or undefined for none. */
export function smokeSuitePath(settings: Settings, target: TargetConfig | null): string | undefined {
  return target?.smokeTests ?? settings.smoke.tests;
}

/** The compare model for `smoke-compare`, or null; never the model under test itself. */
export function compareModel(compare: string, baseModel: string, tested: string): string | null {
  const c = compare.trim();
  if (c === '' || c === 'none') return null;
  const id = c === 'base' ? baseModel : c;
  return id && id !== tested ? id : null;
}

function priceOf(model: string): Price | null {
  try {
    return resolveModel(model).inferencePricePerMillion ?? null;
  } catch {
    return null;
  }
}

function label(path: string, workspace: string): string {
  if (!isAbsolute(path)) return path.split(sep).join('/');
  const rel = relative(workspace, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}

function annotateSuite(io: ActionIO, diags: readonly Diagnostic[]): void {
  let errors = 0;
  let warnings = 0;
  for (const d of diags) {
    const props = { title: `finetune-ci: ${d.code}`, file: d.file, startLine: d.line ?? undefined };
    const text = `${d.message}. Fix: ${d.hint}`;
    if (d.severity === 'error' && errors++ < ANNOTATIONS_PER_KIND) io.error(text, props);
    else if (d.severity === 'warning' && warnings++ < ANNOTATIONS_PER_KIND) io.warning(text, props);
  }
}

function invalidSuiteMarkdown(file: string, diags: readonly Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error');
  const rows = diags.slice(0, 50).map((d) => [d.severity === 'error' ? '❌' : '⚠️', `${cell(d.file, 60)}${d.line ? `:${d.line}` : ''}`, `\`${d.code}\``, cell(d.message, 160), cell(d.hint, 120)]);
  return [
    '### Smoke test ❌ not run: the suite is invalid',
    '',
    `**${cell(file, 120)}** has ${errors.length} error${errors.length === 1 ? '' : 's'}; no model was called.`,
    '',
    table(['', 'where', 'code', 'problem', 'fix'], rows),
    diags.length > 50 ? `\n… and ${diags.length - 50} more.` : '',
  ].join('\n');
}

function emptyRun(file: string, model: string, compare: string | null, threshold: number | undefined, concurrency: number): SmokeRun {
  const summary = (role: 'model' | 'compare', m: string) => ({
    role,
    model: m,
    passed: 0,
    total: 0,
    passRate: 0,
    promptTokens: 0,
    completionTokens: 0,
    callsWithoutUsage: 0,
    cost: null,
    price: null,
  });
  return {
    file,
    models: compare ? [summary('model', model), summary('compare', compare)] : [summary('model', model)],
    cases: [],
    threshold: threshold ?? 1,
    thresholdSource: threshold === undefined ? 'default' : 'option',
    verdict: 'fail',
    concurrency,
    calls: 0,
    wallMs: 0,
    cost: null,
  };
}

function rateText(rate: number): string {
  return String(Math.round(rate * 10_000) / 10_000);
}

class CancelledError extends Error {
  constructor(message = 'the smoke run was cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Resolve with `p`, or reject as soon as `signal` aborts (the call itself is left to finish). */
async function raceCancel<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  const r = await raceAbort(
    p.catch((e: unknown) => Promise.reject(e instanceof Error ? e : new Error(String(e)))),
    signal,
  );
  if (r === ABORTED) throw new CancelledError();
  return r;
}

/** Longest wait for the model lookups before the run; they only inform. */
export const PREFLIGHT_TIMEOUT_MS = 5_000;

/**
 * Before the first call, ask the provider about each model (not billed): a model it does not
 * list is named in a warning up front instead of only in N failed cases. Failures and slow
 * answers are ignored (the run goes on after PREFLIGHT_TIMEOUT_MS). It also sets up the HTTP
 * client, so the run's wall time measures the calls rather than the client's first use.
 */
async function preflight(provider: Provider, sessions: readonly ChatSession[], io: ActionIO, signal: AbortSignal): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => {
    timer = setTimeout(r, PREFLIGHT_TIMEOUT_MS);
  });
  const cancelled = new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
  const lookups = sessions
    // A deployment or endpoint is not a model id the provider lists.
    .filter((s) => s.target === s.model)
    .map(async (s) => {
      try {
        const info = await provider.getModel(s.model);
        if (info === null) {
          io.warning(`finetune-ci: ${provider.name} does not list the model ${plain(s.model, 100)}; its smoke calls will probably fail (check the model id)`);
        } else if (info.shutdownDate) {
          io.info(`${plain(s.model, 100)}: ${provider.name} lists it, shutdown date ${info.shutdownDate}`);
        }
      } catch {
        // Only informative: the calls themselves will say what is wrong.
      }
    });
  try {
    await Promise.race([Promise.all(lookups), timeout, cancelled]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run the configured smoke suite against `model` (and the compare model), write the job summary,
 * set the outputs `smoke-pass-rate`, `smoke-base-pass-rate` and `smoke-report`, and return the
 * report. Returns null when no suite is configured. Does not fail the step: the caller decides
 * from `failed` (the train journey puts `markdown` in its comment too).
 */
export async function runSmokeStage(opts: SmokeStageOptions): Promise<SmokeStageResult | null> {
  const { settings, provider } = opts;
  addCredentials(settings);
  const io = redactingIO(opts.io);
  const suitePath = smokeSuitePath(settings, opts.target);
  if (!suitePath) return null;
  const needsTarget = providerEntry(provider.name).capabilities.smokeNeedsExistingTarget;
  if (needsTarget && !settings.smoke.model?.trim()) {
    io.warning(needsTarget);
    return null;
  }
  const workspace = opts.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd();
  const file = label(suitePath, workspace);
  const tested = settings.smoke.model?.trim() || opts.model;
  const compare = compareModel(settings.smoke.compare, opts.baseModel, tested);
  const tempRoot = opts.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
  const reportPath = join(tempRoot, `finetune-ci-smoke-${process.pid}-${Date.now()}.json`);
  const labels = {
    model: opts.labels?.model ?? 'tuned',
    compare: opts.labels?.compare ?? (settings.smoke.compare.trim() === 'base' ? 'base' : 'compared'),
  };

  // Resolved inside the workspace (or refused, located, quoting nothing of a link's target).
  const parsed = await readSuite(suitePath, { workspace });
  const diagnostics = parsed.diagnostics.map((d) => ({ ...d, file }));
  annotateSuite(io, diagnostics);

  const finish = async (run: SmokeRun, markdown: string, reason: string | null): Promise<SmokeStageResult> => {
    await writeFile(reportPath, redactJson(run));
    await io.appendSummary(markdown);
    const cmp = run.models.find((m) => m.role === 'compare');
    io.setOutput('smoke-pass-rate', run.cases.length ? rateText(run.models[0]!.passRate) : '');
    io.setOutput('smoke-base-pass-rate', cmp && run.cases.length ? rateText(cmp.passRate) : '');
    io.setOutput('smoke-report', reportPath);
    return { markdown, failed: reason !== null, run, reportPath, diagnostics, reason };
  };

  if (!parsed.suite) {
    const n = diagnostics.filter((d) => d.severity === 'error').length;
    const run = emptyRun(file, tested, compare, settings.smoke.threshold, settings.smoke.concurrency);
    return finish(run, invalidSuiteMarkdown(file, diagnostics), `the smoke suite ${file} has ${n} error${n === 1 ? '' : 's'}`);
  }
  const suite = { ...parsed.suite, file };

  // Cancellation: the caller's signal, or the runner's SIGINT/SIGTERM while the run is on.
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    io.warning(`finetune-ci: ${sig} received: stopping the smoke run and closing its chat sessions`);
    controller.abort();
  };
  const onAbort = () => controller.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) controller.abort();
  const stopListening = onCancelSignal(onSignal);

  const models = compare ? [tested, compare] : [tested];
  const sessions = new Map<string, ChatSession>();
  const openErrors = new Map<string, Error>();
  let run: SmokeRun;
  try {
    io.info(`Smoke suite ${plain(file, 200)}: ${suite.cases.length} cases against ${models.map((m) => plain(m, 80)).join(' and ')}, concurrency ${settings.smoke.concurrency}`);
    // Opened before the first call, so that wall time is the calls' own (a Together endpoint
    // can take minutes to come up). Not raced against cancellation: whatever opens is closed.
    await Promise.all(
      models.map(async (m) => {
        try {
          // `smoke-model` names something that already serves chat (an Azure deployment, a
          // Together endpoint): use it as is, create and delete nothing.
          const existing = settings.smoke.model !== undefined && m === settings.smoke.model;
          sessions.set(m, await provider.openChatSession(m, existing ? { existing: m } : {}));
        } catch (e) {
          openErrors.set(m, e instanceof Error ? e : new Error(String(e)));
        }
      }),
    );
    // Only model ids are looked up: an existing deployment or endpoint (smoke-model) is not a
    // model the provider lists, and its name may equal the session's model.
    await preflight(
      provider,
      [...sessions.values()].filter((x) => x.model !== settings.smoke.model),
      io,
      controller.signal,
    );
    const chat: ChatFn = async (model, messages, chatOpts) => {
      const openError = openErrors.get(model);
      if (openError) throw new Error(`could not open a chat session for ${model}: ${openError.message}`);
      const session = sessions.get(model);
      if (!session) throw new Error(`no chat session for ${model}`);
      if (controller.signal.aborted) throw new CancelledError('cancelled before the call was sent');
      const r = await raceCancel(provider.chat(session, messages, chatOpts), controller.signal);
      return {
        text: r.text,
        latencyMs: r.latencyMs,
        ...(r.usage ? { usage: r.usage } : {}),
      };
    };
    run = await runSuite(suite, {
      chat,
      model: tested,
      compare,
      concurrency: settings.smoke.concurrency,
      threshold: settings.smoke.threshold,
      // Prices follow the model, not a deployment name that `smoke-model` may give it.
      prices: { model: priceOf(opts.model), compare: compare ? priceOf(compare) : null },
      onOutcome: (e) => {
        const why = e.outcome.error ?? e.outcome.failed.map((f) => f.type).join(', ');
        io.info(`  ${e.outcome.pass ? 'pass' : 'FAIL'} ${e.role === 'model' ? labels.model : labels.compare}: ${plain(e.caseName, 80)}${why ? ` (${plain(why, 160)})` : ''}`);
      },
    });
  } finally {
    stopListening();
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(
      [...sessions.values()].map(async (s) => {
        try {
          await provider.closeChatSession(s);
        } catch (e) {
          io.warning(`finetune-ci: could not close the chat session for ${s.model} (${(e as Error).message}); ` + `if the provider keeps an endpoint for it (${s.target}), delete it by hand`);
        }
      }),
    );
  }

  io.info(renderSmokeText(run, { labels }));
  const markdown = renderSmokeMarkdown(run, { labels });
  const t = run.models[0]!;
  let reason: string | null = null;
  if (controller.signal.aborted) reason = 'the smoke run was cancelled';
  else if (run.verdict === 'fail') {
    reason = `smoke test of ${t.model}: ${t.passed} of ${t.total} cases passed (${formatRate(t.passRate)}), below the threshold ${formatRate(run.threshold)}`;
  }
  return finish(run, markdown, reason);
}

/** `mode: smoke`: test `smoke-model` (beside its base, or `smoke-compare`) on demand. */
export const runSmokeJourney: JourneyRunner = async (settings, ctx) => {
  addCredentials(settings);
  const io = redactingIO(ctx.io);
  const workspace = ctx.workspace;
  const model = settings.smoke.model?.trim();
  if (!model) {
    io.setFailed('finetune-ci: input smoke-model is required in mode: smoke; set it to the model to test, e.g. smoke-model: ft:gpt-4.1-mini-2025-04-14:my-org:weather:abc123');
    return;
  }
  let target: TargetConfig | null = null;
  if (!settings.smoke.tests) {
    const withSuite = settings.targets.filter((t) => t.smokeTests);
    if (withSuite.length === 1) target = withSuite[0]!;
    else {
      io.setFailed(
        `finetune-ci: input smoke-tests is required in mode: smoke${withSuite.length > 1 ? ` (${withSuite.length} targets in ${settings.configPath} have smoke_tests; pick one)` : ''}; set it to the suite file, e.g. smoke-tests: examples/smoke.yml`,
      );
      return;
    }
  }
  let provider: Provider;
  try {
    provider = await createProvider({ ...connection(settings, settings.defaults.provider), log: (line) => io.info(line) });
  } catch (e) {
    if (e instanceof ProviderSetupError) {
      io.setFailed(`finetune-ci: ${e.message}`);
      return;
    }
    throw e;
  }
  const result = await runSmokeStage({
    settings,
    target,
    provider,
    model,
    baseModel: baseModelId(model),
    io,
    workspace,
    labels: { model: 'tested' },
  });
  if (result?.reason) io.setFailed(`finetune-ci: ${result.reason}`);
};
