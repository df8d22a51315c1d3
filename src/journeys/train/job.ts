/**
 * A job once it exists: follow it to its end or the deadline (./follow.ts), record the outcome
 * (checkpoints' final metrics, actual cost), run the smoke stage on a new model. Also the
 * `job-id` input: follow a job given by id, matched back to its target by its tags.
 */
import { resolveModel } from '../../catalog/index.js';
import type { TargetConfig } from '../../config.js';
import { checkTarget } from '../../dataset/target.js';
import { isProviderError, isTerminal, TAG_KEYS, type Checkpoint, type Job, type Provider } from '../../providers/index.js';
import { actualCost, differencePct, emptyResult, formatDuration, type TrainTargetResult } from '../../report/train.js';
import { targetFiles, toSpec } from '../check.js';
import type { ActionIO } from '../io.js';
import { Stop, type SmokeStage, type TrainContext } from './context.js';
import { followJob } from './follow.js';
import { fillEstimate, recordError } from './results.js';
import { plainText } from './text.js';

async function loadSmokeStage(): Promise<SmokeStage | null> {
  try {
    const mod = (await import('../smoke.js')) as unknown as { runSmokeStage?: SmokeStage };
    return typeof mod.runSmokeStage === 'function' ? mod.runSmokeStage : null;
  } catch {
    return null;
  }
}

export async function followById(ctx: TrainContext, jobId: string): Promise<TrainTargetResult> {
  const { s, io, local, day, providerFor, live } = ctx;
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
    if (t && (await targetFiles(s, t, ctx.deps.workspace)).ok) {
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
    await followTarget(ctx, r, provider, job, t);
  } catch (e) {
    if (e instanceof Stop) return e.result;
    recordError(ctx, r, e);
  }
  return r;
}

export async function followTarget(ctx: TrainContext, r: TrainTargetResult, provider: Provider, job: Job, t: TargetConfig | null): Promise<void> {
  const { s, io, deps, live, signal, now, sleep, deadline, pollMs } = ctx;
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
    signal: signal,
    heartbeatMs: deps.heartbeatMs,
  });
  const last = f.job ?? job;
  live.status = last.status;
  r.status = last.status;
  if (f.metrics) r.metrics = { ...f.metrics };
  if (f.curve.length) r.lossCurve = f.curve;
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
    if (last.fineTunedModel) await runSmoke(ctx, r, provider, last, t);
  } else if (last.status === 'failed') {
    r.outcome = 'failed';
    r.error = last.error ?? { code: 'unknown', message: 'the job failed without an error object', param: null };
    io.error(
      `finetune-ci: job ${last.id} failed: ${plainText(r.error.message)} (code ${r.error.code}${r.error.param ? `, param ${r.error.param}` : ''}${r.requestId ? `, request id ${r.requestId}` : ''})`,
    );
  } else {
    r.outcome = 'cancelled';
    r.reason = `job ${last.id} was cancelled at the provider`;
    io.error(`finetune-ci: job ${last.id} was cancelled.`);
  }
}

export async function runSmoke(ctx: TrainContext, r: TrainTargetResult, provider: Provider, job: Job, t: TargetConfig | null): Promise<void> {
  const { s, io, deps, live, signal, tempRoot } = ctx;
  const suite = t?.smokeTests ?? s.smoke.tests;
  if (!suite) return;
  const stage = deps.smokeStage === undefined ? await loadSmokeStage() : deps.smokeStage;
  if (!stage) {
    io.warning(`A smoke-test suite is configured (${suite}) but this build has no smoke stage; the smoke tests were skipped.`);
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
      signal: signal,
      tempRoot,
    });
    if (out) {
      r.smoke = { markdown: out.markdown, failed: out.failed };
      if (out.failed) io.error(`finetune-ci: ${r.target}: ${out.reason ?? 'the smoke tests failed'}`);
    }
  } catch (e) {
    r.smoke = { markdown: `**Smoke tests could not run:** ${plainText((e as Error).message)}`, failed: true };
    io.error(`finetune-ci: ${r.target}: the smoke tests could not run: ${(e as Error).message}`);
  } finally {
    live.smoke = false;
  }
}
