/**
 * Charts GitHub renders in comments and summaries: Mermaid `xychart-beta` blocks. Only numbers
 * we computed go in; any text is reduced to a safe alphabet first (a label cannot close its
 * quotes, open a directive or inject markdown around the code fence).
 */

/** Text for a Mermaid label: letters, digits, spaces and a few signs; nothing that ends a string. */
export function mermaidText(s: string, max = 60): string {
  const clean = s
    .replace(/[^\p{L}\p{N} .,:/()+\-–%]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(clean).slice(0, max).join('');
}

function num(n: number): string {
  if (!Number.isFinite(n)) return '0';
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

export interface BarChart {
  title: string;
  xLabel: string;
  yLabel: string;
  labels: string[];
  values: number[];
}

export function barChart(c: BarChart): string {
  const top = Math.max(1, ...c.values);
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidText(c.title)}"`,
    `    x-axis "${mermaidText(c.xLabel)}" [${c.labels.map((l) => `"${mermaidText(l, 24)}"`).join(', ')}]`,
    `    y-axis "${mermaidText(c.yLabel)}" 0 --> ${num(top)}`,
    `    bar [${c.values.map(num).join(', ')}]`,
    '```',
  ].join('\n');
}

export interface LineChart {
  title: string;
  xLabel: string;
  /** x-axis range (e.g. first and last step). */
  xRange: [number, number];
  yLabel: string;
  /** Each series spans the x-axis evenly; all have the same length. */
  series: number[][];
}

export function lineChart(c: LineChart): string {
  const all = c.series.flat().filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(lo + 1e-9, ...all);
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidText(c.title)}"`,
    `    x-axis "${mermaidText(c.xLabel)}" ${num(c.xRange[0])} --> ${num(Math.max(c.xRange[1], c.xRange[0] + 1))}`,
    `    y-axis "${mermaidText(c.yLabel)}" ${num(lo)} --> ${num(hi)}`,
    ...c.series.map((s) => `    line [${s.map(num).join(', ')}]`),
    '```',
  ].join('\n');
}

/** A bin width of 1, 2 or 5 × 10^k: bins start at round numbers. */
function niceWidth(raw: number): number {
  const exp = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  for (const m of [1, 2, 5, 10]) if (m * exp >= raw) return m * exp;
  return 10 * exp;
}

/** Counts of values in at most `maxBins` equal bins with round edges, labelled "lo–hi". */
export function histogram(values: ArrayLike<number>, maxBins = 12): { labels: string[]; counts: number[] } {
  if (values.length === 0) return { labels: [], counts: [] };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const width = niceWidth(Math.ceil((max - min + 1) / maxBins));
  const start = Math.floor(min / width) * width;
  const bins = Math.max(1, Math.floor((max - start) / width) + 1);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(bins - 1, Math.floor((values[i]! - start) / width))]!++;
  const fmt = (n: number) => n.toLocaleString('en-US');
  const labels = counts.map((_, i) => (width === 1 ? fmt(start + i) : `${fmt(start + i * width)}–${fmt(start + (i + 1) * width - 1)}`));
  return { labels, counts };
}
