/**
 * @module serving/http
 * Invocations over HTTP, shared by `plumbline serve` (`POST /endpoints/NAME/invocations`, the SageMaker runtime
 * path) and the standalone container (`POST /invocations`, `GET /ping`): raw bodies up to 6 MB (413 beyond),
 * SageMaker's headers (Content-Type, Accept, X-Amzn-SageMaker-Target-Variant, -Inference-Id, -Custom-Attributes;
 * x-Amzn-Invoked-Production-Variant on the answer; the built-in container echoes X-Amzn-SageMaker-Custom-Attributes,
 * which SageMaker forwards verbatim), and errors as problem+json with the catalog's status that AWS SDK clients
 * also parse into their typed exceptions: `x-amzn-ErrorType` / `__type` name the SageMaker runtime error
 * (ValidationError, ModelError with OriginalStatusCode/OriginalMessage, InternalFailure, ServiceUnavailable)
 * and `message` carries the text; error answers carry an `x-amzn-RequestId` (the SDK's `$metadata.requestId`).
 *
 * The invocation path is hot, so `invocationServerFactory` answers it straight from node:http (no router, no
 * hooks, no body parser objects) and hands every other request to fastify; the fastify routes registered by
 * `registerInvocationRoutes` serve the same path when the app runs without that factory (e.g. `inject()`).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG } from '../core/error-catalog.js';
import { isPlatformError, PlatformError } from '../core/errors.js';
import type { EndpointService } from './service.js';
import { MAX_PAYLOAD_BYTES, type InvocationRequest } from './types.js';

const TOO_LARGE_DETAIL = `the request body is larger than the limit of ${MAX_PAYLOAD_BYTES} bytes (6 MB, as SageMaker)`;

/**
 * The SageMaker runtime error name of a failure, as the AWS SDKs read it (`x-amzn-ErrorType` header, `__type`
 * in the body) to raise their typed exceptions: `ModelError` for a model that failed, `ServiceUnavailable` for
 * 503, `InternalFailure` for other 5xx, `ValidationError` for every 4xx (SageMaker answers an unknown endpoint,
 * a bad body or a too-large payload with ValidationError too).
 */
export function awsErrorType(code: string, status: number): string {
  if (code === 'MODEL_ERROR') return 'ModelError';
  if (status === 503) return 'ServiceUnavailable';
  if (status >= 500) return 'InternalFailure';
  return 'ValidationError';
}

/** An error as an RFC 7807 problem with the fields the AWS SDKs read: `__type`, `message`, and ModelError's members. */
function problemBody(code: string, title: string, status: number, detail: string, details?: unknown): { status: number; body: string; errorType: string } {
  const errorType = awsErrorType(code, status);
  const problem: Record<string, unknown> = { type: `/errors/${code}`, title, status, detail, code, ...(details ? { details } : {}), __type: errorType, message: detail };
  if (errorType === 'ModelError') {
    // As SageMaker wraps a container's failure: the status and message the model produced.
    problem.OriginalStatusCode = status;
    problem.OriginalMessage = detail;
  }
  return { status, body: JSON.stringify(problem), errorType };
}

/** Sends an error as an RFC 7807 problem with the code's HTTP status (fastify's own errors keep theirs). */
export function sendProblem(reply: FastifyReply, e: unknown): FastifyReply {
  const fe = e as FastifyError;
  const p =
    !isPlatformError(e) && typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500
      ? fastifyProblem(fe)
      : problemOf(e);
  return reply.code(p.status).type('application/problem+json').header('x-amzn-ErrorType', p.errorType).header('x-amzn-RequestId', randomUUID()).send(p.body);
}

function fastifyProblem(fe: FastifyError): { status: number; body: string; errorType: string } {
  const status = fe.statusCode!;
  const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED';
  const detail = status === 413 ? TOO_LARGE_DETAIL : fe.message;
  return problemBody(code, ERROR_CATALOG[code].title, status, detail);
}

/** An InvocationRequest from a body and SageMaker's request headers (node:http's or fastify's, the same object). */
function invocationOf(body: Uint8Array | string, h: IncomingHttpHeaders): InvocationRequest {
  const request: InvocationRequest = { body };
  if (h['content-type'] !== undefined) request.contentType = h['content-type'];
  if (h.accept !== undefined) request.accept = h.accept;
  const target = h['x-amzn-sagemaker-target-variant'];
  if (typeof target === 'string') request.targetVariant = target;
  const id = h['x-amzn-sagemaker-inference-id'];
  if (typeof id === 'string') request.inferenceId = id;
  const attrs = h['x-amzn-sagemaker-custom-attributes'];
  if (typeof attrs === 'string') request.customAttributes = attrs;
  return request;
}

/**
 * Registers invocation routes in an encapsulated scope whose only body parser hands over the raw bytes.
 * `routes` maps a URL to how the endpoint name is found (a fixed name, or the `:name` parameter).
 */
export async function registerInvocationRoutes(app: FastifyInstance, service: EndpointService, routes: { url: string; endpoint: string | ((req: FastifyRequest) => string) }[]): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_PAYLOAD_BYTES }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((error, _req, reply) => sendProblem(reply, error));
    for (const route of routes) {
      const nameOf = route.endpoint;
      scope.post(route.url, { bodyLimit: MAX_PAYLOAD_BYTES }, async (req, reply) => {
        const name = typeof nameOf === 'string' ? nameOf : nameOf(req);
        const body = req.body;
        const request = invocationOf(body instanceof Uint8Array ? body : typeof body === 'string' ? body : '', req.headers);
        const r = await service.invoke(name, request);
        if (request.customAttributes !== undefined) reply.header('X-Amzn-SageMaker-Custom-Attributes', request.customAttributes);
        return reply.header('content-type', r.contentType).header('x-Amzn-Invoked-Production-Variant', r.variant).send(r.body);
      });
    }
  });
}

/** Where an invocation URL points: the endpoint name, or undefined for other URLs. */
export type InvocationMatcher = (url: string) => string | undefined;

/** `/endpoints/NAME/invocations` (the SageMaker runtime path). */
export const runtimePathMatcher: InvocationMatcher = (url) => {
  if (!url.startsWith('/endpoints/') || !url.endsWith('/invocations')) return undefined;
  const name = url.slice(11, -12);
  if (name === '' || name.includes('/') || name.includes('?')) return undefined;
  return name.includes('%') ? safeDecode(name) : name;
};

/** `/invocations` of one endpoint (the container contract). */
export function containerPathMatcher(endpointName: string): InvocationMatcher {
  return (url) => (url === '/invocations' ? endpointName : undefined);
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * A fastify `serverFactory`: POSTs matching `match` are answered here; everything else goes to fastify.
 * `closing()` tells when the app is shutting down: answers then carry `Connection: close` so keep-alive
 * clients move off before the server stops (requests in flight are still answered and captured).
 */
export function invocationServerFactory(service: EndpointService, match: InvocationMatcher, closing: () => boolean) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void): Server =>
    createServer((req, res) => {
      const name = req.method === 'POST' && req.url !== undefined ? match(req.url) : undefined;
      if (name === undefined) return handler(req, res);
      handleInvocation(service, name, req, res, closing);
    });
}

function handleInvocation(service: EndpointService, name: string, req: IncomingMessage, res: ServerResponse, closing: () => boolean): void {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_PAYLOAD_BYTES) return tooLarge(req, res);
  const chunks: Buffer[] = [];
  let size = 0;
  let aborted = false;
  req.on('data', (chunk: Buffer) => {
    if (aborted) return;
    size += chunk.length;
    if (size > MAX_PAYLOAD_BYTES) {
      aborted = true;
      tooLarge(req, res);
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (aborted) return;
    const request = invocationOf(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), req.headers);
    service.invoke(name, request).then(
      (r) => {
        const headers: Record<string, string> = { 'content-type': r.contentType, 'x-Amzn-Invoked-Production-Variant': r.variant };
        if (request.customAttributes !== undefined) headers['X-Amzn-SageMaker-Custom-Attributes'] = request.customAttributes;
        if (closing()) headers.connection = 'close';
        res.writeHead(200, headers);
        res.end(r.body);
      },
      (e: unknown) => writeProblem(res, e, closing()),
    );
  });
}

function writeProblem(res: ServerResponse, e: unknown, close: boolean): void {
  const { status, body, errorType } = problemOf(e);
  res.writeHead(status, { 'content-type': 'application/problem+json', 'x-amzn-ErrorType': errorType, 'x-amzn-RequestId': randomUUID(), ...(close ? { connection: 'close' } : {}) });
  res.end(body);
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  writeProblem(res, new PlatformError('PAYLOAD_TOO_LARGE', TOO_LARGE_DETAIL), true);
  // Stop reading the rest of the body; the connection closes after the answer.
  req.resume();
}

/** An error as an RFC 7807 problem body with its HTTP status and SageMaker runtime error name. */
export function problemOf(e: unknown): { status: number; body: string; errorType: string } {
  if (isPlatformError(e)) {
    const entry = ERROR_CATALOG[e.code];
    return problemBody(e.code, entry.title, entry.status, e.message, e.details);
  }
  const message = e instanceof Error ? e.message : String(e);
  return problemBody('INTERNAL', 'Internal error', 500, message);
}
