/** Epochs (the cookbook's auto rule or a given number), trained tokens and cost. */
import { describe, expect, test } from '@jest/globals';
import { autoEpochs, estimate } from '../src/estimate.js';
import { resolveModel } from '../src/catalog/index.js';

describe('autoEpochs (the cookbook rule)', () => {
  test.each([
    [5, 20],
    [10, 10],
    [34, 3],
    [8334, 2],
    [12501, 1],
  ])('facts sheet: n = %i → %i', (n, epochs) => {
    expect(autoEpochs(n)).toBe(epochs);
  });

  test.each([
    [1, 25], // min(25, 100)
    [3, 25], // min(25, 33)
    [4, 25], // min(25, 25)
    [6, 16],
    [33, 3], // 99 < 100 → ⌊100/33⌋ = 3
    [8333, 3], // 24,999 is not over 25,000
    [100_000, 1], // never below 1
  ])('boundaries: n = %i → %i', (n, epochs) => {
    expect(autoEpochs(n)).toBe(epochs);
  });

  test('no examples: the target epochs', () => {
    expect(autoEpochs(0)).toBe(3);
  });
});

describe('estimate', () => {
  const mini = resolveModel('gpt-4.1-mini-2025-04-14'); // $5 per 1M

  test('auto epochs: trained tokens = epochs × billable, cost = trained × price / 1e6', () => {
    const e = estimate(10, 123_456, mini);
    expect(e.epochs).toBe(10);
    expect(e.epochsSource).toBe('auto');
    expect(e.billableTokens).toBe(123_456);
    expect(e.trainedTokens).toBe(1_234_560);
    expect(e.pricePerMillion).toBe(5);
    expect(e.costUsd).toBeCloseTo(6.1728, 10);
    expect(e.priceAsOf).toBe('2026-11-25');
    expect(e.priceSource).toMatch(/OpenAI fine-tuning guide.*pricing/);
    expect(e.priceAsOf).toBe('2026-11-25');
  });

  test('given epochs', () => {
    const e = estimate(10, 1_000_000, resolveModel('gpt-4o-2024-08-06'), 2);
    expect(e.epochs).toBe(2);
    expect(e.epochsSource).toBe('user');
    expect(e.trainedTokens).toBe(2_000_000);
    expect(e.costUsd).toBe(50);
  });

  test('the toy dataset figures: 8,232 billable × 20 epochs at $8 per 1M (gpt-3.5-turbo-0125)', () => {
    const e = estimate(5, 8232, resolveModel('gpt-3.5-turbo-0125'));
    expect(e.epochs).toBe(20);
    expect(e.trainedTokens).toBe(164_640);
    expect(e.costUsd).toBeCloseTo(1.31712, 10);
  });

  test('unknown price: no cost; a user price: a cost', () => {
    expect(estimate(10, 1000, resolveModel('o4-mini-2025-04-16')).costUsd).toBeNull();
    const e = estimate(10, 1000, resolveModel('o4-mini-2025-04-16', { pricePerMillion: 100 }));
    expect(e.costUsd).toBeCloseTo(1, 10);
  });

  test('zero tokens cost nothing', () => {
    expect(estimate(10, 0, mini).costUsd).toBe(0);
  });
});
