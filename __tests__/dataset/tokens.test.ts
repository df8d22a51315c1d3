/**
 * Token counting: the OpenAI cookbook's published test vectors (cookbook constants: +3 per
 * example), the same examples under the billed rule (+1), and each of our stated rules
 * (tool calls, tool_call_id, parts, images, DPO, completion), with js-tiktoken as the oracle
 * for every string's count.
 */
import { describe, expect, test } from '@jest/globals';
import { getEncoding } from 'js-tiktoken';
import type { Encoding } from '../../src/catalog/models.js';
import { OVERHEADS } from '../../src/catalog/overheads.js';
import type { ChatExample, DpoExample, Message } from '../../src/dataset/formats.js';
import { billedRules, countChat, countCompletion, countDpo, countFunctions, countMessage, counter, type CountRules } from '../../src/dataset/tokens.js';
import { analyze, codes } from './helpers.js';

const ENCODINGS: Encoding[] = ['cl100k_base', 'o200k_base'];
const oracles = new Map<Encoding, (s: string) => number>();
/** js-tiktoken, with special-token text counted as plain text. */
function oracle(enc: Encoding): (s: string) => number {
  let f = oracles.get(enc);
  if (!f) {
    const e = getEncoding(enc);
    f = (s: string) => e.encode(s, [], []).length;
    oracles.set(enc, f);
  }
  return f;
}
const cookbook = (enc: Encoding): CountRules => ({ ...billedRules(enc), perExample: 3 });

/** The cookbook's 6-message example ("How to count tokens with tiktoken", section 6). */
const SIX: Message[] = [
  { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
  { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

/** The cookbook's tools example (section 7): one function, two messages. */
const WEATHER_TOOLS: NonNullable<ChatExample['tools']> = [
  {
    type: 'function',
    function: {
      name: 'get_current_weather',
      description: 'Get the current weather in a given location',
      parameters: {
        type: 'object',
        properties: {
          location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
          unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
        },
        required: ['location'],
      },
    },
  },
];
const WEATHER_MESSAGES: Message[] = [
  { role: 'system', content: 'You are a helpful assistant that can answer to questions about the weather.' },
  { role: 'user', content: "What's the weather like in San Francisco?" },
];

describe('the cookbook test vectors (cookbook constants: 3 per message, 1 per name, 3 per example)', () => {
  test.each([
    ['cl100k_base', 129],
    ['o200k_base', 124],
  ] as const)('6-message example, %s: %i', (enc, expected) => {
    expect(countChat({ messages: SIX }, counter(enc), cookbook(enc)).tokens).toBe(expected);
  });

  test('tool definitions are no longer counted by its per-property formula but by their rendering', () => {
    // The cookbook gives 105 (cl100k_base) / 101 (o200k_base) for this example; a billed
    // function-calling job contradicts that formula (see tool-render.test.ts).
    for (const enc of ENCODINGS) {
      const tok = oracle(enc);
      const fns = WEATHER_TOOLS.map((t) => t.function);
      const rendered =
        'namespace functions {\n\n' +
        '// Get the current weather in a given location\n' +
        'type get_current_weather = (_: {\n' +
        '// The city and state, e.g. San Francisco, CA\n' +
        'location: string,\n' +
        '// The unit of temperature to return\n' +
        'unit?: "celsius" | "fahrenheit",\n' +
        '}) => any;\n\n' +
        '} // namespace functions';
      expect(countFunctions(fns, counter(enc))).toBe(tok(rendered) + OVERHEADS.toolsOverhead.value);
    }
  });
});

describe('the billed rule (1 per example) on the same examples', () => {
  test.each([
    ['cl100k_base', 127],
    ['o200k_base', 122],
  ] as const)('%s: 6-message %i; with tools, messages + rendered definitions + 1', (enc, six) => {
    const rules = billedRules(enc);
    expect(rules.perExample).toBe(1);
    expect(countChat({ messages: SIX }, counter(enc), rules).tokens).toBe(six);
    const tok = oracle(enc);
    const messages = WEATHER_MESSAGES.reduce((n, m) => n + 3 + tok(m.role) + tok(m.content as string), 0);
    const defs = countFunctions(
      WEATHER_TOOLS.map((t) => t.function),
      counter(enc),
    );
    expect(countChat({ messages: WEATHER_MESSAGES, tools: WEATHER_TOOLS }, counter(enc), rules).tokens).toBe(messages + defs + 1);
  });

  test('through analyzeLine (a full supervised line) the count is the same as countChat', () => {
    for (const enc of ENCODINGS) {
      const messages = [...SIX, { role: 'assistant', content: 'This late change means we cannot do everything.' }] as Message[];
      const r = analyze({ messages, tools: WEATHER_TOOLS }, { encoding: enc });
      expect(codes(r)).toEqual([]);
      expect(r.tokens).toBe(countChat({ messages, tools: WEATHER_TOOLS }, counter(enc), billedRules(enc)).tokens);
    }
  });

  test('the billed constants are the facts sheet ones', () => {
    expect(OVERHEADS.perMessage.value).toBe(3);
    expect(OVERHEADS.perName.value).toBe(1);
    expect(OVERHEADS.perExample.value).toBe(1);
    expect(OVERHEADS.toolsOverhead.value).toBe(-2);
    expect(OVERHEADS.toolsOverhead.confirmed).toBe(false);
    expect(OVERHEADS.image.value).toBe(85);
  });
});

describe('each message rule, checked against js-tiktoken by hand', () => {
  for (const enc of ENCODINGS) {
    const tok = oracle(enc);
    const count = counter(enc);
    const rules = billedRules(enc);

    describe(enc, () => {
      test('a plain message: 3 + role + content', () => {
        const m: Message = { role: 'user', content: 'How many tokens is this sentence, really?' };
        expect(countMessage(m, count, rules).tokens).toBe(3 + tok('user') + tok(m.content as string));
      });

      test('a named message: + name + 1', () => {
        const m: Message = { role: 'system', name: 'example_user', content: 'Hi' };
        expect(countMessage(m, count, rules).tokens).toBe(3 + tok('system') + tok('Hi') + tok('example_user') + 1);
      });

      test('weight is not text', () => {
        const a: Message = { role: 'assistant', content: 'Sure.' };
        expect(countMessage({ ...a, weight: 0 } as Message, count, rules).tokens).toBe(countMessage(a, count, rules).tokens);
      });

      test('assistant tool calls: + name + arguments per call; null content is 0', () => {
        const args1 = '{"location": "Paris, France", "unit": "celsius"}';
        const args2 = '{"location":"東京"}';
        const m: Message = {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_abc123', type: 'function', function: { name: 'get_current_weather', arguments: args1 } },
            { id: 'call_def456', type: 'function', function: { name: 'get_current_weather', arguments: args2 } },
          ],
        };
        expect(countMessage(m, count, rules).tokens).toBe(3 + tok('assistant') + 2 * tok('get_current_weather') + tok(args1) + tok(args2));
        const fc: Message = { role: 'assistant', content: 'Let me check.', function_call: { name: 'lookup', arguments: '{"q":1}' } };
        expect(countMessage(fc, count, rules).tokens).toBe(3 + tok('assistant') + tok('Let me check.') + tok('lookup') + tok('{"q":1}'));
      });

      test('a tool message: + tool_call_id', () => {
        const m: Message = { role: 'tool', tool_call_id: 'call_abc123', content: '{"temp": 18}' };
        expect(countMessage(m, count, rules).tokens).toBe(3 + tok('tool') + tok('{"temp": 18}') + tok('call_abc123'));
      });

      test('text parts: the sum of each part (not the joined text)', () => {
        const m: Message = {
          role: 'user',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'text', text: ' world' },
          ],
        };
        expect(countMessage(m, count, rules).tokens).toBe(3 + tok('user') + tok('Hello') + tok(' world'));
      });

      test('images: 85 each, and counted as images', () => {
        const img = { type: 'image_url' as const, image_url: { url: 'https://example.com/a.png', detail: 'high' as const } };
        const m: Message = { role: 'user', content: [{ type: 'text', text: 'Compare:' }, img, img] };
        const c = countMessage(m, count, rules);
        expect(c.tokens).toBe(3 + tok('user') + tok('Compare:') + 2 * 85);
        expect(c.images).toBe(2);
        expect(countChat({ messages: [m] }, count, rules).images).toBe(2);
      });

      test('a chat example: Σ messages + tool definitions + 1; assistant tokens are content + calls', () => {
        const ex: ChatExample = {
          messages: [
            { role: 'system', content: 'S' },
            { role: 'user', content: 'U?' },
            { role: 'assistant', content: 'Answer one.' },
            { role: 'user', content: 'More?' },
            { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          ],
          functions: [{ name: 'f', description: 'Does f.' }],
        };
        const expected =
          1 +
          (tok('namespace functions {\n\n// Does f.\ntype f = () => any;\n\n} // namespace functions') + OVERHEADS.toolsOverhead.value) +
          (3 + tok('system') + tok('S')) +
          (3 + tok('user') + tok('U?')) +
          (3 + tok('assistant') + tok('Answer one.')) +
          (3 + tok('user') + tok('More?')) +
          (3 + tok('assistant') + tok('f') + tok('{}'));
        const c = countChat(ex, count, rules);
        expect(c.tokens).toBe(expected);
        expect(c.assistantTokens).toBe(tok('Answer one.') + tok('f') + tok('{}'));
      });

      test('tool definitions: tools and legacy functions count alike, none count 0', () => {
        expect(countFunctions([], count, rules)).toBe(0);
        const fn = { name: 'g', description: 'G', parameters: { type: 'object', properties: { a: { type: 'integer', description: 'An int.' } } } };
        const viaTools = countChat({ messages: [], tools: [{ type: 'function', function: fn }] }, count, rules).tokens;
        const viaFunctions = countChat({ messages: [], functions: [fn] }, count, rules).tokens;
        expect(viaTools).toBe(viaFunctions);
        const rendered = 'namespace functions {\n\n// G\ntype g = (_: {\n// An int.\na?: number,\n}) => any;\n\n} // namespace functions';
        expect(viaTools).toBe(1 + tok(rendered) + OVERHEADS.toolsOverhead.value);
      });

      test('DPO: the input twice (once per output), both outputs, and 2 × 1 per example', () => {
        const ex: DpoExample = {
          input: {
            messages: [
              { role: 'system', content: 'Be kind.' },
              { role: 'user', content: 'Rate my poem.' },
            ],
          },
          preferred_output: [{ role: 'assistant', content: 'It has lovely imagery.' }],
          non_preferred_output: [{ role: 'assistant', content: 'Bad.' }],
        };
        const input = 3 + tok('system') + tok('Be kind.') + 3 + tok('user') + tok('Rate my poem.');
        const outputs = 3 + tok('assistant') + tok('It has lovely imagery.') + 3 + tok('assistant') + tok('Bad.');
        const c = countDpo(ex, count, rules);
        expect(c.tokens).toBe(2 * input + outputs + 2);
        expect(c.assistantTokens).toBe(tok('It has lovely imagery.') + tok('Bad.'));
        expect(analyze(ex, { encoding: enc }).tokens).toBe(2 * input + outputs + 2);
      });

      test('completion: prompt + completion + 1', () => {
        const c = countCompletion({ prompt: 'Translate to French: cheese =>', completion: ' fromage' }, count);
        expect(c.tokens).toBe(tok('Translate to French: cheese =>') + tok(' fromage') + 1);
        expect(c.assistantTokens).toBe(tok(' fromage'));
        expect(countCompletion({ prompt: '', completion: 'x' }, count).tokens).toBe(tok('x') + 1);
      });

      test('special-token text like "<|endoftext|>" is counted as text, not thrown', () => {
        for (const s of ['<|endoftext|>', 'before <|im_start|>system<|im_end|> after', '<|fim_prefix|><|endofprompt|>']) {
          expect(() => count(s)).not.toThrow();
          expect(count(s)).toBe(tok(s));
        }
        expect(count('<|endoftext|>')).toBeGreaterThan(1);
        const r = analyze(
          {
            messages: [
              { role: 'system', content: 's' },
              { role: 'user', content: '<|endoftext|>' },
              { role: 'assistant', content: '<|im_end|>' },
            ],
          },
          { encoding: enc },
        );
        expect(r.valid).toBe(true);
        expect(r.tokens).toBe(1 + 3 + tok('system') + tok('s') + 3 + tok('user') + tok('<|endoftext|>') + 3 + tok('assistant') + tok('<|im_end|>'));
      });

      test('the empty string is 0 tokens', () => {
        expect(count('')).toBe(0);
      });
    });
  }
});
