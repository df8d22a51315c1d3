/**
 * `mode: smoke` end to end: `node dist/index.js` exactly as the runner starts it (INPUT_*,
 * GITHUB_* files), against the fake OpenAI server behind Prism (every request and response
 * checked against OpenAI's spec). Build dist first: `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SmokeRun } from '../../src/smoke/types.js';
import { BUNDLE, runAction as runBundle, type ActionRun } from '../support/action-run.js';
import type { ChatReply } from '../support/fake-openai.js';
import { makeTempRepo } from '../support/github-temp-repo.js';
import { startOpenAIStack, type OpenAIStack } from '../support/prism.js';

const TUNED = 'ft:gpt-4.1-mini-2025-04-14:org:x:abc';
const BASE = 'gpt-4.1-mini-2025-04-14';
const API_KEY = 'sk-test-e2e-0f3c9a7d51b24e68a5c1SECRET';

let stack: OpenAIStack;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  stack = await startOpenAIStack();
  stack.fake.addModel(TUNED); // the fine-tune exists (the stage looks the models up first)
}, 120_000);

afterAll(async () => {
  for (const c of cleanups) c();
  await stack?.stop();
});

type ActionResult = ActionRun;

/** Run the action in a fresh git workspace holding `files` (through the shared runner, ../support/action-run.ts). */
async function runAction(inputs: Record<string, string>, files: Record<string, string>): Promise<ActionResult> {
  const repo = makeTempRepo();
  cleanups.push(() => repo.remove());
  repo.commit('suite', files);
  const side = mkdtempSync(join(tmpdir(), 'finetune-ci-e2e-smoke-'));
  cleanups.push(() => rmSync(side, { recursive: true, force: true }));
  return runBundle({
    workspace: repo.dir,
    // Only what each test gives, like the suite always did.
    defaults: false,
    eventName: 'workflow_dispatch',
    payload: { ref: 'refs/heads/main', inputs: {}, repository: { full_name: 'acme/weather', default_branch: 'main' } },
    repository: 'acme/weather',
    tempRoot: side,
    env: { GITHUB_REF: 'refs/heads/main', GITHUB_SHA: repo.git('rev-parse', 'HEAD') },
    inputs,
  });
}

const smokeInputs = (suite: string, extra: Record<string, string> = {}) => ({
  mode: 'smoke',
  'smoke-model': TUNED,
  'smoke-tests': suite,
  'openai-api-key': API_KEY,
  'openai-base-url': stack.url,
  ...extra,
});

/** The key reaches stdout only in the `::add-mask::` command the runner consumes; nowhere else. */
function expectNoKey(r: ActionResult): void {
  const stdout = r.stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');
  expect(r.stdout).toContain(`::add-mask::${API_KEY}`);
  for (const text of [stdout, r.stderr, r.summary, JSON.stringify(r.outputs)]) expect(text).not.toContain(API_KEY);
  expect(stdout).not.toContain(API_KEY.slice(0, 16));
  if (r.outputs['smoke-report']) expect(readFileSync(r.outputs['smoke-report'], 'utf8')).not.toContain(API_KEY);
}

const WEATHER_SUITE = `description: Weather assistant
threshold: 0.6
defaults: { system: "You are a weather assistant who tells jokes.", temperature: 0, max_tokens: 200, seed: 7 }
cases:
  - name: Beijing
    prompt: "What's the weather in Beijing?"
    assert:
      - { type: icontains, value: beijing }
      - { type: not-contains, value: "I'm sorry" }
  - name: Quick answer
    prompt: "Rain in London?"
    assert:
      - { type: icontains, value: london }
      - { type: max-latency-ms, value: 1500 }
  - name: Structured forecast
    prompt: 'Answer with JSON only: {"city": ..., "temperature_c": ...} for Paris.'
    assert:
      - type: is-json
      - type: json-schema
        value: { type: object, required: [city, temperature_c] }
`;

describe('mode: smoke, end to end through Prism', () => {
  it('shows tuned and base side by side; above the threshold the step passes (exit 0)', async () => {
    // Concurrency 1 keeps the order of each model's calls, so the scripts line up with the cases.
    stack.fake.scriptChat(
      TUNED,
      { text: 'Sunny in Beijing, 24°C. Leave the umbrella at home!' },
      { text: 'Drizzle in London, as usual.' },
      { text: '{"city": "Paris", "temperature_c": ' }, // malformed JSON: fails is-json
    );
    stack.fake.scriptChat(
      BASE,
      { text: "I'm sorry, I can't check live weather." },
      { text: 'London: rain.', delayMs: 1700 }, // slow: fails max-latency-ms
      { text: '{"city": "Paris", "temperature_c": 18}' },
    );
    const r = await runAction(smokeInputs('tests/smoke.yml', { 'smoke-concurrency': '1' }), { 'tests/smoke.yml': WEATHER_SUITE });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.outputs['smoke-pass-rate']).toBe('0.6667');
    expect(r.outputs['smoke-base-pass-rate']).toBe('0.3333');
    const report = JSON.parse(readFileSync(r.outputs['smoke-report']!, 'utf8')) as SmokeRun;
    expect(report.models.map((m) => [m.model, m.passed])).toEqual([
      [TUNED, 2],
      [BASE, 1],
    ]);
    expect(report.verdict).toBe('pass');
    // The summary: both models in the pass-rate table and one column pair each in the case table.
    expect(r.summary).toContain('Smoke test ✅ passed');
    expect(r.summary).toMatch(/\| ft:gpt-4\.1-mini-2025-04-14:org:x:abc \| tested \| 2\/3 \| 66\.7% \|/);
    expect(r.summary).toMatch(/\| gpt-4\.1-mini-2025-04-14 \| base \| 1\/3 \| 33\.3% \|/);
    expect(r.summary).toContain('| Case | tested | tested answer | base | base answer |');
    const row = (name: string) => r.summary.split('\n').find((l) => l.startsWith(`| ${name} |`)) ?? '';
    // Answers are untrusted: escaped for markdown (' → &#39;).
    expect(row('Beijing')).toMatch(/^\| Beijing \| ✅ pass .*\| Sunny in Beijing.*\| ❌ fail .*\| I&#39;m sorry/);
    expect(row('Quick answer')).toMatch(/\| ✅ pass .*\| ❌ fail · \d,\d{3} ms/);
    expect(row('Structured forecast')).toMatch(/^\| Structured forecast \| ❌ fail .*\| ✅ pass /);
    expect(r.summary).toMatch(/is-json.*not valid JSON|is-json.*JSON/);
    expect(r.summary).toMatch(/max-latency-ms.*1,?500/);
    expect(r.stdout).toContain('Smoke test PASSED');
    expect(r.stdout).not.toContain('::warning');
    expectNoKey(r);
  }, 60_000);

  it('a 500 (after the retries) fails its case with the reason; below the threshold the step fails (exit 1)', async () => {
    const fail500: ChatReply = { status: 500, headers: { 'retry-after-ms': '1' } };
    // The provider tries 6 times: six 500s for the first case, then answers.
    stack.fake.scriptChat(TUNED, ...Array.from({ length: 6 }, () => fail500), { text: 'Rain in London.' }, { text: '{"city":"Paris","temperature_c":17}' });
    stack.fake.scriptChat(BASE, { text: 'Beijing: sunny' }, { text: 'London: rain' }, { text: '{"city":"Paris","temperature_c":17}' });
    const suite = WEATHER_SUITE.replace('threshold: 0.6', 'threshold: 0.9');
    const r = await runAction(smokeInputs('tests/smoke.yml', { 'smoke-concurrency': '1' }), { 'tests/smoke.yml': suite });
    expect(r.code).toBe(1);
    expect(r.outputs['smoke-pass-rate']).toBe('0.6667');
    expect(r.outputs['smoke-base-pass-rate']).toBe('1');
    const report = JSON.parse(readFileSync(r.outputs['smoke-report']!, 'utf8')) as SmokeRun;
    const first = report.cases[0]!.outcomes[0]!;
    expect(first.pass).toBe(false);
    expect(first.error).toBe('the call failed: Scripted failure 500'); // the status is in the message
    expect(report.verdict).toBe('fail');
    expect(r.summary).toContain('Smoke test ❌ failed');
    expect(r.summary).toContain('Scripted failure 500');
    expect(r.stdout).toMatch(/::error::finetune-ci: smoke test of ft:gpt-4\.1-mini-2025-04-14:org:x:abc: 2 of 3 cases passed \(66\.7%25\), below the threshold 90%25/);
    expect(r.stdout).toMatch(/chat: HTTP 500.*try 2 of 6/); // the provider's retries, logged
    expectNoKey(r);
  }, 60_000);

  it('smoke-threshold decides over the suite: the same answers pass at 0.6', async () => {
    stack.fake.scriptChat(TUNED, { text: 'Beijing: hot' }, { text: 'nothing' }, { text: '{"city":"Paris","temperature_c":1}' });
    stack.fake.scriptChat(BASE, {}, {}, {});
    const suite = WEATHER_SUITE.replace('threshold: 0.6', 'threshold: 1');
    const r = await runAction(smokeInputs('tests/smoke.yml', { 'smoke-concurrency': '1', 'smoke-threshold': '0.6' }), { 'tests/smoke.yml': suite });
    expect(r.code).toBe(0);
    expect(r.outputs['smoke-pass-rate']).toBe('0.6667');
    expect(r.summary).toContain('set by smoke-threshold');
    expectNoKey(r);
  }, 60_000);

  it('a bad suite fails the step with a located error and calls no model', async () => {
    const before = stack.fake.requests.length;
    const bad = WEATHER_SUITE.replace('type: is-json', 'type: is-jsonn');
    const r = await runAction(smokeInputs('tests/smoke.yml'), { 'tests/smoke.yml': bad });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/::error title=finetune-ci%3A unknown-check-type,file=tests\/smoke\.yml,line=18::unknown check type "is-jsonn"\. Fix: did you mean "is-json"\?/);
    expect(stack.fake.requests.length).toBe(before);
    expect(r.summary).toContain('the suite is invalid');
    expectNoKey(r);
  }, 60_000);

  it('without smoke-model the step fails naming the input', async () => {
    const r = await runAction(smokeInputs('tests/smoke.yml', { 'smoke-model': '' }), { 'tests/smoke.yml': WEATHER_SUITE });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('::error::finetune-ci: input smoke-model is required in mode: smoke');
  }, 60_000);

  it('10 cases × 2 models at smoke-concurrency 4: exactly 4 calls in flight at most, all answered once', async () => {
    const cases = Array.from({ length: 10 }, (_, i) => `  - name: city ${i + 1}\n    prompt: "Weather in city ${i + 1}?"\n    assert:\n      - { type: icontains, value: sunny }\n`).join('');
    const suite = `defaults: { system: "You are a weather assistant.", temperature: 0 }\ncases:\n${cases}`;
    // Concurrency is asserted by the fake's count of calls in flight, not by wall time (timings
    // are for `npm run bench:smoke`). The first calls of each model wait until 4 are in flight,
    // so the limit is reached however slowly the action sends them; the others take 20 ms, so
    // a fifth call in flight would be seen.
    const first: ChatReply = { text: 'Sunny all day.', waitForInFlight: 4 };
    const rest: ChatReply = { text: 'Sunny all day.', delayMs: 20 };
    stack.fake.scriptChat(TUNED, first, first, ...Array.from({ length: 8 }, () => rest));
    stack.fake.scriptChat(BASE, first, first, ...Array.from({ length: 8 }, () => rest));
    stack.fake.chatMaxInFlight = 0;
    const r = await runAction(smokeInputs('tests/smoke.yml', { 'smoke-concurrency': '4' }), { 'tests/smoke.yml': suite });
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(r.outputs['smoke-report']!, 'utf8')) as SmokeRun;
    expect(report.calls).toBe(20);
    expect(report.concurrency).toBe(4);
    expect(report.models.map((m) => [m.model, m.passed])).toEqual([
      [TUNED, 10],
      [BASE, 10],
    ]); // no failing case
    expect(stack.fake.chatMaxInFlight).toBe(4);
    expectNoKey(r);
  }, 60_000);
});
