/**
 * @module serving/container
 * The standalone endpoint server (`plumbline endpoints run NAME --port P`): SageMaker's inference-container
 * contract, `GET /ping` (200 when the endpoint is loaded) and `POST /invocations`, plus `GET /metrics`, so a load
 * balancer or orchestrator can run replicas that all write capture files into one destination.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { containerPathMatcher, invocationServerFactory, registerInvocationRoutes, sendProblem } from './http.js';
import type { EndpointService } from './service.js';

export async function createContainerApp(service: EndpointService, endpointName: string, metrics: Registry): Promise<FastifyInstance> {
  // Load the endpoint before listening: a replica that cannot serve fails at start.
  await service.runtime(endpointName);
  let closing = false;
  const app = Fastify({ logger: false, forceCloseConnections: 'idle', serverFactory: invocationServerFactory(service, containerPathMatcher(endpointName), () => closing) });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.setErrorHandler((error, _req, reply) => sendProblem(reply, error));
  app.get('/ping', async (_req, reply) => {
    await service.runtime(endpointName);
    return reply.type('text/plain').send('');
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  await registerInvocationRoutes(app, service, [{ url: '/invocations', endpoint: endpointName }]);
  return app;
}
