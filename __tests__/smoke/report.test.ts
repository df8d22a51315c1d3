import { describe, expect, it } from '@jest/globals';
import { renderSmokeMarkdown, renderSmokeText, formatRate } from '../../src/report/smoke.js';
import { runSuite } from '../../src/smoke/runner.js';
import { parseSuite } from '../../src/smoke/suite.js';
import type { ChatFn, SmokeRun } from '../../src/smoke/types.js';

const EVIL = '<script>alert(1)</script> @octocat | <!-- hidden --> [x](https://evil.example) **bold** #12\n::set-output name=x::y\u001b[31mred';

const BASE = 'gpt-4.1-mini-2025-04-14';

async function fixture(): Promise<SmokeRun> {
  const r = parseSuite(
    `threshold: 0.5
defaults: { system: "You are a weather assistant." }
cases:
  - name: Beijing
    prompt: "What's the weather in Beijing?"
    assert:
      - { type: icontains, value: beijing }
      - { type: not-contains, value: "<script>" }
  - name: "<b>@admin | ::warning::x</b>"
    prompt: "Say hi"
    assert:
      - { type: max-length, value: 10 }
  - name: Down
    prompt: "Anything"
    assert: [{ type: min-length, value: 1 }]
`,
    'examples/smoke.yml',
  );
  expect(r.diagnostics).toEqual([]);
  const chat: ChatFn = async (model, messages) => {
    const p = messages.at(-1)!.content;
    if (p === 'Anything' && model === BASE) throw new Error('connection reset <by peer> @ops');
    if (p.includes('Beijing')) return { text: model === BASE ? EVIL : 'It is sunny in Beijing.\nSecond line.', latencyMs: 231.4, usage: { promptTokens: 1200, completionTokens: 34 } };
    return { text: 'hi', latencyMs: 12, usage: { promptTokens: 10, completionTokens: 1 } };
  };
  const run = await runSuite(r.suite!, { chat, model: 'ft:gpt-4.1-mini-2025-04-14:acme::abc123', compare: BASE, prices: { model: { input: 0.8, output: 3.2 }, compare: { input: 0.4, output: 1.6 } } });
  run.wallMs = 1234; // deterministic output
  return run;
}

describe('renderSmokeMarkdown', () => {
  it('shows verdict, pass rates, the case table, failures, cost and time', async () => {
    const md = renderSmokeMarkdown(await fixture(), { labels: { model: 'tuned', compare: 'base' } });
    expect(md).toContain('### Smoke test ✅ passed');
    expect(md).toContain('**Verdict: passed**: ft:gpt-4.1-mini-2025-04-14:acme::abc123, 3 of 3 cases passed (100% ≥ threshold 50%, from the suite).');
    expect(md).toContain('| Model |  | Passed | Pass rate | Tokens in / out | Cost |');
    expect(md).toContain('| gpt-4.1-mini-2025-04-14 | base | 1/3 | 33.3% | 1,210 / 35 | $0.0005 |');
    expect(md).toContain('| Case | tuned | tuned answer | base | base answer |');
    // first line of the answer only
    expect(md).toContain('| Beijing | ✅ pass · 231 ms · 1,234 tok | It is sunny in Beijing. | ❌ fail · 231 ms · 1,234 tok |');
    expect(md).not.toContain('Second line');
    expect(md).toContain('<details><summary>Failed checks (3)</summary>');
    expect(md).toContain('Smoke run: 6 calls, concurrency 4, 1.23 s from the first call to the last answer; cost $0.0016.');
  });

  it('escapes everything that comes from the suite or the model', async () => {
    const md = renderSmokeMarkdown(await fixture());
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<!--');
    expect(md).not.toContain('<b>');
    expect(md).not.toMatch(/@(octocat|admin|ops)/);
    expect(md).not.toContain('https://');
    expect(md).toContain('&lt;script&gt;');
    expect(md).toContain('&lt;&#33;--');
    expect(md).toContain('@\u200doctocat');
    expect(md).not.toContain('\u001b');
    // every table row keeps its column count: no stray pipes from data
    const tables = md.split('\n').filter((l) => l.startsWith('|'));
    const cols = (l: string) => l.split('|').length;
    const caseRows = tables.filter((l) => cols(l) === cols('| Case | tested | tested answer | compared | compared answer |'));
    expect(caseRows.length).toBe(2 + 3);
    expect(tables.length).toBe(2 + 2 + 2 + 3);
    // a failed call shows its reason, escaped
    expect(md).toContain('the call failed: connection reset &lt;by peer&gt; @\u200dops');
  });

  it('says failed, and the threshold source, when the verdict fails', async () => {
    const run = await fixture();
    run.verdict = 'fail';
    run.threshold = 1;
    run.thresholdSource = 'option';
    run.models[0]!.passed = 2;
    run.models[0]!.passRate = 2 / 3;
    const md = renderSmokeMarkdown(run);
    expect(md).toContain('### Smoke test ❌ failed');
    expect(md).toContain('2 of 3 cases passed (66.7% < threshold 100%, set by smoke-threshold)');
  });

  it('formats rates', () => {
    expect([formatRate(1), formatRate(0.8), formatRate(2 / 3), formatRate(0)]).toEqual(['100%', '80%', '66.7%', '0%']);
  });
});

describe('renderSmokeText', () => {
  it('prints a terminal report without control characters, untrusted text never first on a line', async () => {
    const text = renderSmokeText(await fixture(), { labels: { model: 'tuned', compare: 'base' } });
    console.log(text);
    expect(text).toContain('Smoke test PASSED: ft:gpt-4.1-mini-2025-04-14:acme::abc123, 3 of 3 cases passed');
    expect(text).toMatch(/^ {4}pass tuned +231 ms +1,234 tok +"It is sunny in Beijing\."$/m);
    expect(text).toContain('FAIL base');
    expect(text).toContain('- icontains: expected to contain "beijing" (case-insensitive)');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    for (const line of text.split('\n')) expect(line.trim().startsWith('::')).toBe(false);
    expect(text).toContain('run    6 calls, concurrency 4, 1.23 s, cost $0.0016');
  });
});
