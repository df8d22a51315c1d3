/**
 * Where the third-party regression datasets live: `$FINETUNE_CI_SHARED/data/real`, else
 * `../shared/data/real` next to the repository. They are never committed here. A tiny local
 * helper until the shared test-data resolver (issue 12) lands in __tests__/support/.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function realDataDir(): string {
  const base = process.env.FINETUNE_CI_SHARED ? resolve(process.env.FINETUNE_CI_SHARED) : resolve(REPO_ROOT, '..', 'shared');
  const dir = join(base, 'data', 'real');
  if (!existsSync(join(dir, 'sources.tsv'))) {
    throw new Error(
      `The real-dataset regression corpus is missing: expected ${dir}/sources.tsv. ` +
        'Set FINETUNE_CI_SHARED to the folder that holds data/real/ (the third-party datasets are never committed to this repository).',
    );
  }
  return dir;
}
