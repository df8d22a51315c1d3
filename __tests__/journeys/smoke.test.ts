import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSettings, type Settings } from '../../src/config.js';
import { planTargets, runCheck } from '../../src/journeys/check.js';
import type { ActionIO, AnnotationProps } from '../../src/journeys/io.js';
import { compareModel, runSmokeJourney, runSmokeStage } from '../../src/journeys/smoke.js';
import type { ChatMessage, ChatOptions, ChatResult, ChatSession, Provider } from '../../src/providers/index.js';
import type { SmokeRun } from '../../src/smoke/types.js';

// ------------------------------------------------------------------ helpers

interface Recorded {
  io: ActionIO;
  infos: string[];
  errors: { message: string; props?: AnnotationProps }[];
  warnings: { message: string; props?: AnnotationProps }[];
  outputs: Record<string, string>;
  summaries: string[];
  failed: string[];
}

function recorder(): Recorded {
  const r: Recorded = { infos: [], errors: [], warnings: [], outputs: {}, summaries: [], failed: [], io: null as never };
  r.io = {
    info: (m) => r.infos.push(m),
    warning: (message, props) => r.warnings.push({ message, props }),
    error: (message, props) => r.errors.push({ message, props }),
    notice: () => {},
    group: (_n, fn) => fn(),
    setOutput: (n, v) => {
      r.outputs[n] = String(v);
    },
    appendSummary: async (md) => {
      r.summaries.push(md);
    },
    setSecret: () => {},
    setFailed: (m) => r.failed.push(m),
  };
  return r;
}

/** `hold`: the call answers when it resolves (instead of after `delayMs`). */
type Answer = string | Error | { text: string; delayMs?: number; hold?: Promise<void> };

/** A stub of our own Provider interface: records sessions and calls; answers from `answer`. */
function stubProvider(answer: (model: string, messages: ChatMessage[]) => Answer, opts: { openFails?: string; closeFails?: boolean; known?: readonly string[]; endpoint?: boolean } = {}) {
  const state = {
    opened: [] as string[],
    closed: [] as string[],
    lookedUp: [] as string[],
    calls: [] as { model: string; target: string; prompt: string; options?: ChatOptions }[],
    inFlight: 0,
    maxInFlight: 0,
  };
  const notUsed = () => Promise.reject(new Error('not used by smoke tests'));
  const provider: Provider = {
    name: 'openai',
    upload: notUsed,
    findJob: notUsed,
    createJob: notUsed,
    getJob: notUsed,
    listEvents: notUsed,
    listCheckpoints: notUsed,
    cancelJob: notUsed,
    async getModel(id: string) {
      state.lookedUp.push(id);
      if (!opts.known) throw new Error('lookup failed');
      return opts.known.includes(id) ? { id, ownedBy: 'org', created: 1, shutdownDate: '2027-01-14' } : null;
    },
    async openChatSession(model: string): Promise<ChatSession> {
      if (opts.openFails === model) throw new Error(`endpoint for ${model} did not start`);
      state.opened.push(model);
      return { provider: 'openai', model, target: opts.endpoint ? `endpoint:${model}` : model, needsClose: true };
    },
    async chat(session: ChatSession, messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      state.calls.push({ model: session.model, target: session.target, prompt: messages.at(-1)!.content, options });
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      try {
        const a = answer(session.model, messages);
        const delay = typeof a === 'object' && !(a instanceof Error) ? (a.delayMs ?? 2) : 2;
        await (typeof a === 'object' && !(a instanceof Error) && a.hold ? a.hold : new Promise((r) => setTimeout(r, delay)));
        if (a instanceof Error) throw a;
        const text = typeof a === 'string' ? a : a.text;
        return { text, latencyMs: delay, usage: { promptTokens: 1000, completionTokens: 500, totalTokens: 1500 }, finishReason: 'stop', requestId: 'req_1' };
      } finally {
        state.inFlight--;
      }
    },
    async closeChatSession(session: ChatSession): Promise<void> {
      state.closed.push(session.model);
      if (opts.closeFails) throw new Error('delete endpoint: 503');
    },
  };
  return { provider, state };
}

let dir: string;
const SUITE = `threshold: 0.5
defaults: { system: "You are a weather assistant.", temperature: 0, seed: 3 }
cases:
  - name: Beijing
    prompt: "Weather in Beijing?"
    assert:
      - { type: icontains, value: beijing }
  - name: Oslo
    prompt: "Weather in Oslo?"
    assert:
      - { type: icontains, value: oslo }
`;
const BAD_SUITE = `cases:
  - name: Beijing
    prompt: "Weather in Beijing?"
    assert:
      - { type: icontains, value: beijing }
      - { type: llm-judge, value: nice }
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smoke-journey-'));
  await mkdir(join(dir, 'tests'), { recursive: true });
  await writeFile(join(dir, 'tests', 'smoke.yml'), SUITE);
  await writeFile(join(dir, 'tests', 'bad.yml'), BAD_SUITE);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function settingsOf(inputs: Record<string, string>): Promise<Settings> {
  return parseSettings(
    (n) => inputs[n] ?? '',
    async () => null,
  );
}

const TUNED = 'ft:gpt-4.1-mini-2025-04-14:org:weather:abc123';
const BASE = 'gpt-4.1-mini-2025-04-14';

/** Tuned answers name the city; the base model only gets Beijing right. */
const tunedBetter = (model: string, messages: ChatMessage[]): Answer => {
  const city = /Beijing|Oslo/.exec(messages.at(-1)!.content)?.[0] ?? '';
  return model === BASE && city === 'Oslo' ? 'No idea.' : `Sunny in ${city}.`;
};

async function stage(inputs: Record<string, string>, provider: Provider, extra: { signal?: AbortSignal; model?: string } = {}) {
  const rec = recorder();
  const settings = await settingsOf(inputs);
  const result = await runSmokeStage({
    settings,
    target: null,
    provider,
    model: extra.model ?? TUNED,
    baseModel: BASE,
    io: rec.io,
    workspace: dir,
    tempRoot: dir,
    signal: extra.signal,
  });
  return { rec, result };
}

// ------------------------------------------------------------------ tests

describe('compareModel', () => {
  it('maps smoke-compare to a model or none, never the model under test', () => {
    expect(compareModel('base', BASE, TUNED)).toBe(BASE);
    expect(compareModel('none', BASE, TUNED)).toBeNull();
    expect(compareModel('ft:other', BASE, TUNED)).toBe('ft:other');
    expect(compareModel('base', BASE, BASE)).toBeNull();
  });
});

describe('runSmokeStage', () => {
  it('returns null when no suite is configured, and opens nothing', async () => {
    const { provider, state } = stubProvider(tunedBetter);
    const { rec, result } = await stage({}, provider);
    expect(result).toBeNull();
    expect(state.opened).toEqual([]);
    expect(rec.outputs).toEqual({});
  });

  it('compare base: both models side by side, outputs, summary, JSON report, sessions closed', async () => {
    const { provider, state } = stubProvider(tunedBetter, { endpoint: true });
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml' }, provider);
    expect(result).not.toBeNull();
    expect(state.lookedUp).toEqual([]); // endpoints are not looked up as models
    const r = result!;
    expect(state.opened.sort()).toEqual([BASE, TUNED].sort());
    expect(state.closed.sort()).toEqual([BASE, TUNED].sort());
    expect(state.calls).toHaveLength(4);
    // Calls go through the session's target, with the suite's options.
    expect(state.calls[0]).toEqual(expect.objectContaining({ model: TUNED, target: `endpoint:${TUNED}`, options: { temperature: 0, seed: 3 } }));
    expect(r.run.models.map((m) => [m.role, m.model, m.passed, m.total])).toEqual([
      ['model', TUNED, 2, 2],
      ['compare', BASE, 1, 2],
    ]);
    expect(r.failed).toBe(false);
    expect(r.reason).toBeNull();
    expect(rec.outputs['smoke-pass-rate']).toBe('1');
    expect(rec.outputs['smoke-base-pass-rate']).toBe('0.5');
    expect(rec.outputs['smoke-report']).toBe(r.reportPath);
    const json = JSON.parse(await readFile(r.reportPath, 'utf8')) as SmokeRun;
    expect(json.calls).toBe(4);
    expect(json.file).toBe('tests/smoke.yml');
    expect(typeof json.wallMs).toBe('number');
    expect(rec.summaries).toEqual([r.markdown]);
    expect(r.markdown).toContain('| tuned |');
    expect(r.markdown).toContain('| base |');
    // Prices from the catalog: 2 calls × (1000 in, 500 out) per model at gpt-4.1-mini's tuned rates.
    expect(r.run.models[0]!.price).toEqual({ input: 0.8, output: 3.2 });
    expect(r.run.cost).toBeCloseTo((2 * (2 * (1000 * 0.8 + 500 * 3.2))) / 1e6, 10);
    expect(rec.failed).toEqual([]);
  });

  it('compare none: only the model under test; the base pass rate output is empty', async () => {
    const { provider, state } = stubProvider(tunedBetter);
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml', 'smoke-compare': 'none' }, provider);
    expect(state.opened).toEqual([TUNED]);
    expect(state.closed).toEqual([TUNED]);
    expect(new Set(state.calls.map((c) => c.model))).toEqual(new Set([TUNED]));
    expect(result!.run.models).toHaveLength(1);
    expect(rec.outputs['smoke-pass-rate']).toBe('1');
    expect(rec.outputs['smoke-base-pass-rate']).toBe('');
  });

  it('compare with a model id: that model, labelled "compared"', async () => {
    const other = 'ft:gpt-4.1-mini-2025-04-14:org:weather:old999';
    const { provider, state } = stubProvider((m, msgs) => (m === other ? 'cloudy' : tunedBetter(m, msgs)));
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml', 'smoke-compare': other }, provider);
    expect(state.opened.sort()).toEqual([other, TUNED].sort());
    expect(result!.run.models[1]!.model).toBe(other);
    expect(rec.outputs['smoke-base-pass-rate']).toBe('0');
    expect(result!.markdown).toContain('compared');
  });

  it('smoke-model overrides the model called (e.g. an Azure deployment); prices still follow the tuned model', async () => {
    const { provider, state } = stubProvider(() => 'Beijing and Oslo: sunny');
    const { result } = await stage({ 'smoke-tests': 'tests/smoke.yml', 'smoke-model': 'weather-deployment', 'smoke-compare': 'none' }, provider);
    expect(state.opened).toEqual(['weather-deployment']);
    expect(state.calls.every((c) => c.model === 'weather-deployment')).toBe(true);
    expect(result!.run.models[0]!.model).toBe('weather-deployment');
    expect(result!.run.models[0]!.price).toEqual({ input: 0.8, output: 3.2 });
    expect(state.closed).toEqual(['weather-deployment']);
  });

  it('closes every session when chat throws, and counts the failed calls with their reason', async () => {
    const boom = Object.assign(new Error('Scripted failure 500'), { status: 500 });
    const { provider, state } = stubProvider(() => boom);
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml' }, provider);
    expect(state.closed.sort()).toEqual([BASE, TUNED].sort());
    const r = result!;
    expect(r.failed).toBe(true);
    expect(r.reason).toMatch(/0 of 2 cases passed.*below the threshold 50%/);
    expect(r.run.cases[0]!.outcomes[0]!.error).toBe('the call failed: Scripted failure 500');
    expect(rec.outputs['smoke-pass-rate']).toBe('0');
    expect(r.markdown).toContain('Scripted failure 500');
    expect(rec.failed).toEqual([]); // the stage reports; the caller fails the step
  });

  it('closes the sessions that opened when another fails to open; its cases fail with the reason', async () => {
    const { provider, state } = stubProvider(tunedBetter, { openFails: BASE });
    const { result } = await stage({ 'smoke-tests': 'tests/smoke.yml' }, provider);
    expect(state.closed).toEqual([TUNED]);
    expect(result!.run.models[1]!.passed).toBe(0);
    expect(result!.run.cases[0]!.outcomes[1]!.error).toContain(`could not open a chat session for ${BASE}: endpoint for ${BASE} did not start`);
    expect(result!.failed).toBe(false); // the verdict is the tuned model's
  });

  it('a session that cannot be closed is a warning naming what to delete, not a crash', async () => {
    const { provider } = stubProvider(tunedBetter, { closeFails: true });
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml', 'smoke-compare': 'none' }, provider);
    expect(result!.failed).toBe(false);
    expect(rec.warnings.map((w) => w.message).join('\n')).toMatch(/could not close the chat session for .*delete it by hand/);
  });

  it('looks the models up first: one the provider does not list is a warning; a failing lookup is ignored', async () => {
    const { provider, state } = stubProvider(tunedBetter, { known: [BASE] });
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml' }, provider);
    expect(state.lookedUp.sort()).toEqual([BASE, TUNED].sort());
    expect(rec.warnings.map((w) => w.message)).toEqual([`finetune-ci: openai does not list the model ${TUNED}; its smoke calls will probably fail (check the model id)`]);
    expect(result!.failed).toBe(false);
    const failing = stubProvider(tunedBetter); // getModel throws
    const again = await stage({ 'smoke-tests': 'tests/smoke.yml' }, failing.provider);
    expect(again.rec.warnings).toEqual([]);
    expect(again.result!.run.calls).toBe(4);
  });

  it('threshold: smoke-threshold overrides the suite; concurrency is the shared limit', async () => {
    const { provider, state } = stubProvider((m, msgs) => {
      const a = tunedBetter(m, msgs);
      return { text: m === TUNED && /Oslo/.test(String(a)) ? 'nope' : String(a), delayMs: 10 };
    });
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml', 'smoke-threshold': '0.9', 'smoke-concurrency': '3' }, provider);
    expect(result!.run.threshold).toBe(0.9);
    expect(result!.run.thresholdSource).toBe('option');
    expect(result!.run.concurrency).toBe(3);
    expect(state.maxInFlight).toBeLessThanOrEqual(3);
    expect(result!.failed).toBe(true);
    expect(rec.outputs['smoke-pass-rate']).toBe('0.5');
  });

  it('an AbortSignal stops the run: calls not answered fail as cancelled, sessions are closed', async () => {
    const controller = new AbortController();
    let answer = () => {};
    const hold = new Promise<void>((r) => (answer = r));
    const { provider, state } = stubProvider(() => {
      setTimeout(() => controller.abort(), 5);
      return { text: 'Beijing', hold };
    });
    const { result } = await stage({ 'smoke-tests': 'tests/smoke.yml', 'smoke-concurrency': '1' }, provider, { signal: controller.signal });
    // The stage returned while its one call was still unanswered: it did not wait for it.
    expect(state.inFlight).toBe(1);
    answer();
    await hold;
    await new Promise((r) => setImmediate(r));
    expect(state.inFlight).toBe(0);
    expect(state.calls).toHaveLength(1);
    expect(state.closed.sort()).toEqual([BASE, TUNED].sort());
    expect(result!.failed).toBe(true);
    expect(result!.reason).toBe('the smoke run was cancelled');
    expect(result!.run.cases[0]!.outcomes[0]!.error).toContain('cancelled');
  });

  it('SIGTERM from the runner during the run closes the sessions too (and the handler is removed after)', async () => {
    const before = process.listenerCount('SIGTERM');
    const { provider, state } = stubProvider(() => {
      setTimeout(() => process.emit('SIGTERM', 'SIGTERM'), 5);
      return { text: 'Beijing', delayMs: 200 };
    });
    const { rec, result } = await stage({ 'smoke-tests': 'tests/smoke.yml', 'smoke-concurrency': '1' }, provider);
    expect(state.closed.sort()).toEqual([BASE, TUNED].sort());
    expect(result!.reason).toBe('the smoke run was cancelled');
    expect(rec.warnings.some((w) => w.message.includes('SIGTERM received'))).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('a bad suite: located error annotations, no model called, failed, outputs still set', async () => {
    const { provider, state } = stubProvider(tunedBetter);
    const { rec, result } = await stage({ 'smoke-tests': 'tests/bad.yml' }, provider);
    expect(state.opened).toEqual([]);
    expect(result!.failed).toBe(true);
    expect(result!.reason).toBe('the smoke suite tests/bad.yml has 1 error');
    expect(rec.errors).toHaveLength(1);
    expect(rec.errors[0]!.props).toEqual({ title: 'finetune-ci: unknown-check-type', file: 'tests/bad.yml', startLine: 6 });
    expect(rec.errors[0]!.message).toMatch(/unknown check type "llm-judge"\. Fix: /);
    expect(result!.markdown).toContain('the suite is invalid');
    expect(result!.markdown).toContain('tests/bad.yml:6');
    expect(rec.outputs['smoke-pass-rate']).toBe('');
    expect(rec.outputs['smoke-report']).toBe(result!.reportPath);
  });

  it('a missing suite file is a located error too', async () => {
    const { provider } = stubProvider(tunedBetter);
    const { rec, result } = await stage({ 'smoke-tests': 'tests/nope.yml' }, provider);
    expect(result!.failed).toBe(true);
    expect(rec.errors[0]!.props?.file).toBe('tests/nope.yml');
    expect(rec.errors[0]!.message).toContain('no smoke suite at');
  });
});

describe('runSmokeJourney (mode: smoke) setup errors', () => {
  it('names the smoke-model input when it is missing', async () => {
    const rec = recorder();
    const settings = await settingsOf({ mode: 'smoke', 'smoke-tests': 'tests/smoke.yml', 'openai-api-key': 'sk-test' });
    await runSmokeJourney(settings, { io: rec.io, event: null, workspace: dir });
    expect(rec.failed).toHaveLength(1);
    expect(rec.failed[0]).toMatch(/input smoke-model is required in mode: smoke/);
  });

  it('names the smoke-tests input when there is no suite', async () => {
    const rec = recorder();
    const settings = await settingsOf({ mode: 'smoke', 'smoke-model': TUNED, 'openai-api-key': 'sk-test' });
    await runSmokeJourney(settings, { io: rec.io, event: null, workspace: dir });
    expect(rec.failed[0]).toMatch(/input smoke-tests is required/);
  });

  it('names the API key input when it is empty', async () => {
    const rec = recorder();
    const settings = await settingsOf({ mode: 'smoke', 'smoke-model': TUNED, 'smoke-tests': 'tests/smoke.yml' });
    await runSmokeJourney(settings, { io: rec.io, event: null, workspace: dir });
    expect(rec.failed[0]).toMatch(/input openai-api-key is empty/);
  });
});

describe('check mode and smoke suites (existing integration)', () => {
  it('a changed suite with an error is annotated at its line and fails the check', async () => {
    const settings = await settingsOf({ 'smoke-tests': 'tests/bad.yml' });
    expect(planTargets(settings, [{ path: 'tests/bad.yml', status: 'modified' } as never]).suites).toEqual(['tests/bad.yml']);
    expect(planTargets(settings, [{ path: 'other.md', status: 'modified' } as never]).suites).toEqual([]);
    const rec = recorder();
    const out = await runCheck(settings, { io: rec.io, github: null, event: null, workspace: dir, tempRoot: dir });
    expect(out.suiteDiagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['unknown-check-type', 'tests/bad.yml', 6]]);
    expect(rec.errors[0]!.props).toEqual({ title: 'finetune-ci: unknown-check-type', file: 'tests/bad.yml', startLine: 6 });
    expect(rec.summaries.join('\n')).toContain('Smoke-test suites');
    expect(out.failed).toBe(true);
    expect(rec.failed[0]).toContain('1 error');
  });
});
