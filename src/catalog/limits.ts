/**
 * Bounds that keep the cost of one untrusted line linear in its length, as data. They are ours,
 * not a provider's: no training format needs more, and past them a line would cost the run its
 * stack or its memory.
 */
export interface SafetyLimit {
  value: number;
  source: string;
  asOf: string;
}

export const LINE_LIMITS = {
  /**
   * Deepest nesting of arrays and objects in a line. Training data nests a handful of levels (a
   * tool's JSON schema a few more); JSON.stringify and recursive walks overflow the stack near
   * 10,000 levels, and a parsed array per level costs memory out of proportion to the line.
   */
  maxNestingDepth: {
    value: 1000,
    source: 'finetune-ci: 20,000 levels overflowed the stack (issue 14 #5); OpenAI data nests under 20',
    asOf: '2026-12-02',
  },
  /**
   * Most JSON values in a line (counted as the `[`, `{` and `,` outside strings). JSON.parse
   * builds an object per value: 13 million empty arrays (a 39 MB line) took 1.1 GB, so a
   * 150 MB line could end the run out of memory. 100,000 values are far over any training
   * context (each value is at least a token).
   */
  maxJsonValues: {
    value: 100_000,
    source: 'finetune-ci: measured 1.1 GB RSS for JSON.parse of a 39 MB line of empty arrays (issue 14 #5)',
    asOf: '2026-12-02',
  },
  /**
   * Credentials a line reports one by one (located, masked); past this many, one more warning
   * says there are more. Each is looked for in the whole line, so the bound keeps a line of
   * thousands of keys linear.
   */
  maxSecretsReported: {
    value: 10,
    source: 'finetune-ci: a report needs the first few to act on (issue 14 #4)',
    asOf: '2026-12-02',
  },
  /**
   * Longest pre-token (a run the encoding's split pattern does not break, such as one repeated
   * character) counted exactly; longer ones are counted in pieces of this size, so the count is
   * approximate (off by at most a few tokens per piece) and the line says so.
   */
  maxExactPreTokenChars: {
    value: 262_144,
    source: 'finetune-ci: bounded memory of the merge (about 20 bytes per byte of the piece)',
    asOf: '2026-12-02',
  },
} as const satisfies Record<string, SafetyLimit>;
