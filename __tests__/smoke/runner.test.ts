import { describe, expect, it } from '@jest/globals';
import { runSuite, meetsThreshold } from '../../src/smoke/runner.js';
import { parseSuite } from '../../src/smoke/suite.js';
import type { ChatFn, ChatMessage, SmokeSuite } from '../../src/smoke/types.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function suiteOf(n: number, extra = ''): SmokeSuite {
  const cases = Array.from(
    { length: n },
    (_, i) => `  - name: case ${i + 1}\n    prompt: "What's the weather in city ${i + 1}?"\n    assert:\n      - { type: icontains, value: "city ${i + 1}" }\n`,
  ).join('');
  const r = parseSuite(`${extra}defaults: { system: "You are a weather assistant.", temperature: 0, max_tokens: 50, seed: 1 }\ncases:\n${cases}`, 'smoke.yml');
  expect(r.diagnostics).toEqual([]);
  return r.suite!;
}

/**
 * A fake chat that answers "It is sunny in <city N>." after `latency` ms (a number, or one per
 * call by its index), tracking calls in flight and how many were in flight when each started.
 */
function fakeChat(latency: number | ((call: number) => number), answerFor?: (model: string, messages: ChatMessage[]) => string | Error) {
  const state = { inFlight: 0, maxInFlight: 0, startedWith: [] as number[], calls: [] as { model: string; messages: ChatMessage[]; opts: object }[] };
  const chat: ChatFn = async (model, messages, opts) => {
    const index = state.calls.length;
    state.calls.push({ model, messages, opts });
    state.startedWith.push(state.inFlight);
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    const t0 = performance.now();
    try {
      await sleep(typeof latency === 'number' ? latency : latency(index));
      const prompt = messages.at(-1)!.content;
      const city = /city \d+/.exec(prompt)?.[0] ?? '';
      const a = answerFor ? answerFor(model, messages) : `It is sunny in ${city}.`;
      if (a instanceof Error) throw a;
      return { text: a.replace('$city', city), latencyMs: performance.now() - t0, usage: { promptTokens: 20, completionTokens: 10 } };
    } finally {
      state.inFlight--;
    }
  };
  return { chat, state };
}

describe('runSuite', () => {
  it('sends the suite messages and options to every model, interleaved', async () => {
    const { chat, state } = fakeChat(1);
    const run = await runSuite(suiteOf(2), { chat, model: 'ft:tuned', compare: 'base' });
    expect(state.calls.map((c) => c.model)).toEqual(['ft:tuned', 'base', 'ft:tuned', 'base']);
    expect(state.calls[0]!.messages).toEqual([
      { role: 'system', content: 'You are a weather assistant.' },
      { role: 'user', content: "What's the weather in city 1?" },
    ]);
    expect(state.calls[0]!.opts).toEqual({ temperature: 0, max_tokens: 50, seed: 1 });
    expect(run.models.map((m) => [m.role, m.model, m.passed, m.total, m.passRate])).toEqual([
      ['model', 'ft:tuned', 2, 2, 1],
      ['compare', 'base', 2, 2, 1],
    ]);
    expect(run.verdict).toBe('pass');
    expect(run.calls).toBe(4);
    expect(run.cases[1]!.outcomes[0]).toEqual(expect.objectContaining({ pass: true, error: null, answer: 'It is sunny in city 2.', usage: { prompt_tokens: 20, completion_tokens: 10 } }));
  });

  it('respects the concurrency limit across both models', async () => {
    for (const concurrency of [1, 3, 4]) {
      const { chat, state } = fakeChat(15);
      const run = await runSuite(suiteOf(6), { chat, model: 'a', compare: 'b', concurrency });
      expect(state.calls).toHaveLength(12);
      expect(state.maxInFlight).toBe(concurrency);
      expect(run.concurrency).toBe(concurrency);
    }
    const { chat, state } = fakeChat(5);
    await runSuite(suiteOf(10), { chat, model: 'a' }); // default 4
    expect(state.maxInFlight).toBe(4);
  });

  it('a call that throws fails its case with the reason, and the rest still run', async () => {
    const err = Object.assign(new Error('Internal server error'), { status: 500 });
    const { chat } = fakeChat(1, (model, messages) => (model === 'base' && messages.at(-1)!.content.includes('city 2?') ? err : 'It is sunny in $city.'));
    const run = await runSuite(suiteOf(3), { chat, model: 'tuned', compare: 'base' });
    const failed = run.cases[1]!.outcomes[1]!;
    expect(failed).toEqual(expect.objectContaining({ pass: false, error: 'the call failed: 500 Internal server error', answer: '', usage: null, checks: [] }));
    expect(run.models[1]!.passed).toBe(2);
    expect(run.models[0]!.passed).toBe(3);
    expect(run.verdict).toBe('pass'); // the verdict is the tested model's
  });

  it('malformed JSON in an answer fails is-json', async () => {
    const r = parseSuite('cases:\n  - name: json\n    prompt: "JSON please"\n    assert: [{ type: is-json }]\n', 's.yml');
    const { chat } = fakeChat(1, () => '{"city": "Paris", "temp": }');
    const run = await runSuite(r.suite!, { chat, model: 'm' });
    const o = run.cases[0]!.outcomes[0]!;
    expect(o.pass).toBe(false);
    expect(o.failed[0]!.reason).toMatch(/^expected valid JSON, but /);
    expect(o.failed[0]!.line).toBe(4);
    expect(run.verdict).toBe('fail');
  });

  it('the threshold decides the verdict: suite value, option override, default 1', async () => {
    // tuned model passes 4 of 5: wrong city on case 5
    const answer = (m: string, msgs: ChatMessage[]) => (msgs.at(-1)!.content.includes('city 5?') ? 'It is sunny in Paris.' : 'It is sunny in $city.');
    const { chat } = fakeChat(1, answer);
    const at08 = await runSuite(suiteOf(5, 'threshold: 0.8\n'), { chat, model: 'm' });
    expect([at08.models[0]!.passRate, at08.threshold, at08.thresholdSource, at08.verdict]).toEqual([0.8, 0.8, 'suite', 'pass']);
    const at09 = await runSuite(suiteOf(5, 'threshold: 0.8\n'), { chat, model: 'm', threshold: 0.9 });
    expect([at09.threshold, at09.thresholdSource, at09.verdict]).toEqual([0.9, 'option', 'fail']);
    const dflt = await runSuite(suiteOf(5), { chat, model: 'm' });
    expect([dflt.threshold, dflt.thresholdSource, dflt.verdict]).toEqual([1, 'default', 'fail']);
    expect(meetsThreshold(7, 10, 0.7)).toBe(true);
    expect(meetsThreshold(2, 3, 0.67)).toBe(false);
  });

  it('prices the smoke run per model from inference prices', async () => {
    const { chat } = fakeChat(1);
    const run = await runSuite(suiteOf(10), {
      chat,
      model: 'ft:gpt-4.1-mini',
      compare: 'gpt-4.1-mini',
      prices: { model: { input: 0.8, output: 3.2 }, compare: { input: 0.4, output: 1.6 } },
    });
    // 10 calls × (20 × 0.8 + 10 × 3.2) / 1e6 = 0.00048
    expect(run.models[0]!.promptTokens).toBe(200);
    expect(run.models[0]!.completionTokens).toBe(100);
    expect(run.models[0]!.cost).toBeCloseTo(0.00048, 10);
    expect(run.models[1]!.cost).toBeCloseTo(0.00024, 10);
    expect(run.cost).toBeCloseTo(0.00072, 10);
    const unpriced = await runSuite(suiteOf(1), { chat, model: 'm', compare: 'b', prices: { model: { input: 1, output: 1 } } });
    expect(unpriced.models[1]!.cost).toBeNull();
    expect(unpriced.cost).toBeNull();
  });

  it('refuses a concurrency below 1', async () => {
    const { chat } = fakeChat(1);
    await expect(runSuite(suiteOf(1), { chat, model: 'm', concurrency: 0 })).rejects.toThrow(RangeError);
  });

  it('10 cases × 2 models, concurrency 4: the pool stays full (a call starts as soon as one ends), never above 4', async () => {
    // Asserted by counts, not wall time (timings: `npm run bench:smoke`). Latencies differ per
    // call, so a runner that waited for a whole wave would start calls with fewer in flight.
    const { chat, state } = fakeChat((i) => 5 + ((i * 7) % 11) * 3);
    const run = await runSuite(suiteOf(10), { chat, model: 'ft:tuned', compare: 'base', concurrency: 4 });
    expect(run.calls).toBe(20);
    expect(state.maxInFlight).toBe(4);
    expect(state.startedWith).toEqual([0, 1, 2, 3, ...Array.from({ length: 16 }, () => 3)]);
    expect(run.cases.every((c) => c.outcomes.every((o) => o.pass))).toBe(true);
  });
});
