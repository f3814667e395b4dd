/**
 * @module serving/predictor
 * The SDK side of an endpoint, as the SageMaker Python SDK has it: `Model.deploy()` returns a predictor with a
 * `serializer` (`CSVSerializer`, `JSONSerializer`, `JSONLinesSerializer`) and a `deserializer`
 * (`JSONDeserializer`, `CSVDeserializer`, `StringDeserializer`), `predict()`, `updateDataCaptureConfig()`,
 * `deleteEndpoint()` and `flushCapture()`. The same class talks to the in-process runtime (the embedded default:
 * the same invocation path and capture as the HTTP server) or to a running `plumbline serve` over HTTP.
 */
import type { DataCaptureConfigApi, DataCaptureConfigInput } from '../capture/index.js';
import { PlatformError, ValidationError, describeValue } from '../core/errors.js';
import { ERROR_CATALOG, type ErrorCode } from '../core/error-catalog.js';
import type { EndpointService } from './service.js';
import type { EndpointDescription, InvocationRequest, InvocationResponse } from './types.js';

export interface Serializer {
  readonly contentType: string;
  serialize(data: unknown): string;
}

export interface Deserializer {
  /** The Accept header sent. */
  readonly accept: string;
  deserialize(body: string, contentType: string): unknown;
}

/** Rows to `text/csv`: a string passes through, a list of numbers is one line, a list of lists is many. */
export class CSVSerializer implements Serializer {
  readonly contentType = 'text/csv';
  serialize(data: unknown): string {
    if (typeof data === 'string') return data;
    if (Array.isArray(data)) {
      if (data.every((v) => Array.isArray(v))) return (data as unknown[][]).map((row) => row.map(csvField).join(',')).join('\n');
      return data.map(csvField).join(',');
    }
    if (typeof data === 'number') return csvField(data);
    throw new ValidationError([{ path: 'data', message: `got ${describeValue(data)}, expected a CSV string, a list of values or a list of rows` }]);
  }
}

function csvField(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
  return String(v);
}

export class JSONSerializer implements Serializer {
  readonly contentType = 'application/json';
  serialize(data: unknown): string {
    return typeof data === 'string' ? data : JSON.stringify(data);
  }
}

export class JSONLinesSerializer implements Serializer {
  readonly contentType = 'application/jsonlines';
  serialize(data: unknown): string {
    if (typeof data === 'string') return data;
    if (!Array.isArray(data)) throw new ValidationError([{ path: 'data', message: `got ${describeValue(data)}, expected a list of rows` }]);
    return data.map((d) => JSON.stringify(d)).join('\n');
  }
}

/** The body as parsed JSON (`{"predictions": [{"score": 0.87}]}`). */
export class JSONDeserializer implements Deserializer {
  readonly accept = 'application/json';
  deserialize(body: string): unknown {
    return JSON.parse(body);
  }
}

/** CSV lines as lists of strings (as the SageMaker SDK's CSVDeserializer). */
export class CSVDeserializer implements Deserializer {
  readonly accept = 'text/csv';
  deserialize(body: string): string[][] {
    return body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.replace(/\r$/, '').split(','));
  }
}

export class StringDeserializer implements Deserializer {
  constructor(readonly accept = 'text/csv') {}
  deserialize(body: string): string {
    return body;
  }
}

/** How a predictor reaches its endpoint. */
export interface EndpointTransport {
  readonly description: string;
  invoke(endpointName: string, request: InvocationRequest): Promise<InvocationResponse>;
  describe(endpointName: string): Promise<EndpointDescription>;
  updateDataCaptureConfig(endpointName: string, config: DataCaptureConfigInput | DataCaptureConfigApi | null): Promise<EndpointDescription>;
  deleteEndpoint(endpointName: string): Promise<void>;
  flushCapture(endpointName: string): Promise<void>;
}

export interface PredictOptions {
  targetVariant?: string;
  inferenceId?: string;
  customAttributes?: string;
}

export class EndpointPredictor {
  serializer: Serializer = new CSVSerializer();
  deserializer: Deserializer = new JSONDeserializer();
  /** The variant that answered the last call. */
  lastVariant: string | undefined;

  constructor(
    readonly endpointName: string,
    private readonly transport: EndpointTransport,
  ) {}

  async predict(data: unknown, options: PredictOptions = {}): Promise<unknown> {
    const response = await this.transport.invoke(this.endpointName, {
      body: this.serializer.serialize(data),
      contentType: this.serializer.contentType,
      accept: this.deserializer.accept,
      ...(options.targetVariant !== undefined ? { targetVariant: options.targetVariant } : {}),
      ...(options.inferenceId !== undefined ? { inferenceId: options.inferenceId } : {}),
      ...(options.customAttributes !== undefined ? { customAttributes: options.customAttributes } : {}),
    });
    this.lastVariant = response.variant;
    return this.deserializer.deserialize(response.body, response.contentType);
  }

  describe(): Promise<EndpointDescription> {
    return this.transport.describe(this.endpointName);
  }

  updateDataCaptureConfig(config: DataCaptureConfigInput | DataCaptureConfigApi | null): Promise<EndpointDescription> {
    return this.transport.updateDataCaptureConfig(this.endpointName, config);
  }

  /** Writes the capture lines of every request answered so far to the destination. */
  flushCapture(): Promise<void> {
    return this.transport.flushCapture(this.endpointName);
  }

  deleteEndpoint(): Promise<void> {
    return this.transport.deleteEndpoint(this.endpointName);
  }
}

/** The in-process transport (the embedded default). */
export function inProcessTransport(service: EndpointService): EndpointTransport {
  return {
    description: 'in-process',
    invoke: (name, request) => service.invoke(name, request),
    describe: (name) => service.describe(name),
    updateDataCaptureConfig: (name, config) => service.updateDataCaptureConfig(name, config),
    deleteEndpoint: (name) => service.delete(name),
    flushCapture: (name) => service.flushCapture(name),
  };
}

/** A transport to a running `plumbline serve` (its base URL, e.g. http://127.0.0.1:8080). */
export function httpTransport(baseUrl: string): EndpointTransport {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw errorFromResponse(res.status, text);
    return text === '' ? undefined : JSON.parse(text);
  };
  const enc = encodeURIComponent;
  return {
    description: base,
    async invoke(name, request) {
      const headers: Record<string, string> = {};
      if (request.contentType) headers['content-type'] = request.contentType;
      if (request.accept) headers.accept = request.accept;
      if (request.targetVariant) headers['x-amzn-sagemaker-target-variant'] = request.targetVariant;
      if (request.inferenceId) headers['x-amzn-sagemaker-inference-id'] = request.inferenceId;
      if (request.customAttributes) headers['x-amzn-sagemaker-custom-attributes'] = request.customAttributes;
      const res = await fetch(`${base}/endpoints/${enc(name)}/invocations`, { method: 'POST', headers, body: request.body });
      const text = await res.text();
      if (!res.ok) throw errorFromResponse(res.status, text);
      return { body: text, contentType: res.headers.get('content-type') ?? '', variant: res.headers.get('x-amzn-invoked-production-variant') ?? '', rows: 0 };
    },
    describe: async (name) => (await call('GET', `/endpoints/${enc(name)}`)) as EndpointDescription,
    updateDataCaptureConfig: async (name, config) => (await call('PUT', `/endpoints/${enc(name)}/data-capture-config`, { DataCaptureConfig: config })) as EndpointDescription,
    deleteEndpoint: async (name) => {
      await call('DELETE', `/endpoints/${enc(name)}`);
    },
    flushCapture: async (name) => {
      await call('POST', `/endpoints/${enc(name)}/flush-capture`);
    },
  };
}

/** A problem+json body (or any text) from the server back into a PlatformError with the same code. */
function errorFromResponse(status: number, text: string): PlatformError {
  try {
    const p = JSON.parse(text) as { code?: string; detail?: string };
    if (p.code && p.code in ERROR_CATALOG) return new PlatformError(p.code as ErrorCode, p.detail ?? text);
  } catch {
    // not JSON
  }
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'VALIDATION_FAILED' : 'INTERNAL';
  return new PlatformError(code, `the server answered ${status}: ${text.slice(0, 200)}`);
}

export interface DeployOptions {
  /** Default: the model name. */
  endpointName?: string;
  variantName?: string;
  initialInstanceCount?: number;
  instanceType?: string;
  dataCaptureConfig?: DataCaptureConfigInput | DataCaptureConfigApi;
  /** Enrich record-id-only requests from this feature group's online store. */
  featureGroupName?: string;
}

/** A registered model as something to deploy (SageMaker's `sagemaker.model.Model`). */
export class Model {
  constructor(
    readonly name: string,
    private readonly service: EndpointService,
  ) {}

  async deploy(options: DeployOptions = {}): Promise<EndpointPredictor> {
    const endpointName = options.endpointName ?? this.name;
    await this.service.create({
      endpointName,
      variants: [
        {
          modelName: this.name,
          ...(options.variantName !== undefined ? { variantName: options.variantName } : {}),
          ...(options.initialInstanceCount !== undefined ? { initialInstanceCount: options.initialInstanceCount } : {}),
          ...(options.instanceType !== undefined ? { instanceType: options.instanceType } : {}),
        },
      ],
      ...(options.dataCaptureConfig ? { dataCaptureConfig: options.dataCaptureConfig } : {}),
      ...(options.featureGroupName !== undefined ? { featureGroupName: options.featureGroupName } : {}),
    });
    return new EndpointPredictor(endpointName, inProcessTransport(this.service));
  }
}
