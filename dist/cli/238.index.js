export const id = 238;
export const ids = [238];
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

/***/ 8238:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OpenAIProvider: () => (/* binding */ OpenAIProvider)
/* harmony export */ });
/* unused harmony exports OPENAI_DEFAULT_BASE_URL, MB, DEFAULT_PART_THRESHOLD_BYTES, MAX_PART_BYTES, BILLING_HINT, describeInnerError, normalizeJob */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var openai__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8193);
/* harmony import */ var _catalog_platform_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6824);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1787);
/* harmony import */ var _types_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(2695);
/**
 * The OpenAI provider (and, with `name: 'azure'`, Azure OpenAI's v1 API, which has the same
 * shapes). The only module that imports `openai`.
 *
 * Retries: the SDK's own retries are switched off (`maxRetries: 0`) and done here instead, so
 * that (1) delays are ours to set (tests use milliseconds), (2) nothing that creates something
 * (a file, an upload, a job) is ever re-sent blindly: after a transient failure we first look
 * for what the lost request may have created, and (3) `insufficient_quota` is never retried.
 *
 * Over 400 lines on purpose: the one owner of the `openai` SDK; every operation of the provider
 * interface shares the retry and look-before-resending logic above.
 */







const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const MB = 1024 * 1024;
/** Files API limit; above it the Uploads API is used. */
const DEFAULT_PART_THRESHOLD_BYTES = 512 * MB;
/** Uploads API limit per part. */
const MAX_PART_BYTES = 64 * MB;
const BILLING_HINT = 'The organisation is out of credit or over its spend limit: add credit or raise the limit at ' + 'https://platform.openai.com/settings/organization/billing. Retrying will not help.';
class OpenAIProvider {
    name;
    baseURL;
    client;
    threshold;
    partSize;
    waitProcessed;
    filePollMs;
    fileTimeoutMs;
    pageSize;
    retrier;
    log;
    sleep;
    today;
    constructor(options) {
        this.name = options.name ?? 'openai';
        const envURL = process.env.OPENAI_BASE_URL?.trim();
        this.baseURL = options.baseURL?.trim() || envURL || OPENAI_DEFAULT_BASE_URL;
        this.threshold = options.partThresholdBytes ?? DEFAULT_PART_THRESHOLD_BYTES;
        const part = options.partSizeBytes ?? MAX_PART_BYTES;
        if (!(part > 0 && part <= MAX_PART_BYTES)) {
            throw new RangeError(`partSizeBytes must be between 1 and ${MAX_PART_BYTES} (64 MB), got ${part}`);
        }
        this.partSize = part;
        this.waitProcessed = options.waitForFileProcessed ?? this.name === 'azure';
        this.filePollMs = options.filePollIntervalMs ?? 2000;
        this.fileTimeoutMs = options.fileProcessTimeoutMs ?? 30 * 60_000;
        this.pageSize = options.pageSize ?? 100;
        this.log = options.log ?? (() => { });
        this.sleep = options.sleep ?? _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .defaultSleep */ .JG;
        this.retrier = new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .Retrier */ .mV({
            retry: options.retry,
            toError: (e, op) => this.toError(e, op),
            log: this.log,
            sleep: this.sleep,
        });
        this.today = options.today ?? (() => (0,_catalog_platform_js__WEBPACK_IMPORTED_MODULE_4__/* .today */ .Ec)());
        this.client = new openai__WEBPACK_IMPORTED_MODULE_3__/* ["default"] */ .Ay({
            apiKey: options.apiKey,
            baseURL: this.baseURL,
            maxRetries: 0,
            timeout: options.timeoutMs ?? 10 * 60_000,
            // Pinned so that OPENAI_LOG=debug cannot print request bodies and headers into a CI log.
            logLevel: 'warn',
            ...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
            ...(options.fetch ? { fetch: options.fetch } : {}),
        });
    }
    // -------------------------------------------------------------------------------------------
    // Files
    async upload(localPath, options) {
        const { size } = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.stat)(localPath);
        const name = options.name;
        const existing = await this.findFile(name, size, options.purpose);
        if (existing) {
            this.log(`Reusing ${existing.id} (${name}, ${size} bytes): same name and size already uploaded`);
            await this.waitUntilProcessed(existing.id);
            return { id: existing.id, name, bytes: size, reused: true, via: null };
        }
        const via = size > this.threshold ? 'uploads' : 'files';
        const file = via === 'uploads' ? await this.uploadInParts(localPath, size, options) : await this.uploadWhole(localPath, size, options);
        await this.waitUntilProcessed(file.id);
        return { id: file.id, name: file.filename, bytes: file.bytes, reused: false, via };
    }
    /** An uploaded file with this exact name and size, not in error; null if there is none. */
    findFile(name, bytes, purpose) {
        return this.call('listFiles', async () => {
            let best = null;
            for await (const f of this.client.files.list({ purpose })) {
                if (f.filename !== name || f.bytes !== bytes || f.status === 'error')
                    continue;
                if (!best || (f.status === 'processed' && best.status !== 'processed') || f.created_at > best.created_at) {
                    best = f;
                }
            }
            return best;
        });
    }
    async uploadWhole(localPath, size, options) {
        // A fresh stream per attempt: a streamed body cannot be re-sent, so the SDK never retries
        // it, and neither do we before looking for a file the lost attempt may have created.
        const file = await this.createOnce('uploadFile', () => this.client.files.create({
            file: (0,openai__WEBPACK_IMPORTED_MODULE_3__/* .toStreamingFile */ .u3)((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream)(localPath), options.name, { type: 'application/jsonl' }),
            purpose: options.purpose,
        }, { maxRetries: 0 }), () => this.findFile(options.name, size, options.purpose));
        options.onProgress?.(size, size);
        return file;
    }
    async uploadInParts(localPath, size, options) {
        // Creating an upload twice only leaves an unused pending upload that expires in an hour.
        const upload = await this.call('createUpload', () => this.client.uploads.create({ bytes: size, filename: options.name, purpose: options.purpose, mime_type: 'text/jsonl' }, { maxRetries: 0 }));
        this.log(`Uploading ${options.name} (${size} bytes) through the Uploads API in parts of ${this.partSize} bytes (${upload.id})`);
        const md5 = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('md5');
        const partIds = [];
        const fh = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.open)(localPath, 'r');
        try {
            let offset = 0;
            while (offset < size) {
                const len = Math.min(this.partSize, size - offset);
                // One part in memory at a time: memory stays bounded by the part size, and a buffered
                // part (unlike a stream) can be sent again when a transient error interrupts it.
                const buf = Buffer.allocUnsafe(len);
                let filled = 0;
                while (filled < len) {
                    const { bytesRead } = await fh.read(buf, filled, len - filled, offset + filled);
                    if (bytesRead === 0)
                        throw new Error(`${localPath} shrank while uploading (expected ${size} bytes)`);
                    filled += bytesRead;
                }
                md5.update(buf);
                const data = await (0,openai__WEBPACK_IMPORTED_MODULE_3__/* .toFile */ .eZ)(buf, options.name, { type: 'application/octet-stream' });
                const part = await this.call('uploadPart', () => this.client.uploads.parts.create(upload.id, { data }, { maxRetries: 0 }));
                partIds.push(part.id);
                offset += len;
                options.onProgress?.(offset, size);
            }
        }
        finally {
            await fh.close();
        }
        const digest = md5.digest('hex');
        return this.createOnce('completeUpload', async () => {
            const done = await this.client.uploads.complete(upload.id, { part_ids: partIds, md5: digest }, { maxRetries: 0 });
            if (!done.file) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
                    kind: 'bad-response',
                    provider: this.name,
                    operation: 'completeUpload',
                    message: `upload ${upload.id} completed with status ${done.status} but without a file`,
                });
            }
            return done.file;
        }, 
        // A completion whose answer was lost has already made the file.
        () => this.findFile(options.name, size, options.purpose));
    }
    async waitUntilProcessed(fileId) {
        if (!this.waitProcessed)
            return;
        const started = Date.now();
        for (;;) {
            const f = await this.call('getFile', () => this.client.files.retrieve(fileId));
            if (f.status === 'processed')
                return;
            if (f.status === 'error') {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
                    kind: 'invalid',
                    provider: this.name,
                    operation: 'upload',
                    message: `file ${fileId} failed processing: ${f.status_details ?? 'no details given'}`,
                    hint: 'Fix the data the message points at and push again.',
                });
            }
            if (Date.now() - started > this.fileTimeoutMs) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
                    kind: 'transient',
                    provider: this.name,
                    operation: 'upload',
                    message: `file ${fileId} still "${f.status}" after ${Math.round(this.fileTimeoutMs / 1000)} s`,
                });
            }
            await this.sleep(this.filePollMs);
        }
    }
    // -------------------------------------------------------------------------------------------
    // Jobs
    async findJob(key, _hints) {
        return (0,_types_js__WEBPACK_IMPORTED_MODULE_6__/* .pickJob */ .BH)(await this.jobsWithKey(key));
    }
    jobsWithKey(key) {
        return this.call('findJob', async () => {
            const out = [];
            let seen = 0;
            for await (const j of this.client.fineTuning.jobs.list({ metadata: { [_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.key]: key }, limit: this.pageSize })) {
                // Checked here too: a server that ignored the filter must not make us adopt a stranger's job.
                if (j.metadata?.[_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.key] === key)
                    out.push(normalizeJob(j));
                if (++seen >= 2000)
                    break;
            }
            return out;
        });
    }
    async createJob(spec) {
        const createId = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomUUID)();
        const body = this.jobBody(spec, createId);
        try {
            return await this.createOnce('createJob', async () => normalizeJob(await this.client.fineTuning.jobs.create(body, { maxRetries: 0 })), async () => {
                const jobs = await this.jobsWithKey(spec.tag.key);
                const mine = jobs.find((j) => j.metadata[_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.attempt] === createId) ?? null;
                if (mine)
                    this.log(`The create whose answer was lost did start job ${mine.id}; using it instead of creating another`);
                return mine;
            });
        }
        catch (e) {
            if (e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ && (e.kind === 'permission' || e.kind === 'auth')) {
                throw e.withHint(this.permissionHint(e.kind));
            }
            throw e;
        }
    }
    jobBody(spec, createId) {
        if (spec.suffix != null && (spec.suffix.length < 1 || spec.suffix.length > 64)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
                kind: 'invalid',
                provider: this.name,
                operation: 'createJob',
                param: 'suffix',
                message: `suffix must be 1 to 64 characters, got ${spec.suffix.length}`,
            });
        }
        const hp = spec.hyperparameters ?? {};
        const common = {};
        if (hp.n_epochs !== undefined)
            common.n_epochs = hp.n_epochs;
        if (hp.batch_size !== undefined)
            common.batch_size = hp.batch_size;
        if (hp.learning_rate_multiplier !== undefined)
            common.learning_rate_multiplier = hp.learning_rate_multiplier;
        const metadata = { [_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.key]: spec.tag.key, [_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.attempt]: createId };
        const put = (k, v) => {
            if (v)
                metadata[k] = v.slice(0, 512);
        };
        put(_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.commit, spec.tag.commit);
        put(_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.repository, spec.tag.repository);
        put(_types_js__WEBPACK_IMPORTED_MODULE_6__/* .TAG_KEYS */ .SE.target, spec.tag.target);
        let method;
        if (spec.method === 'dpo') {
            const dpo = { ...common };
            if (hp.beta !== undefined)
                dpo.beta = hp.beta;
            method = { type: 'dpo', dpo: { hyperparameters: dpo } };
        }
        else if (spec.method === 'reinforcement') {
            const { grader, ...rest } = (spec.providerOptions ?? {});
            void rest;
            method = {
                type: 'reinforcement',
                reinforcement: { hyperparameters: common, grader },
            };
        }
        else {
            method = { type: 'supervised', supervised: { hyperparameters: common } };
        }
        const { grader: _g, ...extra } = (spec.providerOptions ?? {});
        void _g;
        return {
            model: spec.model,
            training_file: spec.trainingFileId,
            ...(spec.validationFileId ? { validation_file: spec.validationFileId } : {}),
            ...(spec.suffix ? { suffix: spec.suffix } : {}),
            ...(spec.seed != null ? { seed: spec.seed } : {}),
            method,
            metadata,
            ...extra,
        };
    }
    /** Why job creation may be refused although the key works, with OpenAI's closure dates. */
    permissionHint(kind) {
        const lines = [];
        if (kind === 'auth')
            lines.push('Check that the API key is valid and belongs to the right organisation and project.');
        if (this.name === 'openai') {
            const now = this.today();
            const events = _catalog_platform_js__WEBPACK_IMPORTED_MODULE_4__/* .PLATFORM_EVENTS */ .Qk.filter((e) => e.provider === 'openai');
            const said = events.map((e) => `${e.date <= now ? 'since' : 'from'} ${e.date}, ${e.what}${e.confirmed ? '' : ' (unconfirmed)'}`).join('; ');
            lines.push(`OpenAI is winding down self-serve fine-tuning: ${said}. ` + 'If this organisation is affected, move this target to another provider (Azure OpenAI or Together, `provider` input).');
        }
        else {
            lines.push('Check that the key may create fine-tuning jobs on this resource and that the base model is open to you.');
        }
        return lines.join(' ');
    }
    getJob(jobId) {
        return this.call('getJob', async () => {
            const { data, request_id, response } = await this.client.fineTuning.jobs.retrieve(jobId).withResponse();
            return { ...normalizeJob(data), requestId: requestIdOf(request_id, response.headers) };
        });
    }
    cancelJob(jobId) {
        // Cancelling twice is harmless, so a plain retry is fine.
        return this.call('cancelJob', async () => normalizeJob(await this.client.fineTuning.jobs.cancel(jobId)));
    }
    listEvents(jobId, afterId) {
        return this.call('listEvents', async () => {
            // The API lists newest first and pages towards older events: read until we meet the last
            // event we already have, then turn the result around.
            const newer = [];
            let page = await this.client.fineTuning.jobs.listEvents(jobId, { limit: this.pageSize });
            for (;;) {
                let reached = false;
                for (const e of page.data) {
                    if (afterId && e.id === afterId) {
                        reached = true;
                        break;
                    }
                    newer.push(normalizeEvent(e));
                }
                if (reached || !page.hasNextPage())
                    break;
                page = await page.getNextPage();
            }
            return newer.reverse();
        });
    }
    listCheckpoints(jobId) {
        return this.call('listCheckpoints', async () => {
            const out = [];
            for await (const c of this.client.fineTuning.jobs.checkpoints.list(jobId, { limit: this.pageSize })) {
                out.push({
                    id: c.id,
                    createdAt: c.created_at,
                    stepNumber: c.step_number,
                    model: c.fine_tuned_model_checkpoint,
                    metrics: { ...(c.metrics ?? {}) },
                });
            }
            return out.sort((a, b) => a.stepNumber - b.stepNumber);
        });
    }
    async getModel(modelId) {
        try {
            const m = await this.call('getModel', () => this.client.models.retrieve(modelId));
            const shutdown = m.shutdown_date;
            return {
                id: m.id,
                ownedBy: m.owned_by ?? null,
                created: typeof m.created === 'number' ? m.created : null,
                shutdownDate: typeof shutdown === 'string' && shutdown ? shutdown : null,
            };
        }
        catch (e) {
            if (e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ && e.kind === 'not-found')
                return null;
            throw e;
        }
    }
    // -------------------------------------------------------------------------------------------
    // Chat
    async openChatSession(model, options = {}) {
        return { provider: this.name, model, target: options.existing ?? model, needsClose: false };
    }
    async chat(session, messages, options = {}) {
        return this.call('chat', async () => {
            const started = performance.now();
            const { data, request_id: xRequestId, response, } = await this.client.chat.completions
                .create({
                model: session.target,
                messages,
                ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
                ...(options.max_tokens !== undefined ? { max_tokens: options.max_tokens } : {}),
                ...(options.seed !== undefined ? { seed: options.seed } : {}),
            }, { maxRetries: 0 })
                .withResponse();
            const latencyMs = performance.now() - started;
            const request_id = requestIdOf(xRequestId, response.headers);
            const choice = data.choices;
            const first = Array.isArray(choice) ? choice[0] : undefined;
            if (!first || typeof first !== 'object' || !first.message || typeof first.message !== 'object') {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
                    kind: 'bad-response',
                    provider: this.name,
                    operation: 'chat',
                    requestId: request_id,
                    message: `chat completion for ${session.target} had no message in choices[0]`,
                });
            }
            const content = first.message.content;
            const text = typeof content === 'string' ? content : (first.message.refusal ?? '');
            const u = data.usage;
            return {
                text,
                latencyMs,
                usage: u ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens } : null,
                finishReason: first.finish_reason ?? null,
                requestId: request_id,
            };
        });
    }
    async closeChatSession(_session) {
        // Nothing to release: OpenAI serves fine-tuned models without a deployment.
    }
    // -------------------------------------------------------------------------------------------
    // Errors and retries
    /** Run a read (or an idempotent write) with retries on transient errors (shared rules: errors.ts). */
    call(operation, fn) {
        return this.retrier.call(operation, fn);
    }
    /** Run something that creates a resource; a lost create is looked for before it is re-sent. */
    createOnce(operation, create, recover) {
        return this.retrier.createOnce(operation, create, recover);
    }
    /** Any thrown value as a ProviderError of the right kind. */
    toError(e, operation) {
        if (e instanceof _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ)
            return e;
        const base = { provider: this.name, operation, cause: e };
        if (e instanceof openai__WEBPACK_IMPORTED_MODULE_3__/* ["default"].APIUserAbortError */ .Ay.APIUserAbortError) {
            return new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({ ...base, kind: 'aborted', message: 'request aborted' });
        }
        if (e instanceof openai__WEBPACK_IMPORTED_MODULE_3__/* ["default"].APIConnectionError */ .Ay.APIConnectionError) {
            // Includes APIConnectionTimeoutError: resets, refused connections, timeouts.
            const cause = e.cause;
            const detail = cause?.code ?? cause?.message;
            return new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
                ...base,
                kind: 'transient',
                message: `${e.message}${detail ? ` (${detail})` : ''}`,
            });
        }
        if (e instanceof openai__WEBPACK_IMPORTED_MODULE_3__/* ["default"].APIError */ .Ay.APIError) {
            const status = typeof e.status === 'number' ? e.status : null;
            const body = (e.error ?? {});
            const code = typeof e.code === 'string' ? e.code : null;
            const type = typeof e.type === 'string' ? e.type : null;
            const plain = typeof body.message === 'string' && body.message ? body.message : e.message;
            // Azure adds `inner_error` ({code, message?, content_filter_results?}) with the real reason.
            const inner = describeInnerError(body.inner_error);
            const message = inner ? `${plain} (inner error: ${inner})` : plain;
            const retryAfterMs = e.headers ? (0,_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .parseRetryAfter */ .mu)((n) => e.headers?.get(n)) : null;
            const kind = (0,_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .classifyHttpError */ .nW)(status, code, type);
            return new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
                ...base,
                kind,
                status,
                code,
                type,
                param: typeof e.param === 'string' ? e.param : null,
                // Azure answers with `apim-request-id` (and not always `x-request-id`).
                requestId: e.requestID ?? e.headers?.get('apim-request-id') ?? null,
                retryAfterMs,
                message,
                hint: kind === 'quota' ? (this.name === 'openai' ? BILLING_HINT : 'Out of quota: raise it or wait for it to reset.') : null,
            });
        }
        const err = e;
        return new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .ProviderError */ .mZ({
            ...base,
            kind: err?.code === 'ENOENT' ? 'invalid' : 'unknown',
            message: err?.message ?? String(e),
        });
    }
}
/** `x-request-id`, else Azure's `apim-request-id`; null when neither is there. */
function requestIdOf(xRequestId, headers) {
    return xRequestId ?? headers?.get('apim-request-id') ?? null;
}
/** Azure's `inner_error` as one short phrase: its code and, when given, its message. */
function describeInnerError(inner) {
    if (!inner || typeof inner !== 'object')
        return null;
    const i = inner;
    const code = typeof i.code === 'string' && i.code ? i.code : null;
    const msg = typeof i.message === 'string' && i.message ? i.message : null;
    if (!code && !msg)
        return null;
    return [code, msg].filter(Boolean).join(': ');
}
function hyperparametersOf(j) {
    const m = j.method;
    const fromMethod = m ? m[m.type]?.hyperparameters : undefined;
    const hp = (fromMethod ?? j.hyperparameters ?? {});
    const out = {};
    for (const k of ['n_epochs', 'batch_size', 'learning_rate_multiplier', 'beta']) {
        const v = hp[k];
        if (typeof v === 'number' || v === 'auto')
            out[k] = v;
    }
    return out;
}
function normalizeJob(j) {
    const status = String(j.status);
    const method = j.method?.type;
    return {
        id: j.id,
        status,
        providerStatus: status,
        model: j.model,
        fineTunedModel: j.fine_tuned_model ?? null,
        trainedTokens: j.trained_tokens ?? null,
        createdAt: j.created_at,
        finishedAt: j.finished_at ?? null,
        estimatedFinish: j.estimated_finish ?? null,
        error: j.error ? { code: j.error.code, message: j.error.message, param: j.error.param ?? null } : null,
        metadata: { ...(j.metadata ?? {}) },
        trainingFileId: j.training_file,
        validationFileId: j.validation_file ?? null,
        method: method === 'supervised' || method === 'dpo' || method === 'reinforcement' ? method : null,
        hyperparameters: hyperparametersOf(j),
        seed: typeof j.seed === 'number' ? j.seed : null,
        totalPrice: null,
    };
}
function normalizeEvent(e) {
    return {
        id: e.id,
        createdAt: e.created_at,
        level: e.level,
        message: e.message,
        type: e.type ?? null,
        data: e.data && typeof e.data === 'object' ? e.data : null,
    };
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
