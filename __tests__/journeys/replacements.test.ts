/** After a model shuts down, the train journey refuses it and names the models that replace it. */
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSettings } from '../../src/config.js';
import type { ActionIO } from '../../src/journeys/io.js';
import { runTrain } from '../../src/journeys/train.js';
import type { Provider } from '../../src/providers/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), 'finetune-ci-replacements-'));
  await copyFile(join(root, 'examples', 'chat.jsonl'), join(ws, 'train.jsonl'));
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

test('gpt-4.1-mini on 2027-01-20: refused before any upload, pointing at gemini-2.5-flash on vertex', async () => {
  const failed: string[] = [];
  const logged: string[] = [];
  const io: ActionIO = {
    info: (m) => void logged.push(m),
    warning: (m) => void logged.push(m),
    error: (m) => void logged.push(m),
    notice: (m) => void logged.push(m),
    group: (_n, fn) => fn(),
    setOutput: () => {},
    appendSummary: async () => {},
    setSecret: () => {},
    setFailed: (m) => void failed.push(m),
  };
  let made = 0;
  const s = await parseSettings(
    (n) => ({ 'training-file': 'train.jsonl', model: 'gpt-4.1-mini-2025-04-14', 'openai-api-key': 'sk-test-1234' })[n] ?? '',
    async () => null,
  );
  const out = await runTrain(s, {
    io,
    event: null,
    workspace: ws,
    tempRoot: ws,
    today: '2027-01-20',
    smokeStage: null,
    createProvider: async () => {
      made++;
      return {} as Provider;
    },
  });
  expect(made).toBe(0);
  expect(out.results[0]!.outcome).not.toBe('succeeded');
  expect(failed.length).toBeGreaterThan(0);
  // The refusal's log names what replaces the model.
  expect(logged.join('\n')).toMatch(/was shut down on 2027-01-14.*move to a model that replaces it: provider: vertex, model: gemini-2\.5-flash/);
});
