/**
 * Secrets never leave the training journey: every line, output and summary is redacted. The
 * mechanism is src/redact.ts (one registry, masked on raw text before any escaping); these
 * names stay for the journey and its tests.
 */
import { addSecrets, redact, redactingIO } from '../../redact.js';

/** Register `secrets` for masking (src/redact.ts) and return the masking function. */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  addSecrets(secrets);
  return redact;
}

export { redactingIO };
