/**
 * Publishing a run's results: the job summary, the JSON report, the commit comment, the step
 * outputs, a notice for jobs left running, and the step's failure when a target failed.
 */
import { writeFile } from 'node:fs/promises';
import { createClient, upsertCommitComment } from '../../github/index.js';
import { isFailure, renderTrainMarkdown, toTrainJson } from '../../report/train.js';
import { COMMENT_LIMIT_CHARS } from '../io.js';
import type { TrainContext, TrainRunResult } from './context.js';
import { plainText } from './text.js';

export async function publish(ctx: TrainContext): Promise<TrainRunResult> {
  const { s, io, deps, ev, redact, results, reportPath } = ctx;
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
      if (r.error)
        return `${r.target}: ${r.outcome === 'failed' ? `job ${r.jobId} failed` : r.outcome}: ${r.error.code}: ${plainText(r.error.message, 300)}${r.requestId ? ` (request id ${r.requestId})` : ''}${r.hint ? ` — ${r.hint}` : ''}`;
      return `${r.target}: ${r.outcome}${r.reason ? `: ${r.reason}` : ''}`;
    });
    io.setFailed(`finetune-ci: ${why.join('; ')}`);
  }
  return { results, failed: failures.length > 0, reportPath, commentUrl };
}
