/**
 * Checks beyond shape, on examples that passed their schema, and the translation of schema
 * failures into diagnostics people can act on. Every code here is stable; README lists them.
 *
 * Over 400 lines on purpose: a catalogue of small rules, one function each, read beside the
 * README's list of codes; split by format, the rules chat and DPO share would be duplicated.
 */
import type { z } from 'zod';
import type { ValidationProfile } from '../catalog/profiles.js';
import type { ChatExample, DpoExample, Message } from './formats.js';
import type { Severity } from './types.js';

/** A diagnostic before the file and line are attached. */
export interface Finding {
  code: string;
  severity: Severity;
  path: string;
  message: string;
  hint: string;
}

export type Emit = (f: Finding) => void;

/** A key from the data as a path: cut when long, control characters and quotes escaped (JSON). */
export function shortKey(key: string, max = 40): string {
  const cut = key.length > max ? `${key.slice(0, max)}…` : key;
  return JSON.stringify(cut).slice(1, -1);
}

/** A key from the data, quoted for a message. */
export function quoteKey(key: string, max = 40): string {
  return `"${shortKey(key, max)}"`;
}

export function pathString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else {
      const key = shortKey(String(p));
      s += s ? `.${key}` : key;
    }
  }
  return s;
}

function join(base: string, rest: string): string {
  if (!base) return rest;
  if (!rest) return base;
  return rest.startsWith('[') ? `${base}${rest}` : `${base}.${rest}`;
}

const EXPECTED: Record<string, string> = {
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

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // Data quoted in a message: short, and escaped (a newline or a workflow command stays inert).
  if (typeof value === 'string') return value.length > 40 ? `a string` : JSON.stringify(value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Follow a union's most promising branch: the one whose issues reach deepest. */
function deepestBranch(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  let best: z.core.$ZodIssue[] | undefined;
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
export function schemaFindings(issues: readonly z.core.$ZodIssue[], root: unknown, emit: Emit, prefix: readonly PropertyKey[] = [], limit = 5): number {
  let n = 0;
  for (const issue of issues) {
    if (n >= limit) break;
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && !('discriminator' in issue && issue.discriminator)) {
      const branch = deepestBranch(issue as z.core.$ZodIssueInvalidUnion);
      if (branch) {
        n += schemaFindings(branch, root, emit, path, limit - n);
        continue;
      }
    }
    const where = pathString(path);
    const key = [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
    const value = valueAt(root, path);
    const expected = EXPECTED[key ?? ''] ?? (issue.code === 'invalid_type' ? String((issue as { expected?: string }).expected) : 'a valid value');
    let code = 'invalid-field';
    let message = `${where || 'the line'} is ${describe(value)}; expected ${expected}`;
    if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'role') {
      code = 'invalid-role';
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'type') {
      code = 'unsupported-content-part';
      message = `${where} is ${describe(value)}; only "text" parts (and "image_url" in user messages) are accepted: audio and file parts are not`;
    } else if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && value === undefined) {
      // A missing union-typed field (e.g. `content`: string or parts) fails as invalid_union.
      code = 'missing-field';
      message = `${where} is missing; expected ${expected}`;
    } else if (issue.code === 'too_small') {
      code = key === 'messages' ? 'no-messages' : 'too-few-items';
      message = `${where} is empty; expected ${expected}`;
    } else if (issue.code === 'too_big') {
      code = 'too-many-items';
      message = `${where} has too many items; expected ${expected}`;
    }
    emit({ code, severity: 'error', path: where, message, hint: `set ${where || 'the line'} to ${expected}` });
    n++;
  }
  return n;
}

/** Everything a chat-like example needs to be checked, with the profile's limits. */
export interface RuleContext {
  profile: ValidationProfile;
  /** RFT prompts carry no answer; SFT examples must. */
  requireAssistant: boolean;
  /** The data's schema documents role "developer" (reinforcement): no `developer-role` warning. */
  developerAllowed?: boolean;
}

function isBlank(content: Message['content'] | undefined): boolean {
  if (content == null) return true;
  if (typeof content === 'string') return content.trim().length === 0;
  if (content.length === 0) return true;
  return content.every((p) => p.type === 'text' && p.text.trim().length === 0);
}

const DATA_URL = /^data:(image\/[a-z0-9.+-]+);base64,/i;
const IMAGE_TYPES = ['image/jpeg', 'image/jpg', 'image/png', 'image/webp'];

function checkImage(url: string, path: string, profile: ValidationProfile, emit: Emit): void {
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
  } else if (!/^https:\/\//i.test(url)) {
    emit({
      code: 'invalid-image-url',
      severity: 'error',
      path,
      message: `${path} is neither an https URL nor a base64 data URL`,
      hint: 'use https://… or data:image/png;base64,…',
    });
  }
}

export interface ChatFacts {
  hasSystem: boolean;
  hasUser: boolean;
  images: number;
}

/** Rules for a list of messages (a chat example, or a DPO input). */
export function messageRules(messages: readonly Message[], base: string, ctx: RuleContext, emit: Emit): ChatFacts {
  const callIds = new Set<string>();
  let hasSystem = false;
  let hasUser = false;
  let images = 0;
  messages.forEach((m, i) => {
    const at = join(base, `messages[${i}]`);
    if (m.role === 'system') hasSystem = true;
    if (m.role === 'user') hasUser = true;
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
        if (part.type !== 'image_url') return;
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
        } else {
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
        } catch {
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
        } catch {
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
    } else if (m.role === 'function') {
      // content may be null for legacy function results
    } else if (isBlank(m.content)) {
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

export function chatRules(ex: ChatExample, ctx: RuleContext, emit: Emit): ChatFacts {
  const facts = messageRules(ex.messages, '', ctx, emit);
  if (!ctx.requireAssistant) return facts;
  const assistants = ex.messages.filter((m) => m.role === 'assistant');
  if (assistants.length === 0) {
    emit({
      code: 'missing-assistant-message',
      severity: 'error',
      path: 'messages',
      message: 'the example has no assistant message, so there is nothing to train on',
      hint: 'add the assistant answer the model should learn',
    });
  } else {
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

function presenceWarnings(facts: ChatFacts, base: string, emit: Emit): void {
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

export function dpoRules(ex: DpoExample, ctx: RuleContext, emit: Emit): ChatFacts {
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
  for (const key of ['preferred_output', 'non_preferred_output'] as const) {
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
