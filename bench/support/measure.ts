import { readFile } from 'node:fs/promises';

/** One timed run in the current process: wall time and this process's CPU time. */
export interface Sample {
  messages: number;
  wallMs: number;
  cpuUs: number;
}

export async function measure(messages: number, run: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { messages, wallMs, cpuUs: used.user + used.system };
}

export const throughput = (s: Sample): number => s.messages / (s.wallMs / 1000);
export const cpuPerMessage = (s: Sample): number => s.cpuUs / s.messages;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** A plain-text table with right-aligned numeric columns, also valid Markdown. */
export function formatTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Reads `--name value` from argv as a positive integer, with a default and an upper bound. */
export function intArg(name: string, fallback: number, max: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`--${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

export const fmt = (value: number, digits = 0): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '—';

export interface Ratio {
  median: number;
  min: number;
  max: number;
}

/**
 * Ratios of runs taken side by side in the same round, then their median. On a shared machine
 * the load drifts between rounds; adjacent runs see about the same load, so pairing them cancels
 * most of that drift, which a ratio of two medians would not.
 */
export function pairedRatio(values: readonly number[], baseline: readonly number[]): Ratio {
  const ratios = values.map((v, i) => v / baseline[i]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

export const fmtRatio = (r: Ratio): string =>
  `${fmt(r.median, 2)} (${fmt(r.min, 2)}–${fmt(r.max, 2)})`;

/** The whole machine's CPU time so far, every core and process (Linux `/proc/stat`); null elsewhere. */
export interface MachineCpu {
  idle: number;
  total: number;
}

export async function machineCpu(): Promise<MachineCpu | null> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => null);
  const fields = stat?.split('\n', 1)[0]?.trim().split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 5 || fields.some((n) => !Number.isFinite(n))) return null;
  // user nice system idle iowait irq softirq steal …: idle and iowait are time nothing ran.
  return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) };
}

/** The share of the machine's CPU (all cores) that something used between two readings, in %. */
export function busyPercent(before: MachineCpu | null, after: MachineCpu | null): number {
  if (!before || !after || after.total <= before.total) return Number.NaN;
  return 100 * (1 - (after.idle - before.idle) / (after.total - before.total));
}
