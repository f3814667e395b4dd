/**
 * @module serving/service
 * The endpoint control plane (`platform.endpoints`): create / describe / list / update / delete endpoints and
 * their endpoint configs as catalog documents shaped like SageMaker's, `updateDataCaptureConfig` on a live
 * endpoint, and the in-process runtimes that serve invocations. Runtimes load lazily from the catalog, so a
 * `plumbline serve` process serves endpoints another process created; `sync()` reloads a runtime whose catalog
 * entry changed (the server calls it on a timer).
 */
import { pathToFileURL } from 'node:url';
import type { Registry } from 'prom-client';
import type { Catalog } from '../catalog/index.js';
import { DEFAULT_CAPTURE_PREFIX, resolveCaptureSink, toApiCaptureConfig, type DataCaptureConfigApi, type DataCaptureConfigInput } from '../capture/index.js';
import type { Clock } from '../core/clock.js';
import { NotFoundError, PlatformError, ValidationError, invalid, isPlatformError } from '../core/errors.js';
import { formatIso } from '../core/time.js';
import type { FeatureStore } from '../featurestore/index.js';
import type { ModelRegistry } from '../models/index.js';
import type { ObjectStore } from '../storage/index.js';
import { EndpointMetrics } from './metrics.js';
import { EndpointPredictor, Model, httpTransport, inProcessTransport } from './predictor.js';
import { EndpointRuntime, type RuntimeDeps } from './runtime.js';
import {
  ENDPOINT_CONFIG_KIND,
  ENDPOINT_KIND,
  ENDPOINT_NAME_PATTERN,
  type CreateEndpointInput,
  type EndpointConfigDescription,
  type EndpointDescription,
  type InvocationRequest,
  type InvocationResponse,
  type ProductionVariantConfig,
  type UpdateEndpointInput,
  type VariantInput,
} from './types.js';

export interface EndpointServiceContext {
  catalog: Catalog;
  models: ModelRegistry;
  featureStore: FeatureStore;
  objectStore: ObjectStore;
  clock: Clock;
  metrics: Registry;
  region: string;
  account: string;
  captureFlushIntervalMs?: number;
  captureMaxBufferBytes?: number;
  captureFlushBytes?: number;
}

interface Loaded {
  runtime: EndpointRuntime;
  version: number;
  configName: string;
}

export class EndpointService {
  private readonly loaded = new Map<string, Promise<Loaded>>();
  private readonly deps: RuntimeDeps;

  constructor(private readonly ctx: EndpointServiceContext) {
    this.deps = {
      models: ctx.models,
      featureStore: ctx.featureStore,
      objectStore: ctx.objectStore,
      clock: ctx.clock,
      metrics: new EndpointMetrics(ctx.metrics),
      ...(ctx.captureFlushIntervalMs !== undefined ? { captureFlushIntervalMs: ctx.captureFlushIntervalMs } : {}),
      ...(ctx.captureMaxBufferBytes !== undefined ? { captureMaxBufferBytes: ctx.captureMaxBufferBytes } : {}),
      ...(ctx.captureFlushBytes !== undefined ? { captureFlushBytes: ctx.captureFlushBytes } : {}),
    };
  }

  /** A registered model to deploy: `platform.endpoints.model('m').deploy({...})`. */
  model(modelName: string): Model {
    return new Model(modelName, this);
  }

  /** A predictor for an existing endpoint: in process, or through a running `plumbline serve` at `url`. */
  predictor(endpointName: string, options: { url?: string } = {}): EndpointPredictor {
    return new EndpointPredictor(endpointName, options.url ? httpTransport(options.url) : inProcessTransport(this));
  }

  /** The default capture destination: `model-monitor/data-capture` in the workspace's object store. */
  get defaultCaptureDestination(): string {
    return this.ctx.objectStore.uriOf(DEFAULT_CAPTURE_PREFIX);
  }

  /** Creates the endpoint config and the endpoint, loads the models, and returns it InService (or throws, leaving it Failed). */
  async create(input: CreateEndpointInput): Promise<EndpointDescription> {
    const name = input?.endpointName;
    checkName('endpointName', name);
    if (await this.ctx.catalog.get(ENDPOINT_KIND, name)) {
      throw new PlatformError('ALREADY_EXISTS', `endpoint "${name}" already exists; update it or delete it first`, { details: { resource: 'endpoint', id: name } });
    }
    const config = await this.newConfig(name, input.variants, input.dataCaptureConfig, input.featureGroupName);
    const now = this.ctx.clock.now();
    await this.ctx.catalog.create(ENDPOINT_CONFIG_KIND, config.EndpointConfigName, config, now).catch(async (e) => {
      if (isPlatformError(e) && e.code === 'ALREADY_EXISTS') {
        // A config left by an earlier endpoint of the same name: replace it.
        await this.ctx.catalog.update(ENDPOINT_CONFIG_KIND, config.EndpointConfigName, config, now);
        return;
      }
      throw e;
    });
    const description: EndpointDescription = {
      EndpointName: name,
      EndpointArn: this.arn('endpoint', name),
      EndpointConfigName: config.EndpointConfigName,
      ProductionVariants: summaries(config),
      ...(config.DataCaptureConfig ? { DataCaptureConfig: captureSummary(config.DataCaptureConfig) } : {}),
      EndpointStatus: 'Creating',
      CreationTime: formatIso(now),
      LastModifiedTime: formatIso(now),
    };
    await this.ctx.catalog.create(ENDPOINT_KIND, name, description, now);
    try {
      const runtime = await EndpointRuntime.load(name, config, this.deps);
      const entry = await this.ctx.catalog.update(ENDPOINT_KIND, name, { ...description, EndpointStatus: 'InService', LastModifiedTime: formatIso(this.ctx.clock.now()) } satisfies EndpointDescription, this.ctx.clock.now());
      this.loaded.set(name, Promise.resolve({ runtime, version: entry.version, configName: config.EndpointConfigName }));
      return entry.doc;
    } catch (e) {
      await this.ctx.catalog.update(ENDPOINT_KIND, name, { ...description, EndpointStatus: 'Failed', FailureReason: e instanceof Error ? e.message : String(e) }, this.ctx.clock.now());
      throw e;
    }
  }

  async describe(name: string): Promise<EndpointDescription> {
    return (await this.entry(name)).doc;
  }

  async describeConfig(configName: string): Promise<EndpointConfigDescription> {
    const entry = await this.ctx.catalog.get<EndpointConfigDescription>(ENDPOINT_CONFIG_KIND, configName);
    if (!entry) throw new NotFoundError('endpoint config', configName, 'NOT_FOUND', `endpoint config "${configName}" not found`);
    return entry.doc;
  }

  async list(): Promise<EndpointDescription[]> {
    return (await this.ctx.catalog.list<EndpointDescription>(ENDPOINT_KIND)).map((e) => e.doc);
  }

  /**
   * Swaps models, weights, capture or enrichment on a live endpoint: a new endpoint config is written, the new
   * runtime state is loaded beside the old one and swapped in, so no request is dropped. On failure the
   * endpoint keeps serving the old config (InService, with FailureReason) and the error is thrown.
   */
  async update(name: string, input: UpdateEndpointInput): Promise<EndpointDescription> {
    const entry = await this.entry(name);
    const current = entry.doc;
    if (current.EndpointStatus !== 'InService') throw invalid('endpointName', name, `an endpoint that is InService (it is ${current.EndpointStatus})`);
    const old = await this.describeConfig(current.EndpointConfigName);
    const variants: VariantInput[] =
      input.variants ?? old.ProductionVariants.map((v) => ({ variantName: v.VariantName, modelName: v.ModelName, initialWeight: v.InitialVariantWeight, initialInstanceCount: v.InitialInstanceCount, instanceType: v.InstanceType }));
    const capture = input.dataCaptureConfig === null ? undefined : (input.dataCaptureConfig ?? old.DataCaptureConfig);
    const group = input.featureGroupName === null ? undefined : (input.featureGroupName ?? old.FeatureStoreEnrichment?.FeatureGroupName);
    const configName = `${name.slice(0, 40)}-${compactTime(this.ctx.clock.now())}`;
    const config = await this.newConfig(configName, variants, capture, group);
    const now = this.ctx.clock.now();
    await this.ctx.catalog.create(ENDPOINT_CONFIG_KIND, configName, config, now);
    const updating = await this.ctx.catalog.update(ENDPOINT_KIND, name, { ...current, EndpointStatus: 'Updating', LastModifiedTime: formatIso(now) } satisfies EndpointDescription, now, entry.version);
    try {
      const loaded = await this.loadedRuntime(name, { allowUpdating: true });
      await loaded.runtime.apply(config);
      const { FailureReason: _drop, ...rest } = updating.doc;
      void _drop;
      const done = await this.ctx.catalog.update(
        ENDPOINT_KIND,
        name,
        {
          ...rest,
          EndpointConfigName: configName,
          ProductionVariants: summaries(config),
          ...(config.DataCaptureConfig ? { DataCaptureConfig: captureSummary(config.DataCaptureConfig) } : { DataCaptureConfig: undefined }),
          EndpointStatus: 'InService',
          LastModifiedTime: formatIso(this.ctx.clock.now()),
        } satisfies EndpointDescription,
        this.ctx.clock.now(),
      );
      loaded.version = done.version;
      loaded.configName = configName;
      const cleaned = JSON.parse(JSON.stringify(done.doc)) as EndpointDescription;
      await this.deleteConfigQuietly(old.EndpointConfigName, name);
      return cleaned;
    } catch (e) {
      await this.ctx.catalog.update(ENDPOINT_KIND, name, { ...current, EndpointStatus: 'InService', FailureReason: `update failed: ${e instanceof Error ? e.message : String(e)}` }, this.ctx.clock.now());
      await this.ctx.catalog.delete(ENDPOINT_CONFIG_KIND, configName);
      throw e;
    }
  }

  /** `predictor.update_data_capture_config()`: changes capture on a live endpoint without dropping requests. */
  updateDataCaptureConfig(name: string, config: DataCaptureConfigInput | DataCaptureConfigApi | null): Promise<EndpointDescription> {
    return this.update(name, { dataCaptureConfig: config });
  }

  /** Deletes the endpoint and its endpoint config after flushing its capture. */
  async delete(name: string): Promise<void> {
    const entry = await this.entry(name);
    await this.ctx.catalog.update(ENDPOINT_KIND, name, { ...entry.doc, EndpointStatus: 'Deleting', LastModifiedTime: formatIso(this.ctx.clock.now()) }, this.ctx.clock.now());
    const loaded = this.loaded.get(name);
    this.loaded.delete(name);
    if (loaded) await loaded.then((l) => l.runtime.close(), () => {});
    await this.ctx.catalog.delete(ENDPOINT_KIND, name);
    await this.deleteConfigQuietly(entry.doc.EndpointConfigName, name);
  }

  /** One invocation through the endpoint's runtime (loaded from the catalog on first use). */
  async invoke(name: string, request: InvocationRequest): Promise<InvocationResponse> {
    const loaded = await this.loadedRuntime(name);
    return loaded.runtime.invoke(request);
  }

  /** The runtime of an endpoint, loaded on first use. */
  async runtime(name: string): Promise<EndpointRuntime> {
    return (await this.loadedRuntime(name)).runtime;
  }

  /** Writes every capture line accepted so far (one endpoint, or all loaded ones). */
  async flushCapture(name?: string): Promise<void> {
    const list = name !== undefined ? [this.loaded.get(name)].filter((p) => p !== undefined) : [...this.loaded.values()];
    await Promise.all(list.map(async (p) => (await p.catch(() => undefined))?.runtime.flush()));
  }

  /** Reloads runtimes whose catalog entry changed in another process; closes those whose endpoint is gone. */
  async sync(): Promise<void> {
    for (const [name, p] of [...this.loaded]) {
      const loaded = await p.catch(() => undefined);
      if (!loaded) continue;
      const entry = await this.ctx.catalog.get<EndpointDescription>(ENDPOINT_KIND, name);
      if (!entry || entry.doc.EndpointStatus === 'Deleting') {
        if (this.loaded.get(name) === p) this.loaded.delete(name);
        await loaded.runtime.close();
        continue;
      }
      if (entry.version === loaded.version) continue;
      if (entry.doc.EndpointStatus === 'InService' && entry.doc.EndpointConfigName !== loaded.configName) {
        await loaded.runtime.apply(await this.describeConfig(entry.doc.EndpointConfigName));
        loaded.configName = entry.doc.EndpointConfigName;
      }
      loaded.version = entry.version;
    }
  }

  /** Flushes and closes every runtime (called by `platform.close()`). */
  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.runtime.close()));
  }

  /** The endpoint's catalog entry; NotFoundError when absent. */
  private async entry(name: string) {
    const entry = await this.ctx.catalog.get<EndpointDescription>(ENDPOINT_KIND, name);
    if (!entry) throw new NotFoundError('endpoint', name, 'NOT_FOUND', `endpoint "${name}" not found`);
    return entry;
  }

  private loadedRuntime(name: string, options: { allowUpdating?: boolean } = {}): Promise<Loaded> {
    let p = this.loaded.get(name);
    if (!p) {
      p = (async () => {
        const entry = await this.entry(name);
        const status = entry.doc.EndpointStatus;
        if (status !== 'InService' && !(options.allowUpdating && status === 'Updating')) {
          throw new PlatformError('CONFLICT', `endpoint "${name}" is ${status}${entry.doc.FailureReason ? ` (${entry.doc.FailureReason})` : ''}; it serves requests when InService`);
        }
        const config = await this.describeConfig(entry.doc.EndpointConfigName);
        const runtime = await EndpointRuntime.load(name, config, this.deps);
        return { runtime, version: entry.version, configName: config.EndpointConfigName };
      })();
      this.loaded.set(name, p);
      const stored = p;
      p.catch(() => {
        if (this.loaded.get(name) === stored) this.loaded.delete(name);
      });
    }
    return p;
  }

  private async newConfig(
    configName: string,
    variants: VariantInput[],
    capture: DataCaptureConfigInput | DataCaptureConfigApi | undefined,
    featureGroupName: string | undefined,
  ): Promise<EndpointConfigDescription> {
    if (!Array.isArray(variants) || variants.length === 0 || variants.length > 10) throw invalid('variants', variants, '1 to 10 production variants (model, weight)');
    const seen = new Set<string>();
    const production: ProductionVariantConfig[] = [];
    for (const [i, v] of variants.entries()) {
      const variantName = v.variantName ?? (variants.length === 1 ? 'AllTraffic' : `variant-${i + 1}`);
      checkName(`variants[${i}].variantName`, variantName);
      if (seen.has(variantName)) throw invalid(`variants[${i}].variantName`, variantName, 'a name not used by another variant of the endpoint');
      seen.add(variantName);
      const weight = v.initialWeight ?? 1;
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) throw invalid(`variants[${i}].initialWeight`, weight, 'a weight >= 0');
      await this.ctx.models.describe(v.modelName);
      production.push({ VariantName: variantName, ModelName: v.modelName, InitialInstanceCount: v.initialInstanceCount ?? 1, InstanceType: v.instanceType ?? 'local', InitialVariantWeight: weight });
    }
    if (production.every((p) => p.InitialVariantWeight === 0)) throw invalid('variants', production.map((p) => p.InitialVariantWeight), 'at least one variant with a weight above 0');
    if (featureGroupName !== undefined) {
      const d = await this.ctx.featureStore.featureGroup(featureGroupName).describe();
      if (!d.OnlineStoreConfig) throw invalid('featureGroupName', featureGroupName, 'a feature group with an online store (enrichment reads records from it)');
    }
    return {
      EndpointConfigName: configName,
      EndpointConfigArn: this.arn('endpoint-config', configName),
      ProductionVariants: production,
      ...(capture ? { DataCaptureConfig: this.captureConfig(capture) } : {}),
      ...(featureGroupName !== undefined ? { FeatureStoreEnrichment: { FeatureGroupName: featureGroupName } } : {}),
      CreationTime: formatIso(this.ctx.clock.now()),
    };
  }

  /**
   * The API form of a capture config with its destination checked and written as a URI (a path inside the
   * workspace's object store becomes its store URI, an absolute folder a file:// URI), so a destination no writer
   * can use is refused before anything is created, and describe shows where the files are.
   */
  private captureConfig(capture: DataCaptureConfigInput | DataCaptureConfigApi): DataCaptureConfigApi {
    const api = toApiCaptureConfig(capture, this.defaultCaptureDestination);
    const uri = resolveCaptureSink(this.ctx.objectStore, api.DestinationS3Uri).uri;
    return { ...api, DestinationS3Uri: uri.startsWith('/') ? pathToFileURL(uri).href.replace(/\/+$/, '') : uri };
  }

  private async deleteConfigQuietly(configName: string, endpointName: string): Promise<void> {
    // Only configs this service made for the endpoint (its name, or name-timestamp).
    if (configName === endpointName || (configName.startsWith(`${endpointName.slice(0, 40)}-`) && /^\d{20}$/.test(configName.slice(Math.min(endpointName.length, 40) + 1)))) await this.ctx.catalog.delete(ENDPOINT_CONFIG_KIND, configName);
  }

  private arn(kind: string, name: string): string {
    return `arn:aws:sagemaker:${this.ctx.region}:${this.ctx.account}:${kind}/${name.toLowerCase()}`;
  }
}

function checkName(field: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !ENDPOINT_NAME_PATTERN.test(name)) {
    throw new ValidationError([{ path: field, message: `got ${JSON.stringify(name)}, expected 1-63 letters, digits and '-', starting with a letter or digit (SageMaker's naming rule)` }]);
  }
}

function summaries(config: EndpointConfigDescription) {
  return config.ProductionVariants.map((v) => ({
    VariantName: v.VariantName,
    ModelName: v.ModelName,
    CurrentWeight: v.InitialVariantWeight,
    DesiredWeight: v.InitialVariantWeight,
    CurrentInstanceCount: v.InitialInstanceCount,
    DesiredInstanceCount: v.InitialInstanceCount,
  }));
}

function captureSummary(c: DataCaptureConfigApi) {
  return {
    EnableCapture: c.EnableCapture,
    CaptureStatus: c.EnableCapture ? ('Started' as const) : ('Stopped' as const),
    CurrentSamplingPercentage: c.InitialSamplingPercentage,
    DestinationS3Uri: c.DestinationS3Uri,
    ...(c.KmsKeyId !== undefined ? { KmsKeyId: c.KmsKeyId } : {}),
  };
}

/** yyyyMMddHHmmssSSS (UTC) plus 3 random digits, for new endpoint-config names. */
function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:TZ.]/g, '') + String(Math.floor(Math.random() * 1000)).padStart(3, '0');
}
