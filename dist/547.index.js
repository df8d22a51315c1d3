export const id = 547;
export const ids = [547];
export const modules = {

/***/ 4547:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  PREFLIGHT_TIMEOUT_MS: () => (/* binding */ PREFLIGHT_TIMEOUT_MS),
  compareModel: () => (/* binding */ compareModel),
  runSmokeJourney: () => (/* binding */ runSmokeJourney),
  runSmokeStage: () => (/* binding */ runSmokeStage),
  smokeSuitePath: () => (/* binding */ smokeSuitePath)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./src/catalog/index.ts + 2 modules
var catalog = __webpack_require__(29170);
// EXTERNAL MODULE: ./src/config.ts + 2 modules
var config = __webpack_require__(56740);
// EXTERNAL MODULE: ./src/providers/index.ts
var providers = __webpack_require__(87486);
// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(54285);
// EXTERNAL MODULE: ./src/report/text.ts
var report_text = __webpack_require__(65655);
;// CONCATENATED MODULE: ./src/report/smoke.ts


const DEFAULT_LABELS = { model: 'tested', compare: 'compared' };
function labelOf(s, opts) {
    return s.role === 'model' ? (opts.labels?.model ?? DEFAULT_LABELS.model) : (opts.labels?.compare ?? DEFAULT_LABELS.compare);
}
/** 0.9 → "90%", 2/3 → "66.7%". */
function formatRate(rate) {
    const pct = Math.round(rate * 1000) / 10;
    return `${pct}%`;
}
function formatMs(ms) {
    return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(0,markdown/* formatInt */.Dw)(ms)} ms`;
}
function firstLine(text) {
    const line = text.split(/\r?\n|\r/).find((l) => l.trim() !== '');
    return line ?? '';
}
function tokens(o) {
    return o.usage ? `${(0,markdown/* formatInt */.Dw)(o.usage.prompt_tokens + o.usage.completion_tokens)} tok` : '';
}
function thresholdText(run) {
    const from = run.thresholdSource === 'option' ? 'set by smoke-threshold' : run.thresholdSource === 'suite' ? 'from the suite' : 'the default: every case';
    return `${formatRate(run.threshold)}, ${from}`;
}
function costText(s) {
    if (s.cost === null)
        return 'unknown';
    return s.callsWithoutUsage > 0 ? `≥ ${(0,markdown/* formatUsd */.UK)(s.cost)}` : (0,markdown/* formatUsd */.UK)(s.cost);
}
function verdictSentence(run) {
    const t = run.models[0];
    const cmp = run.verdict === 'pass' ? '≥' : '<';
    return `${t.passed} of ${t.total} cases passed (${formatRate(t.passRate)} ${cmp} threshold ${thresholdText(run)})`;
}
/** Markdown: verdict, pass rate per model, case-by-case table, failed checks, run cost and time. */
function renderSmokeMarkdown(run, opts = {}) {
    const h = '#'.repeat(Math.min(6, Math.max(1, opts.headingLevel ?? 3)));
    const width = opts.answerWidth ?? 60;
    const maxFailures = opts.maxFailures ?? 50;
    const pass = run.verdict === 'pass';
    const out = [];
    out.push(`${h} Smoke test ${pass ? '✅ passed' : '❌ failed'}`);
    out.push('');
    out.push(`**Verdict: ${pass ? 'passed' : 'failed'}**: ${(0,markdown/* escapeText */.X1)(run.models[0].model)}, ${verdictSentence(run)}. Suite: ${(0,markdown/* escapeText */.X1)(run.file)}.`);
    out.push('');
    out.push((0,markdown/* table */.tp)(['Model', '', 'Passed', 'Pass rate', 'Tokens in / out', 'Cost'], run.models.map((s) => [
        (0,markdown/* escapeText */.X1)(s.model),
        (0,markdown/* escapeText */.X1)(labelOf(s, opts)),
        `${s.passed}/${s.total}`,
        formatRate(s.passRate),
        `${(0,markdown/* formatInt */.Dw)(s.promptTokens)} / ${(0,markdown/* formatInt */.Dw)(s.completionTokens)}`,
        costText(s),
    ]), ['l', 'l', 'r', 'r', 'r', 'r']));
    out.push('');
    const header = ['Case'];
    for (const s of run.models)
        header.push((0,markdown/* escapeText */.X1)(labelOf(s, opts)), `${(0,markdown/* escapeText */.X1)(labelOf(s, opts))} answer`);
    const rows = run.cases.map((row) => {
        const cells = [(0,markdown/* cell */.Hn)(row.name, 60)];
        for (const o of row.outcomes) {
            const facts = [o.pass ? '✅ pass' : '❌ fail', formatMs(o.latencyMs), tokens(o)].filter(Boolean).join(' · ');
            cells.push(facts, o.error !== null ? `*${(0,markdown/* cell */.Hn)(o.error, width)}*` : o.answer.trim() === '' ? '*(empty)*' : (0,markdown/* cell */.Hn)(firstLine(o.answer), width));
        }
        return cells;
    });
    out.push((0,markdown/* table */.tp)(header, rows));
    out.push('');
    const failures = [];
    run.cases.forEach((row) => {
        row.outcomes.forEach((o, mi) => {
            const who = `**${(0,markdown/* cell */.Hn)(row.name, 60)}** · ${(0,markdown/* escapeText */.X1)(labelOf(run.models[mi], opts))}`;
            if (o.error !== null)
                failures.push(`- ${who}: ${(0,markdown/* escapeText */.X1)((0,markdown/* truncate */.xv)(o.error, 300))}`);
            for (const f of o.failed) {
                const at = f.line ? ` (line ${f.line})` : '';
                failures.push(`- ${who}: ${(0,markdown/* escapeText */.X1)(f.type)}${at}: ${(0,markdown/* escapeText */.X1)((0,markdown/* truncate */.xv)(f.reason, 300))}`);
            }
        });
    });
    if (failures.length) {
        const shown = failures.slice(0, maxFailures);
        if (failures.length > maxFailures)
            shown.push(`- … and ${failures.length - maxFailures} more`);
        out.push((0,markdown/* details */.zH)(`Failed checks (${failures.length})`, shown.join('\n')));
        out.push('');
    }
    const cost = run.cost !== null ? (0,markdown/* formatUsd */.UK)(run.cost) : run.models.some((s) => s.cost !== null) ? `${(0,markdown/* formatUsd */.UK)(run.models.reduce((a, s) => a + (s.cost ?? 0), 0))} + unknown` : 'unknown (no inference price)';
    out.push(`Smoke run: ${run.calls} calls, concurrency ${run.concurrency}, ${(run.wallMs / 1000).toFixed(2)} s from the first call to the last answer; cost ${cost}.`);
    return out.join('\n');
}
/** Untrusted text for a terminal: one line, hidden and bidi characters shown, shortened (text.ts). */

/** Plain text for the terminal (and logs): every line starts with fixed text, then the data. */
function renderSmokeText(run, opts = {}) {
    const width = opts.answerWidth ?? 60;
    const labels = run.models.map((s) => labelOf(s, opts));
    const pad = Math.max(...labels.map((l) => l.length));
    const out = [];
    out.push(`Smoke test ${run.verdict === 'pass' ? 'PASSED' : 'FAILED'}: ${(0,report_text/* plain */.pj)(run.models[0].model, 80)}, ${verdictSentence(run)}`);
    out.push(`  suite  ${(0,report_text/* plain */.pj)(run.file, 120)}`);
    run.models.forEach((s, i) => {
        out.push(`  ${labels[i].padEnd(pad)}  ${s.passed}/${s.total} passed (${formatRate(s.passRate)})  tokens ${(0,markdown/* formatInt */.Dw)(s.promptTokens)} in / ${(0,markdown/* formatInt */.Dw)(s.completionTokens)} out  cost ${costText(s)}  model ${(0,report_text/* plain */.pj)(s.model, 80)}`);
    });
    for (const row of run.cases) {
        out.push(`  case   ${(0,report_text/* plain */.pj)(row.name, 80)}`);
        row.outcomes.forEach((o, mi) => {
            const mark = o.pass ? 'pass' : 'FAIL';
            const tok = tokens(o);
            const answer = o.error !== null ? `(${(0,report_text/* plain */.pj)(o.error, width)})` : `"${(0,report_text/* plain */.pj)(firstLine(o.answer), width)}"`;
            out.push(`    ${mark} ${labels[mi].padEnd(pad)}  ${formatMs(o.latencyMs).padStart(8)}  ${tok.padStart(9)}  ${answer}`);
            for (const f of o.failed)
                out.push(`         - ${f.type}: ${(0,report_text/* plain */.pj)(f.reason, 200)}`);
        });
    }
    const cost = run.cost !== null ? (0,markdown/* formatUsd */.UK)(run.cost) : 'unknown';
    out.push(`  run    ${run.calls} calls, concurrency ${run.concurrency}, ${(run.wallMs / 1000).toFixed(2)} s, cost ${cost}`);
    return out.join('\n');
}

// EXTERNAL MODULE: ./src/smoke/checks.ts
var checks = __webpack_require__(82844);
;// CONCATENATED MODULE: ./src/smoke/runner.ts
/**
 * Run a smoke suite against the model under test and, optionally, a model to compare with
 * (the base model, or an earlier fine-tune). All calls of both models share one concurrency
 * limit; cases of the two models are interleaved so both progress together. A call that throws
 * (after the provider's retries, which live in the ChatFn) fails its case with the reason.
 */

const DEFAULT_CONCURRENCY = 4;
function errorText(err) {
    if (err instanceof Error) {
        const status = err.status;
        const msg = err.message || err.name;
        return typeof status === 'number' && !msg.includes(String(status)) ? `${status} ${msg}` : msg;
    }
    return String(err);
}
function validateOptions(opts) {
    const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new RangeError(`smoke concurrency must be a whole number of 1 or more; got ${concurrency}`);
    }
    if (opts.threshold !== undefined && !(opts.threshold >= 0 && opts.threshold <= 1)) {
        throw new RangeError(`smoke threshold must be from 0 to 1; got ${opts.threshold}`);
    }
    return concurrency;
}
/** True when `passed` of `total` reaches `threshold` (with room for floating-point error). */
function meetsThreshold(passed, total, threshold) {
    return passed >= threshold * total - 1e-9;
}
function callCost(price, promptTokens, completionTokens) {
    if (!price)
        return null;
    return (promptTokens * price.input + completionTokens * price.output) / 1_000_000;
}
/**
 * Run every case against `model` (and `compare`). Throws only for options no caller should pass
 * (concurrency below 1, threshold outside 0..1); the suite is already validated by parseSuite.
 */
async function runSuite(suite, opts) {
    const concurrency = validateOptions(opts);
    const now = opts.now ?? (() => performance.now());
    const models = [{ role: 'model', model: opts.model, price: opts.prices?.model ?? null }];
    if (opts.compare)
        models.push({ role: 'compare', model: opts.compare, price: opts.prices?.compare ?? null });
    const chatOpts = {};
    if (suite.defaults.temperature !== undefined)
        chatOpts.temperature = suite.defaults.temperature;
    if (suite.defaults.max_tokens !== undefined)
        chatOpts.max_tokens = suite.defaults.max_tokens;
    if (suite.defaults.seed !== undefined)
        chatOpts.seed = suite.defaults.seed;
    const rows = suite.cases.map((c) => ({ name: c.name, line: c.line, outcomes: [] }));
    // Interleaved: case 1 × each model, case 2 × each model, …
    const tasks = suite.cases.flatMap((_, ci) => models.map((_, mi) => ({ ci, mi })));
    let first = null;
    let last = null;
    async function runOne(ci, mi) {
        const c = suite.cases[ci];
        const m = models[mi];
        const started = now();
        first ??= started;
        let outcome;
        try {
            const answer = await opts.chat(m.model, c.messages.map((x) => ({ ...x })), { ...chatOpts });
            const text = typeof answer?.text === 'string' ? answer.text : '';
            const latencyMs = Number.isFinite(answer?.latencyMs) ? answer.latencyMs : now() - started;
            const result = (0,checks/* evaluateAll */.RC)(c.assert, { text, latencyMs });
            outcome = {
                pass: result.pass,
                error: null,
                checks: result.checks,
                failed: result.failed,
                answer: text,
                latencyMs,
                usage: answer?.usage ? { prompt_tokens: answer.usage.promptTokens, completion_tokens: answer.usage.completionTokens } : null,
            };
        }
        catch (err) {
            outcome = {
                pass: false,
                error: `the call failed: ${errorText(err)}`,
                checks: [],
                failed: [],
                answer: '',
                latencyMs: now() - started,
                usage: null,
            };
        }
        last = now();
        rows[ci].outcomes[mi] = outcome;
        try {
            opts.onOutcome?.({ caseName: c.name, model: m.model, role: m.role, outcome });
        }
        catch {
            // progress reporting must not stop the run
        }
    }
    let next = 0;
    const worker = async () => {
        while (next < tasks.length) {
            const t = tasks[next++];
            await runOne(t.ci, t.mi);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
    const summaries = models.map((m, mi) => {
        let passed = 0;
        let promptTokens = 0;
        let completionTokens = 0;
        let callsWithoutUsage = 0;
        for (const row of rows) {
            const o = row.outcomes[mi];
            if (o.pass)
                passed++;
            if (o.usage) {
                promptTokens += o.usage.prompt_tokens;
                completionTokens += o.usage.completion_tokens;
            }
            else if (o.error === null)
                callsWithoutUsage++;
        }
        const total = rows.length;
        return {
            role: m.role,
            model: m.model,
            passed,
            total,
            passRate: total ? passed / total : 0,
            promptTokens,
            completionTokens,
            callsWithoutUsage,
            cost: callCost(m.price, promptTokens, completionTokens),
            price: m.price,
        };
    });
    const threshold = opts.threshold ?? suite.threshold;
    const thresholdSource = opts.threshold !== undefined ? 'option' : suite.thresholdSet ? 'suite' : 'default';
    const tested = summaries[0];
    const costs = summaries.map((s) => s.cost);
    return {
        file: suite.file,
        models: summaries,
        cases: rows,
        threshold,
        thresholdSource,
        verdict: tested.total > 0 && meetsThreshold(tested.passed, tested.total, threshold) ? 'pass' : 'fail',
        concurrency,
        calls: tasks.length,
        wallMs: first !== null && last !== null ? last - first : 0,
        cost: costs.every((c) => c !== null) ? costs.reduce((a, b) => a + b, 0) : null,
    };
}

// EXTERNAL MODULE: ./src/smoke/suite.ts + 1 modules
var smoke_suite = __webpack_require__(91617);
// EXTERNAL MODULE: ./src/redact.ts
var redact = __webpack_require__(76670);
// EXTERNAL MODULE: ./src/util/abort.ts
var abort = __webpack_require__(42334);
// EXTERNAL MODULE: ./src/util/signals.ts
var signals = __webpack_require__(6089);
// EXTERNAL MODULE: ./src/journeys/io.ts
var journeys_io = __webpack_require__(15457);
;// CONCATENATED MODULE: ./src/journeys/smoke.ts
/**
 * Smoke tests as a journey: read and validate the suite, open a chat session per model through
 * the provider interface, run the suite (the model under test and, side by side, the base model
 * or another one), report (job summary, outputs, a JSON file) and say whether it passed.
 *
 * `runSmokeStage` is the part the train journey calls after a job succeeds; `runSmokeJourney` is
 * `mode: smoke`, which tests any model on demand. Sessions are always closed: on success, on
 * failure, and when the run is cancelled (an AbortSignal, or SIGINT/SIGTERM from the runner).
 */














/** `target.smokeTests ?? settings.smoke.tests`: the suite to run, or undefined for none. */
function smokeSuitePath(settings, target) {
    return target?.smokeTests ?? settings.smoke.tests;
}
/** The compare model for `smoke-compare`, or null; never the model under test itself. */
function compareModel(compare, baseModel, tested) {
    const c = compare.trim();
    if (c === '' || c === 'none')
        return null;
    const id = c === 'base' ? baseModel : c;
    return id && id !== tested ? id : null;
}
function priceOf(model) {
    try {
        return (0,catalog/* resolveModel */.AX)(model).inferencePricePerMillion ?? null;
    }
    catch {
        return null;
    }
}
function label(path, workspace) {
    if (!(0,external_node_path_.isAbsolute)(path))
        return path.split(external_node_path_.sep).join('/');
    const rel = (0,external_node_path_.relative)(workspace, path);
    return rel && !rel.startsWith('..') && !(0,external_node_path_.isAbsolute)(rel) ? rel.split(external_node_path_.sep).join('/') : path;
}
function annotateSuite(io, diags) {
    let errors = 0;
    let warnings = 0;
    for (const d of diags) {
        const props = { title: `finetune-ci: ${d.code}`, file: d.file, startLine: d.line ?? undefined };
        const text = `${d.message}. Fix: ${d.hint}`;
        if (d.severity === 'error' && errors++ < journeys_io/* ANNOTATIONS_PER_KIND */.UD)
            io.error(text, props);
        else if (d.severity === 'warning' && warnings++ < journeys_io/* ANNOTATIONS_PER_KIND */.UD)
            io.warning(text, props);
    }
}
function invalidSuiteMarkdown(file, diags) {
    const errors = diags.filter((d) => d.severity === 'error');
    const rows = diags.slice(0, 50).map((d) => [d.severity === 'error' ? '❌' : '⚠️', `${(0,markdown/* cell */.Hn)(d.file, 60)}${d.line ? `:${d.line}` : ''}`, `\`${d.code}\``, (0,markdown/* cell */.Hn)(d.message, 160), (0,markdown/* cell */.Hn)(d.hint, 120)]);
    return [
        '### Smoke test ❌ not run: the suite is invalid',
        '',
        `**${(0,markdown/* cell */.Hn)(file, 120)}** has ${errors.length} error${errors.length === 1 ? '' : 's'}; no model was called.`,
        '',
        (0,markdown/* table */.tp)(['', 'where', 'code', 'problem', 'fix'], rows),
        diags.length > 50 ? `\n… and ${diags.length - 50} more.` : '',
    ].join('\n');
}
function emptyRun(file, model, compare, threshold, concurrency) {
    const summary = (role, m) => ({
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
function rateText(rate) {
    return String(Math.round(rate * 10_000) / 10_000);
}
class CancelledError extends Error {
    constructor(message = 'the smoke run was cancelled') {
        super(message);
        this.name = 'CancelledError';
    }
}
/** Resolve with `p`, or reject as soon as `signal` aborts (the call itself is left to finish). */
async function raceCancel(p, signal) {
    const r = await (0,abort/* raceAbort */.M)(p.catch((e) => Promise.reject(e instanceof Error ? e : new Error(String(e)))), signal);
    if (r === abort/* ABORTED */.w)
        throw new CancelledError();
    return r;
}
/** Longest wait for the model lookups before the run; they only inform. */
const PREFLIGHT_TIMEOUT_MS = 5_000;
/**
 * Before the first call, ask the provider about each model (not billed): a model it does not
 * list is named in a warning up front instead of only in N failed cases. Failures and slow
 * answers are ignored (the run goes on after PREFLIGHT_TIMEOUT_MS). It also sets up the HTTP
 * client, so the run's wall time measures the calls rather than the client's first use.
 */
async function preflight(provider, sessions, io, signal) {
    let timer;
    const timeout = new Promise((r) => {
        timer = setTimeout(r, PREFLIGHT_TIMEOUT_MS);
    });
    const cancelled = new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
    const lookups = sessions
        // A deployment or endpoint is not a model id the provider lists.
        .filter((s) => s.target === s.model)
        .map(async (s) => {
        try {
            const info = await provider.getModel(s.model);
            if (info === null) {
                io.warning(`finetune-ci: ${provider.name} does not list the model ${(0,report_text/* plain */.pj)(s.model, 100)}; its smoke calls will probably fail (check the model id)`);
            }
            else if (info.shutdownDate) {
                io.info(`${(0,report_text/* plain */.pj)(s.model, 100)}: ${provider.name} lists it, shutdown date ${info.shutdownDate}`);
            }
        }
        catch {
            // Only informative: the calls themselves will say what is wrong.
        }
    });
    try {
        await Promise.race([Promise.all(lookups), timeout, cancelled]);
    }
    finally {
        clearTimeout(timer);
    }
}
/**
 * Run the configured smoke suite against `model` (and the compare model), write the job summary,
 * set the outputs `smoke-pass-rate`, `smoke-base-pass-rate` and `smoke-report`, and return the
 * report. Returns null when no suite is configured. Does not fail the step: the caller decides
 * from `failed` (the train journey puts `markdown` in its comment too).
 */
async function runSmokeStage(opts) {
    const { settings, provider } = opts;
    (0,redact/* addCredentials */.wG)(settings);
    const io = (0,redact/* redactingIO */.Eb)(opts.io);
    const suitePath = smokeSuitePath(settings, opts.target);
    if (!suitePath)
        return null;
    const needsTarget = (0,providers/* providerEntry */.kb)(provider.name).capabilities.smokeNeedsExistingTarget;
    if (needsTarget && !settings.smoke.model?.trim()) {
        io.warning(needsTarget);
        return null;
    }
    const workspace = opts.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd();
    const file = label(suitePath, workspace);
    const tested = settings.smoke.model?.trim() || opts.model;
    const compare = compareModel(settings.smoke.compare, opts.baseModel, tested);
    const tempRoot = opts.tempRoot ?? process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)();
    const reportPath = (0,external_node_path_.join)(tempRoot, `finetune-ci-smoke-${process.pid}-${Date.now()}.json`);
    const labels = {
        model: opts.labels?.model ?? 'tuned',
        compare: opts.labels?.compare ?? (settings.smoke.compare.trim() === 'base' ? 'base' : 'compared'),
    };
    // Resolved inside the workspace (or refused, located, quoting nothing of a link's target).
    const parsed = await (0,smoke_suite/* readSuite */.x)(suitePath, { workspace });
    const diagnostics = parsed.diagnostics.map((d) => ({ ...d, file }));
    annotateSuite(io, diagnostics);
    const finish = async (run, markdown, reason) => {
        await (0,promises_.writeFile)(reportPath, (0,redact/* redactJson */.Kp)(run));
        await io.appendSummary(markdown);
        const cmp = run.models.find((m) => m.role === 'compare');
        io.setOutput('smoke-pass-rate', run.cases.length ? rateText(run.models[0].passRate) : '');
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
    const onSignal = (sig) => {
        io.warning(`finetune-ci: ${sig} received: stopping the smoke run and closing its chat sessions`);
        controller.abort();
    };
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted)
        controller.abort();
    const stopListening = (0,signals/* onCancelSignal */.St)(onSignal);
    const models = compare ? [tested, compare] : [tested];
    const sessions = new Map();
    const openErrors = new Map();
    let run;
    try {
        io.info(`Smoke suite ${(0,report_text/* plain */.pj)(file, 200)}: ${suite.cases.length} cases against ${models.map((m) => (0,report_text/* plain */.pj)(m, 80)).join(' and ')}, concurrency ${settings.smoke.concurrency}`);
        // Opened before the first call, so that wall time is the calls' own (a Together endpoint
        // can take minutes to come up). Not raced against cancellation: whatever opens is closed.
        await Promise.all(models.map(async (m) => {
            try {
                // `smoke-model` names something that already serves chat (an Azure deployment, a
                // Together endpoint): use it as is, create and delete nothing.
                const existing = settings.smoke.model !== undefined && m === settings.smoke.model;
                sessions.set(m, await provider.openChatSession(m, existing ? { existing: m } : {}));
            }
            catch (e) {
                openErrors.set(m, e instanceof Error ? e : new Error(String(e)));
            }
        }));
        // Only model ids are looked up: an existing deployment or endpoint (smoke-model) is not a
        // model the provider lists, and its name may equal the session's model.
        await preflight(provider, [...sessions.values()].filter((x) => x.model !== settings.smoke.model), io, controller.signal);
        const chat = async (model, messages, chatOpts) => {
            const openError = openErrors.get(model);
            if (openError)
                throw new Error(`could not open a chat session for ${model}: ${openError.message}`);
            const session = sessions.get(model);
            if (!session)
                throw new Error(`no chat session for ${model}`);
            if (controller.signal.aborted)
                throw new CancelledError('cancelled before the call was sent');
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
                io.info(`  ${e.outcome.pass ? 'pass' : 'FAIL'} ${e.role === 'model' ? labels.model : labels.compare}: ${(0,report_text/* plain */.pj)(e.caseName, 80)}${why ? ` (${(0,report_text/* plain */.pj)(why, 160)})` : ''}`);
            },
        });
    }
    finally {
        stopListening();
        opts.signal?.removeEventListener('abort', onAbort);
        await Promise.all([...sessions.values()].map(async (s) => {
            try {
                await provider.closeChatSession(s);
            }
            catch (e) {
                io.warning(`finetune-ci: could not close the chat session for ${s.model} (${e.message}); ` + `if the provider keeps an endpoint for it (${s.target}), delete it by hand`);
            }
        }));
    }
    io.info(renderSmokeText(run, { labels }));
    const markdown = renderSmokeMarkdown(run, { labels });
    const t = run.models[0];
    let reason = null;
    if (controller.signal.aborted)
        reason = 'the smoke run was cancelled';
    else if (run.verdict === 'fail') {
        reason = `smoke test of ${t.model}: ${t.passed} of ${t.total} cases passed (${formatRate(t.passRate)}), below the threshold ${formatRate(run.threshold)}`;
    }
    return finish(run, markdown, reason);
}
/** `mode: smoke`: test `smoke-model` (beside its base, or `smoke-compare`) on demand. */
const runSmokeJourney = async (settings, ctx) => {
    (0,redact/* addCredentials */.wG)(settings);
    const io = (0,redact/* redactingIO */.Eb)(ctx.io);
    const workspace = ctx.workspace;
    const model = settings.smoke.model?.trim();
    if (!model) {
        io.setFailed('finetune-ci: input smoke-model is required in mode: smoke; set it to the model to test, e.g. smoke-model: ft:gpt-4.1-mini-2025-04-14:my-org:weather:abc123');
        return;
    }
    let target = null;
    if (!settings.smoke.tests) {
        const withSuite = settings.targets.filter((t) => t.smokeTests);
        if (withSuite.length === 1)
            target = withSuite[0];
        else {
            io.setFailed(`finetune-ci: input smoke-tests is required in mode: smoke${withSuite.length > 1 ? ` (${withSuite.length} targets in ${settings.configPath} have smoke_tests; pick one)` : ''}; set it to the suite file, e.g. smoke-tests: examples/smoke.yml`);
            return;
        }
    }
    let provider;
    try {
        provider = await (0,providers/* createProvider */.Qd)({ ...(0,config/* connection */.FI)(settings, settings.defaults.provider), log: (line) => io.info(line) });
    }
    catch (e) {
        if (e instanceof providers/* ProviderSetupError */.br) {
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
        baseModel: (0,catalog/* baseModelId */.Sg)(model),
        io,
        workspace,
        labels: { model: 'tested' },
    });
    if (result?.reason)
        io.setFailed(`finetune-ci: ${result.reason}`);
};


/***/ })

};
