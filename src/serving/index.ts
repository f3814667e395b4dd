/**
 * @module serving
 * Endpoints: the control plane (SageMaker-shaped endpoint and endpoint-config documents), the invocation
 * runtime with data capture and Prometheus metrics, content types, the SDK predictor and the standalone
 * SageMaker-contract container server.
 */
export { EndpointService, type EndpointServiceContext } from './service.js';
export { EndpointRuntime } from './runtime.js';
export { EndpointMetrics } from './metrics.js';
export {
  EndpointPredictor,
  Model,
  CSVSerializer,
  JSONSerializer,
  JSONLinesSerializer,
  JSONDeserializer,
  CSVDeserializer,
  StringDeserializer,
  httpTransport,
  inProcessTransport,
  type Serializer,
  type Deserializer,
  type EndpointTransport,
  type PredictOptions,
  type DeployOptions,
} from './predictor.js';
export { registerInvocationRoutes, sendProblem, invocationServerFactory, runtimePathMatcher } from './http.js';
export { createContainerApp } from './container.js';
export { parseBody, formatPredictions, requestFormat, responseFormat } from './content.js';
export * from './types.js';
