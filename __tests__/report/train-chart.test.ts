/**
 * The training report's loss chart: train and validation loss over the steps as a Mermaid
 * xychart-beta line chart, bucketed for long jobs, validation held between its reports.
 */
import { describe, expect, test } from '@jest/globals';
import { emptyResult, lossChart, renderTrainMarkdown, type LossPoint } from '../../src/report/train.js';

function series(block: string): number[][] {
  return [...block.matchAll(/line \[([^\]]*)\]/g)].map((m) => m[1]!.split(', ').map(Number));
}

describe('lossChart', () => {
  test('a short job: one point per step, train then validation', () => {
    const curve: LossPoint[] = [
      { step: 1, trainLoss: 3.6, validLoss: 3.7 },
      { step: 2, trainLoss: 2.4, validLoss: null },
      { step: 3, trainLoss: 1.2, validLoss: 1.5 },
    ];
    const chart = lossChart(curve);
    expect(chart).toContain('```mermaid\nxychart-beta');
    expect(chart).toContain('x-axis "step" 1 --> 3');
    expect(series(chart)).toEqual([
      [3.6, 2.4, 1.2],
      [3.7, 3.7, 1.5], // validation holds its last value between reports
    ]);
  });

  test('a long job is averaged into at most 60 points; without validation, one line', () => {
    const curve: LossPoint[] = Array.from({ length: 309 }, (_, i) => ({ step: i + 1, trainLoss: 1 + (i % 2), validLoss: null }));
    const chart = lossChart(curve);
    const s = series(chart);
    expect(s).toHaveLength(1);
    expect(s[0]!.length).toBe(60);
    for (const v of s[0]!) expect(v).toBeGreaterThan(1.3);
    expect(chart).toContain('x-axis "step" 1 --> 309');
  });

  test('fewer than two steps, or no train loss: no chart', () => {
    expect(lossChart([])).toBe('');
    expect(lossChart([{ step: 1, trainLoss: 1, validLoss: null }])).toBe('');
    expect(
      lossChart([
        { step: 1, trainLoss: null, validLoss: 1 },
        { step: 2, trainLoss: null, validLoss: 0.5 },
      ]),
    ).toBe('');
  });

  test('the training report shows it', () => {
    const r = { ...emptyResult('support', 'openai', 'gpt-4.1-mini-2025-04-14'), outcome: 'succeeded' as const };
    r.lossCurve = [
      { step: 1, trainLoss: 2, validLoss: 2.1 },
      { step: 2, trainLoss: 1, validLoss: 1.2 },
    ];
    const md = renderTrainMarkdown([r]);
    expect(md).toContain('**Loss over steps**');
    expect(md).toContain('line [2, 1]');
    expect(md).toContain('line [2.1, 1.2]');
    expect(renderTrainMarkdown([{ ...r, lossCurve: undefined }])).not.toContain('xychart-beta');
  });
});
