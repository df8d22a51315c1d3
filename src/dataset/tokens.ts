/**
 * Billed training tokens per example (shared/facts/openai-fine-tuning.md §5), with the
 * overheads from catalog/overheads.ts. Counting itself (gpt-tokenizer's data, bounded on long
 * pre-tokens) is in counter.ts; its entry points are re-exported here.
 */
import { OVERHEADS } from '../catalog/overheads.js';
import type { Encoding } from '../catalog/models.js';
import type { ChatExample, CompletionExample, DpoExample, FunctionDefinition, Message } from './formats.js';
import { countToolDefinitions } from './tool-render.js';
import type { CountFn } from './counter.js';

export { counter, counterStats, cuts, libraryCounter, loadEncoding, type CountFn } from './counter.js';

/** The constants a count uses; the cookbook's estimate differs only in `perExample` (3). */
export interface CountRules {
  perMessage: number;
  perName: number;
  perExample: number;
  image: number;
}

export function billedRules(_encoding: Encoding): CountRules {
  return {
    perMessage: OVERHEADS.perMessage.value,
    perName: OVERHEADS.perName.value,
    perExample: OVERHEADS.perExample.value,
    image: OVERHEADS.image.value,
  };
}

export interface MessageCount {
  tokens: number;
  images: number;
}

function contentTokens(content: Message['content'] | undefined, tok: CountFn, rules: CountRules): MessageCount {
  if (content == null) return { tokens: 0, images: 0 };
  if (typeof content === 'string') return { tokens: tok(content), images: 0 };
  let tokens = 0;
  let images = 0;
  for (const part of content) {
    if (part.type === 'text') tokens += tok(part.text);
    else {
      tokens += rules.image;
      images++;
    }
  }
  return { tokens, images };
}

/** One message: overhead + role + content (+ name + 1) + tool calls + tool_call_id. */
export function countMessage(m: Message, tok: CountFn, rules: CountRules): MessageCount {
  const c = contentTokens(m.content, tok, rules);
  let tokens = rules.perMessage + tok(m.role) + c.tokens;
  if ('name' in m && m.name !== undefined) tokens += tok(m.name) + rules.perName;
  if (m.role === 'assistant') {
    if (m.tool_calls) for (const call of m.tool_calls) tokens += tok(call.function.name) + tok(call.function.arguments);
    if (m.function_call) tokens += tok(m.function_call.name) + tok(m.function_call.arguments);
  } else if (m.role === 'tool') {
    tokens += tok(m.tool_call_id);
  }
  return { tokens, images: c.images };
}

/** Tool (function) definitions: the rendering the model sees, counted (dataset/tool-render.ts). */
export function countFunctions(functions: readonly FunctionDefinition[], tok: CountFn, _rules?: CountRules): number {
  return countToolDefinitions(functions, tok);
}

export interface ExampleCount {
  /** Billed tokens of the example before truncation. */
  tokens: number;
  /** Tokens of assistant messages' content and tool calls (what the model learns to write). */
  assistantTokens: number;
  images: number;
}

function toolDefs(ex: { tools?: { function: FunctionDefinition }[]; functions?: FunctionDefinition[] }): FunctionDefinition[] {
  const defs: FunctionDefinition[] = [];
  if (ex.tools) for (const t of ex.tools) defs.push(t.function);
  if (ex.functions) for (const f of ex.functions) defs.push(f);
  return defs;
}

export function countChat(ex: Pick<ChatExample, 'messages' | 'tools' | 'functions'>, tok: CountFn, rules: CountRules): ExampleCount {
  let tokens = rules.perExample + countFunctions(toolDefs(ex), tok, rules);
  let assistantTokens = 0;
  let images = 0;
  for (const m of ex.messages) {
    const c = countMessage(m, tok, rules);
    tokens += c.tokens;
    images += c.images;
    if (m.role === 'assistant') assistantTokens += c.tokens - rules.perMessage - tok(m.role);
  }
  return { tokens, assistantTokens, images };
}

/** DPO: each output is trained as input + output, so the input counts twice (our stated rule). */
export function countDpo(ex: DpoExample, tok: CountFn, rules: CountRules): ExampleCount {
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

export function countCompletion(ex: CompletionExample, tok: CountFn): ExampleCount {
  const completion = tok(ex.completion);
  return {
    tokens: tok(ex.prompt) + completion + OVERHEADS.completionExample.value,
    assistantTokens: completion,
    images: 0,
  };
}
