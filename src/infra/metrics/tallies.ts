import { Counter, type Metric, type Registry } from 'prom-client';

/**
 * The per-request metrics, kept in plain cells and handed to prom-client only when scraped.
 * prom-client sorts, joins and validates the labels of every observation (a counter or histogram
 * observation cost about 1 µs, and a send makes six); here an observation finds its cell through
 * nested maps keyed by the label values it already holds, and adds to it. What /metrics shows is
 * rendered by prom-client itself, from the same values in the same order.
 */

type Labels = Record<string, string>;

/** One cell per label set: nested maps by label value, and every cell in first-seen order. */
class Cells<Cell> {
  private root = new Map<string, unknown>();
  all: Cell[] = [];

  constructor(
    private readonly labelNames: readonly string[],
    private readonly make: (labels: Labels) => Cell,
  ) {}

  get(values: readonly string[]): Cell {
    let map = this.root;
    const last = values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = map.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        map.set(values[i]!, next);
      }
      map = next;
    }
    let cell = map.get(values[last]!) as Cell | undefined;
    if (cell === undefined) {
      // In label-name order, as the object prom-client's own observation would have been given.
      const labels: Labels = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i]!));
      cell = this.make(labels);
      map.set(values[last]!, cell);
      this.all.push(cell);
    }
    return cell;
  }

  clear(): void {
    this.root = new Map();
    this.all = [];
  }
}

interface MetricOptions<Names extends readonly string[]> {
  name: string;
  help: string;
  labelNames: Names;
  registers: Registry[];
}

/** One value per label name, in the same order. */
type ValuesOf<Names extends readonly string[]> = { [K in keyof Names]: string };

/** A prom-client Counter whose increments are added up here and passed on when it is read. */
export class TalliedCounter<Names extends readonly string[]> {
  private readonly cells: Cells<{ labels: Labels; pending: number }>;

  constructor(options: MetricOptions<Names>) {
    const cells = new Cells(options.labelNames, (labels) => ({ labels, pending: 0 }));
    this.cells = cells;
    new Counter({
      ...options,
      collect() {
        for (const cell of cells.all) {
          if (cell.pending === 0) continue;
          this.inc(cell.labels, cell.pending);
          cell.pending = 0;
        }
      },
    });
  }

  inc(...values: ValuesOf<Names>): void {
    this.cells.get(values).pending += 1;
  }
}

interface HistogramCell {
  labels: Labels;
  /** Observations per bucket, not cumulative; the last slot is above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram registered in prom-client's registry, exporting the value pairs prom-client's
 * Histogram exports for the same observations (so the registry renders them identically:
 * tests/unit/infra/metrics/tallies.test.ts compares the two).
 */
export class TalliedHistogram<Names extends readonly string[]> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly bounds: readonly number[];
  private readonly cells: Cells<HistogramCell>;

  constructor(options: MetricOptions<Names> & { buckets: readonly number[] }) {
    this.name = options.name;
    this.help = options.help;
    this.bounds = [...options.buckets];
    const slots = this.bounds.length + 1;
    this.cells = new Cells(options.labelNames, (labels) => ({
      labels,
      counts: new Array<number>(slots).fill(0),
      sum: 0,
      count: 0,
    }));
    for (const registry of options.registers) {
      registry.registerMetric(this as unknown as Metric);
    }
  }

  observe(value: number, ...values: ValuesOf<Names>): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const cell = this.cells.get(values);
    // The first bound the value does not exceed, as in prom-client.
    let slot = 0;
    while (slot < this.bounds.length && !(value <= this.bounds[slot]!)) slot++;
    cell.counts[slot]! += 1;
    cell.sum += value;
    cell.count += 1;
  }

  reset(): void {
    this.cells.clear();
  }

  /** What the registry renders the text format from. */
  async getForPromString() {
    const values: {
      labels: Record<string, string | number>;
      sharedLabels: Labels;
      value: number;
      metricName: string;
      exemplar: null | undefined;
    }[] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.cells.all) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += cell.counts[i]!;
        values.push(pair({ le }, cumulative, bucket, null, cell.labels));
      });
      values.push(pair({ le: '+Inf' }, cell.count, bucket, null, cell.labels));
      values.push(pair({}, cell.sum, `${this.name}_sum`, undefined, cell.labels));
      values.push(pair({}, cell.count, `${this.name}_count`, undefined, cell.labels));
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values,
      aggregator: this.aggregator,
    };
  }

  /** The JSON form (getMetricsAsJSON): each value's labels with the shared ones folded in. */
  async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, ...rest }) => ({
        ...rest,
        labels: { ...labels, ...sharedLabels },
      })),
    };
  }
}

function pair(
  labels: Record<string, string | number>,
  value: number,
  metricName: string,
  exemplar: null | undefined,
  sharedLabels: Labels,
) {
  return { labels, sharedLabels, value, metricName, exemplar };
}
