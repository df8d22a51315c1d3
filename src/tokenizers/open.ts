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
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import type { TokenizerPin } from '../catalog/tokenizers.js';
import { loadEncoding } from '../dataset/tokens.js';

/** What a thread needs to load a tokenizer: plain data (it crosses to worker threads). */
export interface OpenTokenizerRef {
  id: string;
  /** `repo@revision`, for reports. */
  label: string;
  tokenizerJson: string;
  tokenizerConfig: string;
  chatTemplate?: string;
  /** The pin's `sameAs`: a faster counter with the same counts, used after a check at load. */
  sameAs?: 'o200k_base';
}

export function refFor(pin: TokenizerPin, dir: string): OpenTokenizerRef {
  return {
    id: pin.id,
    label: `${pin.repo}@${pin.revision.slice(0, 12)}`,
    tokenizerJson: join(dir, pin.tokenizerJson.path),
    tokenizerConfig: join(dir, pin.tokenizerConfig.path),
    ...(pin.chatTemplate ? { chatTemplate: join(dir, pin.chatTemplate.path) } : {}),
    ...(pin.sameAs ? { sameAs: pin.sameAs } : {}),
  };
}

export interface OpenCount {
  /** Tokens of the rendered example (what Together bills, before truncation). */
  tokens: number;
  /** Tokens of the assistant messages' own text (what is learned with train_on_inputs off). */
  assistantTokens: number;
}

export interface OpenCounter {
  ref: OpenTokenizerRef;
  chat(messages: readonly unknown[], tools?: readonly unknown[]): OpenCount;
  dpo(input: readonly unknown[], preferred: readonly unknown[], nonPreferred: readonly unknown[], tools?: readonly unknown[]): OpenCount;
  completion(prompt: string, completion: string): OpenCount;
  text(text: string): OpenCount;
  /** Tokens of plain text, no special tokens. */
  encode(text: string): number;
  /** Which engine counts: the model's tokenizer.json, or the same-count tiktoken encoding. */
  engine: 'tokenizer.json' | 'o200k_base';
}

/**
 * Text whose counts a same-count encoding must reproduce before it is trusted: scripts, digits,
 * whitespace runs, contractions, emoji, code (checked against the model's own tokenizer).
 */
const SAME_AS_PROBE =
  "Hello, world! Don't we'll I'M  spaces\t\ttabs\n\n\nnewlines 1234567 3.14159 naïve café São Paulo Ærø\n" +
  '中文字符和日本語のテキスト 한국어 текст на русском עברית العربية 🙂👍🏽 e\u0301 ﬁ\n' +
  'def f(x):\n    return {"a": [1, 2, 3]}  # comment\r\n<tag attr="v">&amp;</tag> https://example.com/a?b=c';

/** A counter for `sameAs` text: split out the model's added tokens (1 each), count the rest. */
function splitCounter(count: (text: string) => number, added: readonly string[]): (text: string) => number {
  if (added.length === 0) return count;
  const escaped = [...added].sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(escaped.join('|'), 'g');
  return (text) => {
    let n = 0;
    let last = 0;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m.index > last) n += count(text.slice(last, m.index));
      n += 1;
      last = m.index + m[0].length;
    }
    return last < text.length ? n + count(text.slice(last)) : n;
  };
}

const LOADED = new Map<string, OpenCounter>();

function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' ? String((p as { text?: unknown }).text ?? '') : '')).join('');
  }
  return '';
}

/** A message as chat templates expect it: string content, reasoning under the names templates read. */
function forTemplate(m: unknown): Record<string, unknown> {
  const src = (m ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...src, content: src.content == null ? '' : textOf(src.content) };
  delete out.weight;
  const reasoning = src.reasoning ?? src.reasoning_content ?? src.thinking;
  if (typeof reasoning === 'string') {
    out.reasoning_content = reasoning;
    out.thinking = reasoning;
  }
  return out;
}

export async function loadOpenTokenizer(ref: OpenTokenizerRef): Promise<OpenCounter> {
  const ready = LOADED.get(ref.tokenizerJson);
  if (ready) return ready;
  const [json, config, template] = await Promise.all([
    readFile(ref.tokenizerJson, 'utf8').then(JSON.parse) as Promise<Record<string, unknown>>,
    readFile(ref.tokenizerConfig, 'utf8').then(JSON.parse) as Promise<Record<string, unknown>>,
    ref.chatTemplate ? readFile(ref.chatTemplate, 'utf8') : Promise.resolve(null),
  ]);
  const source =
    template ??
    (typeof config.chat_template === 'string'
      ? config.chat_template
      : Array.isArray(config.chat_template)
        ? (config.chat_template as { name: string; template: string }[]).find((t) => t.name === 'default')?.template
        : undefined);
  if (!source) throw new Error(`${ref.label} has no chat template`);
  const tok = new Tokenizer(json, config);
  const tpl = new Template(source);
  // The special tokens transformers passes to every template.
  const specials: Record<string, string> = {};
  for (const k of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
    const v = tokenString(config[k]);
    if (v !== undefined) specials[k] = v;
  }
  const eos = specials.eos_token;
  const exact = (text: string) => (text.length === 0 ? 0 : tok.encode(text, { add_special_tokens: false }).ids.length);
  let encode = exact;
  let engine: OpenCounter['engine'] = 'tokenizer.json';
  if (ref.sameAs) {
    // Trusted only if it gives the model's own counts on the probe (specials included).
    const added = ((json.added_tokens ?? []) as { content: string }[]).map((t) => t.content);
    const fast = splitCounter(await loadEncoding(ref.sameAs), added);
    const probe = `${added.slice(0, 3).join('')}${SAME_AS_PROBE}${added.slice(-2).join(' x ')}`;
    if (fast(probe) === exact(probe)) {
      encode = fast;
      engine = ref.sameAs;
    }
  }
  const render = (messages: readonly unknown[], tools?: readonly unknown[]) =>
    tpl.render({ ...specials, messages: messages.map(forTemplate), ...(tools && tools.length ? { tools } : {}), add_generation_prompt: false });
  const assistantText = (messages: readonly unknown[]) => {
    let n = 0;
    for (const m of messages) {
      const r = m as Record<string, unknown> | null;
      if (r?.role !== 'assistant') continue;
      n += encode(textOf(r.content));
      for (const c of Array.isArray(r.tool_calls) ? r.tool_calls : []) {
        const f = (c as { function?: { name?: unknown; arguments?: unknown } }).function;
        n += encode(String(f?.name ?? '')) + encode(typeof f?.arguments === 'string' ? f.arguments : JSON.stringify(f?.arguments ?? ''));
      }
    }
    return n;
  };
  const plain = (text: string) => (text.length === 0 ? 0 : tok.encode(text, { add_special_tokens: true }).ids.length) + (eos ? 1 : 0);
  const counter: OpenCounter = {
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
export function openCounter(ref: OpenTokenizerRef): OpenCounter {
  const c = LOADED.get(ref.tokenizerJson);
  if (!c) throw new Error(`tokenizer ${ref.label} is not loaded: await loadOpenTokenizer() first`);
  return c;
}
