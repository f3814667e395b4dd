/**
 * @module models/registry
 * The model registry: models by name in the catalog (kind `model`), artifacts in the object store under
 * `models/<name>/`. A model is written artifact first, catalog entry second, so a failed registration leaves
 * nothing half-written: a name that is taken or an unreadable file is refused before anything is stored.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Catalog } from '../catalog/catalog.js';
import type { Clock } from '../core/clock.js';
import type { ColumnTable } from '../core/columns.js';
import { NotFoundError, PlatformError, ValidationError, invalid } from '../core/errors.js';
import { formatIso } from '../core/time.js';
import type { ObjectStore } from '../storage/object-store.js';
import { readTable } from '../table/index.js';
import { Estimator } from './estimator.js';
import { loadPredictor, readModelArtifact, type ModelArtifact } from './model-loaders.js';
import { MODEL_NAME_PATTERN, type ModelDescription, type ModelFormat } from './model-record.js';
import { matrixFromTable, type Predictor } from './predictor.js';

export const MODEL_KIND = 'model';

export interface ModelRegistryContext {
  catalog: Catalog;
  objectStore: ObjectStore;
  clock: Clock;
  region: string;
  account: string;
}

export interface ImportModelOptions {
  name: string;
  /** Default: from the file extension (.json -> xgboost-json, .onnx -> onnx) or the content. */
  format?: Exclude<ModelFormat, 'remote'>;
  /** Feature names, when the model file does not carry them. */
  featureNames?: string[];
  label?: string;
}

export type RegisterModelInput = Omit<ModelDescription, 'ModelName' | 'ModelArn' | 'CreationTime' | 'artifactUri' | 'format'>;

export class ModelRegistry {
  private readonly cache = new Map<string, { created: string; predictor: Predictor }>();

  constructor(private readonly ctx: ModelRegistryContext) {}

  /** A SageMaker-style estimator that trains with plumbline's XGBoost-compatible trainer into this registry. */
  estimator(hyperparameters: Record<string, string | number> = {}): Estimator {
    return new Estimator(this).setHyperparameters(hyperparameters);
  }

  /** A local path for a data file given as a path or as a URI inside the object store (downloaded if remote). */
  async localPathOf(pathOrUri: string): Promise<string> {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUri)) return pathOrUri;
    const key = this.ctx.objectStore.keyOf(pathOrUri);
    if (key === undefined || key === '') throw invalid('data', pathOrUri, `a local path or a location inside the object store ${this.ctx.objectStore.rootUri}`);
    return this.ctx.objectStore.localPath(key);
  }

  /** Imports a model file (XGBoost JSON or ONNX) under a name. */
  async importModel(source: string | Uint8Array, options: ImportModelOptions): Promise<ModelDescription> {
    await this.assertNameFree(options.name);
    const bytes = typeof source === 'string' ? await readModelFile(source) : source;
    const format = options.format ?? detectFormat(typeof source === 'string' ? source : '', bytes);
    const artifact = await readModelArtifact(format, bytes, options.featureNames);
    return this.store(options.name, artifact, {
      featureNames: artifact.featureNames,
      outputNames: artifact.outputNames,
      source: 'imported',
      ...(artifact.objective ? { objective: artifact.objective } : {}),
      ...(artifact.numTrees !== undefined ? { numTrees: artifact.numTrees } : {}),
      ...(options.label ? { label: options.label } : {}),
    });
  }

  /** Registers a model this process trained or built (used by the Estimator). */
  async registerArtifact(name: string, artifact: ModelArtifact, description: RegisterModelInput): Promise<ModelDescription> {
    await this.assertNameFree(name);
    return this.store(name, artifact, description);
  }

  /** Registers a model served elsewhere by any SageMaker-style `/invocations` server. */
  async registerRemote(name: string, url: string, featureNames: string[], outputNames: string[] = ['score']): Promise<ModelDescription> {
    await this.assertNameFree(name);
    if (!/^https?:\/\//.test(url)) throw invalid('url', url, 'an http:// or https:// URL of a server with /ping and /invocations');
    if (featureNames.length === 0) throw invalid('featureNames', featureNames, 'the names of the features the model reads, in order');
    const now = this.ctx.clock.now();
    const description: ModelDescription = {
      ModelName: name,
      ModelArn: this.arnOf(name),
      CreationTime: formatIso(now),
      format: 'remote',
      remoteUrl: url.replace(/\/+$/, ''),
      featureNames,
      outputNames,
      source: 'remote',
    };
    await this.ctx.catalog.create(MODEL_KIND, name, description, now);
    return description;
  }

  async describe(name: string): Promise<ModelDescription> {
    const entry = await this.ctx.catalog.get<ModelDescription>(MODEL_KIND, name);
    if (!entry) throw new NotFoundError('model', name, 'NOT_FOUND', `model "${name}" not found`);
    return entry.doc;
  }

  async list(): Promise<ModelDescription[]> {
    return (await this.ctx.catalog.list<ModelDescription>(MODEL_KIND)).map((e) => e.doc);
  }

  /** Deletes the catalog entry and the artifact. */
  async delete(name: string): Promise<void> {
    const d = await this.describe(name);
    await this.ctx.catalog.delete(MODEL_KIND, name);
    if (d.artifactUri) await this.ctx.objectStore.deletePrefix(`models/${name}/`);
    this.cache.delete(name);
  }

  /** Copies the model's artifact to a local file (XGBoost JSON loads in XGBoost; ONNX in any runtime). */
  async export(name: string, path: string): Promise<{ path: string; format: ModelFormat }> {
    const d = await this.describe(name);
    if (!d.artifactUri) throw invalid('name', name, 'a model with an artifact (remote models have none)');
    await writeFile(path, await this.ctx.objectStore.get(this.ctx.objectStore.keyOf(d.artifactUri)!));
    return { path, format: d.format };
  }

  /** The model's predictor (loaded once per process and cached). */
  async predictor(name: string): Promise<Predictor> {
    const d = await this.describe(name);
    const cached = this.cache.get(name);
    if (cached && cached.created === d.CreationTime) return cached.predictor;
    const bytes = d.artifactUri ? await this.ctx.objectStore.get(this.ctx.objectStore.keyOf(d.artifactUri)!) : undefined;
    const predictor = await loadPredictor(d, bytes);
    this.cache.set(name, { created: d.CreationTime, predictor });
    return predictor;
  }

  /**
   * Predicts for a table or file. Columns are matched by the model's feature names; a model trained on a
   * header-less CSV (features f0, f1, ...) reads the data's columns by position instead, leaving out `label`.
   * Returns the input columns followed by one column per model output.
   */
  async predict(name: string, data: string | ColumnTable, options: { label?: string; header?: boolean } = {}): Promise<ColumnTable> {
    const predictor = await this.predictor(name);
    const table = typeof data === 'string' ? await readTable(data, options.header === false ? { header: false } : {}) : data;
    const names = predictor.featureNames;
    const byName = names.every((n) => table.columns.some((c) => c.name === n));
    let input = table;
    if (!byName && names.every((n, i) => n === `f${i}`)) {
      const features = table.columns.filter((c) => c.name !== options.label);
      if (features.length !== names.length) {
        throw new ValidationError([{ path: 'data', message: `the model reads ${names.length} features by position, the data has ${features.length} columns${options.label ? ` besides "${options.label}"` : ''}` }]);
      }
      input = { length: table.length, columns: features.map((c, i) => ({ ...c, name: names[i]! })) };
    }
    const scores = await predictor.predict(matrixFromTable(input, names));
    const k = predictor.outputNames.length;
    const outputs = predictor.outputNames.map((o, j) => {
      const values = new Float64Array(table.length);
      for (let i = 0; i < table.length; i++) values[i] = scores[i * k + j]!;
      const taken = table.columns.some((c) => c.name === o);
      return { name: taken ? `prediction_${o}` : o, type: 'float' as const, values };
    });
    return { length: table.length, columns: [...table.columns, ...outputs] };
  }

  private arnOf(name: string): string {
    return `arn:aws:sagemaker:${this.ctx.region}:${this.ctx.account}:model/${name.toLowerCase()}`;
  }

  /** Throws when the name breaks SageMaker's rule or is taken. */
  async assertNameFree(name: string): Promise<void> {
    if (typeof name !== 'string' || !MODEL_NAME_PATTERN.test(name)) {
      throw invalid('name', name, "1-63 letters, digits and '-', starting and ending with a letter or digit (SageMaker's ModelName rule)");
    }
    if (await this.ctx.catalog.get(MODEL_KIND, name)) {
      throw new PlatformError('ALREADY_EXISTS', `model name "${name}" is taken; delete the model or choose another name`, { details: { resource: 'model', id: name } });
    }
  }

  private async store(name: string, artifact: ModelArtifact, description: RegisterModelInput): Promise<ModelDescription> {
    const key = `models/${name}/${artifact.fileName}`;
    await this.ctx.objectStore.put(key, artifact.bytes);
    const now = this.ctx.clock.now();
    const record: ModelDescription = {
      ModelName: name,
      ModelArn: this.arnOf(name),
      CreationTime: formatIso(now),
      format: artifact.format,
      artifactUri: this.ctx.objectStore.uriOf(key),
      ...description,
    };
    try {
      await this.ctx.catalog.create(MODEL_KIND, name, record, now);
    } catch (e) {
      await this.ctx.objectStore.delete(key).catch(() => {});
      throw e;
    }
    return record;
  }
}

async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('model file', path, 'NOT_FOUND', `model file ${path} not found`);
    throw e;
  }
}

function detectFormat(path: string, bytes: Uint8Array): Exclude<ModelFormat, 'remote'> {
  if (/\.json$/i.test(path)) return 'xgboost-json';
  if (/\.onnx$/i.test(path)) return 'onnx';
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b) return 'xgboost-json';
  if (bytes.length > 0) return 'onnx';
  throw invalid('format', path, 'an XGBoost JSON model (.json) or an ONNX model (.onnx); the file is empty');
}
