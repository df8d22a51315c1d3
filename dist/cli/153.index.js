export const id = 153;
export const ids = [153];
export const modules = {

/***/ 7153:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  convertFile: () => (/* binding */ convertFile),
  convertStream: () => (/* binding */ convertStream),
  formatProblem: () => (/* binding */ formatProblem)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(8474);
// EXTERNAL MODULE: ./src/dataset/read.ts
var read = __webpack_require__(7154);
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


/***/ })

};
