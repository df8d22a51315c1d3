import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffTargets } from '../../src/dataset/diff.js';
import { checkTarget, type TargetReport } from '../../src/dataset/target.js';
import { renderMarkdown, totals } from '../../src/report/check.js';
import { escapeText } from '../../src/report/markdown.js';

const DAY = '2026-11-25';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'finetune-ci-report-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const chat = (u: string, a: string) =>
  JSON.stringify({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: u },
      { role: 'assistant', content: a },
    ],
  });

async function target(name: string, rows: string[], o: { maxCost?: number } = {}): Promise<TargetReport> {
  const file = join(dir, `${Buffer.from(name).toString('hex')}.jsonl`); // the label below is the path shown
  writeFileSync(file, rows.join('\n') + '\n');
  const t = await checkTarget({ name, trainingFile: file, model: 'gpt-4.1-mini-2025-04-14', method: null, epochs: 'auto', maxCost: o.maxCost }, { today: DAY });
  // Paths as the check journey reports them: the repository's.
  t.training.path = name;
  for (const d of t.training.diagnostics) d.file = name;
  for (const n of t.notices) n.file = name;
  return t;
}
const good = (n: number, tag = '') => Array.from({ length: n }, (_, i) => chat(`Weather ${i}?`, `Sunny ${i}${tag}.`));

describe('escapeText', () => {
  test('makes HTML, comments, mentions, table pipes and markdown inert', () => {
    const out = escapeText('<script>x</script></details><!-- @octocat | `code` *b* [l](u) #1 https://e.com\nnext');
    for (const raw of ['<', '>', '|', '`', '*', '[', ']', ' #1', '://', '\n']) expect(out).not.toContain(raw);
    expect(out).toContain('@\u200doctocat');
    expect(out).toBe('&lt;script&gt;x&lt;/script&gt;&lt;/details&gt;&lt;&#33;-- @\u200doctocat &#124; &#96;code&#96; &#42;b&#42; &#91;l&#93;(u) &#35;\u200d1 https:&#47;&#47;e.com next');
  });
});

describe('renderMarkdown', () => {
  test('the headline: verdict, counts, cost and its delta, example changes', async () => {
    const base = await target('base.jsonl', good(10));
    // Base: Weather 0..9. Head: 8 and 9 gone, 2's answer edited, two new.
    const rows = good(8);
    rows[2] = chat('Weather 2?', 'Rain.');
    const head = await target('data/t.jsonl', [...rows, chat('New?', 'Yes.'), chat('Newer?', 'Yes.')]);
    const d = diffTargets(base, head);
    expect(d.examples).toEqual({ added: 2, removed: 2, changed: 1, unchanged: 7 });
    const md = renderMarkdown([head], { diffs: [d], today: DAY });
    // A clean dataset: 0 warnings; the model's shutdown date is a notice of the run.
    expect(md.split('\n')[0]).toBe('### ✅ finetune-ci: 1 dataset checked — 0 errors, 0 warnings');
    expect(md).toContain('· examples: +2 added, −2 removed, 1 changed');
    expect(md).toContain('| data/t.jsonl | ✅ ok | gpt-4.1-mini-2025-04-14 | 10 (±0) |');
    // Notices are call-outs with their fix in their own section, not "problems" that were left out.
    expect(md).toContain('#### Notices\n\n> [!WARNING]\n> gpt-4.1-mini-2025-04-14 shuts down on 2027-01-14 (in 50 days)');
    expect(md).toContain('. Fix: plan a move');
    expect(md).not.toContain('#### Problems');
  });

  test('removed datasets get a row and leave the total cost', async () => {
    const head = await target('data/t.jsonl', good(10));
    const removed = [{ path: 'data/old.jsonl', model: 'gpt-4.1-mini-2025-04-14', examples: 20, billableTokens: 600, trainedTokens: 3000, costUsd: 0.02 }];
    const md = renderMarkdown([head], { diffs: [null], removed, today: DAY });
    expect(md).toContain('1 dataset checked, 1 removed');
    expect(md).toContain('| ~~data/old.jsonl~~ 🗑️ | removed | gpt-4.1-mini-2025-04-14 | 0 (−20) | 0 (−600) | – | 0 (−3,000) | $0.00 (−$0.02) |');
    expect(totals([head], [null], removed).costDeltaUsd).toBeCloseTo(-0.02, 6);
    expect(md).toContain('(−$0.02 vs base)');
    expect(md).toContain('examples: +0 added, −20 removed, 0 changed');
  });

  test('errors found outside the datasets (suites, config) turn the verdict red', async () => {
    const head = await target('data/t.jsonl', good(10));
    const md = renderMarkdown([head], { outside: { errors: 2, warnings: 0 }, today: DAY });
    expect(md.split('\n')[0]).toBe('### ❌ finetune-ci: 1 dataset checked — 2 errors, 0 warnings');
  });

  test('untrusted text from the data is escaped everywhere it appears', async () => {
    const evil = '<script>alert(1)</script></details><!-- @octocat | `x`';
    const rows = [
      ...good(10),
      JSON.stringify({
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
        ],
        [evil]: 1,
      }),
    ];
    const t = await target('data/<b>|@x`.jsonl', rows);
    const md = renderMarkdown([t], { today: DAY, lineUrl: (p, l) => `https://github.com/o/r/blob/s/${encodeURIComponent(p)}#L${l}` });
    for (const raw of ['<script>', '</script>', '<!-- @', '@octocat', '`x`', '<b>', '|@x']) expect(md).not.toContain(raw);
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
    const row = md.split('\n').find((l) => l.includes('unknown-key'))!;
    expect(row.split(' | ')).toHaveLength(5);
    // No code span around escaped text (entities would show literally inside one).
    expect(md).not.toMatch(/`[^`\n]*&#[0-9]+;[^`\n]*`/);
  });

  test('a huge report folds details, then problems, and says so; a hopeless one is cut with a note', async () => {
    const bad = [...good(10), ...Array.from({ length: 400 }, (_, i) => `{"broken ${i}": `)];
    const many = await Promise.all(Array.from({ length: 40 }, (_, i) => target(`data/set-${i}/a-long-file-name-for-folding-${i}.jsonl`, bad)));
    const full = renderMarkdown(many, { today: DAY, maxChars: 10_000_000 });
    expect(full).not.toContain('folded');
    expect(full).toContain('<details><summary>Distributions</summary>');
    const folded = renderMarkdown(many, { today: DAY, maxChars: 20_000 });
    expect(folded.length).toBeLessThanOrEqual(20_000);
    expect(folded).toContain("Some details were folded to keep this comment under GitHub's size limit");
    expect(folded).toContain(`#### Problems (first `);
    expect(folded).toContain('All counted: `invalid-json` ×16,000.');
    const cut = renderMarkdown(many, { today: DAY, maxChars: 3_000 });
    expect(cut.length).toBeLessThanOrEqual(3_000);
    expect(cut).toContain("The report was cut to fit GitHub's comment limit");
  }, 60_000);

  test('over budget: a caution and a red status', async () => {
    const t = await target('data/t.jsonl', good(10), { maxCost: 0.000001 });
    const md = renderMarkdown([t], { today: DAY });
    expect(md).toContain('❌ over budget');
    expect(md).toMatch(/> \[!CAUTION\]\n> data\/t\.jsonl: the estimate \$0\.\d+ is above max-cost \$0\.0000/);
  });
});

describe('code spans and links in untrusted text', () => {
  test('code() keeps ids copyable and cannot end the span or a table cell', async () => {
    const { code } = await import('../../src/report/markdown.js');
    expect(code('req_123')).toBe('`req_123`');
    expect(code('a`b|c\nd')).toBe("`a'b\\|c d`");
  });
  test('escapeText() breaks bare www. links and $ math', async () => {
    const { escapeText } = await import('../../src/report/markdown.js');
    expect(escapeText('see www.evil.example')).toBe('see www\u200d.evil.example');
    expect(escapeText('$x^2$')).toBe('&#36;x^2&#36;');
  });
});
