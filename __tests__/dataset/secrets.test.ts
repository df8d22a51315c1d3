/**
 * possible-secret: one fixture per credential family, near misses that must not trip, and the
 * promise that a diagnostic never repeats the whole secret (message, hint or path).
 * Fake credentials are assembled at run time so that no scanner mistakes this file for a leak.
 */
import { describe, expect, test } from '@jest/globals';
import { SECRET_PATTERNS, findSecrets, mask, scanStats } from '../../src/dataset/secrets.js';
import type { Finding } from '../../src/dataset/rules.js';
import { analyze, check, codes, goodChat, many, writeJsonl } from './helpers.js';

const alnum = (n: number, seed = 7) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += abc[x % abc.length];
  }
  return s;
};
const upperDigits = (n: number) =>
  alnum(n * 3)
    .replace(/[a-z]/g, '')
    .slice(0, n)
    .padEnd(n, '7');

const FAMILIES: [string, string, string][] = [
  ['OpenAI project key', 'sk-' + 'proj-' + alnum(48) + '_' + alnum(20, 3), 'OpenAI API key'],
  ['OpenAI legacy key', 'sk-' + alnum(48, 11), 'OpenAI API key'],
  ['OpenAI key with the T3BlbkFJ marker', 'sk-' + alnum(20, 5) + 'T3Blbk' + 'FJ' + alnum(20, 6), 'OpenAI API key'],
  ['GitHub classic token', 'gh' + 'p_' + alnum(36, 13), 'GitHub token'],
  ['GitHub fine-grained token', 'github' + '_pat_' + alnum(22, 17) + '_' + alnum(59, 19), 'GitHub token'],
  ['AWS access key id', 'AK' + 'IA' + upperDigits(16), 'AWS access key id'],
  ['private key block', '-----BEGIN RSA ' + 'PRIVATE KEY-----\nMIIEowIBAAKCAQEA' + alnum(40) + '\n-----END RSA PRIVATE KEY-----', 'private key'],
  ['OpenSSH private key', '-----BEGIN OPENSSH ' + 'PRIVATE KEY-----', 'private key'],
  ['Slack token', 'xo' + 'xb-' + '1234567890-' + alnum(24, 23), 'Slack token'],
  ['Google API key', 'AI' + 'za' + alnum(35, 29), 'Google API key'],
  ['Stripe secret key', 'sk' + '_live_' + alnum(24, 31), 'Stripe secret key'],
  ['Anthropic key', 'sk-' + 'ant-api03-' + alnum(40, 37), 'Anthropic API key'],
  ['Hugging Face token', 'h' + 'f_' + alnum(40, 41).replace(/[0-9]/g, 'q'), 'Hugging Face token'],
];

/** The part of a secret that must never be printed whole (for a key block: its header line). */
const sensitive = (secret: string) => secret.split('\n')[0]!;

function expectNoLeak(findings: readonly Finding[], secret: string): void {
  const s = sensitive(secret);
  for (const f of findings) {
    expect(f.message).not.toContain(s);
    expect(f.hint).not.toContain(s);
    expect(f.path).not.toContain(s);
  }
}

describe('possible-secret: one per credential family', () => {
  test.each(FAMILIES)('%s in user content', (_name, secret, kind) => {
    const ex = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: `my key is ${secret} ok?` },
        { role: 'assistant', content: 'Noted.' },
      ],
    };
    const r = analyze(ex);
    expect(codes(r)).toEqual(['possible-secret']);
    const f = r.findings[0]!;
    expect(f.severity).toBe('warning');
    expect(f.path).toBe('messages[1].content');
    expect(f.message).toContain(kind);
    const [match] = findSecrets(secret);
    expect(f.message).toContain(match!.masked);
    expect(f.message).toMatch(/…\[\d+ chars\]/);
    expectNoLeak(r.findings, secret);
    // the example is still counted: a warning, not an error
    expect(r.valid).toBe(true);
    expect(match!.name).toBe(kind);
  });

  test('the mask shows a short prefix and the length, never the secret', () => {
    const key = 'sk-' + alnum(48, 11);
    expect(mask(key)).toBe(`${key.slice(0, 4)}…[${key.length} chars]`);
    expect(mask('-----BEGIN RSA PRIVATE KEY-----')).toBe('-----BEGIN RSA P…[31 chars]');
  });

  test('a secret in an assistant tool-call argument is located there', () => {
    const secret = 'gh' + 'p_' + alnum(36, 13);
    const ex = {
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'u' },
        { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: JSON.stringify({ token: secret }) } }] },
        { role: 'tool', tool_call_id: 'c', content: 'ok' },
        { role: 'assistant', content: 'done' },
      ],
    };
    const r = analyze(ex);
    expect(codes(r)).toEqual(['possible-secret']);
    expect(r.findings[0]!.path).toBe('messages[2].tool_calls[0].function.arguments');
    expectNoLeak(r.findings, secret);
  });

  test('two different secrets on one line give two warnings; one secret matched by two patterns gives one', () => {
    const a = 'AK' + 'IA' + upperDigits(16);
    const b = 'xo' + 'xp-' + alnum(30, 3);
    const r = analyze({
      messages: [
        { role: 'system', content: a },
        { role: 'user', content: b },
        { role: 'assistant', content: 'x' },
      ],
    });
    expect(codes(r)).toEqual(['possible-secret', 'possible-secret']);
    expect(r.findings.map((f) => f.path)).toEqual(['messages[0].content', 'messages[1].content']);
    expect(findSecrets('sk-' + 'proj-' + alnum(48) + 'T3Blbk' + 'FJ' + alnum(24))).toHaveLength(1);
  });
});

describe('possible-secret: near misses do not trip', () => {
  test.each([
    ['the words "API key"', 'Where do I put my API key and secret token?'],
    ['a short sk- string', 'sk-' + alnum(12)],
    ['sk-proj- with too few characters', 'sk-' + 'proj-' + alnum(20)],
    ['a ghp_ prefix with too few characters', 'gh' + 'p_' + alnum(10)],
    ['lower-case AKIA-like text', 'akia' + upperDigits(16).toLowerCase()],
    ['AKIA inside a longer word', 'X' + 'AK' + 'IA' + upperDigits(16) + 'X'],
    ['a public key block', '-----BEGIN PUBLIC KEY-----'],
    ['a test-mode Stripe key', 'sk' + '_test_' + alnum(24)],
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['a sha256 hex digest', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['code that mentions sk- variables', 'const sk = "sk-" + process.env.KEY;'],
  ])('%s', (_name, text) => {
    const r = analyze({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: text },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(codes(r)).toEqual([]);
    expect(findSecrets(text)).toEqual([]);
  });
});

describe('a secret is never repeated in any diagnostic', () => {
  const aws = 'AK' + 'IA' + upperDigits(16);
  const gh = 'gh' + 'p_' + alnum(36, 13);
  const sk = 'sk-' + alnum(48, 11);

  test.each([
    [
      'as a role (invalid-role repeats short values)',
      {
        messages: [
          { role: aws, content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      },
    ],
    [
      'as a weight (invalid-field repeats short values)',
      {
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'u' },
          { role: 'assistant', content: 'y', weight: aws },
        ],
      },
    ],
    ['as an unknown top-level key', { ...goodChat(), [gh]: true }],
    ['as the only key of an unknown format', { [gh]: 1 }],
    [
      'as a detail value',
      {
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: aws } }] },
          { role: 'assistant', content: 'y' },
        ],
      },
    ],
  ])('%s', (_name, obj) => {
    const r = analyze(obj);
    expect(codes(r)).toContain('possible-secret');
    expectNoLeak(r.findings, aws);
    expectNoLeak(r.findings, gh);
  });

  test.each([
    ['a bare key on its own line', aws],
    ['a key in broken JSON', `{"messages": ${sk}}`],
    ['a key in a JSON array line', JSON.stringify([sk])],
  ])('%s: flagged, and not echoed by the JSON error', (_name, text) => {
    const r = analyze(text);
    expect(codes(r)).toContain('possible-secret');
    expectNoLeak(r.findings, aws);
    expectNoLeak(r.findings, sk);
  });

  test('through checkFile: no diagnostic of the file report repeats the secret', async () => {
    const lines: unknown[] = many(10);
    lines.push({ messages: [{ role: aws, content: 'x' }] }, aws, { ...goodChat(99), [gh]: 1 });
    const r = await check(writeJsonl(lines));
    expect(r.diagnostics.filter((d) => d.code === 'possible-secret')).toHaveLength(3);
    for (const d of r.diagnostics) {
      for (const s of [aws, gh]) {
        expect(d.message).not.toContain(s);
        expect(d.hint).not.toContain(s);
        expect(d.path).not.toContain(s);
      }
    }
  });
});

describe('credentials hidden behind JSON escapes', () => {
  test('gh\\u0070_… is found, located and masked', async () => {
    const { analyzeLine } = await import('../../src/dataset/line.js');
    const { PROFILES } = await import('../../src/catalog/index.js');
    const token = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9';
    const escaped = token.replace('p_', '\\u0070_');
    const line = `{"messages":[{"role":"system","content":"ok"},{"role":"user","content":"my token is ${escaped}"},{"role":"assistant","content":"do not share it"}]}`;
    expect(line).not.toContain(token);
    const r = analyzeLine(Buffer.from(line), 7, { method: null, encoding: 'o200k_base', profile: PROFILES.openai });
    const hit = r.findings.find((f) => f.code === 'possible-secret');
    expect(hit?.path).toBe('messages[1].content');
    expect(hit?.message).toMatch(/GitHub token: ghp_…\[42 chars\]/);
    for (const f of r.findings) expect(`${f.message} ${f.hint} ${f.path}`).not.toContain(token);
  });
  test('an escaped line without a secret gets no warning', async () => {
    const { analyzeLine } = await import('../../src/dataset/line.js');
    const { PROFILES } = await import('../../src/catalog/index.js');
    const line = '{"messages":[{"role":"system","content":"caf\\u00e9"},{"role":"user","content":"a\\/b"},{"role":"assistant","content":"ok"}]}';
    const r = analyzeLine(Buffer.from(line), 1, { method: null, encoding: 'o200k_base', profile: PROFILES.openai });
    expect(r.findings.map((f) => f.code)).not.toContain('possible-secret');
  });
});

describe('JWTs, AWS secret access keys and whole key blocks (issue 14 #9)', () => {
  const b64url = (s: string) => Buffer.from(s).toString('base64url');
  const jwt = [b64url('{"alg":"HS256","typ":"JWT"}'), b64url('{"sub":"1234567890","name":"Ann","iat":1516239022}'), alnum(43, 5)].join('.');
  const awsSecret = alnum(20, 9) + '/' + alnum(14, 10) + '+' + alnum(4, 12);

  test('a JWT is found whole, and masked', () => {
    const [m] = findSecrets(`Authorization: Bearer ${jwt}. Thanks`);
    expect(m?.name).toBe('JSON Web Token');
    expect(m?.raw).toBe(jwt);
    const r = analyze({
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: `token ${jwt}` },
        { role: 'assistant', content: 'ok' },
      ],
    });
    expect(codes(r)).toEqual(['possible-secret']);
    expect(r.findings[0]!.message).toContain('JSON Web Token: eyJh…[');
    expectNoLeak(r.findings, jwt);
  });

  test('an AWS secret access key is found by its name, and only the key is the secret', () => {
    expect(awsSecret).toHaveLength(40);
    for (const text of [
      `aws_secret_access_key = ${awsSecret}`,
      `AWS_SECRET_ACCESS_KEY=${awsSecret}\n`,
      JSON.stringify({ SecretAccessKey: awsSecret }),
      JSON.stringify({ content: `export aws_secret_access_key="${awsSecret}"` }),
    ]) {
      const found = findSecrets(text);
      expect(found.map((f) => [f.name, f.raw])).toEqual([['AWS secret access key', awsSecret]]);
    }
  });

  test.each([
    ['forty base64 characters with no name', `the hash is ${awsSecret}`],
    ['a name with 39 characters', `aws_secret_access_key=${awsSecret.slice(1)}`],
    ['a name with 41 characters', `aws_secret_access_key=${awsSecret}Q`],
    ['two base64url segments', `${jwt.split('.').slice(0, 2).join('.')} and more`],
    ['a dotted eyJ word whose second part is not JSON', `eyJhbGciOiJIUzI1NiJ9.${alnum(20)}.${alnum(20)}`],
  ])('near miss: %s', (_name, text) => {
    expect(findSecrets(text)).toEqual([]);
  });

  const block = ['-----BEGIN RSA ' + 'PRIVATE KEY-----', 'MIIEowIBAAKCAQEA' + alnum(48, 3), alnum(64, 4), alnum(20, 5) + '==', '-----END RSA PRIVATE KEY-----'].join('\n');

  test('a key block inside a JSON string is matched from header to footer, not the header alone', () => {
    const line = JSON.stringify({ messages: [{ role: 'user', content: `here: ${block} thanks` }] });
    const [m] = findSecrets(line);
    expect(m?.decoded).toBe(block);
    expect(m?.raw).toBe(JSON.stringify(block).slice(1, -1));
    expect(m?.masked).toBe(mask(block));
  });

  test('a key block without its footer is matched to the end of its base64 body', () => {
    const cut = block.split('\n').slice(0, 3).join('\n');
    const line = JSON.stringify({ content: `${cut}\nthen words` });
    const [m] = findSecrets(line);
    // (the body's end cannot be told from a word that follows a line break: it may take one more)
    expect(m?.decoded?.startsWith(`${cut}\n`)).toBe(true);
    expect(m?.decoded?.slice(cut.length)).toMatch(/^\n\w*$/);
  });

  test('a key block used as a key: no part of its body reaches a diagnostic', () => {
    const r = analyze({ ...goodChat(), [block]: 1 });
    expect(codes(r).sort()).toEqual(['possible-secret', 'unknown-key']);
    const body = block.split('\n').slice(1, 4);
    for (const f of r.findings) {
      for (const part of ['MIIEowIB', ...body]) expect(`${f.message} ${f.hint} ${f.path}`).not.toContain(part);
    }
  });
});

describe('unknown keys are quoted short and escaped (issue 14 #9)', () => {
  test('a 10 KB key with a newline is cut to 40 characters and escaped, in the message and the path', () => {
    const key = 'x\n::error::' + 'k'.repeat(10_000);
    const r = analyze({ ...goodChat(), [key]: 1 });
    const f = r.findings.find((x) => x.code === 'unknown-key')!;
    expect(f.message.length).toBeLessThan(200);
    expect(f.message).not.toContain('\n');
    expect(f.message).toContain('"x\\n::error::kkk');
    expect(f.path).not.toContain('\n');
    expect(f.path.length).toBeLessThanOrEqual(45);
  });

  test('the keys an unknown format lists are cut and escaped too', () => {
    const r = analyze({ ['q'.repeat(5000)]: 1, 'a\rb': 2 });
    expect(r.findings[0]!.code).toBe('unknown-format');
    expect(r.findings[0]!.message.length).toBeLessThan(300);
    expect(r.findings[0]!.message).toContain('a\\rb');
  });
});

describe('the scan is linear: a 1 MB adversarial line per pattern (issue 14 #4)', () => {
  test('every start pattern has bounded width: no *, + or {n,} outside character classes', () => {
    for (const p of SECRET_PATTERNS) {
      const bare = p.start.source.replace(/\\./g, 'e').replace(/\[[^\]]*\]/g, 'c');
      expect([p.name, bare]).toEqual([p.name, expect.not.stringMatching(/[*+]|\{\d+,\}/)]);
    }
  });

  const MB = 1 << 20;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const ADVERSARIAL: [string, string][] = [
    ['sk- repeated (137 s with the backtracking pattern at 300 KB)', fill('sk-')],
    ['sk-proj- repeated', fill('sk-proj-')],
    ['sk- and a marker with too little after it, repeated', fill('sk-' + 'a'.repeat(25) + 'T3BlbkFJ')],
    ['sk-ant-api03- repeated', fill('sk-ant-api03-')],
    ['one long run of key characters', fill('a')],
    ['ghp_ repeated', fill('gh' + 'p_')],
    ['github_pat_ repeated', fill('github' + '_pat_')],
    ['AKIA repeated', fill('AK' + 'IA')],
    ['AKIA and 15 characters, repeated', fill('AK' + 'IA' + 'B'.repeat(15) + ' ')],
    ['an AWS secret name repeated', fill('aws_secret_access_key=')],
    ['an AWS secret name and 39 characters, repeated', fill('aws_secret_access_key="' + 'a'.repeat(39) + '"')],
    ['key block headers repeated', fill('-----BEGIN RSA ' + 'PRIVATE KEY-----')],
    ['key block headers and broken footers repeated', fill('-----BEGIN RSA ' + 'PRIVATE KEY-----\\nAB-----END ')],
    ['a header then backslashes', '-----BEGIN RSA ' + 'PRIVATE KEY-----' + '\\'.repeat(MB)],
    ['eyJ repeated', fill('ey' + 'J')],
    ['eyJ with a dot, repeated', fill('ey' + 'Jaaaaaaaaaaa.')],
    ['xoxb- repeated', fill('xo' + 'xb-')],
    ['AIza repeated', fill('AI' + 'za')],
    ['sk_live_ repeated', fill('sk' + '_live_')],
    ['hf_ repeated', fill('h' + 'f_')],
  ];

  test.each(ADVERSARIAL)('%s', (_name, line) => {
    scanStats.starts = 0;
    scanStats.steps = 0;
    findSecrets(line);
    // Each candidate start costs a bounded number of regex steps; each character is walked
    // at most a few times in all, whatever the number of starts.
    expect(scanStats.starts).toBeLessThanOrEqual(line.length);
    expect(scanStats.steps).toBeLessThanOrEqual(4 * line.length + 2 * scanStats.starts);
  });

  test('starts inside a found secret are skipped, and starts inside a failed run share its walk', () => {
    scanStats.steps = 0;
    const line = fill('sk-');
    findSecrets(line);
    const oneWalk = scanStats.steps;
    // every sk- is a start of the OpenAI rules; walking each to the end would be ~ L²/6
    expect(oneWalk).toBeLessThan(10 * line.length);
  });
});

describe('values and keys quoted in diagnostics are escaped and cut (issue 14 #9)', () => {
  test('a short invalid role with a newline and a workflow command is quoted escaped', () => {
    const r = analyze({
      messages: [
        { role: 'x\n::error::y', content: 'c' },
        { role: 'assistant', content: 'a' },
      ],
    });
    const f = r.findings.find((x) => x.code === 'invalid-role')!;
    expect(f.message).toContain('"x\\n::error::y"');
    expect(f.message).not.toContain('\n');
  });
});

describe('a line of many secrets stays linear and leaks none (issue 14 #4)', () => {
  test('50,000 tokens on one line: ten located warnings and one that says there are more', () => {
    const tokens = Array.from({ length: 50_000 }, (_, i) => 'gh' + 'p_' + alnum(36, i + 1));
    const r = analyze({
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: tokens.join(' ') },
        { role: 'assistant', content: 'ok' },
      ],
    });
    const secrets = r.findings.filter((f) => f.code === 'possible-secret');
    expect(secrets).toHaveLength(11);
    expect(secrets.slice(0, 10).every((f) => f.path === 'messages[1].content')).toBe(true);
    expect(secrets[10]!.message).toContain('more than 10 strings that look like credentials');
    expect(r.valid).toBe(true);
  });

  test('a secret past the ones kept is still masked where a message quotes it', () => {
    const many = Array.from({ length: 30 }, (_, i) => 'gh' + 'p_' + alnum(36, i + 100)).join(' ');
    const role = 'gh' + 'p_' + alnum(36, 7);
    const r = analyze(`{"messages":[{"content":"${many}","role":"${role}"},{"role":"assistant","content":"a"}]}`);
    expect(codes(r)).toContain('invalid-role');
    for (const f of r.findings) expect(`${f.message} ${f.hint} ${f.path}`).not.toContain(role);
    expect(r.findings.find((f) => f.code === 'invalid-role')!.message).toContain('ghp_…[40 chars]');
  });
});
