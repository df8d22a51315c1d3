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

export interface ConvertProblem {
  code: string;
  /** Where inside the line, e.g. `messages[3].content[1].image_url.url`. */
  path: string;
  message: string;
  hint: string;
}

export interface VertexPart {
  text?: string;
  inlineData?: { mimeType: string; data: string };
  functionCall?: { name: string; args: Record<string, unknown> };
  functionResponse?: { name: string; response: Record<string, unknown> };
}
export interface VertexContent {
  role: 'user' | 'model';
  parts: VertexPart[];
}
export interface VertexExample {
  systemInstruction?: { role: 'system'; parts: VertexPart[] };
  contents: VertexContent[];
  tools?: { functionDeclarations: { name: string; description?: string; parameters?: unknown }[] }[];
}

export type Converted = { ok: true; text: string; alreadyVertex: boolean } | { ok: false; problem: ConvertProblem };

class Refusal extends Error {
  constructor(readonly problem: ConvertProblem) {
    super(problem.message);
  }
}

function refuse(code: string, path: string, message: string, hint: string): never {
  throw new Refusal({ code, path, message, hint });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a parsed line is already a Vertex example. */
export function isVertexExample(v: unknown): boolean {
  return isObject(v) && Array.isArray(v.contents) && !('messages' in v);
}

function parts(content: unknown, path: string, allowImages: boolean): VertexPart[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) refuse('unconvertible-content', path, 'the content is neither text nor a list of parts', 'use a string or a list of {type: text|image_url} parts');
  const out: VertexPart[] = [];
  content.forEach((p: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(p)) refuse('unconvertible-content', at, 'the part is not an object', 'use {"type": "text", "text": …}');
    if (p.type === 'text' && typeof p.text === 'string') {
      out.push({ text: p.text });
      return;
    }
    if (p.type === 'image_url' && isObject(p.image_url) && typeof p.image_url.url === 'string') {
      if (!allowImages) refuse('unconvertible-image', at, 'an image outside a user message cannot be converted', 'move the image into a user message');
      const url = p.image_url.url;
      const m = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]*)$/i.exec(url);
      if (!m) {
        refuse(
          'image-url-not-inline',
          `${at}.image_url.url`,
          `the image is referenced by URL (${url.slice(0, 40)}${url.length > 40 ? '…' : ''}); Vertex tuning data carries images inline or as gs:// files`,
          'embed the image as a base64 data URL (data:image/png;base64,…) or upload it to Cloud Storage and write the example in Vertex form with fileData',
        );
      }
      out.push({ inlineData: { mimeType: m[1]!.toLowerCase(), data: m[2]!.replace(/\s+/g, '') } });
      return;
    }
    refuse('unconvertible-content', at, `a part of type ${JSON.stringify(p.type)} cannot be converted`, 'use text parts, or image_url parts with base64 data URLs');
  });
  return out;
}

function parseArgs(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'string') refuse('unconvertible-tool-call', path, 'the tool call has no arguments string', 'set function.arguments to a JSON object as a string, e.g. "{}"');
  let v: unknown;
  try {
    v = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    refuse('unconvertible-tool-call', path, 'the tool call arguments are not valid JSON', 'make function.arguments a JSON object encoded as a string');
  }
  if (!isObject(v))
    refuse('unconvertible-tool-call', path, 'the tool call arguments are not a JSON object', 'Gemini function calls take an object of named arguments: wrap the value, e.g. {"value": …}');
  return v;
}

function responseOf(content: unknown, path: string): Record<string, unknown> {
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? parts(content, path, false)
            .map((p) => p.text ?? '')
            .join('')
        : content === null || content === undefined
          ? ''
          : null;
  if (text === null) refuse('unconvertible-tool-result', path, 'the tool result is neither text nor text parts', 'make the tool message content a string');
  try {
    const v: unknown = JSON.parse(text);
    if (isObject(v)) return v;
  } catch {
    // not JSON: carried as text below
  }
  return { content: text };
}

function convertTools(tools: unknown, functions: unknown): VertexExample['tools'] {
  const decls: { name: string; description?: string; parameters?: unknown }[] = [];
  const add = (f: unknown, path: string) => {
    if (!isObject(f) || typeof f.name !== 'string' || f.name === '') refuse('unconvertible-tool', path, 'the function definition has no name', 'give every function a name');
    const d: { name: string; description?: string; parameters?: unknown } = { name: f.name };
    if (typeof f.description === 'string') d.description = f.description;
    if (f.parameters !== undefined) d.parameters = f.parameters;
    decls.push(d);
  };
  if (tools !== undefined) {
    if (!Array.isArray(tools)) refuse('unconvertible-tool', 'tools', 'tools is not a list', 'use a list of {"type": "function", "function": {…}}');
    tools.forEach((t: unknown, i) => {
      if (!isObject(t) || t.type !== 'function')
        refuse('unconvertible-tool', `tools[${i}]`, 'only function tools can be converted', 'Gemini tuning takes function declarations; remove other tool types');
      add(t.function, `tools[${i}].function`);
    });
  }
  if (functions !== undefined) {
    if (!Array.isArray(functions)) refuse('unconvertible-tool', 'functions', 'functions is not a list', 'use a list of function definitions');
    functions.forEach((f: unknown, i) => add(f, `functions[${i}]`));
  }
  return decls.length ? [{ functionDeclarations: decls }] : undefined;
}

/** One parsed OpenAI chat example → a Vertex example. Throws `Refusal` for what cannot be converted. */
function toVertex(ex: Record<string, unknown>): VertexExample {
  if (!Array.isArray(ex.messages)) {
    const kind = 'input' in ex && 'preferred_output' in ex ? 'a DPO example' : 'prompt' in ex ? 'a completion example' : 'not a chat example';
    refuse(
      'not-convertible',
      '',
      `the line is ${kind}; only chat examples ({"messages": […]}) convert to Vertex supervised tuning`,
      'convert chat examples only; Vertex preference tuning takes another format',
    );
  }
  const system: VertexPart[] = [];
  const contents: VertexContent[] = [];
  const callNames = new Map<string, string>();
  const push = (role: 'user' | 'model', p: VertexPart[]) => {
    if (p.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...p);
    else contents.push({ role, parts: p });
  };
  ex.messages.forEach((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isObject(m)) refuse('not-convertible', at, 'the message is not an object', 'each message is {"role": …, "content": …}');
    switch (m.role) {
      case 'system':
      case 'developer':
        if (contents.length > 0) {
          refuse(
            'system-not-first',
            at,
            `a ${m.role} message after the conversation started cannot be converted: Gemini has one system instruction per example`,
            'move it to the start, or fold it into the user message it precedes',
          );
        }
        system.push(...parts(m.content, `${at}.content`, false));
        return;
      case 'user':
        push('user', parts(m.content, `${at}.content`, true));
        return;
      case 'assistant': {
        if (m.weight === 0)
          refuse(
            'weight-not-convertible',
            `${at}.weight`,
            'weight: 0 (do not train on this turn) has no Vertex equivalent: every model turn is trained on',
            'remove the turn, or end the example before it',
          );
        const p = parts(m.content, `${at}.content`, false);
        if (p.length === 0 && typeof m.refusal === 'string' && m.refusal) p.push({ text: m.refusal });
        if (Array.isArray(m.tool_calls)) {
          m.tool_calls.forEach((c: unknown, j) => {
            const cp = `${at}.tool_calls[${j}]`;
            if (!isObject(c) || !isObject(c.function) || typeof c.function.name !== 'string')
              refuse('unconvertible-tool-call', cp, 'the tool call has no function name', 'use {"id", "type": "function", "function": {"name", "arguments"}}');
            const name = c.function.name;
            if (typeof c.id === 'string') callNames.set(c.id, name);
            p.push({ functionCall: { name, args: parseArgs(c.function.arguments, `${cp}.function.arguments`) } });
          });
        }
        if (isObject(m.function_call) && typeof m.function_call.name === 'string') {
          p.push({ functionCall: { name: m.function_call.name, args: parseArgs(m.function_call.arguments, `${at}.function_call.arguments`) } });
        }
        if (p.length === 0) refuse('empty-model-turn', at, 'the assistant message has no content and no tool calls', 'give it content or remove it');
        push('model', p);
        return;
      }
      case 'tool': {
        const id = m.tool_call_id;
        const name = typeof id === 'string' ? callNames.get(id) : undefined;
        if (!name)
          refuse(
            'unknown-tool-call',
            `${at}.tool_call_id`,
            `the tool result answers ${JSON.stringify(id)}, which no earlier assistant tool call has as id`,
            'set tool_call_id to the id of the call it answers',
          );
        push('user', [{ functionResponse: { name, response: responseOf(m.content, `${at}.content`) } }]);
        return;
      }
      case 'function': {
        if (typeof m.name !== 'string' || !m.name) refuse('unknown-tool-call', `${at}.name`, 'the function result has no name', 'set name to the function it answers');
        push('user', [{ functionResponse: { name: m.name, response: responseOf(m.content, `${at}.content`) } }]);
        return;
      }
      default:
        refuse('not-convertible', `${at}.role`, `the role ${JSON.stringify(m.role)} cannot be converted`, 'use system, developer, user, assistant, tool or function');
    }
  });
  if (contents.length === 0) refuse('not-convertible', 'messages', 'the example has no user or assistant turns', 'add a user message and the assistant answer');
  if (contents[contents.length - 1]!.role !== 'model') {
    refuse(
      'no-final-model-turn',
      `messages[${ex.messages.length - 1}]`,
      'the example does not end with an assistant message: Vertex needs the model turn to learn from last',
      'end the example with the assistant answer',
    );
  }
  const out: VertexExample = { contents };
  if (system.length) out.systemInstruction = { role: 'system', parts: system };
  const tools = convertTools(ex.tools, ex.functions);
  if (tools) out.tools = tools;
  // Key order fixed: systemInstruction, contents, tools.
  return { ...(out.systemInstruction ? { systemInstruction: out.systemInstruction } : {}), contents: out.contents, ...(out.tools ? { tools: out.tools } : {}) };
}

/** One JSONL line (text, without its newline) → one Vertex JSONL line, or a located problem. */
export function convertLine(text: string): Converted {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: { code: 'invalid-json', path: '', message: `the line is not valid JSON (${(e as Error).message})`, hint: 'fix the JSON on this line' } };
  }
  if (isVertexExample(v)) return { ok: true, text, alreadyVertex: true };
  if (!isObject(v)) return { ok: false, problem: { code: 'not-convertible', path: '', message: 'the line is not a JSON object', hint: 'one example object per line' } };
  try {
    return { ok: true, text: JSON.stringify(toVertex(v)), alreadyVertex: false };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, problem: e.problem };
    throw e;
  }
}
