/** Provider text on its way into a log line. */
import { redact } from '../../redact.js';

/** Untrusted provider text for a log line: no control characters, never a workflow command. */
export function plainText(text: string, max = 400): string {
  // Credentials masked first: a cut or escaped key no longer matches.
  const clean = redact(text).replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

export function clock(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(11, 19);
}
