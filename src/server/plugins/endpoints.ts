/**
 * @module server/plugins/endpoints
 * Endpoint routes: the control plane (`GET|POST /endpoints`, `GET|PATCH|DELETE /endpoints/:name`,
 * `PUT /endpoints/:name/data-capture-config`, `POST /endpoints/:name/flush-capture`) and the SageMaker runtime
 * path `POST /endpoints/:name/invocations`. A thin shell over `platform.endpoints`.
 */
import { registerInvocationRoutes, type CreateEndpointInput, type UpdateEndpointInput } from '../../serving/index.js';
import type { DataCaptureConfigApi, DataCaptureConfigInput } from '../../capture/index.js';
import type { ServerPlugin } from '../plugin.js';

type Named = { Params: { name: string } };

export const endpointsPlugin: ServerPlugin = {
  name: 'endpoints',
  async register(app, platform) {
    const endpoints = platform.endpoints;
    app.get('/endpoints', async () => ({ Endpoints: await endpoints.list() }));
    app.post<{ Body: CreateEndpointInput }>('/endpoints', async (req, reply) => reply.code(201).send(await endpoints.create(req.body)));
    app.get<Named>('/endpoints/:name', async (req) => endpoints.describe(req.params.name));
    app.patch<Named & { Body: UpdateEndpointInput }>('/endpoints/:name', async (req) => endpoints.update(req.params.name, req.body ?? {}));
    app.delete<Named>('/endpoints/:name', async (req, reply) => {
      await endpoints.delete(req.params.name);
      return reply.code(204).send();
    });
    app.put<Named & { Body: { DataCaptureConfig?: DataCaptureConfigInput | DataCaptureConfigApi | null } }>('/endpoints/:name/data-capture-config', async (req) =>
      endpoints.updateDataCaptureConfig(req.params.name, req.body?.DataCaptureConfig ?? null),
    );
    app.post<Named>('/endpoints/:name/flush-capture', async (req, reply) => {
      await endpoints.describe(req.params.name);
      await endpoints.flushCapture(req.params.name);
      return reply.code(204).send();
    });
    await registerInvocationRoutes(app, endpoints, [{ url: '/endpoints/:name/invocations', endpoint: (req) => (req.params as { name: string }).name }]);
  },
};
