/**
 * A line already in Vertex AI (Gemini) tuning form — `{"systemInstruction"?, "contents":
 * [{"role": "user"|"model", "parts": [...]}], "tools"?}` — checked and counted as it is, for the
 * `vertex` profile (data in Vertex form is accepted as is; OpenAI chat is converted on upload).
 * Shape per Google's "Prepare supervised fine-tuning data for Gemini models" (read 2026-12-02)
 * and aiplatform v1 content.proto: a part holds one of text, inlineData, fileData, functionCall,
 * functionResponse; the example ends with a model turn. Token counts are approximate (the
 * profile's encoding over text, and function calls/results as JSON); images are counted, not
 * tokenised.
 */
import type { Finding } from './rules.js';
import type { CountFn } from './tokens.js';

export interface VertexLineFacts {
  tokens: number;
  assistantTokens: number;
  messages: number;
  images: number;
  hasSystem: boolean;
  hasUser: boolean;
  /** Everything before the last model turn, as JSON (for duplicate-prompt detection). */
  prompt: string;
}

const KEYS = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse'] as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether a parsed line is a Vertex example (and not OpenAI chat). */
export function isVertexRecord(r: Record<string, unknown>): boolean {
  return Array.isArray(r.contents) && !('messages' in r);
}

export function vertexLine(r: Record<string, unknown>, tok: CountFn, emit: (f: Finding) => void): VertexLineFacts | null {
  let ok = true;
  const err = (code: string, path: string, message: string, hint: string) => {
    ok = false;
    emit({ code, severity: 'error', path, message, hint });
  };
  let tokens = 0;
  let assistantTokens = 0;
  let images = 0;
  const partsTokens = (parts: unknown, path: string): number => {
    if (!Array.isArray(parts) || parts.length === 0) {
      err('vertex-no-parts', path, `${path} has no parts`, 'give it a list of parts, e.g. [{"text": "…"}]');
      return 0;
    }
    let n = 0;
    parts.forEach((p: unknown, i) => {
      const at = `${path}[${i}]`;
      const present = isObject(p) ? KEYS.filter((k) => k in p) : [];
      if (!isObject(p) || present.length !== 1) {
        err('vertex-bad-part', at, `a part must hold exactly one of ${KEYS.join(', ')}`, 'split the part, or fix its key');
        return;
      }
      const k = present[0]!;
      if (k === 'text') {
        if (typeof p.text !== 'string') err('vertex-bad-part', `${at}.text`, 'text must be a string', 'write the text as a JSON string');
        else n += tok(p.text);
      } else if (k === 'inlineData' || k === 'fileData') images++;
      else n += tok(JSON.stringify(p[k]));
    });
    return n;
  };
  if (r.systemInstruction !== undefined) {
    if (!isObject(r.systemInstruction)) err('vertex-bad-system', 'systemInstruction', 'systemInstruction must be an object with parts', 'use {"role": "system", "parts": [{"text": "…"}]}');
    else tokens += partsTokens(r.systemInstruction.parts, 'systemInstruction.parts');
  }
  const contents = r.contents as unknown[];
  if (contents.length === 0) err('vertex-no-contents', 'contents', 'contents is empty', 'add the user turn and the model answer');
  let hasUser = false;
  let lastModel = -1;
  contents.forEach((c: unknown, i) => {
    const at = `contents[${i}]`;
    if (!isObject(c) || (c.role !== 'user' && c.role !== 'model')) {
      err('vertex-bad-role', `${at}.role`, 'role must be "user" or "model"', 'Gemini tuning data uses user and model (not assistant)');
      return;
    }
    const n = partsTokens(c.parts, `${at}.parts`);
    tokens += n;
    if (c.role === 'model') {
      assistantTokens += n;
      lastModel = i;
    } else hasUser = true;
  });
  if (ok && contents.length > 0 && lastModel !== contents.length - 1) {
    err('vertex-no-final-model-turn', `contents[${contents.length - 1}]`, 'the example does not end with a model turn', 'end the example with the model answer to learn from');
  }
  if (r.tools !== undefined) tokens += tok(JSON.stringify(r.tools));
  if (!ok) return null;
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
