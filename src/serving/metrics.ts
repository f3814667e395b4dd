/**
 * @module serving/metrics
 * Prometheus metrics per endpoint and variant, registered into a shared prom-client `Registry` (the platform's,
 * served at `/metrics`): invocations, 4xx/5xx errors, model latency and overhead latency (seconds), captured
 * and dropped capture records. The request path only bumps plain numbers in per-variant accumulators (no label
 * hashing, no allocation); the registry reads them when scraped, through metric objects it renders like its own.
 */
import type { Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class CounterCell {
  value = 0;
  inc(): void {
    this.value++;
  }
}

export class HistogramCell {
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  observe(v: number): void {
    let i = 0;
    while (i < LATENCY_BUCKETS.length && v > LATENCY_BUCKETS[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export interface VariantMetrics {
  invocations: CounterCell;
  errors4xx: CounterCell;
  errors5xx: CounterCell;
  modelLatency: HistogramCell;
  overheadLatency: HistogramCell;
  captured: CounterCell;
  captureDropped: CounterCell;
}

type Labels = Record<string, string>;
type MetricValue = { labels: Labels; value: number; metricName?: string };

/** A metric the prom-client registry renders (it calls `get()` when scraped). */
class SeriesMetric<C extends CounterCell | HistogramCell> {
  readonly aggregator = 'sum';
  private readonly series: { labels: Labels; cell: C }[] = [];
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
  ) {}

  add(labels: Labels, cell: C): void {
    this.series.push({ labels, cell });
  }

  get() {
    const values: MetricValue[] = [];
    for (const { labels, cell } of this.series) {
      if (cell instanceof CounterCell) {
        values.push({ labels, value: cell.value });
        continue;
      }
      let cumulative = 0;
      for (let i = 0; i <= LATENCY_BUCKETS.length; i++) {
        cumulative += cell.counts[i]!;
        values.push({ labels: { le: i < LATENCY_BUCKETS.length ? String(LATENCY_BUCKETS[i]) : '+Inf', ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels, value: cell.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: cell.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    // Values are owned by the endpoints; nothing to reset here.
  }
}

export class EndpointMetrics {
  private readonly invocations: SeriesMetric<CounterCell>;
  private readonly errors: SeriesMetric<CounterCell>;
  private readonly modelLatency: SeriesMetric<HistogramCell>;
  private readonly overheadLatency: SeriesMetric<HistogramCell>;
  private readonly captured: SeriesMetric<CounterCell>;
  private readonly dropped: SeriesMetric<CounterCell>;
  private readonly children = new Map<string, VariantMetrics>();

  constructor(readonly registry: Registry) {
    const metric = <C extends CounterCell | HistogramCell>(name: string, help: string, type: 'counter' | 'histogram'): SeriesMetric<C> => {
      const existing = registry.getSingleMetric(name) as unknown as SeriesMetric<C> | undefined;
      if (existing instanceof SeriesMetric) return existing;
      const m = new SeriesMetric<C>(name, help, type);
      registry.registerMetric(m as never);
      return m;
    };
    this.invocations = metric('plumbline_endpoint_invocations_total', 'Invocations per endpoint and variant', 'counter');
    this.errors = metric('plumbline_endpoint_errors_total', 'Failed invocations per endpoint, variant and class (4xx, 5xx)', 'counter');
    this.modelLatency = metric('plumbline_endpoint_model_latency_seconds', 'Time the model took to predict', 'histogram');
    this.overheadLatency = metric('plumbline_endpoint_overhead_latency_seconds', 'Time spent around the model: parsing, enrichment, formatting, capture', 'histogram');
    this.captured = metric('plumbline_capture_records_total', 'Request/response pairs queued for capture', 'counter');
    this.dropped = metric('plumbline_capture_dropped_total', 'Capture records dropped because the capture buffer was full', 'counter');
  }

  /** The accumulators of one (endpoint, variant), created on first use and kept for the process's life. */
  forVariant(endpoint: string, variant: string): VariantMetrics {
    const key = endpoint + '\n' + variant;
    let m = this.children.get(key);
    if (!m) {
      const labels = { endpoint, variant };
      m = {
        invocations: new CounterCell(),
        errors4xx: new CounterCell(),
        errors5xx: new CounterCell(),
        modelLatency: new HistogramCell(),
        overheadLatency: new HistogramCell(),
        captured: new CounterCell(),
        captureDropped: new CounterCell(),
      };
      this.invocations.add(labels, m.invocations);
      this.errors.add({ ...labels, class: '4xx' }, m.errors4xx);
      this.errors.add({ ...labels, class: '5xx' }, m.errors5xx);
      this.modelLatency.add(labels, m.modelLatency);
      this.overheadLatency.add(labels, m.overheadLatency);
      this.captured.add(labels, m.captured);
      this.dropped.add(labels, m.captureDropped);
      this.children.set(key, m);
    }
    return m;
  }
}
