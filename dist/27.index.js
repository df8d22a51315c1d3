export const id = 27;
export const ids = [27];
export const modules = {

/***/ 77027:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  followJob: () => (/* reexport */ followJob),
  heartbeatLine: () => (/* reexport */ heartbeatLine),
  jobHyperparameters: () => (/* reexport */ jobHyperparameters),
  jobKey: () => (/* reexport */ jobKey),
  metricsFromEvent: () => (/* reexport */ metricsFromEvent),
  normalizeHyperparameters: () => (/* reexport */ normalizeHyperparameters),
  realSleep: () => (/* reexport */ realSleep),
  redactingIO: () => (/* reexport */ src_redact/* redactingIO */.Eb),
  redactor: () => (/* reexport */ redactor),
  runTrain: () => (/* binding */ runTrain),
  runTrainJourney: () => (/* binding */ runTrainJourney),
  sha256File: () => (/* reexport */ sha256File),
  uploadName: () => (/* reexport */ uploadName)
});

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/catalog/index.ts + 2 modules
var catalog = __webpack_require__(29170);
// EXTERNAL MODULE: ./src/config.ts + 2 modules
var config = __webpack_require__(56740);
// EXTERNAL MODULE: ./src/providers/index.ts
var src_providers = __webpack_require__(87486);
// EXTERNAL MODULE: ./src/report/charts.ts
var charts = __webpack_require__(43337);
// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(54285);
;// CONCATENATED MODULE: ./src/report/train.ts
/**
 * The training report: markdown for the job summary and the commit comment, and the JSON
 * report, from what the train journey found out. Pure functions. Model ids, file names and
 * provider error messages are untrusted text: they go through `cell`/`escapeText`.
 */


/** Our estimate against the provider's quote: "ours $X for N tokens; theirs $Y for M tokens (±p%)". */
function quoteText(provider, q) {
    const side = (cost, tokens) => `${formatCost(cost)}${tokens === null ? '' : ` for ${(0,markdown/* formatInt */.Dw)(tokens)} tokens`}`;
    const costDiff = differencePct(q.costUsd, q.ourCostUsd);
    const tokenDiff = differencePct(q.trainTokens, q.ourTokens);
    const diffs = [costDiff === null ? null : `cost ${formatPct(costDiff)}`, tokenDiff === null ? null : `tokens ${formatPct(tokenDiff)}`].filter(Boolean);
    return `ours ${side(q.ourCostUsd, q.ourTokens)}; ${(0,markdown/* escapeText */.X1)(provider)}'s ${side(q.costUsd, q.trainTokens)}${diffs.length ? ` (${(0,markdown/* escapeText */.X1)(provider)} vs ours: ${diffs.join(', ')})` : ''}`;
}
function emptyResult(target, provider, model) {
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
function actualCost(trainedTokens, pricePerMillion) {
    if (trainedTokens === null || pricePerMillion === null)
        return null;
    return (trainedTokens * pricePerMillion) / 1_000_000;
}
/** Percentage difference of `actual` from `estimate`; null when unknown or the estimate is 0. */
function differencePct(actual, estimate) {
    if (actual === null || estimate === null || estimate === 0)
        return null;
    return ((actual - estimate) / estimate) * 100;
}
function formatPct(p) {
    if (p === null || !Number.isFinite(p))
        return 'n/a';
    const r = Math.round(p * 10) / 10;
    if (r === 0)
        return '±0%';
    return `${r > 0 ? '+' : '−'}${Math.abs(r)}%`;
}
/** 75 → "1m 15s", 3725 → "1h 2m 5s". */
function formatDuration(seconds) {
    if (seconds === null || !Number.isFinite(seconds) || seconds < 0)
        return 'unknown';
    const s = Math.round(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (h > 0)
        return `${h}h ${m}m ${sec}s`;
    if (m > 0)
        return `${m}m ${sec}s`;
    return `${sec}s`;
}
/** USD with 4 decimals under $1 (training runs on small data cost cents), else 2. */
function formatCost(n) {
    if (n === null || !Number.isFinite(n))
        return 'unknown';
    return Math.abs(n) < 1 ? `$${n.toFixed(4)}` : (0,markdown/* formatUsd */.UK)(n);
}
function loss(n) {
    return n === null ? '–' : n.toFixed(4);
}
/** One compact line: "step 12 · train loss 0.4123 · valid loss 0.4500". */
function metricsLine(m) {
    const parts = [];
    if (m.step !== null)
        parts.push(`step ${m.step}${m.totalSteps ? `/${m.totalSteps}` : ''}`);
    if (m.trainLoss !== null)
        parts.push(`train loss ${loss(m.trainLoss)}`);
    if (m.validLoss !== null)
        parts.push(`valid loss ${loss(m.validLoss)}`);
    return parts.join(' · ');
}
const ICON = {
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
const WORDS = {
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
function isFailure(r) {
    return ['failed', 'cancelled', 'aborted', 'refused', 'error'].includes(r.outcome) || (r.smoke?.failed ?? false);
}
/** How to pick up an unfinished job, in markdown. */
function resumeText(jobId) {
    return (`The job keeps running at the provider. To pick it up again, rerun this workflow (a rerun of the same commit attaches to ` +
        `the same job, it never starts another), run the action with ${(0,markdown/* code */.aY)(`job-id: ${jobId}`, 120)}, or let a scheduled ` +
        'workflow (`on: schedule`) find the unfinished job by its tag and follow it to the end.');
}
function fileText(f) {
    if (!f)
        return '–';
    const how = f.reused ? 'reused' : f.via === 'uploads' ? 'Uploads API' : 'Files API';
    return `${(0,markdown/* cell */.Hn)(f.id, 60)} (${(0,markdown/* cell */.Hn)(f.name, 60)}, ${(0,markdown/* formatInt */.Dw)(f.bytes)} bytes, ${how})`;
}
function renderOne(r, level) {
    const h = '#'.repeat(level);
    const out = [];
    out.push(`${h} ${ICON[r.outcome]} ${(0,markdown/* cell */.Hn)(r.target, 80)}: ${WORDS[r.outcome]}`);
    const rows = [];
    rows.push(['base model', `${(0,markdown/* cell */.Hn)(r.model, 80)}${r.method ? ` (${(0,markdown/* escapeText */.X1)(r.method)})` : ''}`]);
    if (r.jobId)
        rows.push(['job', `${(0,markdown/* cell */.Hn)(r.jobId, 80)}${r.status ? ` — status ${(0,markdown/* code */.aY)(r.status, 30)}` : ''}`]);
    if (r.fineTunedModel)
        rows.push(['fine-tuned model', `**${(0,markdown/* cell */.Hn)(r.fineTunedModel, 120)}**`]);
    if (r.trainedTokens !== null || r.estimatedTokens !== null) {
        rows.push(['trained tokens', `${r.trainedTokens === null ? 'not known yet' : (0,markdown/* formatInt */.Dw)(r.trainedTokens)}${r.estimatedTokens !== null ? ` (estimated ${(0,markdown/* formatInt */.Dw)(r.estimatedTokens)})` : ''}`]);
    }
    if (r.actualCostUsd !== null || r.estimatedCostUsd !== null) {
        const actual = r.actualCostUsd === null ? 'not known yet' : formatCost(r.actualCostUsd);
        const est = formatCost(r.estimatedCostUsd);
        const diff = r.costDifferencePct === null ? '' : `, ${formatPct(r.costDifferencePct)} vs estimate`;
        const price = r.pricePerMillion === null ? '' : ` at ${(0,markdown/* formatUsd */.UK)(r.pricePerMillion)}/1M`;
        rows.push(['cost', `${actual} (estimated ${est}${diff})${price}`]);
    }
    if (r.quote)
        rows.push(['estimate vs quote', quoteText(r.provider, r.quote)]);
    if (r.metrics) {
        const m = r.metrics;
        const bits = [metricsLine(m)];
        if (m.fullValidLoss !== null)
            bits.push(`full valid loss ${loss(m.fullValidLoss)}`);
        if (m.trainAccuracy !== null)
            bits.push(`train accuracy ${(m.trainAccuracy * 100).toFixed(1)}%`);
        if (m.validAccuracy !== null)
            bits.push(`valid accuracy ${(m.validAccuracy * 100).toFixed(1)}%`);
        rows.push(['final metrics', bits.filter(Boolean).join(' · ') || '–']);
    }
    if (r.durationSeconds !== null)
        rows.push(['duration', formatDuration(r.durationSeconds)]);
    if (r.trainingFile)
        rows.push(['training file', fileText(r.trainingFile)]);
    if (r.validationFile)
        rows.push(['validation file', fileText(r.validationFile)]);
    if (r.jobKey)
        rows.push(['job key', `\`${r.jobKey.slice(0, 16)}…\``]);
    out.push((0,markdown/* table */.tp)(['', ''], rows));
    if (r.reason)
        out.push(`_${(0,markdown/* escapeText */.X1)(r.reason)}_`);
    if (r.error) {
        const meta = [`code ${(0,markdown/* code */.aY)(r.error.code, 60)}`];
        if (r.error.param)
            meta.push(`param ${(0,markdown/* code */.aY)(r.error.param, 60)}`);
        if (r.requestId)
            meta.push(`request id ${(0,markdown/* code */.aY)(r.requestId, 80)}`);
        out.push(`**Error:** ${(0,markdown/* cell */.Hn)(r.error.message, 400)} (${meta.join(', ')})`);
    }
    else if (r.requestId && (r.outcome === 'failed' || r.outcome === 'error')) {
        out.push(`Request id: ${(0,markdown/* code */.aY)(r.requestId, 80)}`);
    }
    if (r.hint)
        out.push(`**What to do:** ${(0,markdown/* cell */.Hn)(r.hint, 800)}`);
    if (r.problems.length)
        out.push(r.problems.map((p) => `- ${(0,markdown/* cell */.Hn)(p, 300)}`).join('\n'));
    if ((r.outcome === 'timeout' || r.outcome === 'detached' || r.outcome === 'aborted') && r.jobId)
        out.push(resumeText(r.jobId));
    if (r.notices.length)
        out.push(r.notices.map((n) => `- ⚠️ ${(0,markdown/* cell */.Hn)(n, 300)}`).join('\n'));
    const chart = lossChart(r.lossCurve ?? []);
    if (chart)
        out.push(chart);
    if (r.smoke)
        out.push(r.smoke.markdown);
    return out.join('\n\n');
}
/** Points on the chart at most: a long job's steps are averaged in buckets. */
const CHART_POINTS = 60;
/**
 * Train and validation loss over the steps as a Mermaid line chart ('' with fewer than 2 steps).
 * Steps are averaged into at most 60 buckets; validation loss, reported every few steps, holds
 * its last value between reports.
 */
function lossChart(curve) {
    const points = curve
        .filter((p) => Number.isFinite(p.step))
        .slice()
        .sort((a, b) => a.step - b.step);
    if (points.length < 2 || !points.some((p) => p.trainLoss !== null))
        return '';
    const first = points[0].step;
    const last = points[points.length - 1].step;
    const buckets = Math.min(CHART_POINTS, points.length);
    const span = Math.max(1, last - first + 1);
    const sums = Array.from({ length: buckets }, () => ({ t: 0, tn: 0, v: 0, vn: 0 }));
    for (const p of points) {
        const b = sums[Math.min(buckets - 1, Math.floor(((p.step - first) / span) * buckets))];
        if (p.trainLoss !== null && Number.isFinite(p.trainLoss)) {
            b.t += p.trainLoss;
            b.tn++;
        }
        if (p.validLoss !== null && Number.isFinite(p.validLoss)) {
            b.v += p.validLoss;
            b.vn++;
        }
    }
    const hold = (vals) => {
        const firstKnown = vals.find((v) => v !== null);
        if (firstKnown === undefined || firstKnown === null)
            return null;
        let prev = firstKnown;
        return vals.map((v) => (v === null ? prev : (prev = v)));
    };
    const train = hold(sums.map((b) => (b.tn ? b.t / b.tn : null)));
    const valid = hold(sums.map((b) => (b.vn ? b.v / b.vn : null)));
    const chart = (0,charts/* lineChart */.Tz)({
        title: valid ? 'Loss: train (first line), validation (second line)' : 'Train loss',
        xLabel: 'step',
        xRange: [first, last],
        yLabel: 'loss',
        series: valid ? [train, valid] : [train],
    });
    return `**Loss over steps**\n\n${chart}`;
}
/** The job summary and commit comment body. */
function renderTrainMarkdown(results, opts = {}) {
    const level = opts.headingLevel ?? 3;
    const h = '#'.repeat(Math.max(1, level - 1));
    const failed = results.filter(isFailure).length;
    const title = `${h} finetune-ci training${opts.where ? ` — ${(0,markdown/* cell */.Hn)(opts.where, 100)}` : ''}`;
    if (results.length === 0)
        return `${title}\n\nNo targets to train.`;
    const head = results.length > 1 ? `${results.length} targets, ${results.filter((r) => r.outcome === 'succeeded').length} succeeded${failed ? `, ${failed} failed` : ''}.` : '';
    return [title, head, ...results.map((r) => renderOne(r, level))].filter(Boolean).join('\n\n') + '\n';
}
/** The JSON report (all targets). */
function toTrainJson(results, extra = {}) {
    return {
        kind: 'finetune-ci/train',
        version: 1,
        ...extra,
        failed: results.some(isFailure),
        targets: results.map((r) => ({ ...r, smoke: r.smoke ? { failed: r.smoke.failed } : null })),
    };
}

// EXTERNAL MODULE: ./src/util/signals.ts
var signals = __webpack_require__(6089);
;// CONCATENATED MODULE: ./src/journeys/train/cancel.ts



/** Listen for SIGINT/SIGTERM until `dispose()`; see the file comment for what a signal does. */
function watchCancellation(o) {
    const { s, io, now, sleep, exit, budget } = o;
    const abort = new AbortController();
    const live = { jobId: null, status: null, provider: null, creating: null, smoke: false };
    let handling = false;
    let smokeAborted = false;
    const onSignal = (sig) => {
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
    const handleAbort = async (sig) => {
        const hardStop = setTimeout(() => exit(1), budget + 1500);
        hardStop.unref?.();
        try {
            const t0 = now();
            if (!live.jobId && live.creating) {
                io.info(`finetune-ci: ${sig} received while the job was being created; waiting a moment for its id.`);
                await Promise.race([live.creating.catch(() => { }), sleep(Math.min(3000, budget / 2))]);
            }
            const jobId = live.jobId;
            io.info(jobId
                ? `finetune-ci: ${sig} received: the workflow was cancelled. Fine-tuning job: ${jobId}`
                : `finetune-ci: ${sig} received: the workflow was cancelled before a fine-tuning job was started.`);
            let status = live.status;
            if (jobId && s.train.cancelOnAbort && live.provider) {
                const left = Math.max(500, budget - (now() - t0) - 500);
                const cancelled = await Promise.race([
                    live.provider.cancelJob(jobId).then((j) => j, (e) => e),
                    sleep(left).then(() => null),
                ]);
                if (cancelled === null)
                    io.warning(`finetune-ci: could not cancel job ${jobId} within ${formatDuration(left / 1000)}; cancel it at the provider.`);
                else if (cancelled instanceof Error) {
                    io.warning(`finetune-ci: cancelling job ${jobId} failed: ${(0,src_providers/* isProviderError */.EG)(cancelled) ? cancelled.describe() : cancelled.message}`);
                }
                else {
                    status = cancelled.status;
                    io.info(`finetune-ci: cancelled job ${jobId} at the provider (status ${status}).`);
                }
            }
            else if (jobId) {
                io.info(`finetune-ci: job ${jobId} keeps running at the provider (cancel-on-abort is false). Follow it with job-id: ${jobId}, a rerun of this commit, or a scheduled workflow.`);
            }
            io.setOutput('job-id', jobId ?? '');
            io.setOutput('job-status', status ?? '');
            await Promise.race([
                io.appendSummary(`### finetune-ci training: cancelled\n\nThe workflow was cancelled (${sig}).${jobId ? ` Fine-tuning job \`${jobId}\`${status ? `, status \`${status}\`` : ''}.` : ''}\n`),
                sleep(500),
            ]);
            io.setFailed(`finetune-ci: cancelled by ${sig}${jobId ? `; job ${jobId}${status ? ` is ${status}` : ''}` : ''}`);
        }
        finally {
            clearTimeout(hardStop);
            exit(1);
        }
    };
    const dispose = (0,signals/* onCancelSignal */.St)(onSignal, o.signals);
    return {
        signal: abort.signal,
        live,
        get smokeAborted() {
            return smokeAborted;
        },
        dispose,
    };
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
;// CONCATENATED MODULE: ./src/journeys/train/context.ts
/**
 * What one training run shares between its parts: the settings, the injected dependencies,
 * the redacting IO, the clock and deadline, the providers made so far, the cancellation state
 * and the results gathered. Made once by `runTrain` (./index.ts), read by the other modules.
 */

const MB = 1024 * 1024;
/** Thrown to end a target early with its result already filled in. */
class Stop extends Error {
    result;
    constructor(result) {
        super('stop');
        this.result = result;
    }
}
async function exists(p) {
    try {
        await access(p);
        return true;
    }
    catch {
        return false;
    }
}
function fileRef(f) {
    return { id: f.id, name: f.name, bytes: f.bytes, reused: f.reused, via: f.via };
}

// EXTERNAL MODULE: ./src/util/abort.ts
var abort = __webpack_require__(42334);
// EXTERNAL MODULE: ./src/redact.ts
var src_redact = __webpack_require__(76670);
// EXTERNAL MODULE: ./src/report/text.ts
var report_text = __webpack_require__(65655);
;// CONCATENATED MODULE: ./src/journeys/train/text.ts
/** Provider text on its way into a log line. */


/** Untrusted provider text for a log line: one line, no hidden characters (report/text.ts `plain`). */
function plainText(text, max = 400) {
    // Credentials masked first: a cut or escaped key no longer matches.
    return (0,report_text/* plain */.pj)((0,src_redact/* redact */.E$)(text), max);
}
function clock(unixSeconds) {
    return new Date(unixSeconds * 1000).toISOString().slice(11, 19);
}

;// CONCATENATED MODULE: ./src/journeys/train/follow.ts
/**
 * Following one job: poll until it ends, the deadline passes or the signal fires, printing its
 * events, metrics and a heartbeat. Pure logic over an injected provider, clock and sleep.
 */




const realSleep = (ms, signal) => new Promise((resolve) => {
    if (signal?.aborted)
        return resolve();
    const t = setTimeout(done, Math.max(0, ms));
    function done() {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
});
function num(v) {
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
function metricsFromEvent(e) {
    if (e.type !== 'metrics' || !e.data)
        return null;
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
function heartbeatLine(job, nowMs, followStartedMs) {
    const sinceCreated = nowMs / 1000 - job.createdAt;
    // A job's own clock and ours can disagree (a fake clock, a skewed runner): fall back to our own.
    const elapsed = sinceCreated >= 0 && sinceCreated < 30 * 86_400 ? sinceCreated : (nowMs - followStartedMs) / 1000;
    const parts = [`status ${plainText(job.status, 40)}`, `elapsed ${formatDuration(elapsed)}`];
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
async function followJob(provider, o) {
    const heartbeatMs = o.heartbeatMs ?? 60_000;
    const maxWaiting = Math.max(o.pollMs, o.maxWaitingPollMs ?? Math.min(o.pollMs * 4, 120_000));
    const factor = o.backoffFactor ?? 1.5;
    const started = o.now();
    let interval = o.pollMs;
    let lastEventId = null;
    let lastStatus = null;
    let lastBeat = -Infinity;
    let job = null;
    let metrics = null;
    const curve = [];
    const warnedUnknown = new Set();
    const res = (end) => ({ end, job, metrics, curve, events, polls, transientErrors });
    let events = 0;
    let polls = 0;
    let transientErrors = 0;
    let consecutive = 0;
    for (;;) {
        if (o.signal?.aborted)
            return res('aborted');
        polls++;
        try {
            const j = await (0,abort/* raceAbort */.M)(provider.getJob(o.jobId), o.signal);
            if (j === abort/* ABORTED */.w)
                return res('aborted');
            const evs = await (0,abort/* raceAbort */.M)(provider.listEvents(o.jobId, lastEventId), o.signal);
            if (evs === abort/* ABORTED */.w)
                return res('aborted');
            job = j;
            consecutive = 0;
            for (const e of evs) {
                lastEventId = e.id;
                events++;
                const m = metricsFromEvent(e);
                if (m) {
                    metrics = m;
                    if (m.step !== null)
                        curve.push({ step: m.step, trainLoss: m.trainLoss, validLoss: m.validLoss });
                    const line = metricsLine(m);
                    o.log(`  ${clock(e.createdAt)} ${line || plainText(e.message)}`);
                }
                else {
                    o.log(`  ${clock(e.createdAt)} ${e.level === 'info' ? '' : `${plainText(String(e.level), 10)}: `}${plainText(e.message)}`);
                }
            }
            const phase = (0,src_providers/* jobPhase */.zq)(j.status);
            if (phase === 'unknown' && !warnedUnknown.has(j.status)) {
                warnedUnknown.add(j.status);
                (o.warn ?? o.log)(`Job ${j.id} reports status "${plainText(j.status, 40)}", which finetune-ci does not know (known: ${src_providers/* KNOWN_JOB_STATUSES */.fe.join(', ')}); following it as still in progress.`);
            }
            const now = o.now();
            if (j.status !== lastStatus || now - lastBeat >= heartbeatMs) {
                o.log(heartbeatLine(j, now, started));
                lastBeat = now;
                if (j.status !== lastStatus && phase === 'running')
                    interval = o.pollMs;
                lastStatus = j.status;
            }
            if ((0,src_providers/* isTerminal */.Hd)(j.status))
                return res('terminal');
            interval = phase === 'waiting' ? Math.min(maxWaiting, Math.max(o.pollMs, interval * factor)) : o.pollMs;
        }
        catch (e) {
            if (!((0,src_providers/* isProviderError */.EG)(e) && e.kind === 'transient'))
                throw e;
            transientErrors++;
            consecutive++;
            const wait = Math.max(o.pollMs, e.retryAfterMs ?? 0, Math.min(o.pollMs * 2 ** Math.min(consecutive, 6), 5 * 60_000));
            (o.warn ?? o.log)(`Could not read job ${o.jobId} (${e.describe()}); still following, next try in ${formatDuration(wait / 1000)}.`);
            interval = wait;
        }
        const now = o.now();
        if (o.deadline !== null && now >= o.deadline)
            return res('timeout');
        const wait = o.deadline === null ? interval : Math.min(interval, Math.max(0, o.deadline - now));
        await o.sleep(wait, o.signal);
    }
}

// EXTERNAL MODULE: ./src/dataset/target.ts + 6 modules
var target = __webpack_require__(43477);
// EXTERNAL MODULE: ./src/journeys/check.ts + 3 modules
var check = __webpack_require__(72598);
;// CONCATENATED MODULE: ./src/journeys/train/results.ts


function recordError(ctx, r, e) {
    const { io, errorKinds } = ctx;
    r.outcome = 'error';
    if (e instanceof src_providers/* ProviderError */.mZ) {
        r.error = { code: e.code ?? e.kind, message: e.message, param: e.param };
        r.requestId = e.requestId;
        r.hint = e.hint;
        errorKinds.set(r, e.kind);
        io.error(`finetune-ci: ${r.target}: ${e.describe()}`);
    }
    else if (e instanceof src_providers/* ProviderSetupError */.br) {
        r.error = { code: 'setup', message: e.message, param: null };
        errorKinds.set(r, 'auth');
        r.hint = e.message;
        io.error(`finetune-ci: ${r.target}: ${e.message}`);
    }
    else {
        const err = e;
        r.error = { code: 'unexpected', message: err?.message ?? String(e), param: null };
        io.error(`finetune-ci: ${r.target}: unexpected error: ${err?.stack ?? String(e)}`);
    }
}
function refuse(ctx, r, reason, problems = []) {
    const { io } = ctx;
    r.outcome = 'refused';
    r.reason = reason;
    r.problems = problems;
    io.error(`finetune-ci: ${r.target}: ${reason}; nothing was uploaded.`);
    throw new Stop(r);
}
function fillEstimate(r, report, t) {
    r.estimatedTokens = report.estimate.trainedTokens;
    r.estimatedCostUsd = report.estimate.costUsd;
    r.pricePerMillion = t?.pricePerMillion ?? report.estimate.pricePerMillion;
}

;// CONCATENATED MODULE: ./src/journeys/train/job.ts
/**
 * A job once it exists: follow it to its end or the deadline (./follow.ts), record the outcome
 * (checkpoints' final metrics, actual cost), run the smoke stage on a new model. Also the
 * `job-id` input: follow a job given by id, matched back to its target by its tags.
 */









async function loadSmokeStage() {
    try {
        const mod = (await __webpack_require__.e(/* import() */ 547).then(__webpack_require__.bind(__webpack_require__, 4547)));
        return typeof mod.runSmokeStage === 'function' ? mod.runSmokeStage : null;
    }
    catch {
        return null;
    }
}
async function followById(ctx, jobId) {
    const { s, io, local, day, providerFor, live } = ctx;
    const byTarget = (name) => (name ? s.targets.find((t) => t.name === name) : undefined);
    const guessProvider = s.targets.length === 1 ? s.targets[0].provider : s.defaults.provider;
    const r = emptyResult('job-id', guessProvider, s.defaults.model);
    try {
        const provider = await providerFor(guessProvider);
        live.provider = provider;
        const job = await provider.getJob(jobId);
        const t = byTarget(job.metadata[src_providers/* TAG_KEYS */.SE.target]) ?? (s.targets.length === 1 ? s.targets[0] : null);
        r.target = t?.name ?? job.metadata[src_providers/* TAG_KEYS */.SE.target] ?? jobId;
        r.model = job.model;
        r.method = job.method;
        r.jobId = job.id;
        r.status = job.status;
        r.jobKey = job.metadata[src_providers/* TAG_KEYS */.SE.key] ?? null;
        r.action = 'followed-by-id';
        r.pricePerMillion = t?.pricePerMillion ?? (0,catalog/* resolveModel */.AX)(job.model).trainingPricePerMillion;
        if (t && (await (0,check/* targetFiles */.jA)(s, t, ctx.deps.workspace)).ok) {
            try {
                const report = await (0,target/* checkTarget */.e$)({ ...(0,check/* toSpec */.Fj)(t), trainingFile: local(t.trainingFile), validationFile: t.validationFile ? local(t.validationFile) : undefined }, { today: day, keepDiagnostics: 0 });
                fillEstimate(r, report, t);
            }
            catch (e) {
                io.warning(`Could not estimate ${t.name} from the data (${e.message}); the report has no estimate.`);
            }
        }
        io.info(`Following job ${job.id} (status ${job.status}) given by the job-id input.`);
        await followTarget(ctx, r, provider, job, t);
    }
    catch (e) {
        if (e instanceof Stop)
            return e.result;
        recordError(ctx, r, e);
    }
    return r;
}
async function followTarget(ctx, r, provider, job, t) {
    const { s, io, deps, live, signal, now, sleep, deadline, pollMs } = ctx;
    live.jobId = job.id;
    live.status = job.status;
    live.provider = provider;
    if (!s.train.wait && !(0,src_providers/* isTerminal */.Hd)(job.status)) {
        r.outcome = 'detached';
        io.info(`wait is false: leaving job ${job.id} (status ${job.status}) to run.`);
        return;
    }
    const remaining = deadline - now();
    if (remaining <= 0 && !(0,src_providers/* isTerminal */.Hd)(job.status)) {
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
    if (f.metrics)
        r.metrics = { ...f.metrics };
    if (f.curve.length)
        r.lossCurve = f.curve;
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
            const cps = await provider.listCheckpoints(last.id);
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
        }
        catch (e) {
            io.warning(`Could not read the checkpoints of ${last.id} (${(0,src_providers/* isProviderError */.EG)(e) ? e.describe() : e.message}); the report uses the last metrics event.`);
        }
        io.info(`Job ${last.id} succeeded: ${last.fineTunedModel ?? '(no model id)'}; ${last.trainedTokens ?? '?'} trained tokens` +
            `${r.actualCostUsd !== null ? `, $${r.actualCostUsd.toFixed(4)}` : ''}` +
            `${r.estimatedCostUsd !== null ? ` (estimated $${r.estimatedCostUsd.toFixed(4)})` : ''}` +
            `${r.durationSeconds !== null ? `, ${formatDuration(r.durationSeconds)}` : ''}.`);
        if (last.fineTunedModel)
            await runSmoke(ctx, r, provider, last, t);
    }
    else if (last.status === 'failed') {
        r.outcome = 'failed';
        r.error = last.error ?? { code: 'unknown', message: 'the job failed without an error object', param: null };
        io.error(`finetune-ci: job ${last.id} failed: ${plainText(r.error.message)} (code ${r.error.code}${r.error.param ? `, param ${r.error.param}` : ''}${r.requestId ? `, request id ${r.requestId}` : ''})`);
    }
    else {
        r.outcome = 'cancelled';
        r.reason = `job ${last.id} was cancelled at the provider`;
        io.error(`finetune-ci: job ${last.id} was cancelled.`);
    }
}
async function runSmoke(ctx, r, provider, job, t) {
    const { s, io, deps, live, signal, tempRoot } = ctx;
    const suite = t?.smokeTests ?? s.smoke.tests;
    if (!suite)
        return;
    const stage = deps.smokeStage === undefined ? await loadSmokeStage() : deps.smokeStage;
    if (!stage) {
        io.warning(`A smoke-test suite is configured (${suite}) but this build has no smoke stage; the smoke tests were skipped.`);
        return;
    }
    // The stage writes its report to the job summary; capture it so that it lands inside ours.
    const captured = [];
    const smokeIO = { ...io, appendSummary: async (md) => void captured.push(md) };
    live.smoke = true;
    try {
        const out = await stage({
            settings: s,
            target: t,
            provider,
            model: job.fineTunedModel,
            baseModel: job.model,
            io: smokeIO,
            workspace: deps.workspace,
            signal: signal,
            tempRoot,
        });
        if (out) {
            r.smoke = { markdown: out.markdown, failed: out.failed };
            if (out.failed)
                io.error(`finetune-ci: ${r.target}: ${out.reason ?? 'the smoke tests failed'}`);
        }
    }
    catch (e) {
        r.smoke = { markdown: `**Smoke tests could not run:** ${plainText(e.message)}`, failed: true };
        io.error(`finetune-ci: ${r.target}: the smoke tests could not run: ${e.message}`);
    }
    finally {
        live.smoke = false;
    }
}

// EXTERNAL MODULE: ./src/github/index.ts + 28 modules
var github = __webpack_require__(17382);
// EXTERNAL MODULE: ./src/journeys/io.ts
var journeys_io = __webpack_require__(15457);
;// CONCATENATED MODULE: ./src/journeys/train/publish.ts
/**
 * Publishing a run's results: the job summary, the JSON report, the commit comment, the step
 * outputs, a notice for jobs left running, and the step's failure when a target failed.
 */





async function publish(ctx) {
    const { s, io, deps, ev, redact, results, reportPath } = ctx;
    const where = ev ? `${ev.owner}/${ev.repo}${ev.sha ? ` at ${ev.sha.slice(0, 7)}` : ''}` : null;
    const summary = renderTrainMarkdown(results, { where });
    await io.appendSummary(summary);
    await (0,promises_.writeFile)(reportPath, redact(JSON.stringify(toTrainJson(results, { repository: ev ? `${ev.owner}/${ev.repo}` : null, commit: ev?.sha ?? null }), null, 2)));
    let commentUrl = null;
    const sha = ev?.sha;
    if (s.comment && ev && s.githubToken && sha && /^[0-9a-f]{40}$/i.test(sha) && results.length) {
        try {
            const gh = deps.github ?? (0,github/* createClient */.UU)(s.githubToken, { baseUrl: ev.apiUrl });
            let body = summary;
            if (body.length > journeys_io/* COMMENT_LIMIT_CHARS */.iW - 200)
                body = `${body.slice(0, journeys_io/* COMMENT_LIMIT_CHARS */.iW - 400)}\n\n_(cut: the full report is in the job summary)_\n`;
            const c = await (0,github/* upsertCommitComment */.EV)(gh, { owner: ev.owner, repo: ev.repo, sha }, body, { id: `train-${s.commentId}` });
            if (c.ok) {
                commentUrl = c.url;
                io.info(`Commit comment ${c.action}: ${c.url}`);
            }
            else {
                io.warning(`finetune-ci could not comment on commit ${sha.slice(0, 7)} (HTTP ${c.status}: ${c.message}). Grant \`contents: write\`; the report is in the job summary.`);
            }
        }
        catch (e) {
            io.warning(`finetune-ci could not comment on commit ${sha.slice(0, 7)}: ${e.message}. The report is in the job summary.`);
        }
    }
    const last = results[results.length - 1];
    const fixed = (n) => (n === null ? '' : n.toFixed(4));
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
            io.notice(`Job ${r.jobId} (${r.target}) is still ${r.status ?? 'running'}. Resume with the input job-id: ${r.jobId}, rerun this workflow (the same commit attaches to the same job), or use a scheduled workflow (on: schedule) that finds it by its tag.`, { title: 'finetune-ci: job still running' });
        }
    }
    const failures = results.filter(isFailure);
    if (failures.length) {
        const why = failures.map((r) => {
            if (r.smoke?.failed && r.outcome === 'succeeded')
                return `${r.target}: the smoke tests failed`;
            if (r.error)
                return `${r.target}: ${r.outcome === 'failed' ? `job ${r.jobId} failed` : r.outcome}: ${r.error.code}: ${plainText(r.error.message, 300)}${r.requestId ? ` (request id ${r.requestId})` : ''}${r.hint ? ` — ${r.hint}` : ''}`;
            return `${r.target}: ${r.outcome}${r.reason ? `: ${r.reason}` : ''}`;
        });
        io.setFailed(`finetune-ci: ${why.join('; ')}`);
    }
    return { results, failed: failures.length > 0, reportPath, commentUrl };
}

;// CONCATENATED MODULE: ./src/journeys/train/redact.ts
/**
 * Secrets never leave the training journey: every line, output and summary is redacted. The
 * mechanism is src/redact.ts (one registry, masked on raw text before any escaping); these
 * names stay for the journey and its tests.
 */

/** Register `secrets` for masking (src/redact.ts) and return the masking function. */
function redactor(secrets) {
    (0,src_redact/* addSecrets */.Nc)(secrets);
    return src_redact/* redact */.E$;
}


// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
;// CONCATENATED MODULE: ./src/journeys/train/identity.ts
/**
 * Job identity: what defines a training run (content hashes, model, method, hyperparameters,
 * suffix, seed), the key a job is tagged with, and the names its files are uploaded under.
 * Pure apart from hashing a file.
 */


/** sha256 of a file, streamed (memory stays flat). */
async function sha256File(path) {
    const h = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(path))
        h.update(chunk);
    return h.digest('hex');
}
/** `train.<first 16 hex>.jsonl` / `valid.<first 16 hex>.jsonl`: the provider dedupes by name + size. */
function uploadName(role, sha256) {
    return `${role === 'training' ? 'train' : 'valid'}.${sha256.slice(0, 16)}.jsonl`;
}
/**
 * Hyperparameters as they define a run: absent and `auto` mean the same (the provider
 * chooses), `beta` only counts for DPO. So `n-epochs: auto` added to a workflow does not retrain.
 */
function normalizeHyperparameters(hp, method) {
    const out = {
        n_epochs: hp.n_epochs ?? 'auto',
        batch_size: hp.batch_size ?? 'auto',
        learning_rate_multiplier: hp.learning_rate_multiplier ?? 'auto',
    };
    if (method === 'dpo')
        out.beta = hp.beta ?? 'auto';
    return out;
}
/** sha256 over everything that defines the training run (stable key order, versioned). */
function jobKey(i) {
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
    return (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(canonical)).digest('hex');
}
/** Everything the provider should get as hyperparameters (beta only for DPO; absent stays absent). */
function jobHyperparameters(hp, method) {
    const out = {};
    if (hp.n_epochs !== undefined)
        out.n_epochs = hp.n_epochs;
    if (hp.batch_size !== undefined)
        out.batch_size = hp.batch_size;
    if (hp.learning_rate_multiplier !== undefined)
        out.learning_rate_multiplier = hp.learning_rate_multiplier;
    if (method === 'dpo' && hp.beta !== undefined)
        out.beta = hp.beta;
    return out;
}

;// CONCATENATED MODULE: ./src/journeys/train/target.ts
/**
 * One target, from data to job: validate the data again, gate (errors, budget, a model shut
 * down), derive the job key, then resume, attach to or create the job (uploads deduplicated by
 * content hash, the provider's quote checked) and hand it to ./job.ts to follow.
 */











async function trainTarget(ctx, t) {
    const r = emptyResult(t.name, t.provider, t.model);
    try {
        await prepareAndRun(ctx, t, r);
    }
    catch (e) {
        if (e instanceof Stop)
            return e.result;
        recordError(ctx, r, e);
    }
    return r;
}
async function prepareAndRun(ctx, t, r) {
    const { s, io, deps, local, day, providerFor, live, signal, ev } = ctx;
    const resumeOnly = s.train.resumeOnly;
    // --- validate again -----------------------------------------------------------------------
    // Each file resolved inside the workspace: a committed link to anything outside it (or into
    // .git) is refused before a byte is read, let alone uploaded.
    const files = await (0,check/* targetFiles */.jA)(s, t, deps.workspace);
    if (!files.ok)
        refuse(ctx, r, files.issues[0].message, files.issues.map((i) => i.message));
    const spec = (0,check/* toSpec */.Fj)(t);
    io.info(`Checking ${(0,report_text/* plain */.pj)(t.trainingFile, 200)}${t.validationFile ? ` and ${(0,report_text/* plain */.pj)(t.validationFile, 200)}` : ''} for ${(0,report_text/* plain */.pj)(t.model, 100)}…`);
    const report = await (0,target/* checkTarget */.e$)({ ...spec, trainingFile: local(t.trainingFile), validationFile: t.validationFile ? local(t.validationFile) : undefined }, { today: day });
    fillEstimate(r, report, t);
    for (const n of report.notices) {
        if (n.severity === 'warning') {
            r.notices.push(n.message);
            io.warning(`${n.message}. ${n.hint}`, { title: `finetune-ci: ${n.code}` });
        }
    }
    io.info(`${t.name}: ${report.training.examples} examples, ${report.errors} errors, ${report.warnings} warnings; ` +
        `estimated ${report.estimate.trainedTokens} trained tokens (${report.estimate.epochs} epochs), ` +
        `${report.estimate.costUsd === null ? 'cost unknown' : formatCost(report.estimate.costUsd)}`);
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
            refuse(ctx, r, `${report.errors} error${report.errors === 1 ? '' : 's'} in the data or the model choice; fix them first (the pull-request check lists them)`, diags.slice(0, 10).map((d) => `${d.file.startsWith(deps.workspace + '/') ? d.file.slice(deps.workspace.length + 1) : d.file}${d.line ? `:${d.line}` : ''}: ${d.code}: ${d.message}`));
        }
        if (report.overBudget) {
            refuse(ctx, r, `the estimated cost $${report.estimate.costUsd?.toFixed(2)} is above max-cost $${report.maxCost}; raise max-cost or shrink the data`);
        }
        const shutdown = report.model.shutdownDate;
        if (shutdown && (0,catalog/* daysBetween */.YM)(day, shutdown) <= 0) {
            refuse(ctx, r, `${t.model} was shut down on ${shutdown} (catalog): it can no longer be fine-tuned; ${(0,catalog/* replacementHint */.YO)(report.model.id) ? `move to ${(0,catalog/* replacementHint */.YO)(report.model.id)}` : 'choose another model or provider'}`);
        }
    }
    const provider = await providerFor(t.provider);
    live.provider = provider;
    if (!resumeOnly) {
        try {
            const info = await provider.getModel(t.model);
            if (info === null) {
                io.warning(`${provider.name} does not list the model ${t.model}; job creation will probably fail. Check the model id.`);
            }
            else if (info.shutdownDate && (0,catalog/* daysBetween */.YM)(day, info.shutdownDate) <= 0) {
                refuse(ctx, r, `${provider.name} says ${t.model} was shut down on ${info.shutdownDate}: it can no longer be fine-tuned; choose another model`);
            }
            else if (info.shutdownDate && !r.notices.some((n) => n.includes(info.shutdownDate))) {
                const days = (0,catalog/* daysBetween */.YM)(day, info.shutdownDate);
                const msg = `${provider.name} says ${t.model} shuts down on ${info.shutdownDate} (in ${days} day${days === 1 ? '' : 's'})`;
                if (days <= 90) {
                    r.notices.push(msg);
                    io.warning(msg);
                }
                else
                    io.info(msg);
            }
        }
        catch (e) {
            if (e instanceof Stop)
                throw e;
            if ((0,src_providers/* isProviderError */.EG)(e) && (e.kind === 'quota' || e.kind === 'auth'))
                throw e;
            io.warning(`Could not ask ${provider.name} about ${t.model} (${(0,src_providers/* isProviderError */.EG)(e) ? e.describe() : e.message}); going on.`);
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
    let job;
    if (resumeOnly) {
        if (!existing) {
            r.outcome = 'nothing-to-resume';
            r.reason = 'no job with this key: nothing to resume (a push to the default branch starts one)';
            io.info(`${t.name}: ${r.reason}.`);
            return;
        }
        if ((0,src_providers/* isTerminal */.Hd)(existing.status)) {
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
    }
    else if (existing && !['failed', 'cancelled'].includes((0,src_providers/* jobPhase */.zq)(existing.status))) {
        r.action = 'attached';
        io.info(`attaching to job ${existing.id} (status ${existing.status}): it has the same key, so it is followed, not started again.`);
        job = existing;
    }
    else {
        if (existing) {
            r.reason = `job ${existing.id} with the same key ended ${existing.status}${existing.error ? ` (${existing.error.code}: ${existing.error.message})` : ''}; a new job was started`;
            io.info(`Job ${existing.id} with the same key ended ${existing.status}${existing.error ? ` (${existing.error.code})` : ''}; starting a new job.`);
        }
        else {
            io.info('No job with this key yet; starting one.');
        }
        // --- upload -----------------------------------------------------------------------------
        const upload = async (role, path, sha) => {
            const name = uploadName(role, sha);
            const size = (await (0,promises_.stat)(local(path))).size;
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
            io.info(f.reused
                ? `${role} file ${path}: reusing ${f.id} (${name}, ${size} bytes already at ${provider.name})`
                : `${role} file ${path}: uploaded as ${f.id} (${name}, ${f.bytes} bytes, ${f.via === 'uploads' ? 'Uploads API' : 'Files API'})`);
            return f;
        };
        const training = await upload('training', t.trainingFile, trainingSha);
        r.trainingFile = fileRef(training);
        const validation = t.validationFile && validationSha ? await upload('validation', t.validationFile, validationSha) : null;
        r.validationFile = validation ? fileRef(validation) : null;
        if (signal.aborted)
            throw new Stop(r);
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
            io.info(`${provider.name} quotes ${quote.totalPrice === null ? 'no price' : formatCost(quote.totalPrice)}` +
                `${quote.trainTokens === null ? '' : ` for ${quote.trainTokens} training tokens`}; allowed to proceed: ${quote.allowedToProceed}`);
            r.quote = { costUsd: quote.totalPrice, trainTokens: quote.trainTokens, ourCostUsd: r.estimatedCostUsd, ourTokens: r.estimatedTokens };
            if (quote.totalPrice !== null)
                r.estimatedCostUsd = quote.totalPrice;
            if (!quote.allowedToProceed) {
                refuse(ctx, r, `${provider.name} would refuse this job (not enough credit: the quote is ${quote.totalPrice === null ? 'unknown' : formatCost(quote.totalPrice)}${quote.userLimit ? `, the limit ${formatCost(quote.userLimit)}` : ''}); add credit or shrink the data`);
            }
            if (quote.totalPrice !== null && t.maxCost !== undefined && quote.totalPrice > t.maxCost) {
                refuse(ctx, r, `${provider.name} quotes ${formatCost(quote.totalPrice)}, above max-cost $${t.maxCost}; raise max-cost or shrink the data`);
            }
        }
        const creating = provider.createJob(spec);
        live.creating = creating;
        creating.then((j) => {
            live.jobId = j.id;
            live.status = j.status;
        }, () => { });
        job = await creating;
        live.creating = null;
        r.action = 'created';
        io.info(`Started fine-tuning job ${job.id} (status ${job.status}).`);
    }
    r.jobId = job.id;
    r.status = job.status;
    r.model = job.model || t.model;
    if (!r.trainingFile && job.trainingFileId) {
        r.trainingFile = { id: job.trainingFileId, name: uploadName('training', trainingSha), bytes: (await (0,promises_.stat)(local(t.trainingFile))).size, reused: true, via: null };
    }
    if (!r.validationFile && job.validationFileId && t.validationFile && validationSha) {
        r.validationFile = { id: job.validationFileId, name: uploadName('validation', validationSha), bytes: (await (0,promises_.stat)(local(t.validationFile))).size, reused: true, via: null };
    }
    await followTarget(ctx, r, provider, job, t);
}

;// CONCATENATED MODULE: ./src/journeys/train/index.ts
/**
 * The merge-time training journey: validate again, gate (errors, budget, model shut down),
 * upload (deduplicated by content hash), find-or-create the job (tagged with a key over
 * everything that defines the run), follow it (events, metrics, heartbeat, timeouts, resume,
 * cancel), run the smoke suite on the new model, and report: job summary, outputs, JSON report,
 * commit comment. Provider-neutral: it sees only the `Provider` interface.
 *
 * One concern per module: ./identity.ts (job key, upload names), ./follow.ts (polling a job),
 * ./cancel.ts (SIGINT/SIGTERM), ./target.ts (one target from data to job), ./job.ts (a job to
 * its outcome and smoke tests), ./publish.ts (summary, report, comment, outputs). This file
 * wires them: the shared context, then the targets in order.
 */


















/** Provider error kinds that would hit every following target the same way. */
const STOPS_ALL = new Set(['quota', 'auth', 'permission']);
async function runTrain(s, deps) {
    const redact = redactor((0,src_redact/* credentialValues */.w2)(s));
    const io = (0,src_redact/* redactingIO */.Eb)(deps.io, redact);
    const now = deps.now ?? Date.now;
    const sleep = deps.sleep ?? realSleep;
    const tempRoot = deps.tempRoot ?? process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)();
    const startedAt = now();
    const results = [];
    const errorKinds = new WeakMap();
    // --- providers (one per name, made on first use) ------------------------------------------
    const providers = new Map();
    const providerFor = async (name) => {
        let p = providers.get(name);
        if (!p) {
            p = await (deps.createProvider ?? src_providers/* createProvider */.Qd)({
                ...(0,config/* connection */.FI)(s, name),
                partThresholdBytes: Math.max(1, Math.round(s.train.uploadPartThresholdMb * MB)),
                log: (line) => io.info(line),
            });
            providers.set(name, p);
        }
        return p;
    };
    const cancellation = watchCancellation({
        s,
        io,
        now,
        sleep,
        signals: deps.signals ?? (0,signals/* processSignals */.RX)(),
        exit: deps.exit ?? ((code) => process.exit(code)),
        budget: deps.abortBudgetMs ?? 5000,
    });
    const ctx = {
        s,
        deps,
        io,
        redact,
        ev: deps.event,
        now,
        sleep,
        day: deps.today ?? (0,catalog/* today */.Ec)(),
        tempRoot,
        deadline: startedAt + s.train.timeoutMinutes * 60_000,
        pollMs: s.train.pollIntervalSeconds * 1000,
        local: (p) => (p.startsWith('/') ? p : (0,external_node_path_.join)(deps.workspace, p)),
        reportPath: (0,external_node_path_.join)(tempRoot, `finetune-ci-train-${process.pid}-${startedAt}.json`),
        results,
        errorKinds,
        providerFor,
        signal: cancellation.signal,
        live: cancellation.live,
    };
    try {
        if (s.train.jobId) {
            results.push(await followById(ctx, s.train.jobId));
        }
        else if (s.targets.length === 0) {
            io.setFailed('finetune-ci: train mode needs training-file or a config with targets (none found' + (s.configFound ? ` in ${s.configPath}` : `; ${s.configPath} does not exist`) + ')');
            return { results, failed: true, reportPath: '', commentUrl: null };
        }
        else {
            let stopAll = null;
            for (const t of s.targets) {
                if (ctx.signal.aborted)
                    break;
                if (stopAll) {
                    const r = emptyResult(t.name, t.provider, t.model);
                    r.outcome = 'error';
                    r.reason = `not tried: target ${stopAll.target} stopped on ${stopAll.error?.code ?? 'an error'} that would stop this one too`;
                    results.push(r);
                    continue;
                }
                const r = await io.group(`finetune-ci: train ${t.name}`, () => trainTarget(ctx, t));
                results.push(r);
                if (r.outcome === 'error' && STOPS_ALL.has(errorKinds.get(r) ?? ''))
                    stopAll = r;
            }
        }
    }
    finally {
        cancellation.dispose();
    }
    if (ctx.signal.aborted && !cancellation.smokeAborted) {
        // The cancellation handler reports and exits; nothing more to do here.
        return { results, failed: true, reportPath: '', commentUrl: null };
    }
    return publish(ctx);
}
/** The action's entry for `mode: train` (push to the default branch, workflow_dispatch, schedule). */
const runTrainJourney = async (settings, { io, event, workspace }) => {
    await runTrain(settings, { io, event, workspace });
};


/***/ }),

/***/ 61787:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EG: () => (/* binding */ isProviderError),
/* harmony export */   JG: () => (/* binding */ defaultSleep),
/* harmony export */   mV: () => (/* binding */ Retrier),
/* harmony export */   mZ: () => (/* binding */ ProviderError),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter),
/* harmony export */   nW: () => (/* binding */ classifyHttpError)
/* harmony export */ });
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(76670);
/**
 * One error type for every provider failure, so journeys and reports never look at an SDK's
 * error classes. `kind` says what to do about it; `requestId` is what to quote to support.
 */

class ProviderError extends Error {
    kind;
    provider;
    operation;
    status;
    code;
    type;
    param;
    requestId;
    hint;
    retryAfterMs;
    line;
    constructor(init) {
        // A provider may echo the key it was sent: masked here, on the raw text, before any report.
        super((0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(init.message), init.cause === undefined ? undefined : { cause: init.cause });
        this.name = 'ProviderError';
        this.kind = init.kind;
        this.provider = init.provider;
        this.operation = init.operation;
        this.status = init.status ?? null;
        this.code = init.code ?? null;
        this.type = init.type ?? null;
        this.param = init.param ?? null;
        this.requestId = init.requestId ?? null;
        this.hint = init.hint == null ? null : (0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(init.hint);
        this.retryAfterMs = init.retryAfterMs ?? null;
        this.line = init.line ?? null;
    }
    /** A copy with another hint (and optionally kind/message), keeping everything else. */
    withHint(hint, patch = {}) {
        return new ProviderError({ ...this.toInit(), hint, ...patch });
    }
    toInit() {
        return {
            kind: this.kind,
            message: this.message,
            provider: this.provider,
            operation: this.operation,
            status: this.status,
            code: this.code,
            type: this.type,
            param: this.param,
            requestId: this.requestId,
            hint: this.hint,
            retryAfterMs: this.retryAfterMs,
            line: this.line,
            cause: this.cause,
        };
    }
    /** One line for logs: what failed, status, code, request id. Never contains credentials. */
    describe() {
        const bits = [`${this.provider} ${this.operation} failed: ${this.message}`];
        const meta = [];
        if (this.status != null)
            meta.push(`status ${this.status}`);
        if (this.code)
            meta.push(`code ${this.code}`);
        if (this.param)
            meta.push(`param ${this.param}`);
        if (this.line != null)
            meta.push(`line ${this.line}`);
        if (this.requestId)
            meta.push(`request id ${this.requestId}`);
        if (meta.length)
            bits.push(`(${meta.join(', ')})`);
        if (this.hint)
            bits.push(`— ${this.hint}`);
        return bits.join(' ');
    }
}
function isProviderError(e) {
    return e instanceof ProviderError;
}
/** `retry-after-ms`, then `retry-after` (seconds or an HTTP date), in milliseconds; null if absent. */
function parseRetryAfter(get, now = Date.now) {
    const ms = get('retry-after-ms');
    if (ms != null && ms.trim() !== '') {
        const n = Number(ms);
        if (Number.isFinite(n) && n >= 0)
            return n;
    }
    const ra = get('retry-after');
    if (ra == null || ra.trim() === '')
        return null;
    const secs = Number(ra);
    if (Number.isFinite(secs) && secs >= 0)
        return secs * 1000;
    const at = Date.parse(ra);
    if (!Number.isNaN(at))
        return Math.max(0, at - now());
    return null;
}
/**
 * What an HTTP error means, from its status and the provider's `code` / `type`. Shared by every
 * adapter so that a 429 or a 503 is treated the same whoever sent it.
 */
function classifyHttpError(status, code, type) {
    const c = `${code ?? ''} ${type ?? ''}`.toLowerCase();
    if (code === 'insufficient_quota' || type === 'insufficient_quota' || /insufficient_(quota|balance|funds|credits?)|credit_limit/.test(c)) {
        return 'quota';
    }
    // 402 Payment Required: Together answers it when the account is out of credit.
    if (status === 402)
        return 'quota';
    if (status === 401)
        return 'auth';
    if (status === 403 || /permission|not_allowed|unauthori[sz]ed|forbidden/.test(c))
        return 'permission';
    if (status === 404)
        return 'not-found';
    if (status === 408 || status === 409 || status === 429)
        return 'transient';
    if (status != null && status >= 500)
        return 'transient';
    if (status != null && status >= 400)
        return 'invalid';
    return 'unknown';
}
const defaultSleep = (ms) => new Promise((r) => setTimeout(r, ms));
/**
 * The retry rules every adapter follows: only `transient` errors are retried (never `quota`),
 * `retry-after` is honoured up to a bound, and a request that creates something is never
 * re-sent before looking for what a lost attempt may have created.
 */
class Retrier {
    retry;
    toError;
    log;
    sleep;
    constructor(options) {
        this.retry = {
            attempts: options.retry?.attempts ?? 6,
            baseDelayMs: options.retry?.baseDelayMs ?? 500,
            maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
            maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 60_000,
        };
        this.toError = options.toError;
        this.log = options.log ?? (() => { });
        this.sleep = options.sleep ?? defaultSleep;
    }
    /** Run a read (or an idempotent write) with retries on transient errors. */
    async call(operation, fn) {
        for (let attempt = 1;; attempt++) {
            try {
                return await fn();
            }
            catch (e) {
                const pe = this.toError(e, operation);
                if (pe.kind !== 'transient' || attempt >= this.retry.attempts)
                    throw pe;
                await this.backoff(pe, attempt);
            }
        }
    }
    /**
     * Run something that creates a resource. It is sent once per attempt with no SDK retry;
     * after a transient failure `recover` looks for what a lost request may have created, and
     * only if that finds nothing is the create sent again.
     */
    async createOnce(operation, create, recover) {
        for (let attempt = 1;; attempt++) {
            try {
                return await create();
            }
            catch (e) {
                const pe = this.toError(e, operation);
                if (pe.kind !== 'transient' || attempt >= this.retry.attempts)
                    throw pe;
                await this.backoff(pe, attempt);
                // The lost request may have made the thing: look (with retries of its own, and its
                // failures as ProviderErrors) before sending it again.
                const found = await this.call(`${operation} (looking for what the lost request made)`, recover);
                if (found)
                    return found;
            }
        }
    }
    async backoff(pe, attempt) {
        const exp = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        const jittered = exp * (0.75 + Math.random() * 0.25);
        const delay = pe.retryAfterMs != null ? Math.min(pe.retryAfterMs, this.retry.maxRetryAfterMs) : jittered;
        const why = pe.status != null ? `HTTP ${pe.status}${pe.code ? ` ${pe.code}` : ''}` : pe.message;
        this.log(`${pe.operation}: ${why}${pe.requestId ? ` (request id ${pe.requestId})` : ''}; ` + `try ${attempt + 1} of ${this.retry.attempts} in ${(delay / 1000).toFixed(delay < 1000 ? 3 : 1)} s`);
        await this.sleep(delay);
    }
}


/***/ }),

/***/ 87486:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EG: () => (/* reexport safe */ _errors_js__WEBPACK_IMPORTED_MODULE_2__.EG),
/* harmony export */   Hd: () => (/* reexport safe */ _types_js__WEBPACK_IMPORTED_MODULE_1__.Hd),
/* harmony export */   Qd: () => (/* binding */ createProvider),
/* harmony export */   SE: () => (/* reexport safe */ _types_js__WEBPACK_IMPORTED_MODULE_1__.SE),
/* harmony export */   br: () => (/* reexport safe */ _registry_js__WEBPACK_IMPORTED_MODULE_0__.br),
/* harmony export */   fe: () => (/* reexport safe */ _types_js__WEBPACK_IMPORTED_MODULE_1__.fe),
/* harmony export */   kb: () => (/* reexport safe */ _registry_js__WEBPACK_IMPORTED_MODULE_0__.kb),
/* harmony export */   mZ: () => (/* reexport safe */ _errors_js__WEBPACK_IMPORTED_MODULE_2__.mZ),
/* harmony export */   zq: () => (/* reexport safe */ _types_js__WEBPACK_IMPORTED_MODULE_1__.zq)
/* harmony export */ });
/* harmony import */ var _registry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(63307);
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(42695);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(61787);
/**
 * The one place that picks a provider implementation. Journeys call `createProvider` and see
 * only the `Provider` interface; each provider is declared once in registry.ts and its adapter
 * is loaded lazily, so the check path never pays for it.
 */




async function createProvider(s) {
    if (!(0,_registry_js__WEBPACK_IMPORTED_MODULE_0__/* .isProviderName */ .X2)(s.name))
        throw new _registry_js__WEBPACK_IMPORTED_MODULE_0__/* .ProviderSetupError */ .br(`unknown provider ${String(s.name)}; use ${_registry_js__WEBPACK_IMPORTED_MODULE_0__/* .PROVIDER_NAMES */ .xd.join(', ')}`);
    return _registry_js__WEBPACK_IMPORTED_MODULE_0__/* .PROVIDERS */ .xq[s.name].load(s);
}


/***/ }),

/***/ 42695:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BH: () => (/* binding */ pickJob),
/* harmony export */   Hd: () => (/* binding */ isTerminal),
/* harmony export */   SE: () => (/* binding */ TAG_KEYS),
/* harmony export */   fe: () => (/* binding */ KNOWN_JOB_STATUSES),
/* harmony export */   zq: () => (/* binding */ jobPhase)
/* harmony export */ });
const KNOWN_JOB_STATUSES = ['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled'];
function jobPhase(status) {
    switch (status) {
        case 'validating_files':
        case 'queued':
            return 'waiting';
        case 'running':
            return 'running';
        case 'succeeded':
            return 'succeeded';
        case 'failed':
            return 'failed';
        case 'cancelled':
            return 'cancelled';
        default:
            return 'unknown';
    }
}
function isTerminal(status) {
    const p = jobPhase(status);
    return p === 'succeeded' || p === 'failed' || p === 'cancelled';
}
/** Metadata keys finetune-ci writes on jobs (OpenAI, Azure). */
const TAG_KEYS = {
    key: 'finetune_ci_key',
    commit: 'finetune_ci_commit',
    repository: 'finetune_ci_repository',
    target: 'finetune_ci_target',
    /** One random id per createJob call, so a lost create is recognised exactly. */
    attempt: 'finetune_ci_create_id',
};
/** Order of preference when several jobs carry the same key. */
function pickJob(jobs) {
    const rank = (j) => {
        const p = jobPhase(j.status);
        if (p === 'succeeded')
            return 1;
        if (p === 'failed' || p === 'cancelled')
            return 2;
        return 0; // waiting, running, unknown (paused…): alive
    };
    const sorted = [...jobs].sort((a, b) => rank(a) - rank(b) || b.createdAt - a.createdAt);
    return sorted[0] ?? null;
}


/***/ }),

/***/ 42334:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   M: () => (/* binding */ raceAbort),
/* harmony export */   w: () => (/* binding */ ABORTED)
/* harmony export */ });
/**
 * Racing a promise against an AbortSignal: the one implementation the journeys share (training
 * follows a job, the smoke stage waits on chat calls).
 */
const ABORTED = Symbol('aborted');
/** `p`, or ABORTED as soon as the signal fires (the call itself carries on unobserved). */
function raceAbort(p, signal) {
    if (!signal)
        return p;
    if (signal.aborted) {
        p.catch(() => { });
        return Promise.resolve(ABORTED);
    }
    return new Promise((resolve, reject) => {
        const onAbort = () => {
            p.catch(() => { });
            resolve(ABORTED);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        p.then((v) => {
            signal.removeEventListener('abort', onAbort);
            resolve(v);
        }, (e) => {
            signal.removeEventListener('abort', onAbort);
            reject(e);
        });
    });
}


/***/ })

};
