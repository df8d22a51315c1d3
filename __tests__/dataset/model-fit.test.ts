/**
 * What the provider would refuse, said in the check: data in a format the model does not take,
 * images without vision fine-tuning, a closed platform, a validation file unlike its training
 * file, reinforcement data checked as supervised data, files that are not JSONL at all.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { checkTarget, type TargetSpec } from '../../src/dataset/target.js';
import { check, cleanup, fileCodes, goodChat, goodCompletion, goodDpo, jsonl, many, writeFixture, writeJsonl } from './helpers.js';

afterAll(cleanup);

const TODAY = '2025-06-01';
const spec = (trainingFile: string, over: Partial<TargetSpec> = {}): TargetSpec => ({
  name: 't',
  trainingFile,
  model: 'gpt-4.1-mini-2025-04-14',
  method: null,
  epochs: 'auto',
  ...over,
});

const withImage = (i: number) => ({
  messages: [
    { role: 'system', content: 'Describe.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: `Picture ${i}` },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
      ],
    },
    { role: 'assistant', content: 'A picture.' },
  ],
});

describe('the data the model takes', () => {
  test('completion data for a chat model: one error naming the format the model takes', async () => {
    const r = await checkTarget(spec(writeJsonl(many(10, goodCompletion))), { today: TODAY });
    const d = r.training.diagnostics.filter((x) => x.code === 'format-does-not-fit-model');
    expect(d).toHaveLength(1);
    expect(d[0]!.severity).toBe('error');
    expect(d[0]!.message).toContain('takes chat data');
    expect(d[0]!.hint).toContain('"messages"');
    expect(r.errors).toBe(1);
  });

  test.each(['davinci-002', 'babbage-002'])('chat data for %s: an error; its completion data passes', async (model) => {
    const chat = await checkTarget(spec(writeJsonl(many(10)), { model }), { today: TODAY });
    expect(fileCodes(chat.training)).toContain('format-does-not-fit-model');
    expect(chat.training.diagnostics.find((d) => d.code === 'format-does-not-fit-model')!.message).toContain('prompt/completion');
    const completion = await checkTarget(spec(writeJsonl(many(10, goodCompletion)), { model }), { today: TODAY });
    expect(completion.errors).toBe(0);
  });

  test('images: an error on a model without vision fine-tuning, none on gpt-4o-2024-08-06', async () => {
    const file = writeJsonl(many(10, withImage));
    const mini = await checkTarget(spec(file), { today: TODAY });
    const d = mini.training.diagnostics.find((x) => x.code === 'images-not-supported')!;
    expect(d.severity).toBe('error');
    expect(d.message).toContain('10 images');
    const gpt4o = await checkTarget(spec(file, { model: 'gpt-4o-2024-08-06' }), { today: TODAY });
    expect(fileCodes(gpt4o.training)).not.toContain('images-not-supported');
    expect(gpt4o.errors).toBe(0);
    // Azure documents gpt-4.1 too; Together does not say per model, so nothing is refused there.
    const azure = await checkTarget(spec(file, { model: 'gpt-4.1-2025-04-14', provider: 'azure' }), { today: TODAY });
    expect(fileCodes(azure.training)).not.toContain('images-not-supported');
    const together = await checkTarget(spec(file, { model: 'Qwen/Qwen3-8B', provider: 'together' }), { today: TODAY });
    expect(fileCodes(together.training)).not.toContain('images-not-supported');
  });

  test('a validation file in another format than its training file: an error on the validation file', async () => {
    const r = await checkTarget(spec(writeJsonl(many(10)), { validationFile: writeJsonl(many(5, goodDpo), 'valid.jsonl') }), { today: TODAY });
    const d = r.validation!.diagnostics.find((x) => x.code === 'validation-format-mismatch')!;
    expect(d.severity).toBe('error');
    expect(d.message).toContain('preference (DPO) data');
    expect(r.errors).toBeGreaterThan(0);
    const same = await checkTarget(
      spec(writeJsonl(many(10)), {
        validationFile: writeJsonl(
          many(5, (i) => goodChat(i + 100)),
          'v.jsonl',
        ),
      }),
      { today: TODAY },
    );
    expect(same.errors).toBe(0);
  });
});

describe('platform closure', () => {
  test('after job creation closes for everyone, the check fails; before, a warning', async () => {
    const before = await checkTarget(spec(writeJsonl(many(10))), { today: '2026-12-01' });
    expect(before.notices.find((n) => n.code === 'provider-closing')!.severity).toBe('warning');
    const after = await checkTarget(spec(writeJsonl(many(10))), { today: '2027-01-07' });
    const closed = after.notices.find((n) => n.code === 'provider-closed')!;
    expect(closed.severity).toBe('error');
    expect(closed.message).toContain('2027-01-06');
    // Closed only for some organisations: still a warning.
    const some = await checkTarget(spec(writeJsonl(many(10))), { today: '2026-08-01' });
    expect(some.notices.find((n) => n.code === 'provider-closed')!.severity).toBe('warning');
  });
});

describe('reinforcement data checked as supervised data', () => {
  const rft = (i: number) => ({
    messages: [
      { role: 'developer', content: 'Classify the call.' },
      { role: 'user', content: `Transcript ${i}` },
    ],
    intent: 'objection',
    score: 0.5,
  });

  test('says so once instead of an error per line', async () => {
    const r = await check(writeJsonl(many(120, rft)));
    expect(fileCodes(r)).toEqual(['looks-like-reinforcement']);
    expect(r.errors).toBe(1);
    expect(r.warnings).toBe(0);
    expect(r.byCode).toEqual([{ code: 'looks-like-reinforcement', severity: 'error', count: 1 }]);
    expect(r.diagnostics[0]!.message).toContain('this looks like reinforcement data');
    expect(r.diagnostics[0]!.hint).toContain('method: reinforcement');
    expect(r.examples).toBe(120);
  });

  test('with method reinforcement it checks as reinforcement data', async () => {
    const r = await check(writeJsonl(many(12, rft)), { method: 'reinforcement' });
    expect(fileCodes(r)).not.toContain('looks-like-reinforcement');
    expect(r.format).toBe('reinforcement');
  });

  test('a supervised file with a few answerless lines keeps its per-line errors', async () => {
    const rows = [...many(10), rft(1)];
    const r = await check(writeJsonl(rows));
    expect(fileCodes(r)).toContain('missing-assistant-message');
    expect(fileCodes(r)).not.toContain('looks-like-reinforcement');
  });
});

describe('files that are not JSONL', () => {
  test('a pretty-printed JSON document: one error, 0 examples, the conversion in the hint', async () => {
    const r = await check(writeFixture('pretty.jsonl', JSON.stringify(goodChat(), null, 2) + '\n\n//more\n'));
    expect(fileCodes(r)).toEqual(['json-not-jsonl']);
    expect(r.examples).toBe(0);
    expect(r.errors).toBe(1);
    expect(r.diagnostics[0]!.message).toContain('JSON, not JSONL');
    expect(r.diagnostics[0]!.hint).toContain('jq -c .');
  });

  test("a JSON array (one line or many): one error with jq -c '.[]'", async () => {
    for (const text of [
      JSON.stringify(many(12)),
      `[\n${many(12)
        .map((o) => JSON.stringify(o))
        .join(',\n')}\n]\n`,
    ]) {
      const r = await check(writeFixture('array.jsonl', text));
      expect(fileCodes(r)).toEqual(['json-not-jsonl']);
      expect(r.examples).toBe(0);
      expect(r.diagnostics[0]!.hint).toMatch(/jq -c '\.\[\]' \S+array\.jsonl > \S+array\.fixed\.jsonl && mv /);
    }
  });

  test('a Git LFS pointer: one error saying the checkout has no LFS content', async () => {
    const pointer = 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 123456789\n';
    const r = await check(writeFixture('big.jsonl', pointer));
    expect(fileCodes(r)).toEqual(['lfs-pointer']);
    expect(r.examples).toBe(0);
    expect(r.diagnostics[0]!.hint).toContain('lfs: true');
  });

  test('ordinary JSONL is not mistaken for JSON', async () => {
    const r = await check(writeFixture('ok.jsonl', jsonl(many(10))));
    expect(r.diagnostics).toEqual([]);
    expect(r.examples).toBe(10);
  });
});
