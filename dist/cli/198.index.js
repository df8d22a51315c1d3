export const id = 198;
export const ids = [198];
export const modules = {

/***/ 1787:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   JG: () => (/* binding */ defaultSleep),
/* harmony export */   mV: () => (/* binding */ Retrier),
/* harmony export */   mZ: () => (/* binding */ ProviderError),
/* harmony export */   mu: () => (/* binding */ parseRetryAfter),
/* harmony export */   nW: () => (/* binding */ classifyHttpError)
/* harmony export */ });
/* unused harmony export isProviderError */
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6670);
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

/***/ 1198:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  TogetherProvider: () => (/* binding */ TogetherProvider)
});

// UNUSED EXPORTS: LEVELS, NANODOLLARS, TOGETHER_BASE_LEARNING_RATE, TOGETHER_BILLING_HINT, TOGETHER_DEFAULT_BASE_URL, TOGETHER_DEFAULT_HARDWARE, TOGETHER_DEFAULT_INACTIVE_TIMEOUT_MIN, TOGETHER_DEFAULT_LORA, TOGETHER_MAX_SUFFIX, describeValidationReport, eventsAfter, keyTag, mapTogetherStatus, normalizeEvents, round, suffixFromOutputName, suffixMatches, taggedSuffix, toSeconds

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: ./src/providers/errors.ts
var errors = __webpack_require__(1787);
// EXTERNAL MODULE: ./src/providers/types.ts
var types = __webpack_require__(2695);
;// CONCATENATED MODULE: ./src/providers/together/wire.ts
/**
 * Together AI's wire: what its REST API sends and takes (the subset finetune-ci reads), its
 * documented defaults, its status words mapped onto ours, and the pure helpers that read its
 * answers (events, validation reports, the suffix that tags a job). Shapes:
 * ../shared/contracts/together-openapi.yaml (2026-04-28) plus the facts sheet's newer fields.
 */

const TOGETHER_DEFAULT_BASE_URL = 'https://api.together.ai/v1';
/** Together's default learning rate; an OpenAI `learning_rate_multiplier` scales it. */
const TOGETHER_BASE_LEARNING_RATE = 1e-5;
/** Longest suffix we send (Together's documented limit is unconfirmed; model names stay short). */
const TOGETHER_MAX_SUFFIX = 40;
/** Hardware for smoke-test endpoints unless told otherwise (`endpointHardware`). */
const TOGETHER_DEFAULT_HARDWARE = '1x_nvidia_h100_80gb_sxm';
/** Minutes without traffic after which Together stops a smoke endpoint by itself (a backstop). */
const TOGETHER_DEFAULT_INACTIVE_TIMEOUT_MIN = 10;
/** LoRA rank and alpha sent when the caller does not set them (the SDK's defaults for most models). */
const TOGETHER_DEFAULT_LORA = { lora_r: 64, lora_alpha: 128 };
/** `total_price` on a job is in nanodollars (Together's SDK divides by 1e9). */
const NANODOLLARS = 1e9;
const TOGETHER_BILLING_HINT = 'The Together account is out of credit or over its limit: add credit at https://api.together.ai/settings/billing. ' + 'Retrying will not help.';
const STATUS_MAP = {
    pending: 'queued',
    queued: 'queued',
    running: 'running',
    compressing: 'running',
    uploading: 'running',
    completed: 'succeeded',
    error: 'failed',
    cancel_requested: 'cancelled',
    cancelled: 'cancelled',
};
/** Together's job status in OpenAI's words (unknown ones are kept as they are). */
function mapTogetherStatus(status) {
    return STATUS_MAP[status] ?? status;
}
/** The first 8 hex of a job key (a sha256 hex digest); other keys are hashed first. */
function keyTag(key) {
    const k = key.trim().toLowerCase();
    if (/^[0-9a-f]{8}/.test(k))
        return k.slice(0, 8);
    return (0,external_node_crypto_.createHash)('sha256').update(key).digest('hex').slice(0, 8);
}
/** The suffix a job for `key` carries: `<suffix>-<key8>` (`ftci-<key8>` without a suffix). */
function taggedSuffix(suffix, key) {
    const tag = keyTag(key);
    const base = (suffix ?? '').trim() || 'ftci';
    return `${base.slice(0, TOGETHER_MAX_SUFFIX - tag.length - 1)}-${tag}`;
}
function toSeconds(iso) {
    if (!iso)
        return null;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
function round(n) {
    return Math.round(n * 1e6) / 1e6;
}
/** The suffix inside `account/Model-Name-<suffix>-<random>` when it ends with our tag. */
function suffixFromOutputName(name, tag) {
    if (!name)
        return null;
    const m = new RegExp(`-([A-Za-z0-9_.]+(?:-[A-Za-z0-9_.]+)*?-${tag})(?:-[A-Za-z0-9]+)?$`).exec(name);
    return m?.[1] ?? null;
}
/** A job's suffix (or the one read from its model name) is ours: equal, or ending in `-<ours>`. */
function suffixMatches(found, wanted) {
    return found !== null && (found === wanted || found.endsWith(`-${wanted}`));
}
/** Together's validation report as one message and the line it points at (if any). */
function describeValidationReport(report) {
    if (!report || typeof report !== 'object')
        return { text: 'no validation report given', line: null };
    const r = report;
    const err = r.error ?? r.message;
    let text;
    let line = null;
    if (typeof err === 'string' && err)
        text = err;
    else if (err && typeof err === 'object') {
        const o = err;
        text = typeof o.message === 'string' ? o.message : JSON.stringify(o);
        if (typeof o.line === 'number')
            line = o.line;
        if (typeof o.line_number === 'number')
            line = o.line_number;
    }
    else
        text = JSON.stringify(r).slice(0, 500);
    for (const k of ['line', 'line_number', 'error_line']) {
        if (line == null && typeof r[k] === 'number')
            line = r[k];
    }
    if (line == null) {
        const m = /line\s*(?:number\s*)?#?\s*(\d+)/i.exec(text);
        if (m)
            line = Number(m[1]);
    }
    return { text, line };
}
const LEVELS = {
    info: 'info',
    legacy_info: 'info',
    warning: 'warn',
    legacy_iwarning: 'warn',
    error: 'error',
    legacy_ierror: 'error',
};
/** Together events have no id: one is made from the hash Together gives, else from the content. */
function normalizeEvents(raw) {
    const seen = new Set();
    const out = [];
    raw.forEach((e, order) => {
        const content = `${e.created_at ?? ''}|${e.type ?? ''}|${e.message ?? ''}|${e.step ?? ''}`;
        const id = `ev-${(0,external_node_crypto_.createHash)('sha256')
            .update(e.hash ? `${e.hash}|${content}` : content)
            .digest('hex')
            .slice(0, 16)}`;
        if (seen.has(id))
            return;
        seen.add(id);
        const data = { together_type: e.type ?? null };
        for (const k of ['step', 'total_steps', 'token_count', 'checkpoint_path', 'model_path']) {
            const v = e[k];
            if (v !== undefined && v !== null && v !== '' && !(typeof v === 'number' && v === 0 && k !== 'step'))
                data[k] = v;
        }
        out.push({
            id,
            createdAt: toSeconds(e.created_at) ?? 0,
            level: (e.level && LEVELS[e.level]) || (e.type === 'job_error' ? 'error' : e.type === 'warning' ? 'warn' : 'info'),
            message: e.message ?? '',
            type: 'message',
            data,
            order,
        });
    });
    out.sort((a, b) => a.createdAt - b.createdAt || a.order - b.order);
    return out.map(({ order: _o, ...e }) => {
        void _o;
        return e;
    });
}
/** Events after `afterId` (exclusive); all of them when it is absent or no longer listed. */
function eventsAfter(events, afterId) {
    if (!afterId)
        return events;
    const i = events.findIndex((e) => e.id === afterId);
    return i >= 0 ? events.slice(i + 1) : events;
}

;// CONCATENATED MODULE: ./src/providers/together/transport.ts
/**
 * Together AI over plain `fetch`: one authenticated JSON (or multipart) request, and every
 * failure as a ProviderError of the right kind (status, code, request id, retry-after). The API
 * key goes into the Authorization header and nowhere else. Retries are the caller's
 * (errors.ts `Retrier`): this layer sends each request once.
 */


/** A non-2xx answer, before it becomes a ProviderError. */
class HttpFailure extends Error {
    status;
    body;
    headers;
    constructor(status, body, headers) {
        super(`HTTP ${status}`);
        this.status = status;
        this.body = body;
        this.headers = headers;
    }
}
function requestIdOf(h) {
    return h.get('x-request-id') ?? h.get('x-together-request-id') ?? h.get('request-id') ?? null;
}
class TogetherTransport {
    name = 'together';
    apiKey;
    baseURL;
    fetchImpl;
    timeoutMs;
    constructor(o) {
        this.apiKey = o.apiKey;
        this.baseURL = o.baseURL;
        this.fetchImpl = o.fetch;
        this.timeoutMs = o.timeoutMs;
    }
    async request(method, path, body) {
        const headers = { authorization: `Bearer ${this.apiKey}`, accept: 'application/json' };
        let payload;
        if (body instanceof FormData)
            payload = body;
        else if (body !== undefined) {
            headers['content-type'] = 'application/json';
            payload = JSON.stringify(body);
        }
        const res = await this.fetchImpl(`${this.baseURL}${path}`, {
            method,
            headers,
            ...(payload !== undefined ? { body: payload } : {}),
            signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        let data = null;
        if (text.trim() !== '') {
            try {
                data = JSON.parse(text);
            }
            catch {
                if (res.ok) {
                    throw new errors/* ProviderError */.mZ({
                        kind: 'bad-response',
                        provider: 'together',
                        operation: `${method} ${path}`,
                        status: res.status,
                        requestId: requestIdOf(res.headers),
                        message: `answer to ${method} ${path} is not JSON: ${text.slice(0, 200)}`,
                    });
                }
                data = text;
            }
        }
        if (!res.ok)
            throw new HttpFailure(res.status, data, res.headers);
        return { data: data, headers: res.headers, requestId: requestIdOf(res.headers) };
    }
    async get(path) {
        return (await this.request('GET', path)).data;
    }
    /** Any thrown value as a ProviderError of the right kind. */
    toError(e, operation) {
        if (e instanceof errors/* ProviderError */.mZ)
            return e;
        const base = { provider: 'together', operation, cause: e };
        if (e instanceof HttpFailure) {
            const b = (e.body && typeof e.body === 'object' ? e.body : {});
            const err = (b.error && typeof b.error === 'object' ? b.error : b);
            const str = (v) => (typeof v === 'string' && v ? v : null);
            const code = str(err.code);
            const type = str(err.type);
            const message = str(err.message) ?? str(b.message) ?? (typeof e.body === 'string' && e.body ? e.body.slice(0, 300) : `HTTP ${e.status}`);
            const kind = (0,errors/* classifyHttpError */.nW)(e.status, code, type);
            return new errors/* ProviderError */.mZ({
                ...base,
                kind,
                status: e.status,
                code,
                type,
                param: str(err.param),
                requestId: requestIdOf(e.headers),
                retryAfterMs: (0,errors/* parseRetryAfter */.mu)((n) => e.headers.get(n)),
                message,
                hint: kind === 'quota' ? TOGETHER_BILLING_HINT : kind === 'auth' ? 'Check the together-api-key secret.' : null,
            });
        }
        const err = e;
        if (err?.name === 'TimeoutError') {
            return new errors/* ProviderError */.mZ({ ...base, kind: 'transient', message: `request timed out after ${Math.round(this.timeoutMs / 1000)} s` });
        }
        if (err?.name === 'AbortError')
            return new errors/* ProviderError */.mZ({ ...base, kind: 'aborted', message: 'request aborted' });
        if (e instanceof TypeError && err.message === 'fetch failed') {
            // undici: resets, refused connections, sockets closed mid-answer.
            const detail = err.cause?.code ?? err.cause?.message;
            return new errors/* ProviderError */.mZ({ ...base, kind: 'transient', message: `connection error${detail ? ` (${detail})` : ''}` });
        }
        return new errors/* ProviderError */.mZ({
            ...base,
            kind: err?.code === 'ENOENT' ? 'invalid' : 'unknown',
            message: err?.message ?? String(e),
        });
    }
}

;// CONCATENATED MODULE: ./src/providers/together/adapter.ts
/**
 * The Together AI provider, over plain `fetch` (no SDK, no new dependency).
 *
 * Shapes: ../shared/contracts/together-openapi.yaml (2026-04-28) plus what the facts sheet adds
 * (`processing_status` and `validation_report` on files are newer than the spec). Together
 * differs from OpenAI in ways that matter here:
 * - Jobs carry no metadata. A job is tagged through its suffix: `<suffix>-<first 8 hex of the
 *   job key>`, and found again by that suffix and its training file.
 * - Files are validated after upload: `processing_status` must reach COMPLETED; FAILED or
 *   INVALID_FORMAT comes with a `validation_report.error` that names the line.
 * - `estimate-price` gives the price (USD) and whether the account may proceed.
 * - `total_price` on a job is in nanodollars (Together's SDK divides by 1e9).
 * - A tuned model answers only on a dedicated endpoint, billed per minute while it is up: it is
 *   created for the smoke test and always deleted afterwards.
 *
 * Retries follow the same rules as the OpenAI adapter (errors.ts `Retrier`): transient errors
 * only, `retry-after` honoured, never a blind re-send of something that creates a resource.
 * The API key goes into the Authorization header and nowhere else (never into a log line).
 *
 * One folder: ./wire.ts (Together's shapes, defaults, status words and answer readers),
 * ./transport.ts (one authenticated request, failures as ProviderErrors), this file (the
 * Provider: files, jobs, estimates, and the dedicated endpoints smoke tests chat with).
 */







// The wire's names stay importable from here (tests, the registry).

class TogetherProvider {
    name = 'together';
    baseURL;
    apiKey;
    http;
    retrier;
    log;
    sleep;
    fetchImpl;
    now;
    timeoutMs;
    filePollMs;
    fileTimeoutMs;
    hardware;
    inactiveTimeout;
    endpointPollMs;
    endpointTimeoutMs;
    constructor(options) {
        if (!options.apiKey)
            throw new Error('TogetherProvider needs an API key');
        this.apiKey = options.apiKey;
        const envURL = process.env.TOGETHER_BASE_URL?.trim();
        this.baseURL = (options.baseURL?.trim() || envURL || TOGETHER_DEFAULT_BASE_URL).replace(/\/+$/, '');
        this.log = options.log ?? (() => { });
        this.sleep = options.sleep ?? errors/* defaultSleep */.JG;
        this.fetchImpl = options.fetch ?? fetch;
        this.now = options.now ?? Date.now;
        this.timeoutMs = options.timeoutMs ?? 10 * 60_000;
        this.filePollMs = options.filePollIntervalMs ?? 2000;
        this.fileTimeoutMs = options.fileProcessTimeoutMs ?? 30 * 60_000;
        this.hardware = options.endpointHardware ?? TOGETHER_DEFAULT_HARDWARE;
        this.inactiveTimeout = options.endpointInactiveTimeoutMinutes ?? TOGETHER_DEFAULT_INACTIVE_TIMEOUT_MIN;
        this.endpointPollMs = options.endpointPollIntervalMs ?? 5000;
        this.endpointTimeoutMs = options.endpointStartTimeoutMs ?? 20 * 60_000;
        this.http = new TogetherTransport({ apiKey: this.apiKey, baseURL: this.baseURL, fetch: this.fetchImpl, timeoutMs: this.timeoutMs });
        this.retrier = new errors/* Retrier */.mV({ retry: options.retry, toError: (e, op) => this.toError(e, op), log: this.log, sleep: this.sleep });
    }
    // -------------------------------------------------------------------------------------------
    // HTTP (transport.ts)
    request(method, path, body) {
        return this.http.request(method, path, body);
    }
    get(path) {
        return this.http.get(path);
    }
    /** Any thrown value as a ProviderError of the right kind. */
    toError(e, operation) {
        return this.http.toError(e, operation);
    }
    // -------------------------------------------------------------------------------------------
    // Files
    async upload(localPath, options) {
        const { size } = await (0,promises_.stat)(localPath);
        const name = options.name;
        const existing = await this.findFile(name, size);
        if (existing) {
            this.log(`Reusing ${existing.id} (${name}, ${size} bytes): same name and size already uploaded`);
            await this.waitUntilProcessed(existing.id, name);
            return { id: existing.id, name, bytes: size, reused: true, via: null };
        }
        const file = await this.retrier.createOnce('uploadFile', async () => {
            // A file-backed Blob: the bytes stream from disk, and each attempt reads them afresh.
            const blob = await (0,external_node_fs_.openAsBlob)(localPath, { type: 'application/jsonl' });
            const form = new FormData();
            form.set('purpose', options.purpose);
            form.set('file_name', name);
            form.set('file_type', 'jsonl');
            form.set('file', blob, name);
            return (await this.request('POST', '/files/upload', form)).data;
        }, () => this.findFile(name, size));
        options.onProgress?.(size, size);
        await this.waitUntilProcessed(file.id, name);
        return { id: file.id, name: file.filename ?? name, bytes: typeof file.bytes === 'number' ? file.bytes : size, reused: false, via: 'files' };
    }
    /** An uploaded file with this exact name and size that did not fail validation; null if none. */
    findFile(name, bytes) {
        return this.retrier.call('listFiles', async () => {
            const list = await this.get('/files');
            let best = null;
            for (const f of list.data ?? []) {
                if (f.filename !== name || f.bytes !== bytes)
                    continue;
                if (f.purpose && f.purpose !== 'fine-tune')
                    continue;
                if (f.processing_status === 'FAILED' || f.processing_status === 'INVALID_FORMAT')
                    continue;
                const done = (x) => x.processing_status === 'COMPLETED';
                if (!best || (done(f) && !done(best)) || (done(f) === done(best) && f.created_at > best.created_at))
                    best = f;
            }
            return best;
        });
    }
    async waitUntilProcessed(fileId, name) {
        const started = this.now();
        for (;;) {
            const f = await this.retrier.call('getFile', () => this.get(`/files/${encodeURIComponent(fileId)}`));
            const status = f.processing_status;
            // Older answers (and the 2026-04 spec) have no processing_status: the file is usable.
            if (status === undefined || status === null || status === 'COMPLETED')
                return;
            if (status === 'FAILED' || status === 'INVALID_FORMAT') {
                const { text, line } = describeValidationReport(f.validation_report);
                throw new errors/* ProviderError */.mZ({
                    kind: 'invalid',
                    provider: this.name,
                    operation: 'upload',
                    code: status.toLowerCase(),
                    line,
                    message: `${name} (${fileId}) failed Together's validation (${status})${line != null && !/line\s+\d+/i.test(text) ? ` at line ${line}` : ''}: ${text}`,
                    hint: 'Fix the data at the line named and push again; finetune-ci check applies the Together validation profile.',
                });
            }
            if (this.now() - started > this.fileTimeoutMs) {
                throw new errors/* ProviderError */.mZ({
                    kind: 'transient',
                    provider: this.name,
                    operation: 'upload',
                    message: `file ${fileId} still ${status} after ${Math.round(this.fileTimeoutMs / 1000)} s`,
                });
            }
            await this.sleep(this.filePollMs);
        }
    }
    // -------------------------------------------------------------------------------------------
    // Price and jobs
    /** The body shared by estimate-price and create, so that the quote is for the job we start. */
    jobBody(spec, operation) {
        if (spec.method !== 'supervised' && spec.method !== 'dpo') {
            throw new errors/* ProviderError */.mZ({
                kind: 'invalid',
                provider: this.name,
                operation,
                param: 'method',
                message: `Together fine-tunes with SFT or DPO; method ${spec.method} is not offered`,
                hint: 'Use method supervised or dpo for Together targets.',
            });
        }
        const hp = spec.hyperparameters ?? {};
        const extra = { ...(spec.providerOptions ?? {}) };
        const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
        const body = { model: spec.model, training_file: spec.trainingFileId };
        if (spec.validationFileId) {
            body.validation_file = spec.validationFileId;
            body.n_evals = num(extra.n_evals) ?? 1;
        }
        if (num(hp.n_epochs) !== undefined)
            body.n_epochs = hp.n_epochs;
        if (num(hp.batch_size) !== undefined)
            body.batch_size = hp.batch_size;
        const lr = num(extra.learning_rate) ?? (num(hp.learning_rate_multiplier) !== undefined ? hp.learning_rate_multiplier * TOGETHER_BASE_LEARNING_RATE : undefined);
        if (lr !== undefined)
            body.learning_rate = lr;
        if (spec.method === 'dpo') {
            body.training_method = { method: 'dpo', ...(num(hp.beta) !== undefined ? { dpo_beta: hp.beta } : {}) };
        }
        else {
            // false = learn from assistant turns only, which is what OpenAI does with the same data
            // (and the spec types this field boolean, so "auto" would not pass a contract check).
            body.training_method = { method: 'sft', train_on_inputs: typeof extra.train_on_inputs === 'boolean' ? extra.train_on_inputs : false };
        }
        const tt = extra.training_type;
        if (tt === 'full' || tt === 'Full' || (tt && typeof tt === 'object' && tt.type === 'Full')) {
            body.training_type = { type: 'Full' };
        }
        else {
            const lora = tt && typeof tt === 'object' ? tt : {};
            body.training_type = { ...TOGETHER_DEFAULT_LORA, ...lora, type: 'Lora' };
        }
        if (spec.seed != null)
            body.random_seed = spec.seed;
        for (const k of ['n_checkpoints', 'warmup_ratio', 'max_seq_length', 'weight_decay', 'max_grad_norm', 'packing', 'lr_scheduler', 'from_checkpoint']) {
            if (extra[k] !== undefined)
                body[k] = extra[k];
        }
        return body;
    }
    async estimate(spec) {
        const full = this.jobBody(spec, 'estimate');
        const body = {};
        for (const k of ['training_file', 'validation_file', 'model', 'n_epochs', 'n_evals', 'training_method', 'training_type', 'from_checkpoint']) {
            if (full[k] !== undefined)
                body[k] = full[k];
        }
        const r = await this.retrier.call('estimate', async () => (await this.request('POST', '/fine-tunes/estimate-price', body)).data);
        const n = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
        const available = r.estimation_available !== false;
        return {
            totalPrice: available ? n(r.estimated_total_price) : null,
            trainTokens: n(r.estimated_train_token_count),
            evalTokens: n(r.estimated_eval_token_count),
            userLimit: n(r.user_limit),
            allowedToProceed: r.allowed_to_proceed === true,
            currency: 'USD',
        };
    }
    /** Jobs that carry this key's suffix (and, when given, these files and this model). */
    async matchingJobs(key, hints = {}) {
        const tag = keyTag(key);
        const wanted = hints.suffix !== undefined ? taggedSuffix(hints.suffix, key) : null;
        const list = await this.retrier.call('findJob', () => this.get('/fine-tunes'));
        return (list.data ?? []).filter((j) => {
            const s = j.suffix ?? suffixFromOutputName(j.model_output_name, tag);
            if (!s)
                return false;
            // A suffix read from the model name may carry the user's suffix with a prefix before it.
            if (wanted ? !suffixMatches(s, wanted) : !s.endsWith(`-${tag}`))
                return false;
            if (hints.trainingFileId && j.training_file !== hints.trainingFileId)
                return false;
            if (hints.validationFileId && j.validation_file !== hints.validationFileId)
                return false;
            if (hints.model && j.model && j.model !== hints.model)
                return false;
            return true;
        });
    }
    async findJob(key, hints) {
        const jobs = (await this.matchingJobs(key, hints)).map((j) => this.normalizeJob(j));
        return (0,types/* pickJob */.BH)(jobs);
    }
    async createJob(spec) {
        const suffix = taggedSuffix(spec.suffix, spec.tag.key);
        const body = { ...this.jobBody(spec, 'createJob'), suffix };
        const hints = {
            trainingFileId: spec.trainingFileId,
            validationFileId: spec.validationFileId ?? null,
            model: spec.model,
            suffix: spec.suffix ?? null,
        };
        // No metadata to mark one attempt: remember which matching jobs existed before, so that a
        // lost create is recognised as the one new job with this suffix and training file.
        const before = new Set((await this.matchingJobs(spec.tag.key, hints)).map((j) => j.id));
        return this.retrier.createOnce('createJob', async () => this.normalizeJob((await this.request('POST', '/fine-tunes', body)).data), async () => {
            const fresh = (await this.matchingJobs(spec.tag.key, hints)).filter((j) => !before.has(j.id));
            const mine = fresh[0] ? this.normalizeJob(fresh[0]) : null;
            if (mine)
                this.log(`The create whose answer was lost did start job ${mine.id}; using it instead of creating another`);
            return mine;
        });
    }
    getJob(jobId) {
        return this.retrier.call('getJob', async () => {
            const { data, requestId } = await this.request('GET', `/fine-tunes/${encodeURIComponent(jobId)}`);
            return { ...this.normalizeJob(data), requestId };
        });
    }
    cancelJob(jobId) {
        // Cancelling twice is harmless; a job that already ended answers 400, then we read it.
        return this.retrier.call('cancelJob', async () => {
            try {
                return this.normalizeJob((await this.request('POST', `/fine-tunes/${encodeURIComponent(jobId)}/cancel`)).data);
            }
            catch (e) {
                if (e instanceof HttpFailure && e.status === 400) {
                    const job = this.normalizeJob(await this.get(`/fine-tunes/${encodeURIComponent(jobId)}`));
                    if (['succeeded', 'failed', 'cancelled'].includes(job.status))
                        return job;
                }
                throw e;
            }
        });
    }
    listEvents(jobId, afterId) {
        return this.retrier.call('listEvents', async () => {
            const r = await this.get(`/fine-tunes/${encodeURIComponent(jobId)}/events`);
            return eventsAfter(normalizeEvents(r.data ?? []), afterId);
        });
    }
    listCheckpoints(jobId) {
        return this.retrier.call('listCheckpoints', async () => {
            const r = await this.get(`/fine-tunes/${encodeURIComponent(jobId)}/checkpoints`);
            return (r.data ?? [])
                .map((c) => ({
                id: c.path || `${jobId}:${c.step}`,
                createdAt: toSeconds(c.created_at) ?? 0,
                stepNumber: c.step,
                model: c.path,
                metrics: { step: c.step },
            }))
                .sort((a, b) => a.stepNumber - b.stepNumber);
        });
    }
    async getModel(modelId) {
        const list = await this.retrier.call('getModel', () => this.get('/models'));
        const items = (Array.isArray(list) ? list : (list?.data ?? []));
        const m = items.find((x) => x?.id === modelId);
        if (!m)
            return null;
        return { id: modelId, ownedBy: m.organization ?? null, created: typeof m.created === 'number' ? m.created : null, shutdownDate: null };
    }
    normalizeJob(j) {
        const status = mapTogetherStatus(String(j.status));
        const method = j.training_method?.method;
        const hp = {};
        if (typeof j.n_epochs === 'number')
            hp.n_epochs = j.n_epochs;
        if (typeof j.batch_size === 'number')
            hp.batch_size = j.batch_size;
        if (typeof j.learning_rate === 'number')
            hp.learning_rate_multiplier = round(j.learning_rate / TOGETHER_BASE_LEARNING_RATE);
        if (typeof j.training_method?.dpo_beta === 'number')
            hp.beta = j.training_method.dpo_beta;
        const terminal = status === 'succeeded' || status === 'failed' || status === 'cancelled';
        const lastError = status === 'failed' ? ([...(j.events ?? [])].reverse().find((e) => e.type === 'job_error' || e.level === 'error')?.message ?? null) : null;
        const secs = j.progress?.estimate_available ? j.progress.seconds_remaining : undefined;
        return {
            id: j.id,
            status,
            providerStatus: String(j.status),
            model: j.model ?? '',
            fineTunedModel: status === 'succeeded' ? (j.model_output_name ?? null) : null,
            trainedTokens: status === 'succeeded' && typeof j.token_count === 'number' ? j.token_count : null,
            createdAt: toSeconds(j.created_at) ?? 0,
            finishedAt: terminal ? (toSeconds(j.updated_at) ?? null) : null,
            estimatedFinish: !terminal && typeof secs === 'number' ? Math.round(this.now() / 1000) + secs : null,
            error: status === 'failed' ? { code: 'job_error', message: lastError ?? `job ${j.id} ended with status error`, param: null } : null,
            metadata: {},
            trainingFileId: j.training_file ?? '',
            validationFileId: j.validation_file ?? null,
            method: method === 'sft' ? 'supervised' : method === 'dpo' ? 'dpo' : null,
            hyperparameters: hp,
            seed: typeof j.random_seed === 'number' ? j.random_seed : null,
            totalPrice: typeof j.total_price === 'number' ? j.total_price / NANODOLLARS : null,
        };
    }
    // -------------------------------------------------------------------------------------------
    // Chat: dedicated endpoints
    async openChatSession(model, options = {}) {
        if (options.existing) {
            return { provider: this.name, model, target: options.existing, needsClose: false };
        }
        const displayName = `finetune-ci smoke ${(0,external_node_crypto_.randomBytes)(4).toString('hex')}`;
        const body = {
            display_name: displayName,
            model,
            hardware: this.hardware,
            autoscaling: { min_replicas: 1, max_replicas: 1 },
            inactive_timeout: this.inactiveTimeout,
        };
        let created;
        try {
            created = await this.retrier.createOnce('createEndpoint', async () => (await this.request('POST', '/endpoints', body)).data, async () => {
                const r = await this.get('/endpoints?type=dedicated');
                return (r.data ?? []).find((e) => e.display_name === displayName && e.model === model) ?? null;
            });
        }
        catch (e) {
            // A request that was lost may still have started an endpoint we cannot see: say its name.
            this.log(`Could not create the smoke-test endpoint; if an endpoint named "${displayName}" appears in Together's dashboard, delete it (it is billed per minute).`);
            throw e;
        }
        const session = {
            provider: this.name,
            model,
            target: created.name,
            needsClose: true,
            handle: { endpointId: created.id, hardware: this.hardware },
        };
        this.log(`Started dedicated endpoint ${created.id} (${created.name}) for ${model} on ${this.hardware}; billed per minute until deleted`);
        try {
            const ready = await this.waitForEndpoint(created);
            session.target = ready.name;
            return session;
        }
        catch (e) {
            // Whoever asked never got a session to close: release the endpoint here.
            await this.closeChatSession(session).catch((err) => this.log(`Could not delete endpoint ${created.id}: ${err.message}; delete it at https://api.together.ai/endpoints`));
            throw e;
        }
    }
    async waitForEndpoint(ep) {
        const started = this.now();
        let cur = ep;
        for (;;) {
            if (cur.state === 'STARTED')
                return cur;
            if (cur.state === 'ERROR' || cur.state === 'STOPPED' || cur.state === 'STOPPING') {
                throw new errors/* ProviderError */.mZ({
                    kind: 'unknown',
                    provider: this.name,
                    operation: 'openChatSession',
                    message: `endpoint ${ep.id} for ${ep.model} went to ${cur.state} instead of STARTED`,
                    hint: 'Check the hardware is offered for this model, or name an existing endpoint in smoke-model.',
                });
            }
            if (this.now() - started > this.endpointTimeoutMs) {
                throw new errors/* ProviderError */.mZ({
                    kind: 'transient',
                    provider: this.name,
                    operation: 'openChatSession',
                    message: `endpoint ${ep.id} still ${cur.state} after ${Math.round(this.endpointTimeoutMs / 1000)} s`,
                });
            }
            await this.sleep(this.endpointPollMs);
            cur = await this.retrier.call('getEndpoint', () => this.get(`/endpoints/${encodeURIComponent(ep.id)}`));
        }
    }
    async chat(session, messages, options = {}) {
        return this.retrier.call('chat', async () => {
            const started = performance.now();
            const { data, requestId } = await this.request('POST', '/chat/completions', {
                model: session.target,
                // Together has no `developer` role; it means what `system` means.
                messages: messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: m.content })),
                ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
                ...(options.max_tokens !== undefined ? { max_tokens: options.max_tokens } : {}),
                ...(options.seed !== undefined ? { seed: options.seed } : {}),
            });
            const latencyMs = performance.now() - started;
            const choices = data?.choices;
            const first = Array.isArray(choices) ? choices[0] : undefined;
            if (!first || typeof first !== 'object' || !first.message || typeof first.message !== 'object') {
                throw new errors/* ProviderError */.mZ({
                    kind: 'bad-response',
                    provider: this.name,
                    operation: 'chat',
                    requestId,
                    message: `chat completion for ${session.target} had no message in choices[0]`,
                });
            }
            const u = data.usage;
            return {
                text: typeof first.message.content === 'string' ? first.message.content : '',
                latencyMs,
                usage: u && typeof u.prompt_tokens === 'number' ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens ?? 0, totalTokens: u.total_tokens ?? 0 } : null,
                finishReason: typeof first.finish_reason === 'string' ? first.finish_reason : null,
                requestId,
            };
        });
    }
    async closeChatSession(session) {
        if (!session.needsClose)
            return;
        const id = session.handle?.endpointId;
        if (typeof id !== 'string' || !id)
            return;
        await this.retrier.call('deleteEndpoint', async () => {
            try {
                await this.request('DELETE', `/endpoints/${encodeURIComponent(id)}`);
            }
            catch (e) {
                // Already gone (a retry after a lost answer, or deleted by hand): that is what we wanted.
                if (e instanceof HttpFailure && e.status === 404)
                    return;
                throw e;
            }
        });
        session.needsClose = false;
        this.log(`Deleted dedicated endpoint ${id}`);
    }
}


/***/ }),

/***/ 2695:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BH: () => (/* binding */ pickJob),
/* harmony export */   SE: () => (/* binding */ TAG_KEYS)
/* harmony export */ });
/* unused harmony exports KNOWN_JOB_STATUSES, jobPhase, isTerminal */
const KNOWN_JOB_STATUSES = (/* unused pure expression or super */ null && (['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled']));
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


/***/ })

};
