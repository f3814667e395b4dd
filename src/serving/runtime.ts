/**
 * @module serving/runtime
 * One endpoint's running state and its invocation path, shared by the in-process SDK predictor, the
 * `plumbline serve` route and the standalone container: pick the variant (TargetVariant or weighted random),
 * parse the body, enrich record ids from the online store, predict, format, queue the capture line, count.
 *
 * Small requests to one variant within one event-loop turn are predicted together (`PredictBatcher`).
 *
 * `apply(config)` loads the new variants and capture settings first and then swaps them in with one assignment,
 * so an update never drops a request; the old state's capture writer is closed (flushed) once its last in-flight
 * request has finished.
 */
import { PlatformError, ValidationError, NotFoundError, isPlatformError, describeValue } from '../core/errors.js';
import { ERROR_CATALOG } from '../core/error-catalog.js';
import type { Clock } from '../core/clock.js';
import { CaptureFormatter, CaptureWriter, hourFolder, resolveCaptureSink } from '../capture/index.js';
import type { FeatureStore } from '../featurestore/index.js';
import type { FeatureMatrix, ModelRegistry, Predictor } from '../models/index.js';
import type { ObjectStore } from '../storage/index.js';
import { PredictBatcher } from './batcher.js';
import { formatPredictions, parseBody, requestFormat, responseFormat, RESPONSE_CONTENT_TYPES } from './content.js';
import type { EndpointMetrics, VariantMetrics } from './metrics.js';
import { MAX_PAYLOAD_BYTES, type EndpointConfigDescription, type InvocationRequest, type InvocationResponse } from './types.js';

export interface RuntimeDeps {
  models: ModelRegistry;
  featureStore: FeatureStore;
  objectStore: ObjectStore;
  clock: Clock;
  metrics: EndpointMetrics;
  /** Capture writer flush interval (default 1,000 ms). */
  captureFlushIntervalMs?: number;
  /** Capture writer memory bound (default 64 MiB). */
  captureMaxBufferBytes?: number;
  /** Capture writer size trigger (default 4 MiB). */
  captureFlushBytes?: number;
}

interface LoadedVariant {
  name: string;
  modelName: string;
  weight: number;
  predictor: Predictor;
  batcher: PredictBatcher;
  metrics: VariantMetrics;
}

interface CaptureState {
  destination: string;
  formatter: CaptureFormatter;
  writer: CaptureWriter;
  sampling: number;
}

interface State {
  config: EndpointConfigDescription;
  variants: LoadedVariant[];
  cumulative: number[];
  totalWeight: number;
  capture?: CaptureState;
  enrichment?: { groupName: string; recordIdName: string };
  inflight: number;
  retired: boolean;
}

export class EndpointRuntime {
  private state!: State;
  private readonly closing = new Set<Promise<void>>();
  private hourKey = -1;
  private hourText = '';
  private readonly unknownVariant: VariantMetrics;

  private constructor(
    readonly endpointName: string,
    private readonly deps: RuntimeDeps,
  ) {
    this.unknownVariant = deps.metrics.forVariant(endpointName, '-');
  }

  static async load(endpointName: string, config: EndpointConfigDescription, deps: RuntimeDeps): Promise<EndpointRuntime> {
    const runtime = new EndpointRuntime(endpointName, deps);
    runtime.state = await runtime.build(config, undefined);
    return runtime;
  }

  get config(): EndpointConfigDescription {
    return this.state.config;
  }

  /** Loads `config` and swaps it in; requests in flight finish on the old state. */
  async apply(config: EndpointConfigDescription): Promise<void> {
    const old = this.state;
    const next = await this.build(config, old);
    this.state = next;
    old.retired = true;
    if (old.capture && old.capture.writer !== next.capture?.writer && old.inflight === 0) this.closeWriter(old.capture.writer);
  }

  private async build(config: EndpointConfigDescription, previous: State | undefined): Promise<State> {
    const variants: LoadedVariant[] = [];
    for (const v of config.ProductionVariants) {
      const predictor = await this.deps.models.predictor(v.ModelName);
      variants.push({ name: v.VariantName, modelName: v.ModelName, weight: v.InitialVariantWeight, predictor, batcher: new PredictBatcher(predictor), metrics: this.deps.metrics.forVariant(this.endpointName, v.VariantName) });
    }
    const cumulative: number[] = [];
    let total = 0;
    for (const v of variants) cumulative.push((total += v.weight));
    let enrichment: State['enrichment'];
    const fg = config.FeatureStoreEnrichment?.FeatureGroupName;
    if (fg) {
      const d = await this.deps.featureStore.featureGroup(fg).describe();
      enrichment = { groupName: fg, recordIdName: d.RecordIdentifierFeatureName };
    }
    // The capture writer last: everything that can fail has been done.
    let capture: CaptureState | undefined;
    const dc = config.DataCaptureConfig;
    if (dc && dc.EnableCapture) {
      const reuse = previous?.capture && previous.capture.destination === dc.DestinationS3Uri ? previous.capture.writer : undefined;
      const writer =
        reuse ??
        new CaptureWriter({
          sink: resolveCaptureSink(this.deps.objectStore, dc.DestinationS3Uri),
          endpointName: this.endpointName,
          clock: this.deps.clock,
          ...(this.deps.captureFlushIntervalMs !== undefined ? { flushIntervalMs: this.deps.captureFlushIntervalMs } : {}),
          ...(this.deps.captureMaxBufferBytes !== undefined ? { maxBufferBytes: this.deps.captureMaxBufferBytes } : {}),
          ...(this.deps.captureFlushBytes !== undefined ? { flushBytes: this.deps.captureFlushBytes } : {}),
        });
      capture = { destination: dc.DestinationS3Uri, formatter: new CaptureFormatter(dc), writer, sampling: dc.InitialSamplingPercentage };
    }
    return { config, variants, cumulative, totalWeight: total, ...(capture ? { capture } : {}), ...(enrichment ? { enrichment } : {}), inflight: 0, retired: false };
  }

  /** Handles one invocation; errors are PlatformErrors whose code gives the HTTP status. */
  async invoke(req: InvocationRequest): Promise<InvocationResponse> {
    const t0 = performance.now();
    const state = this.state;
    state.inflight++;
    let variant: LoadedVariant | undefined;
    let modelSeconds = 0;
    try {
      variant = this.pick(state, req.targetVariant);
      const size = typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.byteLength;
      if (size > MAX_PAYLOAD_BYTES) throw new PlatformError('PAYLOAD_TOO_LARGE', `the request body has ${size} bytes; the limit is ${MAX_PAYLOAD_BYTES} (6 MB, as SageMaker)`);
      const text = typeof req.body === 'string' ? req.body : Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength).toString('utf8');
      const inFormat = requestFormat(req.contentType);
      const outFormat = responseFormat(req.accept, inFormat);
      const predictor = variant.predictor;
      const parsed = parseBody(text, inFormat, { featureNames: predictor.featureNames, ...(state.enrichment ? { recordIdName: state.enrichment.recordIdName } : {}) });
      let matrix: FeatureMatrix;
      let capturedInput = text;
      let capturedType = req.contentType ?? 'text/csv';
      if (parsed.kind === 'records') {
        matrix = await this.enrich(state, parsed.ids, predictor.featureNames);
        capturedInput = matrixCsv(matrix);
        capturedType = 'text/csv';
      } else matrix = parsed.matrix;
      const tm = performance.now();
      let scores: Float64Array;
      try {
        scores = await variant.batcher.predict(matrix);
      } catch (e) {
        if (isPlatformError(e) && ERROR_CATALOG[e.code].status < 500) throw e;
        throw new PlatformError('MODEL_ERROR', `model "${variant.modelName}" of variant "${variant.name}" failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
      modelSeconds = (performance.now() - tm) / 1000;
      const body = formatPredictions(scores, matrix.rows, predictor.outputNames, outFormat);
      const contentType = RESPONSE_CONTENT_TYPES[outFormat];
      const capture = state.capture;
      if (capture && (capture.sampling >= 100 || Math.random() * 100 < capture.sampling)) {
        const now = this.deps.clock.now();
        const line = capture.formatter.line({
          inputContentType: capturedType,
          input: capturedInput,
          outputContentType: contentType,
          output: body,
          time: now,
          // One object shape for every event (absent values are undefined), no spreads on the request path.
          inferenceId: req.inferenceId,
          customAttributes: req.customAttributes,
        });
        if (capture.writer.write(variant.name, this.hour(now), line)) variant.metrics.captured.inc();
        else variant.metrics.captureDropped.inc();
      }
      variant.metrics.invocations.inc();
      variant.metrics.modelLatency.observe(modelSeconds);
      variant.metrics.overheadLatency.observe((performance.now() - t0) / 1000 - modelSeconds);
      return { body, contentType, variant: variant.name, rows: matrix.rows };
    } catch (e) {
      const m = variant?.metrics ?? this.unknownVariant;
      m.invocations.inc();
      const status = isPlatformError(e) ? ERROR_CATALOG[e.code].status : 500;
      if (status >= 500) m.errors5xx.inc();
      else m.errors4xx.inc();
      throw e;
    } finally {
      state.inflight--;
      if (state.retired && state.inflight === 0 && state.capture && state.capture.writer !== this.state.capture?.writer) this.closeWriter(state.capture.writer);
    }
  }

  private pick(state: State, target: string | undefined): LoadedVariant {
    if (target !== undefined && target !== '') {
      const v = state.variants.find((x) => x.name === target);
      if (!v) throw new ValidationError([{ path: 'TargetVariant', message: `got ${describeValue(target)}, expected one of the endpoint's variants (${state.variants.map((x) => x.name).join(', ')})` }]);
      return v;
    }
    if (state.variants.length === 1) return state.variants[0]!;
    const r = Math.random() * state.totalWeight;
    for (let i = 0; i < state.variants.length; i++) if (r < state.cumulative[i]!) return state.variants[i]!;
    return state.variants[state.variants.length - 1]!;
  }

  private async enrich(state: State, ids: string[], featureNames: string[]): Promise<FeatureMatrix> {
    const { groupName } = state.enrichment!;
    const cols = featureNames.length;
    const values = new Float64Array(ids.length * cols);
    for (let i = 0; i < ids.length; i++) {
      const r = await this.deps.featureStore.getRecord(groupName, ids[i]!);
      if (!r.Record) throw new NotFoundError('record', ids[i]!, 'NOT_FOUND', `record "${ids[i]}" not found in the online store of feature group "${groupName}"`);
      const byName = new Map(r.Record.map((f) => [f.FeatureName, f.ValueAsString]));
      for (let j = 0; j < cols; j++) {
        const s = byName.get(featureNames[j]!);
        const v = s === undefined || s === '' ? NaN : Number(s);
        if (s !== undefined && s !== '' && Number.isNaN(v)) {
          throw new ValidationError([{ path: `record ${ids[i]}, feature ${featureNames[j]}`, message: `got ${describeValue(s)} from the online store, expected a number` }]);
        }
        values[i * cols + j] = v;
      }
    }
    return { rows: ids.length, cols, values };
  }

  private hour(ms: number): string {
    const h = Math.floor(ms / 3_600_000);
    if (h !== this.hourKey) {
      this.hourKey = h;
      this.hourText = hourFolder(ms);
    }
    return this.hourText;
  }

  private closeWriter(writer: CaptureWriter): void {
    const p = writer.close().catch(() => {});
    this.closing.add(p);
    void p.then(() => this.closing.delete(p));
  }

  /** Writes every capture line accepted so far. */
  async flush(): Promise<void> {
    await Promise.all([...this.closing]);
    await this.state.capture?.writer.flush();
  }

  /** Flushes and closes the capture writer; the runtime refuses nothing but captures no more. */
  async close(): Promise<void> {
    this.state.retired = true;
    await Promise.all([...this.closing]);
    await this.state.capture?.writer.close();
  }
}

function matrixCsv(m: FeatureMatrix): string {
  const lines = new Array<string>(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const f = new Array<string>(m.cols);
    for (let j = 0; j < m.cols; j++) {
      const v = m.values[i * m.cols + j]!;
      f[j] = Number.isNaN(v) ? '' : String(v);
    }
    lines[i] = f.join(',');
  }
  return lines.join('\n');
}
