/** Provider text on its way into a log line. */
import { redact } from '../../redact.js';
import { plain } from '../../report/text.js';

/** Untrusted provider text for a log line: one line, no hidden characters (report/text.ts `plain`). */
export function plainText(text: string, max = 400): string {
  // Credentials masked first: a cut or escaped key no longer matches.
  return plain(redact(text), max);
}

export function clock(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(11, 19);
}
