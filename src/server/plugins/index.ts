/** @module server/plugins  The plugins `plumbline serve` registers by default; add one line per resource. */
import type { ServerPlugin } from '../plugin.js';
import { endpointsPlugin } from './endpoints.js';
import { healthPlugin } from './health.js';
import { metricsPlugin } from './metrics.js';
import { monitoringPlugin } from './monitoring.js';

export const DEFAULT_PLUGINS: ServerPlugin[] = [healthPlugin, metricsPlugin, endpointsPlugin, monitoringPlugin];
