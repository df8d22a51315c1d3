/**
 * A file's git blob id (sha1 of `blob <size>\0` and the bytes), computed by streaming the file:
 * the key of its summary when git cannot tell it (the CLI, a modified working tree). The same
 * id git gives the file in a sha1 repository, so the Action's and the CLI's summaries match.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export async function fileBlobSha(path: string): Promise<string> {
  const { size } = await stat(path);
  const h = createHash('sha1');
  h.update(`blob ${size}\0`);
  let seen = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    h.update(chunk);
    seen += chunk.length;
  }
  // A file that changed while it was read has no single id: hash what was read under its own size.
  if (seen !== size) {
    const again = createHash('sha1');
    again.update(`changed ${size} ${seen} ${Date.now()}`);
    return again.digest('hex');
  }
  return h.digest('hex');
}
