import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { convertLine } from '../../src/providers/vertex/convert.js';
import { convertFile, convertStream } from '../../src/providers/vertex/convert-file.js';

const ok = (ex: unknown) => {
  const r = convertLine(JSON.stringify(ex));
  if (!r.ok) throw new Error(`expected a conversion, got ${JSON.stringify(r.problem)}`);
  return JSON.parse(r.text) as Record<string, unknown>;
};
const problem = (ex: unknown) => {
  const r = convertLine(JSON.stringify(ex));
  if (r.ok) throw new Error(`expected a refusal, got ${r.text}`);
  return r.problem;
};

describe('OpenAI chat → Vertex example', () => {
  test('system, user and assistant become systemInstruction and user/model contents', () => {
    expect(
      ok({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: 'No emojis.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello.' },
        ],
      }),
    ).toEqual({
      systemInstruction: { role: 'system', parts: [{ text: 'Be brief.' }, { text: 'No emojis.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello.' }] },
      ],
    });
  });

  test('tools, tool calls and tool results become function declarations, calls and responses', () => {
    const out = ok({
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'c2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'c2', content: 'cold' },
        { role: 'assistant', content: 'Paris 21°C, Oslo cold.' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } }],
    });
    expect(out.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Oslo?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Paris' } } }, { functionCall: { name: 'weather', args: { city: 'Oslo' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { temp: 21 } } }, { functionResponse: { name: 'weather', response: { content: 'cold' } } }] },
      { role: 'model', parts: [{ text: 'Paris 21°C, Oslo cold.' }] },
    ]);
    expect(out.tools).toEqual([{ functionDeclarations: [{ name: 'weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } }] }]);
  });

  test('base64 images become inline data', () => {
    const out = ok({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/PNG;base64,iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: 'A PNG.' },
      ],
    });
    expect((out.contents as unknown[])[0]).toEqual({ role: 'user', parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] });
  });

  test('the same line always gives the same bytes', () => {
    const line = JSON.stringify({
      tools: [],
      messages: [
        { content: 'Hi', role: 'user' },
        { role: 'assistant', content: 'Yo' },
      ],
    });
    const a = convertLine(line);
    const b = convertLine(line);
    expect(a).toEqual(b);
    expect(a.ok && a.text).toBe('{"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"Yo"}]}]}');
  });

  test('a line already in Vertex form goes through unchanged', () => {
    const line = '{"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"Yo"}]}]}';
    expect(convertLine(line)).toEqual({ ok: true, text: line, alreadyVertex: true });
  });

  test.each([
    [
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'system', content: 'late' },
          { role: 'assistant', content: 'b' },
        ],
      },
      'system-not-first',
      'messages[1]',
    ],
    [
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b', weight: 0 },
          { role: 'user', content: 'c' },
          { role: 'assistant', content: 'd' },
        ],
      },
      'weight-not-convertible',
      'messages[1].weight',
    ],
    [
      {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/cat.png' } }] },
          { role: 'assistant', content: 'cat' },
        ],
      },
      'image-url-not-inline',
      'messages[0].content[0].image_url.url',
    ],
    [
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1,2]' } }] },
          { role: 'tool', tool_call_id: 'c', content: 'x' },
          { role: 'assistant', content: 'ok' },
        ],
      },
      'unconvertible-tool-call',
      'messages[1].tool_calls[0].function.arguments',
    ],
    [
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'tool', tool_call_id: 'zz', content: 'x' },
          { role: 'assistant', content: 'ok' },
        ],
      },
      'unknown-tool-call',
      'messages[1].tool_call_id',
    ],
    [{ messages: [{ role: 'user', content: 'a' }] }, 'no-final-model-turn', 'messages[0]'],
    [{ input: { messages: [] }, preferred_output: [], non_preferred_output: [] }, 'not-convertible', ''],
  ])('refused with a located problem: %#', (ex, code, path) => {
    const p = problem(ex);
    expect(p.code).toBe(code);
    expect(p.path).toBe(path);
    expect(p.hint.length).toBeGreaterThan(10);
  });

  test('invalid JSON is a problem, not a crash', () => {
    const r = convertLine('{"messages": [');
    expect(r.ok).toBe(false);
  });
});

describe('whole files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vertex-convert-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const chat = (q: string) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: q },
        { role: 'assistant', content: `A: ${q}` },
      ],
    });

  test('converts line by line, skips blank lines, and hashes the output', async () => {
    const src = join(dir, 'ok.jsonl');
    await writeFile(src, `${chat('one')}\r\n\n${chat('two')}`);
    const chunks: string[] = [];
    const sink = new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) });
    const s = await convertStream(src, sink);
    expect(s.problems).toEqual([]);
    expect(s.examples).toBe(2);
    expect(
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).contents[1].parts[0].text),
    ).toEqual(['A: one', 'A: two']);
    const out = join(dir, 'ok.vertex.jsonl');
    const f = await convertFile(src, out);
    expect(f.sha256).toBe(s.sha256);
    expect(await readFile(out, 'utf8')).toBe(chunks.join(''));
  });

  test('every problem is reported with its line, and no output file is left', async () => {
    const src = join(dir, 'bad.jsonl');
    await writeFile(src, [chat('one'), '{"messages":[{"role":"user","content":"x"}]}', chat('three'), 'not json'].join('\n'));
    const out = join(dir, 'bad.vertex.jsonl');
    const s = await convertFile(src, out);
    expect(s.problems.map((p) => [p.line, p.code])).toEqual([
      [2, 'no-final-model-turn'],
      [4, 'invalid-json'],
    ]);
    await expect(stat(out)).rejects.toThrow();
  });
});
