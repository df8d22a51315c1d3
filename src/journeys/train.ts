/**
 * The merge-time training journey: validate again, gate (errors, budget, model shut down),
 * upload (deduplicated by content hash), find-or-create the job (tagged with a key over
 * everything that defines the run), follow it (events, metrics, heartbeat, timeouts, resume,
 * cancel), run the smoke suite on the new model, and report: job summary, outputs, JSON report,
 * commit comment. Provider-neutral: it sees only the `Provider` interface.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { daysBetween, resolveModel, today as catalogToday } from '../catalog/index.js';
import { connection, type Settings, type TargetConfig } from '../config.js';
import type { SmokeStageOptions, SmokeStageResult } from './smoke.js';
import { checkTarget, type TargetReport } from '../dataset/target.js';
import type { Method } from '../dataset/types.js';
import { createClient, upsertCommitComment, type EventContext, type GitHubClient } from '../github/index.js';
import type { JourneyRunner } from '../main.js';
import {
  createProvider as defaultCreateProvider,
  isProviderError,
  isTerminal,
  jobPhase,
  KNOWN_JOB_STATUSES,
  ProviderError,
  ProviderSetupError,
  TAG_KEYS,
  type Checkpoint,
  type Hyperparameters,
  type Job,
  type JobEvent,
  type Provider,
  type ProviderName,
  type ProviderSettings,
  type ReadyFile,
} from '../providers/index.js';
import {
  actualCost,
  differencePct,
  emptyResult,
  formatCost,
  formatDuration,
  isFailure,
  metricsLine,
  renderTrainMarkdown,
  toTrainJson,
  type FileRef,
  type FinalMetrics,
  type TrainTargetResult,
} from '../report/train.js';
import { targetFiles, toSpec } from './check.js';
import { COMMENT_LIMIT_CHARS, type ActionIO } from './io.js';
import { cell } from '../report/markdown.js';
import { plain } from '../report/text.js';

// =============================================================================================
// Pure parts: hashing, job key, upload names

/** sha256 of a file, streamed (memory stays flat). */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** `train.<first 16 hex>.jsonl` / `valid.<first 16 hex>.jsonl`: the provider dedupes by name + size. */
export function uploadName(role: 'training' | 'validation', sha256: string): string {
  return `${role === 'training' ? 'train' : 'valid'}.${sha256.slice(0, 16)}.jsonl`;
}

/**
 * Hyperparameters as they define a run: absent and `auto` mean the same (the provider
 * chooses), `beta` only counts for DPO. So `n-epochs: auto` added to a workflow does not retrain.
 */
export function normalizeHyperparameters(hp: Hyperparameters, method: Method): Hyperparameters {
  const out: Hyperparameters = {
    n_epochs: hp.n_epochs ?? 'auto',
    batch_size: hp.batch_size ?? 'auto',
    learning_rate_multiplier: hp.learning_rate_multiplier ?? 'auto',
  };
  if (method === 'dpo') out.beta = hp.beta ?? 'auto';
  return out;
}

export interface JobKeyInput {
  trainingSha256: string;
  validationSha256: string | null;
  model: string;
  method: Method;
  hyperparameters: Hyperparameters;
  suffix?: string | null;
  /** Part of the run when set: a new seed is a new run. */
  seed?: number | null;
}

/** sha256 over everything that defines the training run (stable key order, versioned). */
export function jobKey(i: JobKeyInput): string {
  const hp = normalizeHyperparameters(i.hyperparameters, i.method);
  const canonical = {
    v: 1,
    training: i.trainingSha256,
    validation: i.validationSha256 ?? null,
    model: i.model,
    method: i.method,
    hyperparameters: Object.fromEntries(Object.entries(hp).sort(([a], [b]) => (a < b ? -1 : 1))),
    suffix: i.suffix ?? null,
    ...(i.seed != null ? { seed: i.seed } : {}),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Everything the provider should get as hyperparameters (beta only for DPO; absent stays absent). */
export function jobHyperparameters(hp: Hyperparameters, method: Method): Hyperparameters {
  const out: Hyperparameters = {};
  if (hp.n_epochs !== undefined) out.n_epochs = hp.n_epochs;
  if (hp.batch_size !== undefined) out.batch_size = hp.batch_size;
  if (hp.learning_rate_multiplier !== undefined) out.learning_rate_multiplier = hp.learning_rate_multiplier;
  if (method === 'dpo' && hp.beta !== undefined) out.beta = hp.beta;
  return out;
}

/** Replace every secret in `text` with `***` (secrets shorter than 4 characters are ignored). */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const list = secrets.filter((s): s is string => typeof s === 'string' && s.trim().length >= 4).map((s) => s.trim());
  if (!list.length) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of list) out = out.split(s).join('***');
    return out;
  };
}

/** An ActionIO that never lets a secret through (logs, annotations, outputs, summary). */
export function redactingIO(io: ActionIO, redact: (t: string) => string): ActionIO {
  return {
    info: (m) => io.info(redact(m)),
    warning: (m, p) => io.warning(redact(m), p),
    error: (m, p) => io.error(redact(m), p),
    notice: (m, p) => io.notice(redact(m), p),
    group: (name, fn) => io.group(redact(name), fn),
    setOutput: (n, v) => io.setOutput(n, typeof v === 'string' ? redact(v) : v),
    appendSummary: (md) => io.appendSummary(redact(md)),
    setSecret: (s) => io.setSecret(s),
    setFailed: (m) => io.setFailed(redact(m)),
  };
}

function clock(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(11, 19);
}

// =============================================================================================
// Following a job (pure logic over an injected provider, clock and sleep)

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

const ABORTED = Symbol('aborted');

/** `p`, or ABORTED as soon as the signal fires (the call itself carries on unobserved). */
function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T | typeof ABORTED> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => {});
      resolve(ABORTED);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export interface FollowOptions {
  jobId: string;
  /** Poll interval while the job runs (and the first one while it waits). */
  pollMs: number;
  /** Stop following at this time (`now()` scale); null: no limit. */
  deadline: number | null;
  now: () => number;
  sleep: Sleep;
  log: (line: string) => void;
  warn?: (line: string) => void;
  signal?: AbortSignal;
  /** Heartbeat at least this often (and on every status change). Default 60 s. */
  heartbeatMs?: number;
  /** Longest poll interval while the job waits (validating, queued). Default min(4 × poll, 2 min), at least poll. */
  maxWaitingPollMs?: number;
  /** Growth of the interval per poll while the job waits. Default 1.5. */
  backoffFactor?: number;
}

export interface FollowResult {
  end: 'terminal' | 'timeout' | 'aborted';
  /** The last view of the job (null if it could not be read even once). */
  job: Job | null;
  /** The last metrics seen in the events. */
  metrics: (FinalMetrics & { totalSteps: number | null }) | null;
  events: number;
  polls: number;
  transientErrors: number;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function metricsFromEvent(e: JobEvent): (FinalMetrics & { totalSteps: number | null }) | null {
  if (e.type !== 'metrics' || !e.data) return null;
  const d = e.data;
  return {
    step: num(d.step),
    trainLoss: num(d.train_loss),
    validLoss: num(d.valid_loss),
    fullValidLoss: num(d.full_valid_loss),
    trainAccuracy: num(d.train_mean_token_accuracy),
    validAccuracy: num(d.valid_mean_token_accuracy),
    totalSteps: num(d.total_steps),
  };
}

/** One heartbeat line: status, elapsed, estimated finish. */
export function heartbeatLine(job: Job, nowMs: number, followStartedMs: number): string {
  const sinceCreated = nowMs / 1000 - job.createdAt;
  // A job's own clock and ours can disagree (a fake clock, a skewed runner): fall back to our own.
  const elapsed = sinceCreated >= 0 && sinceCreated < 30 * 86_400 ? sinceCreated : (nowMs - followStartedMs) / 1000;
  const parts = [`status ${plain(job.status, 40)}`, `elapsed ${formatDuration(elapsed)}`];
  if (job.estimatedFinish) {
    const left = job.estimatedFinish - nowMs / 1000;
    parts.push(`estimated finish ${new Date(job.estimatedFinish * 1000).toISOString().replace('T', ' ').slice(0, 19)} UTC${left > 0 && left < 30 * 86_400 ? ` (in ${formatDuration(left)})` : ''}`);
  }
  return `⏱ ${job.id}: ${parts.join(' · ')}`;
}

/**
 * Poll the job until it ends, the deadline passes or the signal fires. Prints each new event
 * once, in order (metrics as one compact line), a heartbeat on status changes and every
 * `heartbeatMs`. Transient provider errors are waited out; anything else is thrown.
 */
export async function followJob(provider: Pick<Provider, 'getJob' | 'listEvents'>, o: FollowOptions): Promise<FollowResult> {
  const heartbeatMs = o.heartbeatMs ?? 60_000;
  const maxWaiting = Math.max(o.pollMs, o.maxWaitingPollMs ?? Math.min(o.pollMs * 4, 120_000));
  const factor = o.backoffFactor ?? 1.5;
  const started = o.now();
  let interval = o.pollMs;
  let lastEventId: string | null = null;
  let lastStatus: string | null = null;
  let lastBeat = -Infinity;
  let job: Job | null = null;
  let metrics: FollowResult['metrics'] = null;
  const warnedUnknown = new Set<string>();
  const res = (end: FollowResult['end']): FollowResult => ({ end, job, metrics, events, polls, transientErrors });
  let events = 0;
  let polls = 0;
  let transientErrors = 0;
  let consecutive = 0;

  for (;;) {
    if (o.signal?.aborted) return res('aborted');
    polls++;
    try {
      const j = await raceAbort(provider.getJob(o.jobId), o.signal);
      if (j === ABORTED) return res('aborted');
      const evs: JobEvent[] | typeof ABORTED = await raceAbort(provider.listEvents(o.jobId, lastEventId), o.signal);
      if (evs === ABORTED) return res('aborted');
      job = j;
      consecutive = 0;
      for (const e of evs) {
        lastEventId = e.id;
        events++;
        const m = metricsFromEvent(e);
        if (m) {
          metrics = m;
          const line = metricsLine(m);
          o.log(`  ${clock(e.createdAt)} ${line || plain(e.message, 400)}`);
        } else {
          o.log(`  ${clock(e.createdAt)} ${e.level === 'info' ? '' : `${plain(String(e.level), 10)}: `}${plain(e.message, 400)}`);
        }
      }
      const phase = jobPhase(j.status);
      if (phase === 'unknown' && !warnedUnknown.has(j.status)) {
        warnedUnknown.add(j.status);
        (o.warn ?? o.log)(
          `Job ${j.id} reports status "${plain(j.status, 40)}", which finetune-ci does not know (known: ${KNOWN_JOB_STATUSES.join(', ')}); following it as still in progress.`,
        );
      }
      const now = o.now();
      if (j.status !== lastStatus || now - lastBeat >= heartbeatMs) {
        o.log(heartbeatLine(j, now, started));
        lastBeat = now;
        if (j.status !== lastStatus && phase === 'running') interval = o.pollMs;
        lastStatus = j.status;
      }
      if (isTerminal(j.status)) return res('terminal');
      interval = phase === 'waiting' ? Math.min(maxWaiting, Math.max(o.pollMs, interval * factor)) : o.pollMs;
    } catch (e) {
      if (!(isProviderError(e) && e.kind === 'transient')) throw e;
      transientErrors++;
      consecutive++;
      const wait = Math.max(o.pollMs, e.retryAfterMs ?? 0, Math.min(o.pollMs * 2 ** Math.min(consecutive, 6), 5 * 60_000));
      (o.warn ?? o.log)(`Could not read job ${o.jobId} (${e.describe()}); still following, next try in ${formatDuration(wait / 1000)}.`);
      interval = wait;
    }
    const now = o.now();
    if (o.deadline !== null && now >= o.deadline) return res('timeout');
    const wait = o.deadline === null ? interval : Math.min(interval, Math.max(0, o.deadline - now));
    await o.sleep(wait, o.signal);
  }
}

// =============================================================================================
// The journey

export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', fn: (sig: NodeJS.Signals) => void): void;
  off(signal: 'SIGINT' | 'SIGTERM', fn: (sig: NodeJS.Signals) => void): void;
}

/** The smoke stage the journey runs after a job succeeds (./smoke.js; injectable in tests). */
export type SmokeStage = (opts: SmokeStageOptions) => Promise<Pick<SmokeStageResult, 'markdown' | 'failed' | 'reason'> | null>;

export interface TrainDeps {
  io: ActionIO;
  event: EventContext | null;
  workspace: string;
  /** Default: made from `settings.githubToken` when a comment is to be written. */
  github?: GitHubClient | null;
  createProvider?: (s: ProviderSettings) => Promise<Provider>;
  now?: () => number;
  sleep?: Sleep;
  /** Default: `process`. */
  signals?: SignalSource;
  /** Default: `process.exit`. Called after a cancellation has been handled. */
  exit?: (code: number) => void;
  /** How long a cancellation may take before we exit anyway. Default 5 s. */
  abortBudgetMs?: number;
  /** Default: RUNNER_TEMP, else the OS temp directory. */
  tempRoot?: string;
  /** YYYY-MM-DD. Default: the catalog's today (FINETUNE_CI_NOW). */
  today?: string;
  /** Default: `runSmokeStage` from ./smoke.js when it exists. */
  smokeStage?: SmokeStage | null;
  heartbeatMs?: number;
}

export interface TrainRunResult {
  results: TrainTargetResult[];
  failed: boolean;
  reportPath: string;
  commentUrl: string | null;
}

const MB = 1024 * 1024;

class Stop extends Error {
  constructor(readonly result: TrainTargetResult) {
    super('stop');
  }
}

function fileRef(f: ReadyFile): FileRef {
  return { id: f.id, name: f.name, bytes: f.bytes, reused: f.reused, via: f.via };
}

/** Provider error kinds that would hit every following target the same way. */
const STOPS_ALL = new Set(['quota', 'auth', 'permission']);

async function loadSmokeStage(): Promise<SmokeStage | null> {
  try {
    const mod = (await import('./smoke.js')) as unknown as { runSmokeStage?: SmokeStage };
    return typeof mod.runSmokeStage === 'function' ? mod.runSmokeStage : null;
  } catch {
    return null;
  }
}

export async function runTrain(s: Settings, deps: TrainDeps): Promise<TrainRunResult> {
  const redact = redactor([s.credentials.openai.apiKey, s.credentials.azure.apiKey, s.credentials.together.apiKey, s.githubToken]);
  const io = redactingIO(deps.io, redact);
  const ev = deps.event;
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const signals: SignalSource = deps.signals ?? process;
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const day = deps.today ?? catalogToday();
  const tempRoot = deps.tempRoot ?? process.env.RUNNER_TEMP ?? tmpdir();
  const startedAt = now();
  const deadline = startedAt + s.train.timeoutMinutes * 60_000;
  const pollMs = s.train.pollIntervalSeconds * 1000;
  const local = (p: string) => (p.startsWith('/') ? p : join(deps.workspace, p));
  const results: TrainTargetResult[] = [];
  const errorKinds = new WeakMap<TrainTargetResult, string>();
  const reportPath = join(tempRoot, `finetune-ci-train-${process.pid}-${startedAt}.json`);

  // --- providers (one per name, made on first use) ------------------------------------------
  const providers = new Map<ProviderName, Provider>();
  const providerFor = async (name: ProviderName): Promise<Provider> => {
    let p = providers.get(name);
    if (!p) {
      p = await (deps.createProvider ?? defaultCreateProvider)({
        ...connection(s, name),
        partThresholdBytes: Math.max(1, Math.round(s.train.uploadPartThresholdMb * MB)),
        log: (line) => io.info(line),
      });
      providers.set(name, p);
    }
    return p;
  };

  // --- cancellation ----------------------------------------------------------------------------
  const abort = new AbortController();
  const live: { jobId: string | null; status: string | null; provider: Provider | null; creating: Promise<unknown> | null; smoke: boolean } = {
    jobId: null,
    status: null,
    provider: null,
    creating: null,
    smoke: false,
  };
  let handling = false;
  let smokeAborted = false;
  const budget = deps.abortBudgetMs ?? 5000;
  const onSignal = (sig: NodeJS.Signals) => {
    if (handling) {
      io.info(`finetune-ci: ${sig} again; still finishing the cancellation.`);
      return;
    }
    handling = true;
    abort.abort();
    if (live.smoke) {
      smokeAborted = true;
      // The smoke stage closes its chat sessions and reports itself as cancelled.
      io.warning(`finetune-ci: ${sig} received during the smoke tests; the fine-tuning job ${live.jobId ?? ''} has already finished.`);
      return;
    }
    void handleAbort(sig);
  };
  const handleAbort = async (sig: NodeJS.Signals) => {
    const hardStop = setTimeout(() => exit(1), budget + 1500);
    hardStop.unref?.();
    try {
      const t0 = now();
      if (!live.jobId && live.creating) {
        io.info(`finetune-ci: ${sig} received while the job was being created; waiting a moment for its id.`);
        await Promise.race([live.creating.catch(() => {}), sleep(Math.min(3000, budget / 2))]);
      }
      const jobId = live.jobId;
      io.info(
        jobId
          ? `finetune-ci: ${sig} received: the workflow was cancelled. Fine-tuning job: ${jobId}`
          : `finetune-ci: ${sig} received: the workflow was cancelled before a fine-tuning job was started.`,
      );
      let status = live.status;
      if (jobId && s.train.cancelOnAbort && live.provider) {
        const left = Math.max(500, budget - (now() - t0) - 500);
        const cancelled = await Promise.race([
          live.provider.cancelJob(jobId).then(
            (j) => j,
            (e: unknown) => e as Error,
          ),
          sleep(left).then(() => null),
        ]);
        if (cancelled === null) io.warning(`finetune-ci: could not cancel job ${jobId} within ${formatDuration(left / 1000)}; cancel it at the provider.`);
        else if (cancelled instanceof Error) {
          io.warning(`finetune-ci: cancelling job ${jobId} failed: ${isProviderError(cancelled) ? cancelled.describe() : cancelled.message}`);
        } else {
          status = cancelled.status;
          io.info(`finetune-ci: cancelled job ${jobId} at the provider (status ${status}).`);
        }
      } else if (jobId) {
        io.info(
          `finetune-ci: job ${jobId} keeps running at the provider (cancel-on-abort is false). Follow it with job-id: ${jobId}, a rerun of this commit, or a scheduled workflow.`,
        );
      }
      io.setOutput('job-id', jobId ?? '');
      io.setOutput('job-status', status ?? '');
      await Promise.race([
        io.appendSummary(
          `### finetune-ci training: cancelled\n\nThe workflow was cancelled (${sig}).${jobId ? ` Fine-tuning job \`${jobId}\`${status ? `, status \`${status}\`` : ''}.` : ''}\n`,
        ),
        sleep(500),
      ]);
      io.setFailed(`finetune-ci: cancelled by ${sig}${jobId ? `; job ${jobId}${status ? ` is ${status}` : ''}` : ''}`);
    } finally {
      clearTimeout(hardStop);
      exit(1);
    }
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);

  try {
    if (s.train.jobId) {
      results.push(await followById(s.train.jobId));
    } else if (s.targets.length === 0) {
      io.setFailed('finetune-ci: train mode needs training-file or a config with targets (none found' + (s.configFound ? ` in ${s.configPath}` : `; ${s.configPath} does not exist`) + ')');
      return { results, failed: true, reportPath: '', commentUrl: null };
    } else {
      let stopAll: TrainTargetResult | null = null;
      for (const t of s.targets) {
        if (abort.signal.aborted) break;
        if (stopAll) {
          const r = emptyResult(t.name, t.provider, t.model);
          r.outcome = 'error';
          r.reason = `not tried: target ${stopAll.target} stopped on ${stopAll.error?.code ?? 'an error'} that would stop this one too`;
          results.push(r);
          continue;
        }
        const r = await io.group(`finetune-ci: train ${t.name}`, () => trainTarget(t));
        results.push(r);
        if (r.outcome === 'error' && STOPS_ALL.has(errorKinds.get(r) ?? '')) stopAll = r;
      }
    }
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
  }
  if (abort.signal.aborted && !smokeAborted) {
    // handleAbort reports and exits; nothing more to do here.
    return { results, failed: true, reportPath: '', commentUrl: null };
  }
  return report();

  // -------------------------------------------------------------------------------------------

  async function trainTarget(t: TargetConfig): Promise<TrainTargetResult> {
    const r = emptyResult(t.name, t.provider, t.model);
    try {
      await prepareAndRun(t, r);
    } catch (e) {
      if (e instanceof Stop) return e.result;
      recordError(r, e);
    }
    return r;
  }

  function recordError(r: TrainTargetResult, e: unknown): void {
    r.outcome = 'error';
    if (e instanceof ProviderError) {
      r.error = { code: e.code ?? e.kind, message: e.message, param: e.param };
      r.requestId = e.requestId;
      r.hint = e.hint;
      errorKinds.set(r, e.kind);
      io.error(`finetune-ci: ${plain(r.target, 100)}: ${e.describe()}`);
    } else if (e instanceof ProviderSetupError) {
      r.error = { code: 'setup', message: e.message, param: null };
      errorKinds.set(r, 'auth');
      r.hint = e.message;
      io.error(`finetune-ci: ${plain(r.target, 100)}: ${e.message}`);
    } else {
      const err = e as Error;
      r.error = { code: 'unexpected', message: err?.message ?? String(e), param: null };
      io.error(`finetune-ci: ${plain(r.target, 100)}: unexpected error: ${err?.stack ?? String(e)}`);
    }
  }

  function refuse(r: TrainTargetResult, reason: string, problems: string[] = []): never {
    r.outcome = 'refused';
    r.reason = reason;
    r.problems = problems;
    io.error(`finetune-ci: ${plain(r.target, 100)}: ${reason}; nothing was uploaded.`);
    throw new Stop(r);
  }

  async function prepareAndRun(t: TargetConfig, r: TrainTargetResult): Promise<void> {
    const resumeOnly = s.train.resumeOnly;
    // --- validate again -----------------------------------------------------------------------
    // Each file resolved inside the workspace: a committed link to anything outside it (or into
    // .git) is refused before a byte is read, let alone uploaded.
    const files = await targetFiles(s, t, deps.workspace);
    if (!files.ok) refuse(r, files.issues[0]!.message, files.issues.map((i) => i.message));
    const spec = toSpec(t);
    io.info(`Checking ${plain(t.trainingFile, 200)}${t.validationFile ? ` and ${plain(t.validationFile, 200)}` : ''} for ${plain(t.model, 100)}…`);
    const report = await checkTarget(
      { ...spec, trainingFile: local(t.trainingFile), validationFile: t.validationFile ? local(t.validationFile) : undefined },
      { today: day },
    );
    fillEstimate(r, report, t);
    for (const n of report.notices) {
      if (n.severity === 'warning') {
        r.notices.push(n.message);
        io.warning(`${n.message}. ${n.hint}`, { title: `finetune-ci: ${n.code}` });
      }
    }
    io.info(
      `${t.name}: ${report.training.examples} examples, ${report.errors} errors, ${report.warnings} warnings; ` +
        `estimated ${report.estimate.trainedTokens} trained tokens (${report.estimate.epochs} epochs), ` +
        `${report.estimate.costUsd === null ? 'cost unknown' : formatCost(report.estimate.costUsd)}`,
    );
    const method = report.method;
    r.method = method;

    if (!resumeOnly) {
      // --- gates, before any upload -----------------------------------------------------------
      if (report.errors > 0) {
        const diags = [...report.notices, ...report.training.diagnostics, ...(report.validation?.diagnostics ?? [])].filter((d) => d.severity === 'error');
        for (const d of diags.slice(0, 10)) {
          io.error(`${d.message}. Fix: ${d.hint}`, { title: `finetune-ci: ${d.code}`, file: d.file.startsWith(deps.workspace + '/') ? d.file.slice(deps.workspace.length + 1) : d.file, startLine: d.line ?? undefined });
        }
        refuse(
          r,
          `${report.errors} error${report.errors === 1 ? '' : 's'} in the data or the model choice; fix them first (the pull-request check lists them)`,
          diags.slice(0, 10).map((d) => `${d.file.startsWith(deps.workspace + '/') ? d.file.slice(deps.workspace.length + 1) : d.file}${d.line ? `:${d.line}` : ''}: ${d.code}: ${d.message}`),
        );
      }
      if (report.overBudget) {
        refuse(r, `the estimated cost $${report.estimate.costUsd?.toFixed(2)} is above max-cost $${report.maxCost}; raise max-cost or shrink the data`);
      }
      const shutdown = report.model.shutdownDate;
      if (shutdown && daysBetween(day, shutdown) <= 0) {
        refuse(r, `${t.model} was shut down on ${shutdown} (catalog): it can no longer be fine-tuned; choose another model or provider`);
      }
    }
    const provider = await providerFor(t.provider);
    live.provider = provider;
    if (!resumeOnly) {
      try {
        const info = await provider.getModel(t.model);
        if (info === null) {
          io.warning(`${provider.name} does not list the model ${plain(t.model, 100)}; job creation will probably fail. Check the model id.`);
        } else if (info.shutdownDate && daysBetween(day, info.shutdownDate) <= 0) {
          refuse(r, `${provider.name} says ${t.model} was shut down on ${info.shutdownDate}: it can no longer be fine-tuned; choose another model`);
        } else if (info.shutdownDate && !r.notices.some((n) => n.includes(info.shutdownDate!))) {
          const days = daysBetween(day, info.shutdownDate);
          const msg = `${provider.name} says ${t.model} shuts down on ${info.shutdownDate} (in ${days} day${days === 1 ? '' : 's'})`;
          if (days <= 90) {
            r.notices.push(msg);
            io.warning(msg);
          } else io.info(msg);
        }
      } catch (e) {
        if (e instanceof Stop) throw e;
        if (isProviderError(e) && (e.kind === 'quota' || e.kind === 'auth')) throw e;
        io.warning(`Could not ask ${provider.name} about ${plain(t.model, 100)} (${isProviderError(e) ? e.describe() : (e as Error).message}); going on.`);
      }
    }

    // --- key ----------------------------------------------------------------------------------
    const trainingSha = await sha256File(local(t.trainingFile));
    const validationSha = t.validationFile ? await sha256File(local(t.validationFile)) : null;
    const key = jobKey({
      trainingSha256: trainingSha,
      validationSha256: validationSha,
      model: t.model,
      method,
      hyperparameters: t.hyperparameters,
      suffix: t.suffix ?? null,
      seed: s.train.seed ?? null,
    });
    r.jobKey = key;
    io.info(`Job key ${key} (training ${trainingSha.slice(0, 16)}${validationSha ? `, validation ${validationSha.slice(0, 16)}` : ''}, ${plain(t.model, 100)}, ${method})`);
    const existing = await provider.findJob(key, { model: t.model, suffix: t.suffix ?? null });

    let job: Job;
    if (resumeOnly) {
      if (!existing) {
        r.outcome = 'nothing-to-resume';
        r.reason = 'no job with this key: nothing to resume (a push to the default branch starts one)';
        io.info(`${plain(t.name, 100)}: ${r.reason}.`);
        return;
      }
      if (isTerminal(existing.status)) {
        r.outcome = 'nothing-to-resume';
        r.jobId = existing.id;
        r.status = existing.status;
        r.fineTunedModel = existing.fineTunedModel;
        r.reason = `job ${existing.id} with this key has already ${existing.status === 'succeeded' ? 'succeeded' : `ended (${existing.status})`}; nothing to resume`;
        io.info(`${plain(t.name, 100)}: ${r.reason}.`);
        return;
      }
      r.action = 'resumed';
      io.info(`Resuming job ${existing.id} (status ${existing.status}), found by its key.`);
      job = existing;
    } else if (existing && !['failed', 'cancelled'].includes(jobPhase(existing.status))) {
      r.action = 'attached';
      io.info(`attaching to job ${existing.id} (status ${existing.status}): it has the same key, so it is followed, not started again.`);
      job = existing;
    } else {
      if (existing) {
        r.reason = `job ${existing.id} with the same key ended ${existing.status}${existing.error ? ` (${existing.error.code}: ${existing.error.message})` : ''}; a new job was started`;
        io.info(`Job ${existing.id} with the same key ended ${existing.status}${existing.error ? ` (${existing.error.code})` : ''}; starting a new job.`);
      } else {
        io.info('No job with this key yet; starting one.');
      }
      // --- upload -----------------------------------------------------------------------------
      const upload = async (role: 'training' | 'validation', path: string, sha: string) => {
        const name = uploadName(role, sha);
        const size = (await stat(local(path))).size;
        let lastPct = -1;
        const f = await provider.upload(local(path), {
          purpose: 'fine-tune',
          name,
          onProgress: (sent, total) => {
            const pct = Math.floor((sent / Math.max(1, total)) * 100);
            if (total > 64 * MB && pct !== lastPct) {
              lastPct = pct;
              io.info(`  ${name}: ${pct}% (${sent} of ${total} bytes)`);
            }
          },
        });
        io.info(
          f.reused
            ? `${role} file ${path}: reusing ${f.id} (${name}, ${size} bytes already at ${provider.name})`
            : `${role} file ${path}: uploaded as ${f.id} (${name}, ${f.bytes} bytes, ${f.via === 'uploads' ? 'Uploads API' : 'Files API'})`,
        );
        return f;
      };
      const training = await upload('training', t.trainingFile, trainingSha);
      r.trainingFile = fileRef(training);
      const validation = t.validationFile && validationSha ? await upload('validation', t.validationFile, validationSha) : null;
      r.validationFile = validation ? fileRef(validation) : null;
      if (abort.signal.aborted) throw new Stop(r);
      // --- create -----------------------------------------------------------------------------
      const spec = {
        model: t.model,
        method,
        trainingFileId: training.id,
        validationFileId: validation?.id ?? null,
        hyperparameters: jobHyperparameters(t.hyperparameters, method),
        suffix: t.suffix ?? null,
        seed: s.train.seed ?? null,
        tag: { key, commit: ev?.sha ?? undefined, repository: ev ? `${ev.owner}/${ev.repo}` : undefined, target: t.name },
      };
      // A provider that prices a run before it starts (Together) has the last word on cost.
      if (provider.estimate) {
        const quote = await provider.estimate(spec);
        io.info(
          `${provider.name} quotes ${quote.totalPrice === null ? 'no price' : formatCost(quote.totalPrice)}` +
            `${quote.trainTokens === null ? '' : ` for ${quote.trainTokens} training tokens`}; allowed to proceed: ${quote.allowedToProceed}`,
        );
        if (quote.totalPrice !== null) r.estimatedCostUsd = quote.totalPrice;
        if (!quote.allowedToProceed) {
          refuse(r, `${provider.name} would refuse this job (not enough credit: the quote is ${quote.totalPrice === null ? 'unknown' : formatCost(quote.totalPrice)}${quote.userLimit ? `, the limit ${formatCost(quote.userLimit)}` : ''}); add credit or shrink the data`);
        }
        if (quote.totalPrice !== null && t.maxCost !== undefined && quote.totalPrice > t.maxCost) {
          refuse(r, `${provider.name} quotes ${formatCost(quote.totalPrice)}, above max-cost $${t.maxCost}; raise max-cost or shrink the data`);
        }
      }
      const creating = provider.createJob(spec);
      live.creating = creating;
      creating.then(
        (j) => {
          live.jobId = j.id;
          live.status = j.status;
        },
        () => {},
      );
      job = await creating;
      live.creating = null;
      r.action = 'created';
      io.info(`Started fine-tuning job ${job.id} (status ${job.status}).`);
    }
    r.jobId = job.id;
    r.status = job.status;
    r.model = job.model || t.model;
    if (!r.trainingFile && job.trainingFileId) {
      r.trainingFile = { id: job.trainingFileId, name: uploadName('training', trainingSha), bytes: (await stat(local(t.trainingFile))).size, reused: true, via: null };
    }
    if (!r.validationFile && job.validationFileId && t.validationFile && validationSha) {
      r.validationFile = { id: job.validationFileId, name: uploadName('validation', validationSha), bytes: (await stat(local(t.validationFile))).size, reused: true, via: null };
    }
    await follow(r, provider, job, t);
  }

  function fillEstimate(r: TrainTargetResult, report: TargetReport, t: TargetConfig | null): void {
    r.estimatedTokens = report.estimate.trainedTokens;
    r.estimatedCostUsd = report.estimate.costUsd;
    r.pricePerMillion = t?.pricePerMillion ?? report.estimate.pricePerMillion;
  }

  async function followById(jobId: string): Promise<TrainTargetResult> {
    const byTarget = (name: string | undefined) => (name ? s.targets.find((t) => t.name === name) : undefined);
    const guessProvider = s.targets.length === 1 ? s.targets[0]!.provider : s.defaults.provider;
    const r = emptyResult('job-id', guessProvider, s.defaults.model);
    try {
      const provider = await providerFor(guessProvider);
      live.provider = provider;
      const job = await provider.getJob(jobId);
      const t = byTarget(job.metadata[TAG_KEYS.target]) ?? (s.targets.length === 1 ? s.targets[0]! : null);
      r.target = t?.name ?? job.metadata[TAG_KEYS.target] ?? jobId;
      r.model = job.model;
      r.method = job.method;
      r.jobId = job.id;
      r.status = job.status;
      r.jobKey = job.metadata[TAG_KEYS.key] ?? null;
      r.action = 'followed-by-id';
      r.pricePerMillion = t?.pricePerMillion ?? resolveModel(job.model).trainingPricePerMillion;
      if (t && (await targetFiles(s, t, deps.workspace)).ok) {
        try {
          const report = await checkTarget(
            { ...toSpec(t), trainingFile: local(t.trainingFile), validationFile: t.validationFile ? local(t.validationFile) : undefined },
            { today: day, keepDiagnostics: 0 },
          );
          fillEstimate(r, report, t);
        } catch (e) {
          io.warning(`Could not estimate ${t.name} from the data (${(e as Error).message}); the report has no estimate.`);
        }
      }
      io.info(`Following job ${job.id} (status ${job.status}) given by the job-id input.`);
      await follow(r, provider, job, t);
    } catch (e) {
      if (e instanceof Stop) return e.result;
      recordError(r, e);
    }
    return r;
  }

  async function follow(r: TrainTargetResult, provider: Provider, job: Job, t: TargetConfig | null): Promise<void> {
    live.jobId = job.id;
    live.status = job.status;
    live.provider = provider;
    if (!s.train.wait && !isTerminal(job.status)) {
      r.outcome = 'detached';
      io.info(`wait is false: leaving job ${job.id} (status ${job.status}) to run.`);
      return;
    }
    const remaining = deadline - now();
    if (remaining <= 0 && !isTerminal(job.status)) {
      r.outcome = 'timeout';
      io.info(`timeout-minutes (${s.train.timeoutMinutes}) already used up: leaving job ${job.id} (status ${job.status}) to run.`);
      return;
    }
    io.info(`Following job ${job.id}: polling every ${s.train.pollIntervalSeconds} s, for at most ${formatDuration(Math.max(0, remaining) / 1000)}.`);
    const f = await followJob(provider, {
      jobId: job.id,
      pollMs,
      deadline,
      now,
      sleep,
      log: (l) => io.info(l),
      warn: (l) => io.warning(l),
      signal: abort.signal,
      heartbeatMs: deps.heartbeatMs,
    });
    const last = f.job ?? job;
    live.status = last.status;
    r.status = last.status;
    if (f.metrics) r.metrics = { ...f.metrics };
    if (f.end === 'aborted') {
      r.outcome = 'aborted';
      throw new Stop(r);
    }
    if (f.end === 'timeout') {
      r.outcome = 'timeout';
      io.info(`timeout-minutes (${s.train.timeoutMinutes}) reached: job ${last.id} is ${last.status}; leaving it to run.`);
      return;
    }
    r.durationSeconds = last.finishedAt !== null ? last.finishedAt - last.createdAt : null;
    r.requestId = last.requestId ?? null;
    if (last.status === 'succeeded') {
      r.outcome = 'succeeded';
      r.fineTunedModel = last.fineTunedModel;
      r.trainedTokens = last.trainedTokens;
      r.actualCostUsd = last.totalPrice ?? actualCost(last.trainedTokens, r.pricePerMillion);
      r.costDifferencePct = differencePct(r.actualCostUsd, r.estimatedCostUsd);
      try {
        const cps: Checkpoint[] = await provider.listCheckpoints(last.id);
        const final = cps[cps.length - 1];
        if (final) {
          const m = final.metrics;
          r.metrics = {
            step: m.step ?? final.stepNumber,
            trainLoss: m.train_loss ?? r.metrics?.trainLoss ?? null,
            validLoss: m.valid_loss ?? r.metrics?.validLoss ?? null,
            fullValidLoss: m.full_valid_loss ?? null,
            trainAccuracy: m.train_mean_token_accuracy ?? r.metrics?.trainAccuracy ?? null,
            validAccuracy: m.valid_mean_token_accuracy ?? m.full_valid_mean_token_accuracy ?? r.metrics?.validAccuracy ?? null,
          };
        }
      } catch (e) {
        io.warning(`Could not read the checkpoints of ${last.id} (${isProviderError(e) ? e.describe() : (e as Error).message}); the report uses the last metrics event.`);
      }
      io.info(
        `Job ${last.id} succeeded: ${last.fineTunedModel ?? '(no model id)'}; ${last.trainedTokens ?? '?'} trained tokens` +
          `${r.actualCostUsd !== null ? `, $${r.actualCostUsd.toFixed(4)}` : ''}` +
          `${r.estimatedCostUsd !== null ? ` (estimated $${r.estimatedCostUsd.toFixed(4)})` : ''}` +
          `${r.durationSeconds !== null ? `, ${formatDuration(r.durationSeconds)}` : ''}.`,
      );
      if (last.fineTunedModel) await smoke(r, provider, last, t);
    } else if (last.status === 'failed') {
      r.outcome = 'failed';
      r.error = last.error ?? { code: 'unknown', message: 'the job failed without an error object', param: null };
      io.error(
        `finetune-ci: job ${last.id} failed: ${plain(r.error.message, 400)} (code ${r.error.code}${r.error.param ? `, param ${r.error.param}` : ''}${r.requestId ? `, request id ${r.requestId}` : ''})`,
      );
    } else {
      r.outcome = 'cancelled';
      r.reason = `job ${last.id} was cancelled at the provider`;
      io.error(`finetune-ci: job ${last.id} was cancelled.`);
    }
  }

  async function smoke(r: TrainTargetResult, provider: Provider, job: Job, t: TargetConfig | null): Promise<void> {
    const suite = t?.smokeTests ?? s.smoke.tests;
    if (!suite) return;
    const stage = deps.smokeStage === undefined ? await loadSmokeStage() : deps.smokeStage;
    if (!stage) {
      io.warning(`A smoke-test suite is configured (${plain(suite, 200)}) but this build has no smoke stage; the smoke tests were skipped.`);
      return;
    }
    // The stage writes its report to the job summary; capture it so that it lands inside ours.
    const captured: string[] = [];
    const smokeIO: ActionIO = { ...io, appendSummary: async (md) => void captured.push(md) };
    live.smoke = true;
    try {
      const out = await stage({
        settings: s,
        target: t,
        provider,
        model: job.fineTunedModel!,
        baseModel: job.model,
        io: smokeIO,
        workspace: deps.workspace,
        signal: abort.signal,
        tempRoot,
      });
      if (out) {
        r.smoke = { markdown: out.markdown, failed: out.failed };
        if (out.failed) io.error(`finetune-ci: ${plain(r.target, 100)}: ${out.reason ?? 'the smoke tests failed'}`);
      }
    } catch (e) {
      r.smoke = { markdown: `**Smoke tests could not run:** ${cell((e as Error).message, 400)}`, failed: true };
      io.error(`finetune-ci: ${plain(r.target, 100)}: the smoke tests could not run: ${(e as Error).message}`);
    } finally {
      live.smoke = false;
    }
  }

  async function report(): Promise<TrainRunResult> {
    const where = ev ? `${ev.owner}/${ev.repo}${ev.sha ? ` at ${ev.sha.slice(0, 7)}` : ''}` : null;
    const summary = renderTrainMarkdown(results, { where });
    await io.appendSummary(summary);
    await writeFile(reportPath, redact(JSON.stringify(toTrainJson(results, { repository: ev ? `${ev.owner}/${ev.repo}` : null, commit: ev?.sha ?? null }), null, 2)));

    let commentUrl: string | null = null;
    const sha = ev?.sha;
    if (s.comment && ev && s.githubToken && sha && /^[0-9a-f]{40}$/i.test(sha) && results.length) {
      try {
        const gh = deps.github ?? createClient(s.githubToken, { baseUrl: ev.apiUrl });
        let body = summary;
        if (body.length > COMMENT_LIMIT_CHARS - 200) body = `${body.slice(0, COMMENT_LIMIT_CHARS - 400)}\n\n_(cut: the full report is in the job summary)_\n`;
        const c = await upsertCommitComment(gh, { owner: ev.owner, repo: ev.repo, sha }, body, { id: `train-${s.commentId}` });
        if (c.ok) {
          commentUrl = c.url;
          io.info(`Commit comment ${c.action}: ${c.url}`);
        } else {
          io.warning(`finetune-ci could not comment on commit ${sha.slice(0, 7)} (HTTP ${c.status}: ${c.message}). Grant \`contents: write\`; the report is in the job summary.`);
        }
      } catch (e) {
        io.warning(`finetune-ci could not comment on commit ${sha.slice(0, 7)}: ${(e as Error).message}. The report is in the job summary.`);
      }
    }

    const last = results[results.length - 1];
    const fixed = (n: number | null) => (n === null ? '' : n.toFixed(4));
    io.setOutput('job-id', last?.jobId ?? '');
    io.setOutput('job-status', last?.status ?? '');
    io.setOutput('fine-tuned-model', last?.fineTunedModel ?? '');
    io.setOutput('trained-tokens', last?.trainedTokens ?? '');
    io.setOutput('actual-cost', fixed(last?.actualCostUsd ?? null));
    io.setOutput('estimated-cost', fixed(last?.estimatedCostUsd ?? null));
    io.setOutput('training-file-id', last?.trainingFile?.id ?? '');
    io.setOutput('validation-file-id', last?.validationFile?.id ?? '');
    io.setOutput('report', reportPath);
    io.setOutput('comment-url', commentUrl ?? '');

    for (const r of results) {
      if ((r.outcome === 'timeout' || r.outcome === 'detached') && r.jobId) {
        io.notice(
          `Job ${r.jobId} (${r.target}) is still ${r.status ?? 'running'}. Resume with the input job-id: ${r.jobId}, rerun this workflow (the same commit attaches to the same job), or use a scheduled workflow (on: schedule) that finds it by its tag.`,
          { title: 'finetune-ci: job still running' },
        );
      }
    }
    const failures = results.filter(isFailure);
    if (failures.length) {
      const why = failures.map((r) => {
        if (r.smoke?.failed && r.outcome === 'succeeded') return `${r.target}: the smoke tests failed`;
        if (r.error) return `${r.target}: ${r.outcome === 'failed' ? `job ${r.jobId} failed` : r.outcome}: ${r.error.code}: ${plain(r.error.message, 300)}${r.requestId ? ` (request id ${r.requestId})` : ''}${r.hint ? ` — ${r.hint}` : ''}`;
        return `${r.target}: ${r.outcome}${r.reason ? `: ${r.reason}` : ''}`;
      });
      io.setFailed(`finetune-ci: ${why.join('; ')}`);
    }
    return { results, failed: failures.length > 0, reportPath, commentUrl };
  }
}

/** The action's entry for `mode: train` (push to the default branch, workflow_dispatch, schedule). */
export const runTrainJourney: JourneyRunner = async (settings, { io, event, workspace }) => {
  await runTrain(settings, { io, event, workspace });
};
