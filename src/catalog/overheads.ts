/**
 * How billed training tokens are counted, as named constants with their evidence.
 * shared/facts/openai-fine-tuning.md §5. `confirmed: false` rules are ours to state; every
 * report lists them in its footnote.
 */
export interface TokenRule {
  value: number;
  confirmed: boolean;
  note: string;
}

export const OVERHEADS = {
  /** Per message, before its role and content. Cookbook, confirmed by a billed job. */
  perMessage: { value: 3, confirmed: true, note: '3 tokens per message (cookbook; matches a billed gpt-3.5-turbo-0613 job)' },
  /** Extra per message that has a `name`, on top of tok(name). */
  perName: { value: 1, confirmed: true, note: '1 extra token per named message (cookbook)' },
  /** Per example (the cookbook's "+3 reply priming" is billed as 1). */
  perExample: { value: 1, confirmed: true, note: "1 token per example (a billed job: 681 = 551 + 30 × 4 + 10 × 1, not the cookbook's +3)" },
  /**
   * Tool definitions are billed as the TypeScript-like namespace the model sees
   * (dataset/tool-render.ts), counted with the model's encoding. Sources: hmarr/openai-chat-tokens
   * src/functions.ts (https://github.com/hmarr/openai-chat-tokens, read 2026-12-02), openai/harmony
   * src/encoding.rs `json_schema_to_typescript` (https://github.com/openai/harmony, read
   * 2026-12-02), OpenAI community thread "How to calculate the tokens when using function call"
   * (https://community.openai.com/t/how-to-calculate-the-tokens-when-using-function-call/266573).
   */
  toolsRender: {
    value: 0,
    confirmed: false,
    note: 'tool definitions count tok() of the "namespace functions { … type name = (_: { … }) => any; … }" rendering the model sees (hmarr/openai-chat-tokens, openai/harmony; not documented by OpenAI)',
  },
  /**
   * Fixed tokens added to that rendering, once per example that has tool definitions.
   * Calibrated on the one billed function-calling job we found: the cookbook drone job
   * (openai-cookbook examples/Fine_tuning_for_function_calling.ipynb, ftjob-84PQg97hoIAKf21IPnhiNlU1,
   * gpt-3.5-turbo-0125, 103 examples × 3 epochs, trained_tokens 145,983 = 3 × 48,661):
   * messages and calls are 9,624 per epoch by our rule, so the 16 definitions cost 379 per
   * example; the rendering counts 381 (cl100k_base), hence −2. Same value assumed for o200k_base.
   */
  toolsOverhead: {
    value: -2,
    confirmed: false,
    note: 'tool definitions: −2 tokens once per example on top of the rendering (fitted to one billed job: the cookbook drone job, 145,983 trained tokens; assumed the same for o200k_base models)',
  },
  /** Assistant tool calls: tok(name) + tok(arguments) per call, no fixed overhead. */
  toolCall: { value: 0, confirmed: false, note: 'assistant tool_calls count tok(function name) + tok(arguments) per call (not published; our rule)' },
  /** Tool messages count tok(tool_call_id). */
  toolCallId: { value: 0, confirmed: false, note: 'tool messages add tok(tool_call_id) (not published; our rule)' },
  /** Content given as parts: tok(text) per text part. */
  contentParts: { value: 0, confirmed: false, note: 'content parts count tok(text) of each text part (not published; our rule)' },
  /** An image part counts as OpenAI's low-detail figure: the estimate is a floor. */
  image: { value: 85, confirmed: false, note: 'each image counts 85 tokens, the low-detail figure; high-detail images cost more, so this is a floor' },
  /** DPO: input counted once per output (twice) plus both outputs. */
  dpoInputCopies: { value: 2, confirmed: false, note: 'DPO counts the input messages twice (once per output) plus both outputs (conservative; not published)' },
  /** Completion data: tok(prompt) + tok(completion) + 1. */
  completionExample: { value: 1, confirmed: false, note: 'completion data counts tok(prompt) + tok(completion) + 1 (not published; our rule)' },
} as const satisfies Record<string, TokenRule>;

export const OVERHEADS_SOURCE = {
  source: 'OpenAI cookbook "How to count tokens" and "Chat fine-tuning data prep", calibrated to a billed gpt-3.5-turbo-0613 job',
  asOf: '2026-11-25',
};

/** Epochs when `n_epochs` is auto: the cookbook rule (the server's own rule is unconfirmed). */
export const AUTO_EPOCHS = {
  targetEpochs: 3,
  minTargetExamples: 100,
  maxTargetExamples: 25_000,
  minDefaultEpochs: 1,
  maxDefaultEpochs: 25,
  source: 'OpenAI cookbook "Chat fine-tuning data prep" (server rule unconfirmed)',
  asOf: '2026-11-25',
};
