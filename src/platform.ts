/**
 * @module platform
 * `createPlatform()`: opens the workspace (config, catalog, online store, object store, offline store)
 * and hands out the domain facades. The CLI and the HTTP server are shells over this object.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openCatalog, type Catalog } from './catalog/index.js';
import { systemClock, type Clock } from './core/clock.js';
import { loadWorkspaceConfig, type WorkspaceConfig, type WorkspaceConfigInput } from './config/index.js';
import { FeatureStore } from './featurestore/index.js';
import { JobRunner } from './jobs/index.js';
import { Registry } from 'prom-client';
import { EndpointService } from './serving/index.js';
import { OfflineStore } from './featurestore/offline/index.js';
import { openOnlineStore } from './featurestore/online/index.js';
import type { OnlineStore } from './featurestore/online/online-store.js';
import { ModelRegistry } from './models/index.js';
import { ModelMonitoring, type WebhookOptions } from './monitor/index.js';
import { openObjectStore, type ObjectStore } from './storage/index.js';

export interface PlatformOptions {
  /** Workspace folder; default `PLUMBLINE_HOME` or `./.plumbline`. */
  home?: string;
  /** Backend URLs that override the workspace's config file. */
  config?: WorkspaceConfigInput;
  clock?: Clock;
  /** Flush spooled offline writes every N ms (default 5,000; 0 = only on size and close). */
  offlineFlushIntervalMs?: number;
  /** Physically remove expired online records every N ms (default 60,000; 0 = never). Reads never return them either way. */
  purgeIntervalMs?: number;
  /** Run monitoring schedules in this process (for `plumbline serve`); missed slots are caught up at once. Default false. */
  monitorScheduler?: boolean;
  /** Retry settings of monitoring webhook alerts. */
  monitorWebhooks?: WebhookOptions;
}

export interface Platform {
  readonly config: WorkspaceConfig;
  readonly featureStore: FeatureStore;
  /** The model registry (train with `models.estimator()`, import XGBoost JSON / ONNX, predict). */
  readonly models: ModelRegistry;
  readonly objectStore: ObjectStore;
  /** Long work (Clarify jobs, baselines, monitoring executions) with status, progress and outputs. */
  readonly jobs: JobRunner;
  /** Endpoints with data capture: create/update/delete, `model(name).deploy()`, in-process invocations. */
  readonly endpoints: EndpointService;
  /** The shared Prometheus registry (served at `/metrics`); modules register their metrics into it. */
  readonly metrics: Registry;
  /** Model monitoring: baselines, schedules and executions, model quality, metrics and alerts. */
  readonly monitor: ModelMonitoring;
  readonly clock: Clock;
  /** Flushes pending offline writes and closes every connection. */
  close(): Promise<void>;
}

export async function createPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const config = loadWorkspaceConfig({ ...(options.home !== undefined ? { home: options.home } : {}), ...(options.config ? { overrides: options.config } : {}) });
  const clock = options.clock ?? systemClock;
  mkdirSync(config.home, { recursive: true });
  const tempDir = join(config.home, 'tmp');
  mkdirSync(tempDir, { recursive: true });
  const opened: { close(): Promise<void> }[] = [];
  try {
    if (config.objectStore.type === 's3') mkdirSync(config.objectStore.cacheDir, { recursive: true });
    const objectStore = await openObjectStore(config.objectStore);
    opened.push(objectStore);
    const catalog: Catalog = await openCatalog(config.catalog);
    opened.push(catalog);
    const online: OnlineStore = await openOnlineStore(config.onlineStore);
    opened.push(online);
    const offline = new OfflineStore({
      objectStore,
      spoolPath: config.spoolPath,
      clock,
      tempDir,
      ...(config.objectStore.type === 's3' ? { readableDirs: [config.objectStore.cacheDir] } : {}),
      ...(options.offlineFlushIntervalMs !== undefined ? { flushIntervalMs: options.offlineFlushIntervalMs } : {}),
    });
    const featureStore = new FeatureStore({ catalog, online, offline, objectStore, clock, region: 'local', account: '000000000000' }, tempDir);
    const models = new ModelRegistry({ catalog, objectStore, clock, region: 'local', account: '000000000000' });
    const jobs = new JobRunner({ catalog, clock });
    const metrics = new Registry();
    const endpoints = new EndpointService({ catalog, models, featureStore, objectStore, clock, metrics, region: 'local', account: '000000000000' });
    const monitor = new ModelMonitoring({
      catalog,
      objectStore,
      clock,
      registry: metrics,
      modelFeatures: async (name) => (await models.describe(name)).featureNames,
      flushCapture: (name) => endpoints.flushCapture(name),
      models,
      ...(options.monitorWebhooks ? { webhook: options.monitorWebhooks } : {}),
    });
    if (options.monitorScheduler) monitor.startScheduler();
    const purgeInterval = options.purgeIntervalMs ?? 60_000;
    const purgeTimer =
      purgeInterval > 0
        ? setInterval(() => {
            featureStore.purgeExpiredRecords().catch(() => {});
          }, purgeInterval)
        : undefined;
    purgeTimer?.unref();
    let closed = false;
    return {
      config,
      featureStore,
      models,
      objectStore,
      jobs,
      endpoints,
      metrics,
      monitor,
      clock,
      async close() {
        if (closed) return;
        closed = true;
        await monitor.close();
        await jobs.drain();
        await endpoints.close();
        if (purgeTimer) clearInterval(purgeTimer);
        await offline.close();
        for (const o of opened.reverse()) await o.close();
      },
    };
  } catch (e) {
    for (const o of opened.reverse()) await o.close().catch(() => {});
    throw e;
  }
}
