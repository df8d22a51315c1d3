// Wall time of the smoke runner: 10 cases × 2 models at concurrency 4 against a fake chat with
// 200 ms latency, so 5 waves of 200 ms, 1.0 s at best. The tests assert the concurrency itself
// by counts (calls in flight); how long it takes belongs here, on a machine that is not busy.
// `npm run bench:smoke` compiles src/ to lib/ first (tsc), then runs this on the result.
import { performance } from 'node:perf_hooks';
import { runSuite } from '../lib/smoke/runner.js';
import { parseSuite } from '../lib/smoke/suite.js';

const LATENCY_MS = 200;
const RUNS = 5;
const cases = Array.from(
  { length: 10 },
  (_, i) => `  - name: case ${i + 1}\n    prompt: "What's the weather in city ${i + 1}?"\n    assert:\n      - { type: icontains, value: "city ${i + 1}" }\n`,
).join('');
const { suite, diagnostics } = parseSuite(`defaults: { system: "You are a weather assistant.", temperature: 0 }\ncases:\n${cases}`, 'smoke.yml');
if (!suite) throw new Error(`bench suite does not parse: ${JSON.stringify(diagnostics)}`);

const chat = async (_model, messages) => {
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, LATENCY_MS));
  const city = /city \d+/.exec(messages.at(-1).content)?.[0] ?? '';
  return { text: `It is sunny in ${city}.`, latencyMs: performance.now() - t0, usage: { promptTokens: 20, completionTokens: 10 } };
};

const figures = [];
for (let i = 1; i <= RUNS; i++) {
  const run = await runSuite(suite, { chat, model: 'ft:tuned', compare: 'base', concurrency: 4 });
  figures.push(run.wallMs);
  console.log(`run ${i}: ${run.calls} calls, concurrency ${run.concurrency}, ${LATENCY_MS} ms latency: ${run.wallMs.toFixed(1)} ms from the first call to the last answer`);
}
figures.sort((a, b) => a - b);
console.log(`smoke runner: best ${figures[0].toFixed(1)} ms, median ${figures[Math.floor(RUNS / 2)].toFixed(1)} ms (floor ${5 * LATENCY_MS} ms: 5 waves)`);
