/**
 * The shapes of training data, as zod schemas (shared/facts/openai-fine-tuning.md §2).
 * Shape only: what a field must look like. What the fields mean together (an assistant
 * answer exists, tool call ids match, images only from users…) is in rules.ts, where the
 * messages can be specific.
 */
import { z } from 'zod';
import type { DataFormat } from './types.js';

export const TextPart = z.object({ type: z.literal('text'), text: z.string() });
export const ImagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string(),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
export const ContentPart = z.discriminatedUnion('type', [TextPart, ImagePart]);
export const Content = z.union([z.string(), z.array(ContentPart)]);
export type Content = z.infer<typeof Content>;

export const FunctionCall = z.object({ name: z.string(), arguments: z.string() });
export const ToolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: FunctionCall,
});

const named = { name: z.string().optional() };

export const SystemMessage = z.object({ role: z.literal('system'), content: Content, ...named });
export const DeveloperMessage = z.object({ role: z.literal('developer'), content: Content, ...named });
export const UserMessage = z.object({ role: z.literal('user'), content: Content, ...named });
export const AssistantMessage = z.object({
  role: z.literal('assistant'),
  content: Content.nullable().optional(),
  ...named,
  weight: z.union([z.literal(0), z.literal(1)]).optional(),
  tool_calls: z.array(ToolCall).optional(),
  function_call: FunctionCall.optional(),
  refusal: z.string().nullable().optional(),
});
export const ToolMessage = z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string() });
export const FunctionMessage = z.object({
  role: z.literal('function'),
  name: z.string(),
  content: z.string().nullable(),
});

export const Message = z.discriminatedUnion('role', [SystemMessage, DeveloperMessage, UserMessage, AssistantMessage, ToolMessage, FunctionMessage]);
export type Message = z.infer<typeof Message>;

export const FunctionDefinition = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  strict: z.boolean().nullable().optional(),
});
export type FunctionDefinition = z.infer<typeof FunctionDefinition>;
export const ToolDefinition = z.object({ type: z.literal('function'), function: FunctionDefinition });

export const ChatExample = z.object({
  messages: z.array(Message).min(1),
  tools: z.array(ToolDefinition).optional(),
  parallel_tool_calls: z.boolean().optional(),
  functions: z.array(FunctionDefinition).min(1).max(128).optional(),
});
export type ChatExample = z.infer<typeof ChatExample>;

/** Reinforcement data: chat-shaped prompts, any other top-level key is data for graders. */
export const ReinforcementExample = z.looseObject({
  messages: z.array(Message).min(1),
  tools: z.array(ToolDefinition).optional(),
});
export type ReinforcementExample = z.infer<typeof ReinforcementExample>;

export const DpoExample = z.object({
  input: z.object({
    messages: z.array(Message).min(1),
    tools: z.array(ToolDefinition).optional(),
    parallel_tool_calls: z.boolean().optional(),
  }),
  preferred_output: z.array(AssistantMessage),
  non_preferred_output: z.array(AssistantMessage),
});
export type DpoExample = z.infer<typeof DpoExample>;

export const CompletionExample = z.object({ prompt: z.string(), completion: z.string() });
export type CompletionExample = z.infer<typeof CompletionExample>;

/** Together's instruction data: prompt and completion may be lists of parts (images in the prompt). */
export const PartsCompletionExample = z.object({ prompt: Content, completion: Content });
export type PartsCompletionExample = z.infer<typeof PartsCompletionExample>;

/** Together's general format: free text to train on whole (a string, or parts). */
export const TextExample = z.object({ text: Content });
export type TextExample = z.infer<typeof TextExample>;

/** Top-level keys each format knows; others are reported as `unknown-key`. */
export const KNOWN_KEYS: Readonly<Record<Exclude<DataFormat, 'reinforcement'>, readonly string[]>> = {
  chat: ['messages', 'tools', 'parallel_tool_calls', 'functions'],
  dpo: ['input', 'preferred_output', 'non_preferred_output'],
  completion: ['prompt', 'completion'],
  text: ['text'],
};

export const SCHEMAS = {
  chat: ChatExample,
  reinforcement: ReinforcementExample,
  dpo: DpoExample,
  completion: CompletionExample,
  text: TextExample,
} as const;

/**
 * The format a parsed line looks like, from its keys alone, or null when it looks like none.
 * Chat-shaped lines are `chat`; the method turns them into `reinforcement`.
 */
export function detectShape(obj: Record<string, unknown>): Exclude<DataFormat, 'reinforcement' | 'text'> | null {
  if ('messages' in obj) return 'chat';
  if ('input' in obj || 'preferred_output' in obj || 'non_preferred_output' in obj) return 'dpo';
  if ('prompt' in obj || 'completion' in obj) return 'completion';
  return null;
}
