/**
 * Together AI's own dataset rules, line by line, as its SDK's `check_file` applies them
 * (together-python `src/together/utils/files.py` and `constants.py` at eba5e5f, 2025-12-23),
 * widened only where Together's docs document more: tool calling (role "tool", a `tools` key,
 * assistant `tool_calls` in place of `content`; docs.together.ai/docs/fine-tuning/function-calling,
 * read 2026-12-02, and the later together-py constants). Runs on the parsed line before our
 * schemas, for the `together` profile only; its first finding is the one Together would raise.
 */
import type { ValidationProfile } from '../catalog/profiles.js';
import type { Finding } from './rules.js';

/** The required keys of each of Together's formats (JSONL_REQUIRED_COLUMNS_MAP). */
const REQUIRED: ReadonlyArray<readonly [TogetherFormat, readonly string[]]> = [
  ['text', ['text']],
  ['chat', ['messages']],
  ['completion', ['prompt', 'completion']],
  ['dpo', ['input', 'preferred_output', 'non_preferred_output']],
];
/** Keys allowed beside the required ones (docs: tools for function-calling data). */
const EXTRA: Readonly<Record<TogetherFormat, readonly string[]>> = { text: [], chat: ['tools'], completion: [], dpo: [] };
const ROLES = ['system', 'user', 'assistant', 'tool'];
const IMAGE_PREFIXES = ['jpeg', 'png', 'webp'].map((f) => `data:image/${f};base64,`);

export type TogetherFormat = 'text' | 'chat' | 'completion' | 'dpo';

class Refusal extends Error {
  constructor(readonly finding: Finding) {
    super(finding.message);
  }
}

function refuse(code: string, path: string, message: string, hint: string): never {
  throw new Refusal({ code, severity: 'error', path, message, hint });
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Weights written as non-integers (`1.0`, `1e0`): JSON.parse makes them the integer 1, Python's
 * json makes them floats that Together refuses. Reads the number's own text where the runtime
 * gives it (Node ≥ 22), else scans the raw line.
 */
export function nonIntegerWeights(text: string): boolean {
  if (!text.includes('"weight"')) return false;
  let found = false;
  let sourceSeen = false;
  JSON.parse(text, function (key, value, context?: { source?: string }) {
    if (key === 'weight' && typeof value === 'number' && context?.source !== undefined) {
      sourceSeen = true;
      if (/[.eE]/.test(context.source)) found = true;
    }
    return value;
  });
  if (sourceSeen) return found;
  return /(?<!\\)"weight"\s*:\s*-?\d+(?:\.\d*|[eE])/.test(text);
}

function checkWeight(m: Record<string, unknown>, at: string, floatWeights: boolean): number | null {
  if (!('weight' in m)) return null;
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
function checkContent(content: unknown, role: string, at: string, profile: ValidationProfile): [boolean, number] {
  if (typeof content === 'string') return [false, 0];
  if (!Array.isArray(content)) {
    refuse('invalid-field', at, `${at} is ${content === null ? 'null' : typeof content}; expected a string or a list of parts`, 'write the content as a string, or as [{"type":"text","text":…}, …]');
  }
  let images = 0;
  content.forEach((part, j) => {
    const p = `${at}[${j}]`;
    if (!isObject(part))
      refuse('invalid-field', p, `${p} is not an object; content parts are {"type": …}`, 'write each part as {"type":"text","text":…} or {"type":"image_url","image_url":{"url":…}}');
    if (!('type' in part)) refuse('missing-field', `${p}.type`, `${p} has no "type"`, 'add "type": "text" or "type": "image_url"');
    if (part.type === 'text') {
      if (typeof part.text !== 'string') refuse('invalid-field', `${p}.text`, `${p}.text must be a string`, 'set "text" to the part\'s text');
    } else if (part.type === 'image_url') {
      if (role !== 'user') refuse('image-not-allowed-here', p, `${p} is an image in a ${role} message; Together takes images only in user messages`, 'move the image into a user message');
      if (!isObject(part.image_url))
        refuse('invalid-field', `${p}.image_url`, `${p}.image_url must be an object {"url": …}`, 'write {"type":"image_url","image_url":{"url":"data:image/png;base64,…"}}');
      const url = part.image_url.url;
      if (typeof url !== 'string' || url.length === 0) refuse('missing-field', `${p}.image_url.url`, `${p}.image_url.url is missing or not a string`, 'set url to a base64 data URL');
      if (!IMAGE_PREFIXES.some((x) => url.startsWith(x))) {
        refuse(
          'invalid-image-url',
          `${p}.image_url.url`,
          `${p}.image_url.url is not a base64 JPEG, PNG or WEBP data URL; Together takes images only inline (no https links)`,
          'embed the image as data:image/jpeg;base64,… (or png, webp)',
        );
      }
      // MAX_BASE64_IMAGE_LENGTH: header + 4/3 of the byte limit.
      const maxLength = 'data:image/jpeg;base64,'.length + Math.floor((4 * profile.maxImageBytes) / 3);
      if (url.length > maxLength) {
        refuse(
          'image-too-large',
          `${p}.image_url.url`,
          `${p} is about ${((url.length * 3) / 4 / 1048576).toFixed(1)} MB; Together takes images under ${(profile.maxImageBytes / 1048576).toFixed(0)} MB`,
          'resize or recompress the image',
        );
      }
      images++;
    } else {
      refuse('unsupported-content-part', `${p}.type`, `${p}.type is ${JSON.stringify(part.type)}; Together takes only "text" and "image_url" parts`, 'remove the part, or make it a text part');
    }
  });
  if (images > profile.maxImagesPerExample) {
    refuse('too-many-images', at, `${at} has ${images} images; Together takes at most ${profile.maxImagesPerExample}`, 'split the example, or drop images');
  }
  return [true, images];
}

function checkMessages(messages: unknown, base: string, requireAssistant: boolean, floatWeights: boolean, profile: ValidationProfile): void {
  const at0 = base ? `${base}.messages` : 'messages';
  if (!Array.isArray(messages)) refuse('invalid-field', at0, `${at0} is not a list`, 'write messages as [{"role":…,"content":…}, …]');
  if (messages.length === 0) refuse('no-messages', at0, `${at0} is empty`, "add the conversation's messages");
  messages.forEach((m, i) => {
    const at = `${at0}[${i}]`;
    if (!isObject(m)) refuse('invalid-field', at, `${at} is not an object`, 'write each message as {"role":…,"content":…}');
    if (!('role' in m)) refuse('missing-field', `${at}.role`, `${at} has no "role"`, 'add "role": "user", "assistant" or "system"');
    const toolCalls = m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length > 0;
    if (!('content' in m) && !toolCalls) refuse('missing-field', `${at}.content`, `${at} has no "content"`, "add the message's content");
  });
  let previous: string | null = null;
  let assistant = false;
  let multimodal: boolean | null = null;
  let images = 0;
  messages.forEach((raw, i) => {
    const m = raw as Record<string, unknown>;
    const at = `${at0}[${i}]`;
    const weight = checkWeight(m, at, floatWeights);
    const role = m.role;
    if (typeof role !== 'string' || !ROLES.includes(role)) {
      refuse('invalid-role', `${at}.role`, `${at}.role is ${JSON.stringify(role)}; Together takes ${ROLES.join(', ')}`, 'use one of those roles');
    }
    if (role === previous) {
      refuse(
        'repeated-role',
        `${at}.role`,
        `${at} is a second ${role} message in a row; after the optional system message, Together needs user and assistant turns to alternate`,
        'merge the two messages, or add the missing turn between them',
      );
    }
    previous = role;
    if (role === 'assistant') assistant = true;
    if (m.content === undefined || m.content === null) return; // an assistant tool call without text
    const [isMulti, n] = checkContent(m.content, role, `${at}.content`, profile);
    if (n > 0 && weight !== null && weight !== 0) {
      refuse(
        'weighted-image-message',
        `${at}.weight`,
        `${at} has images and weight ${weight}; Together does not train on messages with images`,
        'set weight 0 on messages with images, or remove the weight',
      );
    }
    if (multimodal === null) multimodal = isMulti;
    else if (multimodal !== isMulti) {
      refuse(
        'mixed-content-shapes',
        `${at}.content`,
        `${at}.content is ${isMulti ? 'a list of parts' : 'a string'}, but earlier messages are ${isMulti ? 'strings' : 'lists of parts'}; Together needs one shape per example`,
        "write every message's content as a string, or every one as a list of parts",
      );
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

function checkPreference(ex: Record<string, unknown>, floatWeights: boolean, profile: ValidationProfile): void {
  if (!isObject(ex.input)) refuse('invalid-field', 'input', 'input is not an object', 'write input as {"messages": [...]}');
  if (!('messages' in ex.input)) refuse('missing-field', 'input.messages', 'input has no "messages"', 'write input as {"messages": [...]}');
  checkMessages(ex.input.messages, 'input', false, floatWeights, profile);
  const msgs = ex.input.messages as Record<string, unknown>[];
  const last = msgs[msgs.length - 1];
  if (last?.role === 'assistant') {
    refuse(
      'dpo-input-ends-with-assistant',
      `input.messages[${msgs.length - 1}]`,
      'the DPO input ends with an assistant message; Together needs it to end with the turn the outputs answer',
      'end the input with the user message the outputs respond to',
    );
  }
  for (const key of ['preferred_output', 'non_preferred_output'] as const) {
    const out = ex[key];
    if (!Array.isArray(out)) refuse('invalid-field', key, `${key} is not a list`, `write ${key} as [{"role":"assistant","content":…}]`);
    if (out.length !== 1) refuse('dpo-output-count', key, `${key} has ${out.length} messages; Together needs exactly one`, `make ${key} a list holding one assistant message`);
    const m = out[0];
    if (!isObject(m)) refuse('invalid-field', `${key}[0]`, `${key}[0] is not an object`, 'write {"role":"assistant","content":…}');
    if (!('role' in m)) refuse('missing-field', `${key}[0].role`, `${key}[0] has no "role"`, 'add "role": "assistant"');
    if (m.role !== 'assistant') refuse('invalid-role', `${key}[0].role`, `${key}[0].role is ${JSON.stringify(m.role)}; the output must be an assistant message`, 'set "role": "assistant"');
    if (!('content' in m)) refuse('missing-field', `${key}[0].content`, `${key}[0] has no "content"`, 'add the answer as "content"');
    checkContent(m.content, 'assistant', `${key}[0].content`, profile);
  }
}

/**
 * Together's checks on one parsed line. Returns its format, or a finding for the first rule it
 * breaks (Together stops at the first). `text` is the raw line (for weights written as floats).
 */
export function togetherLineRules(
  obj: Record<string, unknown>,
  text: string,
  profile: ValidationProfile,
  requireAssistant = true,
): { format: TogetherFormat; finding: null } | { format: TogetherFormat | null; finding: Finding } {
  let format: TogetherFormat | null = null;
  try {
    for (const [f, required] of REQUIRED) {
      if (!required.every((k) => k in obj)) continue;
      if (format !== null) {
        refuse(
          'ambiguous-format',
          '',
          `the line has the keys of both ${format} and ${f} data; Together refuses lines whose format is ambiguous`,
          `keep only the keys of one format (${REQUIRED.find(([x]) => x === format)?.[1].join(', ')})`,
        );
      }
      format = f;
      for (const key of Object.keys(obj)) {
        if (!required.includes(key) && !EXTRA[f].includes(key)) {
          refuse('unknown-key', key, `unknown top-level key "${key}" for ${f} data; Together refuses extra keys`, `remove it: ${f} lines take ${[...required, ...EXTRA[f]].join(', ')}`);
        }
      }
    }
    if (format === null) {
      refuse(
        'unknown-format',
        '',
        `the line has none of the key sets of Together's formats (found: ${Object.keys(obj).slice(0, 5).join(', ') || 'none'})`,
        'use {"messages"}, {"prompt","completion"}, {"input","preferred_output","non_preferred_output"} or {"text"}',
      );
    }
    const floatWeights = nonIntegerWeights(text);
    if (format === 'dpo') checkPreference(obj, floatWeights, profile);
    else if (format === 'chat') checkMessages(obj.messages, '', requireAssistant, floatWeights, profile);
    else if (format === 'completion') {
      checkContent(obj.prompt, 'user', 'prompt', profile);
      checkContent(obj.completion, 'assistant', 'completion', profile);
    } else checkContent(obj.text, 'user', 'text', profile);
    return { format, finding: null };
  } catch (e) {
    if (e instanceof Refusal) return { format, finding: e.finding };
    throw e;
  }
}
