/**
 * The on-disk container of every cache file: a fixed header, then the payload.
 *
 *   0  8  magic "FTCICACH"
 *   8  4  format version (u32 LE)
 *  12  4  kind (u32 LE): 1 line results, 2 file summary
 *  16 32  fingerprint: sha256 of everything that changes the results (see fingerprint.ts)
 *  48  8  payload length (u64 LE)
 *  56 32  sha256 of the payload
 *  88  …  payload
 *
 * A file written by another format version, for other settings, of another kind, truncated or
 * corrupt is refused with the reason; callers then ignore it and rebuild. Nothing in a refused
 * file is ever used.
 */
import { createHash } from 'node:crypto';

export const MAGIC = Buffer.from('FTCICACH', 'latin1');
/** Bump when the layout of any payload changes. */
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 88;

export const KIND = { lines: 1, summary: 2 } as const;
export type Kind = (typeof KIND)[keyof typeof KIND];

export type Refusal = 'magic' | 'version' | 'kind' | 'fingerprint' | 'truncated' | 'checksum';

/** The header for a payload given as pieces (views are fine: nothing is copied). */
export function header(kind: Kind, fingerprint: string, pieces: readonly Uint8Array[]): Buffer {
  const fp = Buffer.from(fingerprint, 'hex');
  if (fp.length !== 32) throw new Error('a cache fingerprint is a sha256 in hex');
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt32LE(FORMAT_VERSION, 8);
  h.writeUInt32LE(kind, 12);
  fp.copy(h, 16);
  const sum = createHash('sha256');
  let length = 0;
  for (const p of pieces) {
    sum.update(p);
    length += p.byteLength;
  }
  h.writeBigUInt64LE(BigInt(length), 48);
  sum.digest().copy(h, 56);
  return h;
}

/** The payload of a cache file, or why it must not be used. */
export function open(file: Buffer, kind: Kind, fingerprint: string): { payload: Buffer } | { refused: Refusal } {
  if (file.length < HEADER_BYTES) return { refused: file.length >= 8 && file.subarray(0, 8).equals(MAGIC) ? 'truncated' : 'magic' };
  if (!file.subarray(0, 8).equals(MAGIC)) return { refused: 'magic' };
  if (file.readUInt32LE(8) !== FORMAT_VERSION) return { refused: 'version' };
  if (file.readUInt32LE(12) !== kind) return { refused: 'kind' };
  if (!file.subarray(16, 48).equals(Buffer.from(fingerprint, 'hex'))) return { refused: 'fingerprint' };
  const length = file.readBigUInt64LE(48);
  if (BigInt(file.length - HEADER_BYTES) !== length) return { refused: 'truncated' };
  const payload = file.subarray(HEADER_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(file.subarray(56, 88))) return { refused: 'checksum' };
  return { payload };
}
