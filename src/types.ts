/**
 * Words every layer shares (config, catalog, dataset, providers, smoke tests), defined once at
 * the bottom of the import graph: this module imports nothing.
 */

/**
 * What one line of data looks like. `reinforcement` is never guessed: only a method sets it.
 * `text` (free text, `{"text": …}`) is Together's general format; only its profile takes it.
 */
export type DataFormat = 'chat' | 'dpo' | 'completion' | 'reinforcement' | 'text';

/** The training method, the same word in CLI, action inputs and config. */
export type Method = 'supervised' | 'dpo' | 'reinforcement';
export const METHODS: readonly Method[] = ['supervised', 'dpo', 'reinforcement'];

/** Hyperparameters in OpenAI's words; `'auto'` or absent lets the provider choose. */
export interface Hyperparameters {
  n_epochs?: number | 'auto';
  batch_size?: number | 'auto';
  learning_rate_multiplier?: number | 'auto';
  /** DPO only. */
  beta?: number | 'auto';
}

/** One chat message as a smoke suite writes it and a provider's chat call takes it. */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  temperature?: number;
  max_tokens?: number;
  seed?: number;
}

/** Tokens one chat call used, as the provider reports them. */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}
