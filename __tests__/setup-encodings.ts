/** Unit tests call the synchronous token counter directly, some while collecting tests: load both encodings first. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEncoding } from '../src/dataset/tokens.js';

await loadEncoding('o200k_base');
await loadEncoding('cl100k_base');

// No test reaches the real Hugging Face Hub: tokenizer downloads fail fast (nothing listens on
// port 9) unless a test points them at its own fake server and cache.
process.env.HF_ENDPOINT ??= 'http://127.0.0.1:9';
process.env.FINETUNE_CI_CACHE_DIR ??= join(tmpdir(), `finetune-ci-tests-${process.pid}-no-cache`);
