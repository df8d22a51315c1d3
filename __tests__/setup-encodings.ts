/** Unit tests call the synchronous token counter directly, some while collecting tests: load both encodings first. */
import { loadEncoding } from '../src/dataset/tokens.js';

await loadEncoding('o200k_base');
await loadEncoding('cl100k_base');
