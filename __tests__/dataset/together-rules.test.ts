/**
 * The `together` profile's own rules (src/dataset/together-rules.ts), one fixture per rule of
 * Together's `check_file` (together-python eba5e5f) and of its docs, and the shapes only
 * Together takes (free `text`, prompts with images, tool calling).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { PROFILES } from '../../src/catalog/profiles.js';
import { nonIntegerWeights } from '../../src/dataset/together-rules.js';
import { analyze, check, cleanup, codes, fileCodes, finding, goodChat, writeFixture, writeJsonl } from './helpers.js';

afterAll(cleanup);
const together = { profile: PROFILES.together };
const PNG = 'data:image/png;base64,iVBORw0KGgo=';
const user = (content: unknown, extra: Record<string, unknown> = {}) => ({ role: 'user', content, ...extra });
const assistant = (content: unknown, extra: Record<string, unknown> = {}) => ({ role: 'assistant', content, ...extra });

describe('weights', () => {
  test('0 or 1 on any message is fine; other integers, strings and floats are refused', () => {
    expect(analyze({ messages: [user('a', { weight: 0 }), assistant('b', { weight: 1 })] }, together).valid).toBe(true);
    for (const w of [2, -1, '1', null]) {
      const r = analyze({ messages: [user('a', { weight: w }), assistant('b')] }, together);
      expect(r.valid).toBe(false);
      expect(finding(r, 'invalid-weight')?.path).toBe('messages[0].weight');
    }
  });

  test('a weight written 1.0 is a float to Together even though JSON.parse reads 1', () => {
    const line = '{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b","weight":1.0}]}';
    expect(nonIntegerWeights(line)).toBe(true);
    expect(nonIntegerWeights(line.replace('1.0', '1'))).toBe(false);
    // A "weight" inside a string is text, not a weight.
    expect(nonIntegerWeights('{"messages":[{"role":"user","content":"\\"weight\\": 1.5"}]}')).toBe(false);
    const r = analyze(line, together);
    expect(codes(r)).toEqual(['invalid-weight']);
    expect(analyze(line, { profile: PROFILES.openai }).valid).toBe(true);
  });

  test('messages with images cannot carry weight 1', () => {
    const r = analyze({ messages: [user([{ type: 'image_url', image_url: { url: PNG } }], { weight: 1 }), assistant([{ type: 'text', text: 'x' }])] }, together);
    expect(codes(r)).toEqual(['weighted-image-message']);
  });
});

describe('roles and turns', () => {
  test('role tool and a tools key are taken (docs: function-calling fine-tuning)', () => {
    const ex = {
      messages: [
        user('Weather in Paris?'),
        { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '12C' },
        assistant('12 degrees.'),
      ],
      tools: [{ type: 'function', function: { name: 'w', parameters: { type: 'object', properties: {} } } }],
    };
    const r = analyze(ex, together);
    expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('the same role twice in a row, or an unknown role, is refused where it happens', () => {
    const r = analyze({ messages: [user('a'), user('b'), assistant('c')] }, together);
    expect(codes(r)).toEqual(['repeated-role']);
    expect(finding(r, 'repeated-role')?.path).toBe('messages[1].role');
    expect(codes(analyze({ messages: [{ role: 'developer', content: 'a' }, user('b'), assistant('c')] }, together))).toEqual(['invalid-role']);
  });

  test('a conversation needs an assistant message; a DPO input must not end with one', () => {
    expect(codes(analyze({ messages: [user('a')] }, together))).toEqual(['missing-assistant-message']);
    const dpo = { input: { messages: [user('a'), assistant('b')] }, preferred_output: [assistant('c')], non_preferred_output: [assistant('d')] };
    expect(codes(analyze(dpo, together))).toEqual(['dpo-input-ends-with-assistant']);
  });
});

describe('images', () => {
  test('only base64 JPEG, PNG or WEBP data URLs, only from users', () => {
    const img = (url: string) => ({
      messages: [
        user([
          { type: 'text', text: 'see' },
          { type: 'image_url', image_url: { url } },
        ]),
        assistant([{ type: 'text', text: 'ok' }]),
      ],
    });
    expect(analyze(img(PNG), together).valid).toBe(true);
    expect(codes(analyze(img('https://example.com/cat.png'), together))).toEqual(['invalid-image-url']);
    expect(codes(analyze(img('data:image/gif;base64,R0lGOD'), together))).toEqual(['invalid-image-url']);
    // OpenAI takes https images: the rule is Together's alone.
    expect(analyze(img('https://example.com/cat.png'), { profile: PROFILES.openai }).valid).toBe(true);
  });

  test('an example mixes no string contents with lists of parts', () => {
    const r = analyze({ messages: [user([{ type: 'text', text: 'a' }]), assistant('b')] }, together);
    expect(codes(r)).toEqual(['mixed-content-shapes']);
    expect(finding(r, 'mixed-content-shapes')?.path).toBe('messages[1].content');
  });

  test('at most 10 images per example', () => {
    const parts = Array.from({ length: 11 }, () => ({ type: 'image_url', image_url: { url: PNG } }));
    expect(codes(analyze({ messages: [user(parts), assistant([{ type: 'text', text: 'x' }])] }, together))).toEqual(['too-many-images']);
  });
});

describe('formats only Together takes', () => {
  test('free text is trained on whole and counted', () => {
    const r = analyze({ text: 'Hello, world!' }, together);
    expect(r).toMatchObject({ valid: true, shape: 'text' });
    expect(r.tokens).toBeGreaterThan(0);
    expect(r.assistantTokens).toBe(r.tokens);
    // Elsewhere a text line has no known shape.
    expect(codes(analyze({ text: 'Hello' }, { profile: PROFILES.openai }))).toEqual(['unknown-format']);
  });

  test('instruction data whose prompt is a list of parts with images', () => {
    const prompt = [
      { type: 'text', text: 'Which is it?' },
      { type: 'image_url', image_url: { url: PNG } },
    ];
    const r = analyze({ prompt, completion: 'A cat.' }, together);
    expect(r.valid).toBe(true);
    expect(r.images).toBe(1);
    const plain = analyze({ prompt: 'Which is it?', completion: 'A cat.' }, together);
    expect(r.tokens).toBeGreaterThan(plain.tokens);
    expect(codes(analyze({ prompt, completion: 'A cat.' }, { profile: PROFILES.openai }))).toContain('invalid-field');
  });

  test('unknown top-level keys and ambiguous lines are refused, not warned about', () => {
    expect(finding(analyze({ ...goodChat(), id: 7 }, together), 'unknown-key')?.severity).toBe('error');
    expect(finding(analyze({ ...goodChat(), id: 7 }, { profile: PROFILES.openai }), 'unknown-key')?.severity).toBe('warning');
    expect(codes(analyze({ text: 'a', prompt: 'b', completion: 'c' }, together))).toEqual(['unknown-key']);
  });
});

describe('whole files', () => {
  test("a blank line fails Together's check (it parses every line)", async () => {
    const path = writeFixture('blank.jsonl', `${JSON.stringify(goodChat(1))}\n\n${JSON.stringify(goodChat(2))}\n`);
    const r = await check(path, together);
    expect(r.diagnostics.find((d) => d.code === 'blank-line')).toMatchObject({ severity: 'error', line: 2 });
    expect((await check(path)).diagnostics.find((d) => d.code === 'blank-line')?.severity).toBe('warning');
  });

  test("file size: over the documented limit is refused, over the SDK check's a warning", async () => {
    const path = writeJsonl([goodChat(1), goodChat(2)]);
    const small = { ...PROFILES.together, maxDatasetBytes: 100, sdkCheckMaxBytes: 50 };
    expect(fileCodes(await check(path, { profile: small }))).toEqual(['file-too-large']);
    expect(fileCodes(await check(path, { profile: { ...small, maxDatasetBytes: 10_000 } }))).toEqual(['file-too-large-for-sdk-check']);
    expect(fileCodes(await check(path, together))).toEqual([]);
  });
});
