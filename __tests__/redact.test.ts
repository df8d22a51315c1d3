/**
 * Our own credentials never reach an output (issue 14 #6): masked whole and by any 8+ character
 * prefix, on raw text before markdown escaping or truncation, and at every sink.
 */
import { describe, expect, test } from '@jest/globals';
import type { ActionIO } from '../src/journeys/io.js';
import { ProviderError } from '../src/providers/errors.js';
import { addCredentials, addSecrets, credentialValues, MASK, redact, redactingIO, redactJson } from '../src/redact.js';
import { cell, code, escapeText, truncate } from '../src/report/markdown.js';
import { plain } from '../src/report/smoke.js';

// `_` is what markdown escaping turns into `&#95;`; the rest are characters escapeText rewrites.
const KEY = 'sk-proj-Ab_Cd_Ef9Kq2Lm3Nn4Pp5Rr6Ss7Tt8Uu9Vv0Ww1Xx2Yy3Zz4Aa5Bb6Cc7Dd8Ee9Ff0';
const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const ODD = 'odd*key|with[all]the~chars#that!escape$&<>"\'`\\_x';
addSecrets([KEY, ODD]);
addCredentials({ githubToken: TOKEN, credentials: { openai: { apiKey: '' }, together: { apiKey: '  ' } } });

/** No credential, and no run of 8+ of its first characters, in `text`. */
function expectClean(text: string): void {
  for (const secret of [KEY, TOKEN, ODD]) {
    for (let n = 8; n <= secret.length; n++) expect(text).not.toContain(secret.slice(0, n));
  }
  expect(text).not.toContain(escapeTextWithoutRedaction(KEY).slice(0, 14));
}

/** What escapeText would have made of the key had it run first (the bug in the issue). */
function escapeTextWithoutRedaction(s: string): string {
  return s.replace(/_/g, '&#95;');
}

const echoes = [
  `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
  `invalid key ${KEY.slice(0, 52)}`,
  `key=${KEY.slice(0, 8)}`,
  `Bearer ${TOKEN} rejected`,
  `quoted ${JSON.stringify({ key: KEY })} and url ?key=${encodeURIComponent(ODD)}`,
];

describe('redact', () => {
  test('masks a credential whole, cut to 52 characters, and by its first 8 characters', () => {
    expect(redact(`a ${KEY} b`)).toBe(`a ${MASK} b`);
    expect(redact(`a ${KEY.slice(0, 52)}… b`)).toBe(`a ${MASK}… b`);
    expect(redact(`x${KEY.slice(0, 8)}y`)).toBe(`x${MASK}y`);
    expect(redact(`t=${TOKEN}`)).toBe(`t=${MASK}`);
    for (const e of echoes) expectClean(redact(e));
  });

  test('leaves 7 characters of a prefix, other text and empty or short credentials alone', () => {
    addSecrets(['', '   ', 'ab', undefined, null]);
    expect(redact(`${KEY.slice(0, 7)} and sk-other`)).toBe(`${KEY.slice(0, 7)} and sk-other`);
    expect(redact('ab cd')).toBe('ab cd');
  });

  test('masks the forms escaping would turn a credential into (last line of defence at the sinks)', () => {
    expect(redact(escapeTextWithoutRedaction(KEY))).toBe(MASK);
    expect(redact(encodeURIComponent(ODD))).toBe(MASK);
    expect(redact(JSON.stringify(ODD))).toBe(`"${MASK}"`);
  });

  test('the markdown renderers redact before they escape or cut', () => {
    for (const e of echoes) {
      for (const out of [escapeText(e), cell(e, 60), cell(e, 30), code(e, 40), truncate(e, 45), plain(e, 50)]) {
        expectClean(out);
        expect(out).not.toContain('&#95;Cd');
      }
    }
    // A key with every character escapeText rewrites: its escaped form is masked too.
    expect(redact(escapeTextWithoutRedaction(ODD))).not.toContain('odd*key|');
    expect(escapeText(`x ${ODD} y`)).toBe('x &#42;&#42;&#42; y');
  });

  test('a ProviderError that echoes the key carries it masked', () => {
    const e = new ProviderError({ kind: 'auth', message: echoes[0]!, provider: 'openai', operation: 'createJob', hint: `check ${KEY.slice(0, 20)}` });
    expectClean(e.message);
    expectClean(e.describe());
    expectClean(String(e.stack));
  });

  test('redactJson masks every string of a report, keys included', () => {
    const json = redactJson({ error: echoes[1], [KEY]: [echoes[3], { deep: `${ODD}` }], n: 3 });
    expectClean(json);
    expect(JSON.parse(json)).toEqual({ error: `invalid key ${MASK}`, [MASK]: [`Bearer ${MASK} rejected`, { deep: MASK }], n: 3 });
  });

  test('redactingIO masks logs, annotations, outputs, the summary and the failure', async () => {
    const seen: string[] = [];
    const raw: ActionIO = {
      info: (m) => seen.push(m),
      warning: (m, p) => seen.push(m, p?.title ?? ''),
      error: (m, p) => seen.push(m, p?.title ?? ''),
      notice: (m) => seen.push(m),
      group: async (n, fn) => {
        seen.push(n);
        return fn();
      },
      setOutput: (n, v) => seen.push(`${n}=${v}`),
      appendSummary: async (md) => {
        seen.push(md);
      },
      setSecret: () => {},
      setFailed: (m) => seen.push(m),
    };
    const io = redactingIO(raw);
    expect(redactingIO(io)).toBe(io); // wrapping twice is a no-op
    for (const e of echoes) {
      io.info(e);
      io.warning(e, { title: e });
      io.error(e, { title: e });
      io.notice(e);
      await io.group(e, async () => undefined);
      io.setOutput('x', e);
      await io.appendSummary(e);
      io.setFailed(e);
    }
    expect(seen.length).toBe(echoes.length * 10);
    for (const s of seen) expectClean(s);
  });

  test('a megabyte of key prefixes: each one masked', () => {
    const text = `${KEY.slice(0, 9)}.`.repeat(100_000);
    const out = redact(text);
    expect(out).toBe(`${MASK}.`.repeat(100_000));
  });

  test('credentials of the settings: secret-named fields only, never a base URL or an endpoint', () => {
    expect(
      credentialValues({
        githubToken: 'ghs_x',
        credentials: {
          openai: { apiKey: 'k1', baseUrl: 'https://api.example' },
          azure: { apiKey: 'k2', endpoint: 'https://x.openai.azure.com' },
          vertex: { project: 'p', location: 'us-central1', credentialsJson: '{}', keyFile: '/home/runner/key.json' },
        },
      }),
    ).toEqual(['ghs_x', 'k1', 'k2', '{}']);
  });

  test('a JSON credential (a service-account key) is masked whole and by its secret fields, not by its public start', () => {
    const body = ['MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu'];
    const pem = `-----BEGIN PRIVATE KEY-----\n${body.join('\n')}\n-----END PRIVATE KEY-----\n`;
    const json = JSON.stringify({
      type: 'service_account',
      project_id: 'acme-ml',
      private_key_id: 'f00dfeedcafe1234567890abcdef',
      private_key: pem,
      client_email: 'ci@acme-ml.iam.gserviceaccount.com',
    });
    addSecrets([json]);
    expect(redact(`creds: ${json}`)).toBe(`creds: ${MASK}`);
    expect(redact('{"type":"service_account","project_id":"acme-ml"}')).toBe('{"type":"service_account","project_id":"acme-ml"}');
    expect(redact(`bad key line ${body[1]!.slice(0, 30)}…`)).toBe(`bad key line ${MASK}…`);
    expect(redact(`id f00dfeedcafe12`)).toBe(`id ${MASK}`);
    expect(redact('-----BEGIN PRIVATE KEY----- is a header')).toBe('-----BEGIN PRIVATE KEY----- is a header');
    expect(redact(`escaped ${JSON.stringify(pem)}`)).not.toContain(body[0]!.slice(0, 8));
  });
});
