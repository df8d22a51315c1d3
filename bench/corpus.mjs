/**
 * A reproducible chat corpus for the benchmark: seeded, varied (system prompts, multi-turn,
 * tool calls, unicode, code), the same bytes on every machine for the same size.
 * Usage: node bench/corpus.mjs <out.jsonl> <megabytes> [seed]
 */
import { createWriteStream } from 'node:fs';

export function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part ' +
  'weather forecast temperature rain snow wind sunny cloudy humid storm degrees celsius fahrenheit umbrella jacket morning evening tomorrow weekend city travel flight hotel museum café naïve résumé coöperate Zürich São Paulo Kraków Ærø'
).split(' ');
const UNICODE = ['日本語のテキスト', '中文字符', 'Ελληνικά', 'русский текст', 'emoji 🎉🚀✨', 'عربى', 'हिन्दी', '한국어'];
const CODE = [
  'function add(a, b) {\n  return a + b;\n}',
  "SELECT id, name FROM users WHERE created_at > NOW() - INTERVAL '7 days';",
  'for i in range(10):\n    print(i ** 2)',
  '{"temperature": 21.5, "unit": "celsius", "city": "Paris"}',
];

function sentence(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  let s = out.join(' ');
  if (r() < 0.1) s += ' ' + UNICODE[Math.floor(r() * UNICODE.length)];
  if (r() < 0.05) s += '\n```\n' + CODE[Math.floor(r() * CODE.length)] + '\n```';
  if (r() < 0.1) s += ` ${Math.floor(r() * 100000)} ${(r() * 100).toFixed(2)}%`;
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Get the current weather in a city.',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'The city, e.g. Paris' },
          unit: { type: 'string', description: 'The unit', enum: ['celsius', 'fahrenheit'] },
        },
        required: ['city'],
      },
    },
  },
];

export function example(r, i) {
  const messages = [{ role: 'system', content: sentence(r, 10 + Math.floor(r() * 30)) }];
  const turns = 1 + Math.floor(r() * 4);
  const withTool = r() < 0.15;
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: sentence(r, 5 + Math.floor(r() * 60)) });
    if (withTool && t === turns - 1) {
      const id = `call_${i}_${t}`;
      messages.push({
        role: 'assistant',
        tool_calls: [{ id, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify({ city: 'Paris', unit: 'celsius' }) } }],
      });
      messages.push({ role: 'tool', tool_call_id: id, content: JSON.stringify({ temperature: Math.round(r() * 30), sky: 'clear' }) });
    }
    const m = { role: 'assistant', content: sentence(r, 20 + Math.floor(r() * 120)) };
    if (turns > 1 && t < turns - 1 && r() < 0.3) m.weight = 0;
    messages.push(m);
  }
  return withTool ? { messages, tools: TOOLS } : { messages };
}

export async function writeCorpus(path, megabytes, seed = 42) {
  const r = prng(seed);
  const target = megabytes * 1024 * 1024;
  const out = createWriteStream(path);
  let bytes = 0;
  let i = 0;
  while (bytes < target) {
    const line = JSON.stringify(example(r, i++)) + '\n';
    bytes += Buffer.byteLength(line);
    if (!out.write(line)) await new Promise((res) => out.once('drain', res));
  }
  await new Promise((res, rej) => out.end((e) => (e ? rej(e) : res())));
  return { bytes, examples: i };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, mb, seed] = process.argv.slice(2);
  const r = await writeCorpus(path, Number(mb ?? 10), Number(seed ?? 42));
  console.log(JSON.stringify(r));
}
