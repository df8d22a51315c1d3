/**
 * One target, from data to job: validate the data again, gate (errors, budget, a model shut
 * down), derive the job key, then resume, attach to or create the job (uploads deduplicated by
 * content hash, the provider's quote checked) and hand it to ./job.ts to follow.
 */
import { stat } from 'node:fs/promises';
import { daysBetween, replacementHint } from '../../catalog/index.js';
import type { TargetConfig } from '../../config.js';
import { checkTarget } from '../../dataset/target.js';
import { isProviderError, isTerminal, jobPhase, type Job } from '../../providers/index.js';
import { emptyResult, formatCost, type TrainTargetResult } from '../../report/train.js';
import { targetFiles, toSpec } from '../check.js';
import { plain } from '../../report/text.js';
import { fileRef, MB, Stop, type TrainContext } from './context.js';
import { jobHyperparameters, jobKey, sha256File, uploadName } from './identity.js';
import { followTarget } from './job.js';
import { fillEstimate, recordError, refuse } from './results.js';

export async function trainTarget(ctx: TrainContext, t: TargetConfig): Promise<TrainTargetResult> {
  const r = emptyResult(t.name, t.provider, t.model);
  try {
    await prepareAndRun(ctx, t, r);
  } catch (e) {
    if (e instanceof Stop) return e.result;
    recordError(ctx, r, e);
  }
  return r;
}

export async function prepareAndRun(ctx: TrainContext, t: TargetConfig, r: TrainTargetResult): Promise<void> {
  const { s, io, deps, local, day, providerFor, live, signal, ev } = ctx;
  const resumeOnly = s.train.resumeOnly;
  // --- validate again -----------------------------------------------------------------------
  // Each file resolved inside the workspace: a committed link to anything outside it (or into
  // .git) is refused before a byte is read, let alone uploaded.
  const files = await targetFiles(s, t, deps.workspace);
  if (!files.ok)
    refuse(
      ctx,
      r,
      files.issues[0]!.message,
      files.issues.map((i) => i.message),
    );
  const spec = toSpec(t);
  io.info(`Checking ${plain(t.trainingFile, 200)}${t.validationFile ? ` and ${plain(t.validationFile, 200)}` : ''} for ${plain(t.model, 100)}…`);
  const report = await checkTarget({ ...spec, trainingFile: local(t.trainingFile), validationFile: t.validationFile ? local(t.validationFile) : undefined }, { today: day });
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
        io.error(`${d.message}. Fix: ${d.hint}`, {
          title: `finetune-ci: ${d.code}`,
          file: d.file.startsWith(deps.workspace + '/') ? d.file.slice(deps.workspace.length + 1) : d.file,
          startLine: d.line ?? undefined,
        });
      }
      refuse(
        ctx,
        r,
        `${report.errors} error${report.errors === 1 ? '' : 's'} in the data or the model choice; fix them first (the pull-request check lists them)`,
        diags.slice(0, 10).map((d) => `${d.file.startsWith(deps.workspace + '/') ? d.file.slice(deps.workspace.length + 1) : d.file}${d.line ? `:${d.line}` : ''}: ${d.code}: ${d.message}`),
      );
    }
    if (report.overBudget) {
      refuse(ctx, r, `the estimated cost $${report.estimate.costUsd?.toFixed(2)} is above max-cost $${report.maxCost}; raise max-cost or shrink the data`);
    }
    const shutdown = report.model.shutdownDate;
    if (shutdown && daysBetween(day, shutdown) <= 0) {
      refuse(
        ctx,
        r,
        `${t.model} was shut down on ${shutdown} (catalog): it can no longer be fine-tuned; ${replacementHint(report.model.id) ? `move to ${replacementHint(report.model.id)}` : 'choose another model or provider'}`,
      );
    }
  }
  const provider = await providerFor(t.provider);
  live.provider = provider;
  if (!resumeOnly) {
    try {
      const info = await provider.getModel(t.model);
      if (info === null) {
        io.warning(`${provider.name} does not list the model ${t.model}; job creation will probably fail. Check the model id.`);
      } else if (info.shutdownDate && daysBetween(day, info.shutdownDate) <= 0) {
        refuse(ctx, r, `${provider.name} says ${t.model} was shut down on ${info.shutdownDate}: it can no longer be fine-tuned; choose another model`);
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
      io.warning(`Could not ask ${provider.name} about ${t.model} (${isProviderError(e) ? e.describe() : (e as Error).message}); going on.`);
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
  io.info(`Job key ${key} (training ${trainingSha.slice(0, 16)}${validationSha ? `, validation ${validationSha.slice(0, 16)}` : ''}, ${t.model}, ${method})`);
  const existing = await provider.findJob(key, { model: t.model, suffix: t.suffix ?? null });

  let job: Job;
  if (resumeOnly) {
    if (!existing) {
      r.outcome = 'nothing-to-resume';
      r.reason = 'no job with this key: nothing to resume (a push to the default branch starts one)';
      io.info(`${t.name}: ${r.reason}.`);
      return;
    }
    if (isTerminal(existing.status)) {
      r.outcome = 'nothing-to-resume';
      r.jobId = existing.id;
      r.status = existing.status;
      r.fineTunedModel = existing.fineTunedModel;
      r.reason = `job ${existing.id} with this key has already ${existing.status === 'succeeded' ? 'succeeded' : `ended (${existing.status})`}; nothing to resume`;
      io.info(`${t.name}: ${r.reason}.`);
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
    if (signal.aborted) throw new Stop(r);
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
      r.quote = { costUsd: quote.totalPrice, trainTokens: quote.trainTokens, ourCostUsd: r.estimatedCostUsd, ourTokens: r.estimatedTokens };
      if (quote.totalPrice !== null) r.estimatedCostUsd = quote.totalPrice;
      if (!quote.allowedToProceed) {
        refuse(
          ctx,
          r,
          `${provider.name} would refuse this job (not enough credit: the quote is ${quote.totalPrice === null ? 'unknown' : formatCost(quote.totalPrice)}${quote.userLimit ? `, the limit ${formatCost(quote.userLimit)}` : ''}); add credit or shrink the data`,
        );
      }
      if (quote.totalPrice !== null && t.maxCost !== undefined && quote.totalPrice > t.maxCost) {
        refuse(ctx, r, `${provider.name} quotes ${formatCost(quote.totalPrice)}, above max-cost $${t.maxCost}; raise max-cost or shrink the data`);
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
  await followTarget(ctx, r, provider, job, t);
}
