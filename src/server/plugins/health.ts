/** @module server/plugins/health  `GET /ping` and `GET /health`: the server is up. */
import type { ServerPlugin } from '../plugin.js';

export const healthPlugin: ServerPlugin = {
  name: 'health',
  async register(app) {
    app.get('/ping', async (_req, reply) => reply.type('text/plain').send(''));
    app.get('/health', async () => ({ status: 'ok' }));
  },
};
