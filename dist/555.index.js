export const id = 555;
export const ids = [555];
export const modules = {

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

/***/ 44555:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  createVertexProvider: () => (/* binding */ createVertexProvider)
});

// UNUSED EXPORTS: VertexProvider, findCredentials, labelValue, mapVertexState, parseBucket, sha256, toProviderError

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@google/genai/dist/node/index.mjs + 1 modules
var node = __webpack_require__(67964);
// EXTERNAL MODULE: ./node_modules/@google-cloud/storage/build/esm/src/index.js + 27 modules
var src = __webpack_require__(23923);
// EXTERNAL MODULE: ./src/providers/errors.ts
var errors = __webpack_require__(61787);
// EXTERNAL MODULE: ./src/providers/registry.ts
var registry = __webpack_require__(63307);
// EXTERNAL MODULE: ./src/providers/types.ts
var types = __webpack_require__(42695);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(78474);
// EXTERNAL MODULE: ./src/dataset/read.ts
var read = __webpack_require__(67154);
;// CONCATENATED MODULE: ./src/providers/vertex/convert.ts
/**
 * OpenAI chat examples → Vertex AI (Gemini) supervised tuning examples, without rewriting the
 * dataset by hand. Pure and deterministic: the same line always gives the same bytes.
 *
 * Target shape (Vertex AI "Prepare supervised fine-tuning data for Gemini models", read
 * 2026-12-02; `Content`/`Part`/`FunctionCall`/`FunctionResponse`/`Blob` as in googleapis
 * google/cloud/aiplatform/v1/content.proto and tool.proto):
 *   {"systemInstruction": {"role": "system", "parts": [{"text": …}]},
 *    "contents": [{"role": "user" | "model", "parts": [{"text"} | {"inlineData"} | {"functionCall"} | {"functionResponse"}]}],
 *    "tools": [{"functionDeclarations": [{"name", "description", "parameters"}]}]}
 *
 * Mapping: system/developer messages (only before the first other message) → systemInstruction;
 * user → user; assistant → model (text, tool_calls/function_call → functionCall with parsed
 * arguments); tool/function results → functionResponse in a user turn, named after the call
 * they answer; base64 data-URL images → inlineData. Consecutive turns of the same role are
 * merged (a tool result after a user turn, several tool results). A line already in Vertex
 * form (`contents`) is passed through byte for byte.
 *
 * What cannot be expressed is refused with a located problem, never dropped silently: a system
 * message in mid-conversation, `weight: 0` (Vertex trains on every model turn), an image by
 * http(s) URL (Vertex reads only inline bytes or gs:// files), tool arguments that are not
 * JSON objects, a tool result whose call is unknown, a conversation that does not end with
 * the model, DPO or completion lines.
 */
class Refusal extends Error {
    problem;
    constructor(problem) {
        super(problem.message);
        this.problem = problem;
    }
}
function refuse(code, path, message, hint) {
    throw new Refusal({ code, path, message, hint });
}
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Whether a parsed line is already a Vertex example. */
function isVertexExample(v) {
    return isObject(v) && Array.isArray(v.contents) && !('messages' in v);
}
function parts(content, path, allowImages) {
    if (content === null || content === undefined)
        return [];
    if (typeof content === 'string')
        return content === '' ? [] : [{ text: content }];
    if (!Array.isArray(content))
        refuse('unconvertible-content', path, 'the content is neither text nor a list of parts', 'use a string or a list of {type: text|image_url} parts');
    const out = [];
    content.forEach((p, i) => {
        const at = `${path}[${i}]`;
        if (!isObject(p))
            refuse('unconvertible-content', at, 'the part is not an object', 'use {"type": "text", "text": …}');
        if (p.type === 'text' && typeof p.text === 'string') {
            out.push({ text: p.text });
            return;
        }
        if (p.type === 'image_url' && isObject(p.image_url) && typeof p.image_url.url === 'string') {
            if (!allowImages)
                refuse('unconvertible-image', at, 'an image outside a user message cannot be converted', 'move the image into a user message');
            const url = p.image_url.url;
            const m = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]*)$/i.exec(url);
            if (!m) {
                refuse('image-url-not-inline', `${at}.image_url.url`, `the image is referenced by URL (${url.slice(0, 40)}${url.length > 40 ? '…' : ''}); Vertex tuning data carries images inline or as gs:// files`, 'embed the image as a base64 data URL (data:image/png;base64,…) or upload it to Cloud Storage and write the example in Vertex form with fileData');
            }
            out.push({ inlineData: { mimeType: m[1].toLowerCase(), data: m[2].replace(/\s+/g, '') } });
            return;
        }
        refuse('unconvertible-content', at, `a part of type ${JSON.stringify(p.type)} cannot be converted`, 'use text parts, or image_url parts with base64 data URLs');
    });
    return out;
}
function parseArgs(raw, path) {
    if (typeof raw !== 'string')
        refuse('unconvertible-tool-call', path, 'the tool call has no arguments string', 'set function.arguments to a JSON object as a string, e.g. "{}"');
    let v;
    try {
        v = raw.trim() === '' ? {} : JSON.parse(raw);
    }
    catch {
        refuse('unconvertible-tool-call', path, 'the tool call arguments are not valid JSON', 'make function.arguments a JSON object encoded as a string');
    }
    if (!isObject(v))
        refuse('unconvertible-tool-call', path, 'the tool call arguments are not a JSON object', 'Gemini function calls take an object of named arguments: wrap the value, e.g. {"value": …}');
    return v;
}
function responseOf(content, path) {
    const text = typeof content === 'string'
        ? content
        : Array.isArray(content)
            ? parts(content, path, false)
                .map((p) => p.text ?? '')
                .join('')
            : content === null || content === undefined
                ? ''
                : null;
    if (text === null)
        refuse('unconvertible-tool-result', path, 'the tool result is neither text nor text parts', 'make the tool message content a string');
    try {
        const v = JSON.parse(text);
        if (isObject(v))
            return v;
    }
    catch {
        // not JSON: carried as text below
    }
    return { content: text };
}
function convertTools(tools, functions) {
    const decls = [];
    const add = (f, path) => {
        if (!isObject(f) || typeof f.name !== 'string' || f.name === '')
            refuse('unconvertible-tool', path, 'the function definition has no name', 'give every function a name');
        const d = { name: f.name };
        if (typeof f.description === 'string')
            d.description = f.description;
        if (f.parameters !== undefined)
            d.parameters = f.parameters;
        decls.push(d);
    };
    if (tools !== undefined) {
        if (!Array.isArray(tools))
            refuse('unconvertible-tool', 'tools', 'tools is not a list', 'use a list of {"type": "function", "function": {…}}');
        tools.forEach((t, i) => {
            if (!isObject(t) || t.type !== 'function')
                refuse('unconvertible-tool', `tools[${i}]`, 'only function tools can be converted', 'Gemini tuning takes function declarations; remove other tool types');
            add(t.function, `tools[${i}].function`);
        });
    }
    if (functions !== undefined) {
        if (!Array.isArray(functions))
            refuse('unconvertible-tool', 'functions', 'functions is not a list', 'use a list of function definitions');
        functions.forEach((f, i) => add(f, `functions[${i}]`));
    }
    return decls.length ? [{ functionDeclarations: decls }] : undefined;
}
/** One parsed OpenAI chat example → a Vertex example. Throws `Refusal` for what cannot be converted. */
function toVertex(ex) {
    if (!Array.isArray(ex.messages)) {
        const kind = 'input' in ex && 'preferred_output' in ex ? 'a DPO example' : 'prompt' in ex ? 'a completion example' : 'not a chat example';
        refuse('not-convertible', '', `the line is ${kind}; only chat examples ({"messages": […]}) convert to Vertex supervised tuning`, 'convert chat examples only; Vertex preference tuning takes another format');
    }
    const system = [];
    const contents = [];
    const callNames = new Map();
    const push = (role, p) => {
        if (p.length === 0)
            return;
        const last = contents[contents.length - 1];
        if (last && last.role === role)
            last.parts.push(...p);
        else
            contents.push({ role, parts: p });
    };
    ex.messages.forEach((m, i) => {
        const at = `messages[${i}]`;
        if (!isObject(m))
            refuse('not-convertible', at, 'the message is not an object', 'each message is {"role": …, "content": …}');
        switch (m.role) {
            case 'system':
            case 'developer':
                if (contents.length > 0) {
                    refuse('system-not-first', at, `a ${m.role} message after the conversation started cannot be converted: Gemini has one system instruction per example`, 'move it to the start, or fold it into the user message it precedes');
                }
                system.push(...parts(m.content, `${at}.content`, false));
                return;
            case 'user':
                push('user', parts(m.content, `${at}.content`, true));
                return;
            case 'assistant': {
                if (m.weight === 0)
                    refuse('weight-not-convertible', `${at}.weight`, 'weight: 0 (do not train on this turn) has no Vertex equivalent: every model turn is trained on', 'remove the turn, or end the example before it');
                const p = parts(m.content, `${at}.content`, false);
                if (p.length === 0 && typeof m.refusal === 'string' && m.refusal)
                    p.push({ text: m.refusal });
                if (Array.isArray(m.tool_calls)) {
                    m.tool_calls.forEach((c, j) => {
                        const cp = `${at}.tool_calls[${j}]`;
                        if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== 'string')
                            refuse('unconvertible-tool-call', cp, 'the tool call has no function name', 'use {"id", "type": "function", "function": {"name", "arguments"}}');
                        const name = c.function.name;
                        if (typeof c.id === 'string')
                            callNames.set(c.id, name);
                        p.push({ functionCall: { name, args: parseArgs(c.function.arguments, `${cp}.function.arguments`) } });
                    });
                }
                if (isObject(m.function_call) && typeof m.function_call.name === 'string') {
                    p.push({ functionCall: { name: m.function_call.name, args: parseArgs(m.function_call.arguments, `${at}.function_call.arguments`) } });
                }
                if (p.length === 0)
                    refuse('empty-model-turn', at, 'the assistant message has no content and no tool calls', 'give it content or remove it');
                push('model', p);
                return;
            }
            case 'tool': {
                const id = m.tool_call_id;
                const name = typeof id === 'string' ? callNames.get(id) : undefined;
                if (!name)
                    refuse('unknown-tool-call', `${at}.tool_call_id`, `the tool result answers ${JSON.stringify(id)}, which no earlier assistant tool call has as id`, 'set tool_call_id to the id of the call it answers');
                push('user', [{ functionResponse: { name, response: responseOf(m.content, `${at}.content`) } }]);
                return;
            }
            case 'function': {
                if (typeof m.name !== 'string' || !m.name)
                    refuse('unknown-tool-call', `${at}.name`, 'the function result has no name', 'set name to the function it answers');
                push('user', [{ functionResponse: { name: m.name, response: responseOf(m.content, `${at}.content`) } }]);
                return;
            }
            default:
                refuse('not-convertible', `${at}.role`, `the role ${JSON.stringify(m.role)} cannot be converted`, 'use system, developer, user, assistant, tool or function');
        }
    });
    if (contents.length === 0)
        refuse('not-convertible', 'messages', 'the example has no user or assistant turns', 'add a user message and the assistant answer');
    if (contents[contents.length - 1].role !== 'model') {
        refuse('no-final-model-turn', `messages[${ex.messages.length - 1}]`, 'the example does not end with an assistant message: Vertex needs the model turn to learn from last', 'end the example with the assistant answer');
    }
    const out = { contents };
    if (system.length)
        out.systemInstruction = { role: 'system', parts: system };
    const tools = convertTools(ex.tools, ex.functions);
    if (tools)
        out.tools = tools;
    // Key order fixed: systemInstruction, contents, tools.
    return { ...(out.systemInstruction ? { systemInstruction: out.systemInstruction } : {}), contents: out.contents, ...(out.tools ? { tools: out.tools } : {}) };
}
/** One JSONL line (text, without its newline) → one Vertex JSONL line, or a located problem. */
function convertLine(text) {
    let v;
    try {
        v = JSON.parse(text);
    }
    catch (e) {
        return { ok: false, problem: { code: 'invalid-json', path: '', message: `the line is not valid JSON (${e.message})`, hint: 'fix the JSON on this line' } };
    }
    if (isVertexExample(v))
        return { ok: true, text, alreadyVertex: true };
    if (!isObject(v))
        return { ok: false, problem: { code: 'not-convertible', path: '', message: 'the line is not a JSON object', hint: 'one example object per line' } };
    try {
        return { ok: true, text: JSON.stringify(toVertex(v)), alreadyVertex: false };
    }
    catch (e) {
        if (e instanceof Refusal)
            return { ok: false, problem: e.problem };
        throw e;
    }
}

;// CONCATENATED MODULE: ./src/providers/vertex/convert-file.ts
/**
 * A whole JSONL file through the Vertex converter, streaming: lines go out as they are
 * converted (to a stream, or to a file that appears only when every line converted), problems
 * come back with their line numbers, and the output's sha256 names the upload.
 */






/** Largest line read; Vertex takes files up to 1 GB, an example is far smaller. */
const MAX_LINE_BYTES = 150 * 1024 * 1024;
async function write(out, chunk) {
    if (!out.write(chunk))
        await (0,external_node_events_.once)(out, 'drain');
}
/** Convert `input` to `out`. Stops writing after the first problem but keeps reading to report them all (up to `maxProblems`). */
async function convertStream(input, out, maxProblems = 100) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const problems = [];
    let examples = 0;
    let alreadyVertex = 0;
    let bytes = 0;
    for await (const batch of (0,read/* readLineBatches */.p)(input, { maxLineBytes: MAX_LINE_BYTES })) {
        for (const p of batch.problems) {
            if (p.kind === 'line-too-long' && problems.length < maxProblems) {
                problems.push({ file: input, line: p.line, code: 'line-too-long', path: '', message: `the line is ${p.length} bytes, too long to convert`, hint: 'split the example' });
            }
        }
        for (const l of batch.lines) {
            const text = l.bytes.toString('utf8');
            if (text.trim() === '')
                continue;
            examples++;
            const r = convertLine(text);
            if (!r.ok) {
                if (problems.length < maxProblems)
                    problems.push({ file: input, line: l.line, ...r.problem });
                continue;
            }
            if (r.alreadyVertex)
                alreadyVertex++;
            if (problems.length)
                continue;
            const chunk = `${r.text}\n`;
            hash.update(chunk);
            bytes += Buffer.byteLength(chunk);
            if (out)
                await write(out, chunk);
        }
    }
    return { examples, alreadyVertex, problems, sha256: hash.digest('hex'), bytes };
}
/** Convert `input` into `outPath`; the file exists afterwards only if every line converted. */
async function convertFile(input, outPath) {
    const tmp = `${outPath}.partial-${process.pid}`;
    const out = (0,external_node_fs_.createWriteStream)(tmp);
    try {
        const summary = await convertStream(input, out);
        out.end();
        await (0,external_node_events_.once)(out, 'close');
        if (summary.problems.length)
            await (0,promises_.rm)(tmp, { force: true });
        else
            await (0,promises_.rename)(tmp, outPath);
        return summary;
    }
    catch (e) {
        out.destroy();
        await (0,promises_.rm)(tmp, { force: true });
        throw e;
    }
}
function formatProblem(p) {
    return `${p.file}:${p.line}${p.path ? ` ${p.path}` : ''}: ${p.message} [${p.code}]; ${p.hint}`;
}

;// CONCATENATED MODULE: ./src/providers/vertex/adapter.ts
/**
 * Gemini supervised tuning on Vertex AI, through Google's own clients: `@google/genai`
 * (`tunings.tune/get/list/cancel`, `models.generateContent`, with `vertexai: true`) and
 * `@google-cloud/storage` for the dataset. Shapes: aiplatform v1 `TuningJob`,
 * `SupervisedTuningSpec`, `TuningDataStats` (googleapis/googleapis
 * google/cloud/aiplatform/v1/tuning_job.proto @ 0fa9ce880be5ea7c3027015849cd4fbfb04812c5).
 *
 * - Credentials: Application Default Credentials, as google-github-actions/auth leaves them
 *   (GOOGLE_APPLICATION_CREDENTIALS → an external_account file for Workload Identity
 *   Federation, or a service-account key). No key input; a clear error when none is found.
 * - Upload: the dataset is converted to Vertex form (convert.ts), named by the sha256 of the
 *   converted bytes under the `vertex-bucket` prefix, and reused when already there.
 * - Jobs are tagged with labels (keys and values ≤ 64 characters, lowercase letters, digits,
 *   `_`, `-`): our job key, the commit, and one id per create so that a create whose answer
 *   was lost is found, not repeated. A rerun finds the job by its key label.
 * - Reads use the clients' own retries (408/429/5xx); a create is sent once per attempt and
 *   looked for before it is sent again (errors.ts `Retrier.createOnce`).
 * - The tuned model is deployed to an endpoint by Vertex itself; smoke tests call
 *   generateContent on that endpoint (serverless, per token: nothing to close).
 * - Vertex has no event stream for tuning jobs: state changes seen while polling are the events.
 */











const PROVIDER = 'vertex';
/** JobState (job_state.proto) → our status words. */
const STATES = {
    JOB_STATE_QUEUED: 'queued',
    JOB_STATE_PENDING: 'queued',
    JOB_STATE_RUNNING: 'running',
    JOB_STATE_UPDATING: 'running',
    JOB_STATE_CANCELLING: 'running',
    JOB_STATE_SUCCEEDED: 'succeeded',
    JOB_STATE_PARTIALLY_SUCCEEDED: 'succeeded',
    JOB_STATE_FAILED: 'failed',
    JOB_STATE_EXPIRED: 'failed',
    JOB_STATE_CANCELLED: 'cancelled',
};
function mapVertexState(state) {
    return (state && STATES[state]) ?? (state ? state.replace(/^JOB_STATE_/, '').toLowerCase() : 'unknown');
}
/** A label value: lowercase letters, digits, `_` and `-`, at most 64 characters. */
function labelValue(v) {
    return v
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .slice(0, 64);
}
function parseBucket(uri) {
    const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(\/.*)?$/.exec(uri.trim());
    if (!m)
        throw new registry/* ProviderSetupError */.br(`input vertex-bucket: "${uri}" is not a gs:// bucket; use gs://my-bucket or gs://my-bucket/finetune-ci/`);
    let prefix = (m[2] ?? '').replace(/^\/+/, '');
    if (prefix && !prefix.endsWith('/'))
        prefix += '/';
    return { bucket: m[1], prefix };
}
/** Where ADC would find credentials; null when there are none (the message says what to add). */
function findCredentials(env = process.env) {
    const file = env.GOOGLE_APPLICATION_CREDENTIALS?.trim();
    if (file) {
        if (!(0,external_node_fs_.existsSync)(file)) {
            throw new registry/* ProviderSetupError */.br(`GOOGLE_APPLICATION_CREDENTIALS points at ${file}, which does not exist; run google-github-actions/auth in the same job before finetune-ci`);
        }
        return file;
    }
    const config = env.CLOUDSDK_CONFIG?.trim() || (0,external_node_path_.join)(env.APPDATA && process.platform === 'win32' ? env.APPDATA : (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.config'), 'gcloud');
    const wellKnown = (0,external_node_path_.join)(config, 'application_default_credentials.json');
    if ((0,external_node_fs_.existsSync)(wellKnown))
        return wellKnown;
    // On Google Cloud (GCE, Cloud Run) the metadata server answers: let ADC find it.
    if (env.GCE_METADATA_HOST || env.GCE_METADATA_IP || env.K_SERVICE)
        return null;
    throw new registry/* ProviderSetupError */.br('no Google Cloud credentials found for provider vertex: add a google-github-actions/auth step before finetune-ci ' +
        '(workload_identity_provider and service_account, with permissions id-token: write), which sets GOOGLE_APPLICATION_CREDENTIALS; ' +
        'the service account needs roles/aiplatform.user and write access to the vertex-bucket');
}
async function createVertexProvider(s) {
    const missing = ['project', 'location', 'bucket'].filter((k) => !s[k]?.trim());
    if (missing.length) {
        throw new registry/* ProviderSetupError */.br(`${missing.map((k) => `input vertex-${k}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} empty: provider vertex needs the Google Cloud project, the region (e.g. us-central1) and a gs:// bucket for the datasets`);
    }
    parseBucket(s.bucket);
    findCredentials();
    return new VertexProvider({
        project: s.project.trim(),
        location: s.location.trim(),
        bucket: s.bucket.trim(),
        baseUrl: s.baseUrl,
        storageBaseUrl: s.storageBaseUrl,
        log: s.log,
    });
}
/** Google error body: {"error": {"code", "message", "status"}}; ApiError carries it as JSON text. */
function googleStatus(message) {
    const i = message.indexOf('{');
    if (i >= 0) {
        try {
            const body = JSON.parse(message.slice(i));
            if (body.error)
                return { status: body.error.status ?? null, text: body.error.message ?? message };
        }
        catch {
            // not JSON
        }
    }
    return { status: null, text: message };
}
function toProviderError(e, operation) {
    if (e instanceof errors/* ProviderError */.mZ)
        return e;
    if (e instanceof node/* ApiError */.hD) {
        const g = googleStatus(e.message);
        const kind = (0,errors/* classifyHttpError */.nW)(e.status, g.status, null);
        const hint = kind === 'auth'
            ? 'Google refused the credentials: check the google-github-actions/auth step (workload identity provider, service account) runs in this job'
            : kind === 'permission'
                ? 'the service account needs roles/aiplatform.user in the project and write access (roles/storage.objectUser) to the vertex-bucket'
                : null;
        return new errors/* ProviderError */.mZ({ kind, message: g.text.slice(0, 500), provider: PROVIDER, operation, status: e.status, code: g.status, hint, cause: e });
    }
    const err = e;
    if (err?.name === 'AbortError')
        return new errors/* ProviderError */.mZ({ kind: 'aborted', message: 'aborted', provider: PROVIDER, operation, cause: e });
    // @google-cloud/storage: ApiError with a numeric `code` (HTTP status).
    if (typeof err?.code === 'number') {
        return new errors/* ProviderError */.mZ({ kind: (0,errors/* classifyHttpError */.nW)(err.code, null, null), message: String(err.message ?? e).slice(0, 500), provider: PROVIDER, operation, status: err.code, cause: e });
    }
    const network = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed|socket hang up/i.test(String(err?.message ?? ''));
    return new errors/* ProviderError */.mZ({ kind: network ? 'transient' : 'unknown', message: String(err?.message ?? e).slice(0, 500), provider: PROVIDER, operation, cause: e });
}
const seconds = (iso) => (iso ? Math.floor(Date.parse(iso) / 1000) : null);
class VertexProvider {
    o;
    name = 'vertex';
    ai;
    storage;
    bucket;
    prefix;
    retrier;
    log;
    tempRoot;
    /** State changes seen per job, oldest first: Vertex's tuning jobs have no event list. */
    seen = new Map();
    now;
    constructor(o) {
        this.o = o;
        const { bucket, prefix } = parseBucket(o.bucket);
        this.bucket = bucket;
        this.prefix = prefix;
        this.log = o.log ?? (() => { });
        this.now = o.now ?? Date.now;
        this.tempRoot = o.tempRoot ?? process.env.RUNNER_TEMP ?? (0,external_node_os_.tmpdir)();
        const scopes = ['https://www.googleapis.com/auth/cloud-platform'];
        this.ai = new node/* GoogleGenAI */.M4({
            vertexai: true,
            project: o.project,
            location: o.location,
            apiVersion: 'v1',
            // Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS (google-github-actions/auth), gcloud, or the metadata server.
            googleAuthOptions: { scopes, projectId: o.project },
            httpOptions: {
                ...(o.baseUrl ? { baseUrl: o.baseUrl } : {}),
                retryOptions: o.httpRetry ?? { attempts: 5, initialDelay: 1, maxDelay: 30 },
                ...(o.fetch ? { fetch: o.fetch } : {}),
            },
        });
        this.storage = new src/* Storage */.wc({
            projectId: o.project,
            ...(o.storageBaseUrl ? { apiEndpoint: o.storageBaseUrl, useAuthWithCustomEndpoint: true } : {}),
            scopes,
            retryOptions: { autoRetry: true, maxRetries: o.httpRetry?.attempts !== undefined ? Math.max(0, o.httpRetry.attempts - 1) : 4, totalTimeout: 600 },
        });
        this.retrier = new errors/* Retrier */.mV({ retry: o.createRetry, toError: toProviderError, log: this.log, sleep: o.sleep });
    }
    parent() {
        return `projects/${this.o.project}/locations/${this.o.location}`;
    }
    async guard(operation, fn) {
        try {
            return await fn();
        }
        catch (e) {
            throw toProviderError(e, operation);
        }
    }
    // ------------------------------------------------------------------------------ files
    async upload(localPath, options) {
        const role = /^valid/.test(options.name) ? 'valid' : 'train';
        const tmp = (0,external_node_path_.join)(this.tempRoot, `finetune-ci-vertex-${(0,external_node_crypto_.randomUUID)()}.jsonl`);
        try {
            const summary = await convertFile(localPath, tmp);
            if (summary.problems.length) {
                const first = summary.problems[0];
                throw new errors/* ProviderError */.mZ({
                    kind: 'invalid',
                    provider: PROVIDER,
                    operation: 'upload',
                    message: `${summary.problems.length} example(s) cannot be converted to Vertex form; the first: ${formatProblem(first)}`,
                    hint: 'fix the lines named, or convert the file yourself (finetune-ci convert <file> --to vertex) and commit the Vertex form',
                    line: first.line,
                });
            }
            const object = `${this.prefix}${role}.${summary.sha256.slice(0, 16)}.jsonl`;
            const uri = `gs://${this.bucket}/${object}`;
            const file = this.storage.bucket(this.bucket).file(object);
            const [exists] = await this.guard('upload', () => file.exists());
            if (exists) {
                const [meta] = await this.guard('upload', () => file.getMetadata());
                if (Number(meta.size) === summary.bytes) {
                    this.log(`${uri}: already uploaded (${summary.bytes} bytes, same content hash): reusing it`);
                    return { id: uri, name: object, bytes: summary.bytes, reused: true, via: null };
                }
            }
            await this.guard('upload', () => this.storage.bucket(this.bucket).upload(tmp, {
                destination: object,
                resumable: false,
                validation: 'md5',
                metadata: { contentType: 'application/jsonl' },
            }));
            options.onProgress?.(summary.bytes, summary.bytes);
            if (summary.alreadyVertex < summary.examples)
                this.log(`${localPath}: ${summary.examples - summary.alreadyVertex} example(s) converted to Vertex form`);
            return { id: uri, name: object, bytes: summary.bytes, reused: false, via: 'files' };
        }
        finally {
            await (0,promises_.rm)(tmp, { force: true });
        }
    }
    // ------------------------------------------------------------------------------ jobs
    toJob(j) {
        const spec = j.supervisedTuningSpec;
        const stats = j.tuningDataStats?.supervisedTuningDataStats;
        const epochs = spec?.hyperParameters?.epochCount !== undefined ? Number(spec.hyperParameters.epochCount) : null;
        const billable = stats?.totalBillableTokenCount !== undefined ? Number(stats.totalBillableTokenCount) : null;
        const status = mapVertexState(j.state);
        return {
            id: j.name ?? '',
            status,
            providerStatus: j.state ?? 'JOB_STATE_UNSPECIFIED',
            model: j.baseModel ?? '',
            // What answers chat: the endpoint Vertex deployed the tuned model to.
            fineTunedModel: j.tunedModel?.endpoint ?? j.tunedModel?.model ?? null,
            // Billed training tokens = the dataset's billable tokens × epochs.
            trainedTokens: billable === null ? null : epochs ? billable * epochs : billable,
            createdAt: seconds(j.createTime) ?? 0,
            finishedAt: seconds(j.endTime),
            estimatedFinish: null,
            error: j.error ? { code: String(j.error.code ?? 'error'), message: j.error.message ?? 'the tuning job failed', param: null } : null,
            metadata: { ...(j.labels ?? {}) },
            trainingFileId: spec?.trainingDatasetUri ?? '',
            validationFileId: spec?.validationDatasetUri ?? null,
            method: spec ? 'supervised' : null,
            hyperparameters: {
                ...(epochs !== null ? { n_epochs: epochs } : {}),
                ...(spec?.hyperParameters?.learningRateMultiplier !== undefined ? { learning_rate_multiplier: spec.hyperParameters.learningRateMultiplier } : {}),
            },
            seed: null,
            totalPrice: null,
        };
    }
    note(job, raw) {
        const events = this.seen.get(job.id) ?? [];
        const last = events[events.length - 1];
        const stats = raw.tuningDataStats?.supervisedTuningDataStats;
        const message = `${job.providerStatus}` +
            (stats?.tuningStepCount !== undefined ? `, ${stats.tuningStepCount} tuning steps` : '') +
            (stats?.totalBillableTokenCount !== undefined ? `, ${stats.totalBillableTokenCount} billable tokens in the dataset` : '') +
            (job.fineTunedModel ? `, endpoint ${job.fineTunedModel}` : '') +
            (raw.tunedModel?.model ? `, model ${raw.tunedModel.model}` : '') +
            (job.error ? `: ${job.error.message}` : '');
        if (last?.message === message)
            return;
        events.push({
            id: `${events.length + 1}`,
            createdAt: Math.floor(this.now() / 1000),
            level: job.status === 'failed' ? 'error' : 'info',
            message,
            type: 'message',
            data: null,
        });
        this.seen.set(job.id, events);
    }
    async getJob(jobId) {
        const raw = await this.guard('getJob', () => this.ai.tunings.get({ name: jobId }));
        const job = this.toJob(raw);
        this.note(job, raw);
        return job;
    }
    async listByLabel(key, value) {
        return this.guard('findJob', async () => {
            const pager = await this.ai.tunings.list({ config: { filter: `labels.${key}="${value}"`, pageSize: 100 } });
            const jobs = [];
            for await (const j of pager) {
                // The filter is the server's; check the label here too.
                if (j.labels?.[key] === value)
                    jobs.push(this.toJob(j));
            }
            return jobs;
        });
    }
    async findJob(key, _hints) {
        return (0,types/* pickJob */.BH)(await this.listByLabel(types/* TAG_KEYS */.SE.key, labelValue(key)));
    }
    async createJob(spec) {
        if (spec.method !== 'supervised') {
            throw new errors/* ProviderError */.mZ({
                kind: 'invalid',
                provider: PROVIDER,
                operation: 'createJob',
                message: `finetune-ci tunes Gemini on Vertex AI with supervised examples only, not ${spec.method}`,
                hint: 'set method: supervised (or auto with chat data)',
            });
        }
        const attempt = labelValue((0,external_node_crypto_.randomUUID)());
        const labels = { [types/* TAG_KEYS */.SE.key]: labelValue(spec.tag.key), [types/* TAG_KEYS */.SE.attempt]: attempt };
        if (spec.tag.commit)
            labels[types/* TAG_KEYS */.SE.commit] = labelValue(spec.tag.commit);
        if (spec.tag.repository)
            labels[types/* TAG_KEYS */.SE.repository] = labelValue(spec.tag.repository);
        if (spec.tag.target)
            labels[types/* TAG_KEYS */.SE.target] = labelValue(spec.tag.target);
        const h = spec.hyperparameters ?? {};
        if (typeof h.batch_size === 'number')
            this.log(`batch_size ${h.batch_size} is ignored: Vertex AI chooses the batch size for Gemini tuning`);
        const display = `${spec.suffix ? `${spec.suffix}-` : ''}${spec.tag.key.slice(0, 8)}`.slice(0, 128);
        const create = async () => {
            const raw = await this.ai.tunings.tune({
                baseModel: spec.model,
                trainingDataset: { gcsUri: spec.trainingFileId },
                config: {
                    tunedModelDisplayName: display,
                    labels,
                    ...(spec.validationFileId ? { validationDataset: { gcsUri: spec.validationFileId } } : {}),
                    ...(typeof h.n_epochs === 'number' ? { epochCount: h.n_epochs } : {}),
                    ...(typeof h.learning_rate_multiplier === 'number' ? { learningRateMultiplier: h.learning_rate_multiplier } : {}),
                    // Sent once: a lost answer is looked for (by the attempt label) before another try.
                    httpOptions: { retryOptions: { attempts: 1 } },
                },
            });
            return this.toJob(raw);
        };
        const job = await this.retrier.createOnce('createJob', create, async () => (0,types/* pickJob */.BH)(await this.listByLabel(types/* TAG_KEYS */.SE.attempt, attempt)));
        this.log(`created tuning job ${job.id} (labels ${types/* TAG_KEYS */.SE.key}=${labels[types/* TAG_KEYS */.SE.key].slice(0, 12)}…)`);
        return job;
    }
    async listEvents(jobId, afterId) {
        const events = this.seen.get(jobId) ?? [];
        if (!afterId)
            return [...events];
        return events.filter((e) => Number(e.id) > Number(afterId));
    }
    async listCheckpoints(_jobId) {
        return [];
    }
    async cancelJob(jobId) {
        await this.guard('cancelJob', () => this.ai.tunings.cancel({ name: jobId }));
        return this.getJob(jobId);
    }
    async getModel(modelId) {
        // A tuned model's endpoint is not a publisher model: nothing to look up.
        if (/^projects\/[^/]+\/locations\/[^/]+\/endpoints\//.test(modelId))
            return { id: modelId, ownedBy: this.o.project, created: null, shutdownDate: null };
        try {
            await this.ai.models.get({ model: modelId });
            return { id: modelId, ownedBy: 'google', created: null, shutdownDate: null };
        }
        catch (e) {
            const pe = toProviderError(e, 'getModel');
            if (pe.kind === 'not-found')
                return null;
            throw pe;
        }
    }
    // ------------------------------------------------------------------------------ chat
    async openChatSession(model, options = {}) {
        const target = options.existing ?? model;
        return { provider: 'vertex', model, target, needsClose: false };
    }
    async chat(session, messages, options = {}) {
        const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => ({ text: m.content }));
        const contents = messages.filter((m) => m.role === 'user' || m.role === 'assistant').map((m) => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }));
        const started = this.now();
        const r = await this.guard('chat', () => this.ai.models.generateContent({
            model: session.target,
            contents,
            config: {
                ...(system.length ? { systemInstruction: { role: 'system', parts: system } } : {}),
                ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
                ...(options.max_tokens !== undefined ? { maxOutputTokens: options.max_tokens } : {}),
                ...(options.seed !== undefined ? { seed: options.seed } : {}),
            },
        }));
        const candidate = r.candidates?.[0];
        if (!candidate) {
            throw new errors/* ProviderError */.mZ({
                kind: 'bad-response',
                provider: PROVIDER,
                operation: 'chat',
                message: `no candidate in the answer${r.promptFeedback?.blockReason ? ` (blocked: ${r.promptFeedback.blockReason})` : ''}`,
            });
        }
        const u = r.usageMetadata;
        return {
            text: (candidate.content?.parts ?? []).map((p) => p.text ?? '').join(''),
            latencyMs: this.now() - started,
            usage: u ? { promptTokens: u.promptTokenCount ?? 0, completionTokens: u.candidatesTokenCount ?? 0, totalTokens: u.totalTokenCount ?? 0 } : null,
            finishReason: candidate.finishReason ?? null,
            requestId: r.responseId ?? null,
        };
    }
    async closeChatSession(_session) {
        // Vertex deployed the endpoint with the job and bills per token: nothing to release.
    }
}
/** sha256 of a string, hex (exported for tests that name objects the way the adapter does). */
function sha256(text) {
    return createHash('sha256').update(text).digest('hex');
}


/***/ })

};
