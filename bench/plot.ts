// The scaling curve of bench/results/latest.json as an SVG (docs/performance-scaling.svg): three
// small line charts over the number of cached ExternalSecrets (log scale): p99 latency, server CPU
// per admission, and RSS. Plain SVG text, no plotting library. `node dist/bench/plot.js` redraws it
// from the committed results; `npm run bench` redraws it after every run.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../test/support/paths.js';
import type { ScalingResult } from './scaling.js';

export const PLOT_FILE = join(REPO_ROOT, 'docs', 'performance-scaling.svg');

interface Series {
  title: string;
  unit: string;
  points: { x: number; y: number }[];
  /** A target drawn as a dashed line. */
  target?: number;
}

const W = 300;
const H = 230;
const PAD = { left: 48, right: 14, top: 30, bottom: 40 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const fmt = (n: number): string => (n >= 1000 ? `${n / 1000}k` : String(n));
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(series: Series, offsetX: number, xs: number[]): string {
  const yMax = niceMax(Math.max(...series.points.map((p) => p.y), series.target ?? 0) * 1.1);
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const px = (x: number) => offsetX + PAD.left + ((Math.log10(x) - x0) / Math.max(1e-9, x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y: number) => PAD.top + (1 - y / yMax) * (H - PAD.top - PAD.bottom);
  const out: string[] = [];
  out.push(`<text x="${offsetX + W / 2}" y="16" text-anchor="middle" font-weight="bold">${esc(series.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    out.push(`<line x1="${offsetX + PAD.left}" x2="${offsetX + W - PAD.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${offsetX + PAD.left - 6}" y="${py(y) + 4}" text-anchor="end">${Number(y.toPrecision(3))}</text>`);
  }
  for (const x of xs) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${px(x)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${fmt(x)}</text>`);
  }
  out.push(`<text x="${offsetX + PAD.left + (W - PAD.left - PAD.right) / 2}" y="${H - 6}" text-anchor="middle">cached ExternalSecrets</text>`);
  out.push(`<text x="${offsetX + 12}" y="${PAD.top + (H - PAD.top - PAD.bottom) / 2}" text-anchor="middle" transform="rotate(-90 ${offsetX + 12} ${PAD.top + (H - PAD.top - PAD.bottom) / 2})">${esc(series.unit)}</text>`);
  if (series.target !== undefined) {
    out.push(`<line x1="${offsetX + PAD.left}" x2="${offsetX + W - PAD.right}" y1="${py(series.target)}" y2="${py(series.target)}" stroke="#c33" stroke-dasharray="5 4"/>`);
    out.push(`<text x="${offsetX + W - PAD.right}" y="${py(series.target) - 4}" text-anchor="end" fill="#c33">target ${series.target}</text>`);
  }
  const pts = series.points.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`);
  out.push(`<polyline fill="none" stroke="#1f6feb" stroke-width="2" points="${pts.join(' ')}"/>`);
  for (const p of series.points) {
    out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3.5" fill="#1f6feb"/>`);
    out.push(`<text x="${px(p.x).toFixed(1)}" y="${(py(p.y) - 8).toFixed(1)}" text-anchor="middle" fill="#1f6feb">${Number(p.y.toPrecision(3))}</text>`);
  }
  return out.join('\n');
}

export function scalingSvg(scaling: ScalingResult, caption: string): string {
  const xs = scaling.points.map((p) => p.objects);
  const panels: Series[] = [
    { title: `p99 at ${scaling.rate} rps`, unit: 'ms', points: scaling.points.map((p) => ({ x: p.objects, y: p.p99Ms })), target: 5 },
    { title: 'server CPU per admission', unit: 'µs', points: scaling.points.map((p) => ({ x: p.objects, y: p.cpuUsPerAdmission })), target: 80 },
    { title: 'RSS, facts of N secret paths', unit: 'MB', points: scaling.rss.map((r) => ({ x: r.paths, y: r.rssAfterMb })), target: 150 },
  ];
  const width = W * panels.length;
  const height = H + 22;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels.map((p, i) => panel(p, i * W, p.title.startsWith('RSS') ? scaling.rss.map((r) => r.paths) : xs)),
    `<text x="8" y="${height - 6}" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/** Redraws the plot from a results file written by `npm run bench`. */
export function writeScalingPlot(resultsFile: string): boolean {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { date?: string; machine?: { node?: string; cpus?: number; loadAverageBefore?: number[] }; details?: { scaling?: ScalingResult } };
  const scaling = results.details?.scaling;
  if (!scaling || scaling.points.length === 0) return false;
  const load = results.machine?.loadAverageBefore?.[0];
  const caption = `npm run bench, ${results.date?.slice(0, 10) ?? ''}, Node ${results.machine?.node ?? ''}, ${results.machine?.cpus ?? ''} cores${load !== undefined ? `, load average ${load} at the start` : ''}; every admission fully checked, facts cached.`;
  writeFileSync(PLOT_FILE, scalingSvg(scaling, caption));
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2] ?? join(REPO_ROOT, 'bench', 'results', 'latest.json');
  if (!writeScalingPlot(file)) {
    process.stderr.write(`${file} holds no scaling curve (details.scaling)\n`);
    process.exit(1);
  }
  process.stdout.write(`written to ${PLOT_FILE}\n`);
}
