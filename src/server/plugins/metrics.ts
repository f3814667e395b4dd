/** @module server/plugins/metrics  `GET /metrics`: the platform's shared Prometheus registry, text format. */
import type { ServerPlugin } from '../plugin.js';

export const metricsPlugin: ServerPlugin = {
  name: 'metrics',
  async register(app, platform) {
    app.get('/metrics', async (_req, reply) => reply.type(platform.metrics.contentType).send(await platform.metrics.metrics()));
  },
};
