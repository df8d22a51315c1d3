/**
 * `analyzeLine`: every per-line diagnostic code, each with a fixture that trips it and one that
 * does not. File-level codes are in check.test.ts, model/provider notices in target.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import { PROFILES, type ValidationProfile } from '../../src/catalog/profiles.js';
import { firstInvalidUtf8 } from '../../src/dataset/line.js';
import { analyze, analyzeRaw, codes, finding, goodChat, goodCompletion, goodDpo } from './helpers.js';

const sys = (content: unknown = 'Be brief.') => ({ role: 'system', content });
const user = (content: unknown = 'Hi?') => ({ role: 'user', content });
const asst = (content: unknown = 'Hello.', extra: Record<string, unknown> = {}) => ({ role: 'assistant', content, ...extra });
const chat = (...messages: unknown[]) => ({ messages });
const img = (url: string) => ({ type: 'image_url', image_url: { url } });
const HTTPS_IMG = 'https://example.com/cat.png';

describe('a well-formed example trips nothing', () => {
  test.each([
    ['chat', goodChat(), null],
    ['dpo', goodDpo(), null],
    ['completion', goodCompletion(), null],
    ['reinforcement', goodChat(), 'reinforcement'],
  ] as const)('%s', (_name, ex, method) => {
    const r = analyze(ex, { method });
    expect(r.findings).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.tokens).toBeGreaterThan(0);
    expect(r.hash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('decoding and parsing', () => {
  test('invalid-utf8: an error at that line with the 1-based byte column, bytes never replaced', () => {
    const good = Buffer.from('{"messages":[{"role":"user","content":"ab');
    const bytes = Buffer.concat([good, Buffer.from([0xff]), Buffer.from('"}]}')]);
    const r = analyzeRaw(bytes, {}, 7);
    expect(r.line).toBe(7);
    expect(codes(r)).toEqual(['invalid-utf8']);
    expect(r.findings[0]!.severity).toBe('error');
    expect(r.findings[0]!.message).toContain(`column ${good.length + 1}`);
    expect(r.valid).toBe(false);
    expect(r.tokens).toBe(0);
  });

  test.each([
    ['overlong encoding of "/"', [0x61, 0xc0, 0xaf], 2],
    ['a lone continuation byte', [0x61, 0x62, 0x80], 3],
    ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80], 1],
    ['a sequence cut short at the end', [0x61, 0xe2, 0x82], 2],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 1],
    ['a continuation missing in the middle', [0x61, 0xe2, 0x41, 0x41], 2],
  ])('invalid-utf8 column for %s', (_name, raw, column) => {
    expect(firstInvalidUtf8(Buffer.from(raw))).toBe(column - 1);
    const r = analyzeRaw(Buffer.from(raw));
    expect(codes(r)).toEqual(['invalid-utf8']);
    expect(r.findings[0]!.message).toContain(`column ${column}`);
  });

  test('valid multi-byte UTF-8 (accents, CJK, emoji, 4-byte) is not invalid-utf8', () => {
    const r = analyze(chat(sys('Café ☕ 日本語'), user('👩‍💻 𝔘𝔫𝔦𝔠𝔬𝔡𝔢?'), asst('¡Sí! 🎉')));
    expect(codes(r)).toEqual([]);
    expect(firstInvalidUtf8(Buffer.from('Café ☕ 日本語 👩‍💻 𝔘'))).toBe(-1);
  });

  test.each([[''], ['   '], ['\t \t']])('blank-line for %j, a warning, not an example', (text) => {
    const r = analyze(text);
    expect(codes(r)).toEqual(['blank-line']);
    expect(r.findings[0]!.severity).toBe('warning');
    expect(r.blank).toBe(true);
    expect(r.valid).toBe(false);
  });

  test('invalid-json: a broken line, and a pretty-printed fragment', () => {
    for (const text of ['{"messages": [}', '{', '{"messages": []}}', "{'messages': []}"]) {
      const r = analyze(text);
      expect(codes(r)).toEqual(['invalid-json']);
      expect(r.findings[0]!.severity).toBe('error');
      expect(r.blank).toBe(false);
    }
  });

  test.each([
    ['[1, 2]', 'an array'],
    ['"text"', 'a string'],
    ['null', 'null'],
    ['42', 'a number'],
    ['true', 'a boolean'],
  ])('not-an-object: %s is %s', (text, what) => {
    const r = analyze(text);
    expect(codes(r)).toEqual(['not-an-object']);
    expect(r.findings[0]!.message).toContain(what);
  });

  test('unknown-format: an object with no training keys, listing what it found', () => {
    const r = analyze({ question: 'q', answer: 'a' });
    expect(codes(r)).toEqual(['unknown-format']);
    expect(r.findings[0]!.message).toContain('question, answer');
    expect(r.shape).toBeNull();
    expect(analyze({}).findings[0]!.message).toContain('found: none');
  });

  test('shape detection: messages → chat, input/outputs → dpo, prompt/completion → completion', () => {
    expect(analyze(goodChat()).shape).toBe('chat');
    expect(analyze(goodDpo()).shape).toBe('dpo');
    expect(analyze(goodCompletion()).shape).toBe('completion');
    // even a broken example of a shape keeps the shape (for mixed-format detection)
    expect(analyze({ prompt: 'only a prompt' }).shape).toBe('completion');
    expect(analyze({ preferred_output: [] }).shape).toBe('dpo');
  });
});

describe('schema failures', () => {
  test('invalid-role names the role and the allowed ones', () => {
    const r = analyze(chat(user(), { role: 'robot', content: 'beep' }, asst()));
    expect(codes(r)).toEqual(['invalid-role']);
    const f = r.findings[0]!;
    expect(f.path).toBe('messages[1].role');
    expect(f.message).toContain('"robot"');
    expect(f.message).toContain('system, developer, user, assistant, tool, function');
  });

  test('a missing role is invalid-role too', () => {
    const r = analyze(chat(user(), { content: 'who am I' }, asst()));
    expect(codes(r)).toEqual(['invalid-role']);
    expect(r.findings[0]!.path).toBe('messages[1].role');
  });

  test('unsupported-content-part: an audio part (and a file part)', () => {
    const audio = analyze(chat(user([{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }]), asst()));
    expect(codes(audio)).toEqual(['unsupported-content-part']);
    expect(audio.findings[0]!.path).toBe('messages[0].content[0].type');
    expect(audio.findings[0]!.message).toContain('audio');
    const file = analyze(
      chat(
        user([
          { type: 'text', text: 'see' },
          { type: 'file', file: { file_id: 'f' } },
        ]),
        asst(),
      ),
    );
    expect(codes(file)).toEqual(['unsupported-content-part']);
    expect(file.findings[0]!.path).toBe('messages[0].content[1].type');
    const ok = analyze(chat(sys([{ type: 'text', text: 'Be brief.' }]), user([{ type: 'text', text: 'hi' }, img(HTTPS_IMG)]), asst([{ type: 'text', text: 'A cat.' }])));
    expect(codes(ok)).toEqual([]);
  });

  test('missing-field: a tool message without tool_call_id, a completion without completion', () => {
    const tool = analyze(chat(user(), asst(null, { tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }), { role: 'tool', content: 'r' }, asst()));
    expect(codes(tool)).toEqual(['missing-field']);
    expect(tool.findings[0]!.path).toBe('messages[2].tool_call_id');
    const comp = analyze({ prompt: 'only' });
    expect(codes(comp)).toEqual(['missing-field']);
    expect(comp.findings[0]!.path).toBe('completion');
  });

  test('missing-field: a user message without content (content is a union of string and parts)', () => {
    const r = analyze(chat(sys(), { role: 'user' }, asst()));
    expect(codes(r)).toEqual(['missing-field']);
    expect(r.findings[0]!.path).toBe('messages[1].content');
    expect(r.findings[0]!.message).toContain('missing');
  });

  test('no-messages: an empty messages array', () => {
    const r = analyze({ messages: [] });
    expect(codes(r)).toEqual(['no-messages']);
    expect(r.findings[0]!.path).toBe('messages');
  });

  test('invalid-field: weight 2 on an assistant message', () => {
    const r = analyze(chat(sys(), user(), asst('ok', { weight: 2 })));
    expect(codes(r)).toEqual(['invalid-field']);
    expect(r.findings[0]!.path).toBe('messages[2].weight');
    expect(r.findings[0]!.message).toContain('number 2');
    expect(r.findings[0]!.message).toContain('0 or 1');
    for (const weight of [0, 1]) expect(codes(analyze(chat(sys(), user(), asst('ok', { weight }))))).not.toContain('invalid-field');
  });

  test('invalid-field: tool call arguments given as an object rather than a JSON string', () => {
    const r = analyze(chat(user(), asst(null, { tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: { a: 1 } } }] })));
    expect(codes(r)).toEqual(['invalid-field']);
    expect(r.findings[0]!.path).toBe('messages[1].tool_calls[0].function.arguments');
  });

  test('too-few-items / too-many-items: functions must hold 1 to 128 definitions', () => {
    const base = chat(sys(), user(), asst());
    const fn = (i: number) => ({ name: `f${i}`, description: 'd', parameters: { type: 'object', properties: {} } });
    expect(codes(analyze({ ...base, functions: [] }))).toEqual(['too-few-items']);
    expect(codes(analyze({ ...base, functions: Array.from({ length: 129 }, (_, i) => fn(i)) }))).toEqual(['too-many-items']);
    expect(codes(analyze({ ...base, functions: Array.from({ length: 128 }, (_, i) => fn(i)) }))).toEqual([]);
  });

  test('schema failures are capped at 5 per line', () => {
    const bad = Array.from({ length: 9 }, () => ({ role: 'robot', content: 'x' }));
    const r = analyze({ messages: bad });
    expect(r.findings).toHaveLength(5);
    expect(r.valid).toBe(false);
  });
});

describe('unknown-key', () => {
  test('chat, DPO and completion lines warn on keys their format does not take', () => {
    const c = analyze({ ...goodChat(), metadata: { id: 1 } });
    expect(codes(c)).toEqual(['unknown-key']);
    expect(c.findings[0]!.path).toBe('metadata');
    expect(c.findings[0]!.severity).toBe('warning');
    expect(c.valid).toBe(true);
    expect(codes(analyze({ ...goodDpo(), id: 3 }))).toEqual(['unknown-key']);
    expect(codes(analyze({ ...goodCompletion(), label: 'x' }))).toEqual(['unknown-key']);
  });

  test('known optional keys are not unknown', () => {
    const r = analyze({
      ...goodChat(),
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
      parallel_tool_calls: false,
    });
    expect(codes(r)).toEqual([]);
  });
});

describe('reinforcement', () => {
  test('extra keys are free data, no assistant message is required', () => {
    const ex = { messages: [sys(), user('What is 2+2?')], reference_answer: '4', tags: ['math'], meta: { n: 1 } };
    const r = analyze(ex, { method: 'reinforcement' });
    expect(codes(r)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.shape).toBe('chat');
    // the same line under supervised: unknown keys and no answer
    const sft = analyze(ex, { method: 'supervised' });
    expect(codes(sft).sort()).toEqual(['missing-assistant-message', 'unknown-key', 'unknown-key', 'unknown-key']);
  });

  test('message rules still apply to reinforcement prompts', () => {
    const r = analyze({ messages: [user(''), { role: 'developer', content: 'x' }] }, { method: 'reinforcement' });
    expect(codes(r)).toEqual(['empty-content']);
  });

  test('role "developer" is documented for reinforcement data: no developer-role there', () => {
    const ex = { messages: [{ role: 'developer', content: 'Grade strictly.' }, user('2+2?')], answer: '4' };
    expect(codes(analyze(ex, { method: 'reinforcement' }))).toEqual([]);
    expect(codes(analyze({ messages: [...ex.messages, asst('4')] }, { method: 'supervised' }))).toEqual(['developer-role']);
  });
});

describe('message roles', () => {
  test('developer-role warns, and counts as a system message', () => {
    const r = analyze(chat({ role: 'developer', content: 'Be brief.' }, user(), asst()));
    expect(codes(r)).toEqual(['developer-role']);
    expect(r.findings[0]!.path).toBe('messages[0].role');
    expect(r.findings[0]!.severity).toBe('warning');
    expect(r.hasSystem).toBe(true);
  });

  test('deprecated-function-role warns; null content is fine for a function result', () => {
    const r = analyze(chat(sys(), user(), asst(null, { function_call: { name: 'f', arguments: '{}' } }), { role: 'function', name: 'f', content: null }, asst()));
    expect(codes(r)).toEqual(['deprecated-function-role']);
    expect(r.findings[0]!.path).toBe('messages[3].role');
    const tool = analyze(
      chat(sys(), user(), asst(null, { tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }), { role: 'tool', tool_call_id: 'c', content: '1' }, asst()),
    );
    expect(codes(tool)).toEqual([]);
  });
});

describe('images', () => {
  const small: ValidationProfile = { ...PROFILES.openai, maxImageBytes: 30 };

  test('image-not-allowed-here: images in system or assistant messages', () => {
    const r = analyze(chat(sys([img(HTTPS_IMG)]), user(), asst([{ type: 'text', text: 'x' }, img(HTTPS_IMG)])));
    expect(codes(r)).toEqual(['image-not-allowed-here', 'image-not-allowed-here']);
    expect(r.findings.map((f) => f.path)).toEqual(['messages[0].content[0]', 'messages[2].content[1]']);
    expect(codes(analyze(chat(sys(), user([img(HTTPS_IMG)]), asst())))).toEqual([]);
  });

  test('unsupported-image-type: a GIF data URL; JPEG, PNG, WEBP are fine', () => {
    const r = analyze(chat(sys(), user([img('data:image/gif;base64,R0lGODlh')]), asst()));
    expect(codes(r)).toEqual(['unsupported-image-type']);
    expect(r.findings[0]!.path).toBe('messages[1].content[0].image_url.url');
    expect(r.findings[0]!.message).toContain('image/gif');
    for (const t of ['jpeg', 'jpg', 'png', 'webp', 'PNG']) {
      expect(codes(analyze(chat(sys(), user([img(`data:image/${t};base64,iVBORw0KGgo=`)]), asst())))).toEqual([]);
    }
  });

  test('image-too-large: the decoded size of a base64 data URL against the profile limit', () => {
    const at = 'data:image/png;base64,' + 'A'.repeat(40); // 40 base64 chars = 30 bytes
    const over = 'data:image/png;base64,' + 'A'.repeat(44); // 33 bytes
    expect(codes(analyze(chat(sys(), user([img(at)]), asst()), { profile: small }))).toEqual([]);
    const r = analyze(chat(sys(), user([img(over)]), asst()), { profile: small });
    expect(codes(r)).toEqual(['image-too-large']);
    expect(r.findings[0]!.severity).toBe('error');
  });

  test('image-too-large with the real 10 MB limit', () => {
    const mb = 1024 * 1024;
    const b64For = (bytes: number) => 'A'.repeat(Math.ceil((bytes * 4) / 3));
    expect(codes(analyze(chat(sys(), user([img('data:image/jpeg;base64,' + b64For(10 * mb - 3))]), asst())))).toEqual([]);
    const r = analyze(chat(sys(), user([img('data:image/jpeg;base64,' + b64For(10 * mb + 3))]), asst()));
    expect(codes(r)).toEqual(['image-too-large']);
    expect(r.findings[0]!.message).toContain('10 MB');
  });

  test('invalid-image-url: http, relative and non-image URLs', () => {
    for (const url of ['http://example.com/a.png', 'cat.png', 'ftp://x/y.png', 'data:text/plain;base64,aGk=']) {
      const r = analyze(chat(sys(), user([img(url)]), asst()));
      expect(codes(r)).toEqual(['invalid-image-url']);
    }
    expect(codes(analyze(chat(sys(), user([img('HTTPS://EXAMPLE.COM/A.PNG')]), asst())))).toEqual([]);
  });

  test('too-many-images: 11 images in an example is an error, 10 is not', () => {
    const ten = Array.from({ length: 10 }, () => img(HTTPS_IMG));
    const ok = analyze(chat(sys(), user(ten.slice(0, 6)), asst(), user(ten.slice(6)), asst()));
    expect(codes(ok)).toEqual([]);
    expect(ok.images).toBe(10);
    const r = analyze(chat(sys(), user(ten.slice(0, 6)), asst(), user([...ten.slice(6), img(HTTPS_IMG)]), asst()));
    expect(codes(r)).toEqual(['too-many-images']);
    expect(r.findings[0]!.message).toContain('11 images');
    expect(r.findings[0]!.path).toBe('messages');
    // Azure's profile allows more
    expect(codes(analyze(chat(sys(), user([...ten, img(HTTPS_IMG)]), asst()), { profile: PROFILES.azure }))).toEqual([]);
  });
});

describe('tool calls', () => {
  const call = (id: string, args: string) => ({ id, type: 'function', function: { name: 'get_weather', arguments: args } });

  test('invalid-tool-arguments: tool_calls and function_call arguments that are not JSON', () => {
    const r = analyze(chat(sys(), user(), asst(null, { tool_calls: [call('a', '{"city": "Paris"}'), call('b', '{city: Paris}')] })));
    expect(codes(r)).toContain('invalid-tool-arguments');
    expect(finding(r, 'invalid-tool-arguments')!.path).toBe('messages[2].tool_calls[1].function.arguments');
    const fc = analyze(chat(sys(), user(), asst(null, { function_call: { name: 'f', arguments: 'not json' } })));
    expect(codes(fc)).toContain('invalid-tool-arguments');
    expect(finding(fc, 'invalid-tool-arguments')!.path).toBe('messages[2].function_call.arguments');
    const ok = analyze(chat(sys(), user(), asst(null, { tool_calls: [call('a', '{"city": "Paris"}')] }), { role: 'tool', tool_call_id: 'a', content: '18C' }, asst('18C in Paris.')));
    expect(codes(ok)).toEqual([]);
  });

  test('unmatched-tool-call-id: an id no earlier assistant call made (order matters)', () => {
    const r = analyze(chat(sys(), user(), asst(null, { tool_calls: [call('a', '{}')] }), { role: 'tool', tool_call_id: 'zzz', content: 'r' }, asst()));
    expect(codes(r)).toEqual(['unmatched-tool-call-id']);
    expect(r.findings[0]!.path).toBe('messages[3].tool_call_id');
    expect(r.findings[0]!.severity).toBe('warning');
    const early = analyze(chat(sys(), user(), { role: 'tool', tool_call_id: 'a', content: 'r' }, asst(null, { tool_calls: [call('a', '{}')] }), asst()));
    expect(codes(early)).toEqual(['unmatched-tool-call-id']);
  });
});

describe('empty-content', () => {
  test.each([
    ['system', chat(sys(''), user(), asst()), 'messages[0].content'],
    ['user', chat(sys(), user('   '), asst()), 'messages[1].content'],
    ['user (empty parts array)', chat(sys(), user([]), asst()), 'messages[1].content'],
    ['user (blank text parts)', chat(sys(), user([{ type: 'text', text: ' ' }]), asst()), 'messages[1].content'],
    [
      'tool',
      chat(sys(), user(), asst(null, { tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }), { role: 'tool', tool_call_id: 'c', content: '' }, asst()),
      'messages[3].content',
    ],
    ['assistant (null, no calls)', chat(sys(), user(), asst(null)), 'messages[2].content'],
    ['assistant (absent, no calls)', chat(sys(), user(), { role: 'assistant' }), 'messages[2].content'],
    ['assistant (blank)', chat(sys(), user(), asst('\n\n')), 'messages[2].content'],
  ])('%s', (_name, ex, path) => {
    const r = analyze(ex);
    expect(codes(r)).toContain('empty-content');
    const f = finding(r, 'empty-content')!;
    expect(f.severity).toBe('error');
    expect(f.path).toBe(path);
  });

  test('completion', () => {
    const r = analyze({ prompt: 'Say hi', completion: '  ' });
    expect(codes(r)).toEqual(['empty-content']);
    expect(r.findings[0]!.path).toBe('completion');
    // an empty prompt is allowed: only the completion is learned
    expect(codes(analyze({ prompt: '', completion: 'hi' }))).toEqual([]);
  });

  test('dpo outputs', () => {
    const ex = { ...goodDpo(), preferred_output: [{ role: 'assistant', content: '' }] };
    const r = analyze(ex);
    expect(codes(r)).toContain('empty-content');
    expect(finding(r, 'empty-content')!.path).toBe('preferred_output[0].content');
    const np = analyze({ ...goodDpo(), non_preferred_output: [{ role: 'assistant', content: null }] });
    expect(finding(np, 'empty-content')!.path).toBe('non_preferred_output[0].content');
  });

  test('not empty: an assistant with tool calls and null content, an image-only user message', () => {
    const r = analyze(
      chat(
        sys(),
        user([img(HTTPS_IMG)]),
        asst(null, { tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }),
        { role: 'tool', tool_call_id: 'c', content: 'x' },
        asst(),
      ),
    );
    expect(codes(r)).toEqual([]);
  });
});

describe('chat rules beyond shape', () => {
  test('missing-assistant-message is an error for supervised data', () => {
    const r = analyze(chat(sys(), user()));
    expect(codes(r)).toContain('missing-assistant-message');
    expect(finding(r, 'missing-assistant-message')!.severity).toBe('error');
    // the example still counts as a (valid-shaped) example
    expect(r.valid).toBe(true);
  });

  test('all-weights-zero warns only when every assistant message has weight 0', () => {
    const r = analyze(chat(sys(), user(), asst('a', { weight: 0 }), user(), asst('b', { weight: 0 })));
    expect(codes(r)).toEqual(['all-weights-zero']);
    expect(codes(analyze(chat(sys(), user(), asst('a', { weight: 0 }), user(), asst('b', { weight: 1 }))))).toEqual([]);
    expect(codes(analyze(chat(sys(), user(), asst('a', { weight: 0 }), user(), asst('b'))))).toEqual([]);
  });

  test('last-message-not-assistant names the role and the index', () => {
    const r = analyze(chat(sys(), user(), asst(), user('and?')));
    expect(codes(r)).toEqual(['last-message-not-assistant']);
    expect(r.findings[0]!.path).toBe('messages[3]');
    expect(r.findings[0]!.message).toContain('user');
  });

  test('no-system-message and no-user-message', () => {
    const r = analyze(chat(user(), asst()));
    expect(codes(r)).toEqual(['no-system-message']);
    expect(r.hasSystem).toBe(false);
    const u = analyze(chat(sys(), asst()));
    expect(codes(u)).toEqual(['no-user-message']);
    expect(u.hasUser).toBe(false);
    expect(codes(analyze(chat(asst())))).toEqual(['no-system-message', 'no-user-message']);
  });
});

describe('DPO rules', () => {
  test('dpo-text-only: an image in the input', () => {
    const ex = goodDpo() as { input: { messages: unknown[] } };
    const r = analyze({ ...ex, input: { messages: [sys(), user([{ type: 'text', text: 'what is this' }, img(HTTPS_IMG)])] } });
    expect(codes(r)).toEqual(['dpo-text-only']);
    expect(r.findings[0]!.path).toBe('input.messages');
  });

  test('dpo-input-ends-with-assistant', () => {
    const r = analyze({ ...goodDpo(), input: { messages: [sys(), user(), asst('earlier')] } });
    expect(codes(r)).toEqual(['dpo-input-ends-with-assistant']);
    expect(r.findings[0]!.path).toBe('input.messages[2]');
  });

  test('dpo-output-count: none, or two, assistant messages', () => {
    const none = analyze({ ...goodDpo(), preferred_output: [] });
    expect(codes(none)).toEqual(['dpo-output-count']);
    expect(none.findings[0]!.path).toBe('preferred_output');
    const two = analyze({ ...goodDpo(), non_preferred_output: [asst('a'), asst('b')] });
    expect(codes(two)).toEqual(['dpo-output-count']);
    expect(two.findings[0]!.message).toContain('2 messages');
  });

  test('dpo-identical-outputs', () => {
    const r = analyze({ ...goodDpo(), non_preferred_output: [asst('A kind answer.')] });
    expect(codes(r)).toEqual(['dpo-identical-outputs']);
    expect(r.findings[0]!.severity).toBe('warning');
  });

  test('DPO input gets the message rules and the presence warnings, with input.-prefixed paths', () => {
    const r = analyze({ ...goodDpo(), input: { messages: [user('')] } });
    expect(codes(r).sort()).toEqual(['empty-content', 'no-system-message']);
    expect(finding(r, 'empty-content')!.path).toBe('input.messages[0].content');
    expect(finding(r, 'no-system-message')!.path).toBe('input.messages');
  });
});

describe('hashes for the diff', () => {
  test('an edited answer keeps the prompt hash and changes the example hash', () => {
    const a = analyze(chat(sys(), user('Q'), asst('A1')));
    const b = analyze(chat(sys(), user('Q'), asst('A2')));
    const c = analyze(chat(sys(), user('Q2'), asst('A1')));
    expect(a.promptHash).toBe(b.promptHash);
    expect(a.hash).not.toBe(b.hash);
    expect(c.promptHash).not.toBe(a.promptHash);
  });

  test('the same example gives the same hash', () => {
    expect(analyze(goodChat(3)).hash).toBe(analyze(goodChat(3)).hash);
    expect(analyze(goodDpo(1)).promptHash).toBe(analyze({ ...goodDpo(1), preferred_output: [asst('other')] }).promptHash);
  });
});
