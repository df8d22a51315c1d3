/**
 * Reports people can read: notices once per run in their own section (JSON `notices`), repeated
 * findings grouped in text and markdown while JSON keeps each one, truncation that removes the
 * whole answer said so, money in JSON rounded to 1e-6 dollars, and Mermaid charts.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTarget, type TargetReport } from '../../src/dataset/target.js';
import { check } from '../dataset/helpers.js';
import { barChart, histogram, lineChart, mermaidText } from '../../src/report/charts.js';
import { renderMarkdown, renderText, toJson } from '../../src/report/check.js';

const DAY = '2026-11-25';
const dir = mkdtempSync(join(tmpdir(), 'finetune-ci-readable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noSystem = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'user', content: `Question ${i}?` },
      { role: 'assistant', content: `Answer ${i}.` },
    ],
  });
const clean = (i: number) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: `Q ${i}?` },
      { role: 'assistant', content: `A ${i}.` },
    ],
  });

async function target(name: string, rows: string[], model = 'gpt-4.1-mini-2025-04-14'): Promise<TargetReport> {
  const file = join(dir, name);
  writeFileSync(file, rows.join('\n') + '\n');
  return checkTarget({ name, trainingFile: file, model, method: null, epochs: 'auto' }, { today: DAY });
}

describe('notices: once per run, in their own section', () => {
  test('a clean file has 0 warnings; the JSON report has the notices once at the top', async () => {
    const a = await target(
      'a.jsonl',
      Array.from({ length: 10 }, (_, i) => clean(i)),
    );
    const b = await target(
      'b.jsonl',
      Array.from({ length: 10 }, (_, i) => clean(i + 10)),
    );
    const json = toJson([a, b]);
    for (const f of json.files) {
      expect(f.diagnostics).toEqual([]);
      expect(f.warnings).toBe(0);
      expect(f.errors).toBe(0);
      expect(f.diagnostics).toEqual([]);
    }
    expect(json.totals.warnings).toBe(0);
    const codes = json.notices.map((n) => n.code).sort();
    expect(codes).toEqual(['model-shutdown-soon', 'provider-closed', 'provider-closing']);
    const text = renderText([a, b], { color: false, maxDiagnostics: 20 });
    expect(text.match(/shuts down on 2027-01-14/g)).toHaveLength(1);
    expect(text).toContain('Notices\n');
    expect(text).toContain('no errors, no warnings');
  });

  test('notices never take --max-problems slots; a shut-down model is an error counted once', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => clean(i));
    rows.push('{not json');
    const a = await target('c.jsonl', rows, 'gpt-4.1-nano-2025-04-14');
    const b = await target(
      'd.jsonl',
      Array.from({ length: 10 }, (_, i) => clean(i + 50)),
      'gpt-4.1-nano-2025-04-14',
    );
    const text = renderText([a, b], { color: false, maxDiagnostics: 1 });
    expect(text).toContain('[invalid-json]');
    expect(text.match(/was shut down on 2026-10-23/g)).toHaveLength(1);
    const json = toJson([a, b]);
    // invalid-json + the shut-down model once
    expect(json.totals.errors).toBe(2);
    expect(json.notices.find((n) => n.code === 'model-shut-down')!.severity).toBe('error');
  });
});

describe('repeated findings of one code are grouped', () => {
  test('text and markdown say "on 100 lines: 1, 2, 3, 4, 5 … 100"; JSON keeps every diagnostic', async () => {
    const t = await target(
      'many.jsonl',
      Array.from({ length: 100 }, (_, i) => noSystem(i)),
    );
    const text = renderText([t], { color: false, maxDiagnostics: 20 });
    expect(text).toContain('no-system-message on 100 lines: 1, 2, 3, 4, 5 … 100');
    expect(text.match(/\[no-system-message\]/g)).toHaveLength(1);
    const md = renderMarkdown([t], { today: DAY });
    expect(md).toContain('many.jsonl: lines 1, 2, 3, 4, 5 … 100');
    expect(md).toContain('(×100, first shown)');
    expect(md.match(/`no-system-message`/g)).toHaveLength(1);
    const json = toJson([t]);
    expect(json.files[0]!.diagnostics.filter((d) => d.code === 'no-system-message')).toHaveLength(100);
  });
});

describe('truncation', () => {
  test('when the training context cuts off the whole final answer, the example says it trains nothing', async () => {
    const long = 'word '.repeat(300);
    const path = join(dir, 'long.jsonl');
    writeFileSync(
      path,
      [
        JSON.stringify({
          messages: [
            { role: 'user', content: long },
            { role: 'assistant', content: 'Short answer.' },
          ],
        }),
        JSON.stringify({
          messages: [
            { role: 'user', content: 'Short question?' },
            { role: 'assistant', content: long },
          ],
        }),
      ].join('\n') + '\n',
    );
    const r = await check(path, { trainingContext: 100 });
    const over = r.diagnostics.filter((d) => d.code === 'over-context');
    expect(over).toHaveLength(2);
    expect(over[0]!.message).toContain('removes the whole answer');
    expect(over[0]!.message).toContain('trains nothing');
    // The answer starts inside the context: part of it is trained on.
    expect(over[1]!.message).not.toContain('removes the whole answer');
  });
});

describe('money in JSON', () => {
  test('every cost is rounded to a millionth of a dollar', async () => {
    const t = await target(
      'money.jsonl',
      Array.from({ length: 37 }, (_, i) => clean(i * 7919)),
    );
    const json = toJson([t]);
    const costs = [json.totals.estimatedCostUsd, json.files[0]!.costUsd, (json.targets[0] as { estimate: { costUsd: number } }).estimate.costUsd];
    for (const c of costs) {
      expect(c).not.toBeNull();
      expect((String(c).split('.')[1] ?? '').length).toBeLessThanOrEqual(6);
      expect(Math.abs(c! - t.estimate.costUsd!)).toBeLessThan(5e-7);
    }
  });
});

describe('Mermaid charts', () => {
  test('the PR comment has the tokens-per-example distribution as an xychart-beta bar chart', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => clean(i));
    rows.push(
      JSON.stringify({
        messages: [
          { role: 'user', content: 'x '.repeat(500) },
          { role: 'assistant', content: 'y' },
        ],
      }),
    );
    const t = await target('chart.jsonl', rows);
    const md = renderMarkdown([t], { today: DAY });
    const block = md.slice(md.indexOf('```mermaid'), md.indexOf('```', md.indexOf('```mermaid') + 3) + 3);
    expect(block).toContain('xychart-beta');
    const bars = /bar \[([^\]]*)\]/.exec(block)![1]!.split(', ').map(Number);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(31);
  });

  test('histogram bins have round edges and count every value', () => {
    const h = histogram([5, 12, 19, 20, 99, 100]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(h.labels[0]).toBe('0–9');
    expect(h.counts[0]).toBe(1);
    expect(histogram([7, 7, 7])).toEqual({ labels: ['7'], counts: [3] });
  });

  test('labels cannot break out of the chart', () => {
    const evil = '"] \n```\n<script>alert(1)</script> %%{init}%%';
    const t = mermaidText(evil);
    for (const bad of ['"', ']', '`', '<', '>', '\n', '{', '}']) expect(t).not.toContain(bad);
    const chart = barChart({ title: evil, xLabel: evil, yLabel: 'n', labels: [evil], values: [1] });
    expect(chart.split('```').length).toBe(3);
    const lines = lineChart({
      title: evil,
      xLabel: 'step',
      xRange: [1, 10],
      yLabel: 'loss',
      series: [
        [1, 0.5],
        [1.2, 0.7],
      ],
    });
    expect(lines).toContain('line [1, 0.5]');
    expect(lines).toContain('line [1.2, 0.7]');
    expect(lines).toContain('x-axis "step" 1 --> 10');
  });
});
