/**
 * @module jobs/job-runner
 * Long work (a Clarify processing job, a baseline, a monitoring execution) runs as a job: it starts at once,
 * runs in this process, and its status, progress figure and outputs are kept in the catalog (kind `job`) so
 * `describe()` answers from any process sharing the workspace. A job whose process died shows as `Failed`
 * with reason "interrupted" once its heartbeat is stale, never as forever `InProgress`.
 */
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/index.js';
import type { Clock } from '../core/clock.js';
import { invalid, NotFoundError } from '../core/errors.js';
import type { Progress } from '../core/progress.js';

export type JobStatus = 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

export interface JobDescription {
  name: string;
  type: string;
  status: JobStatus;
  /** Fraction done, 0..1. */
  progress: number;
  /** What the job is doing now (the progress label). */
  message?: string;
  parameters: unknown;
  /** Output name -> path or URI, set when the job completes. */
  outputs: Record<string, string>;
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
}

export interface JobContext {
  progress: Progress;
  /** Aborted when `stop()` is called; work should check it between steps and throw `signal.reason`. */
  signal: AbortSignal;
}

export interface JobOutcome<T> {
  outputs: Record<string, string>;
  result: T;
}

export interface Job<T> {
  readonly name: string;
  /** Resolves with the work's result; rejects with its error (or the stop reason). */
  wait(): Promise<T>;
  describe(): Promise<JobDescription>;
}

export interface JobSpec {
  /** What kind of work, e.g. `clarify-bias`. */
  type: string;
  /** Unique job name; generated from the type when absent. */
  name?: string;
  parameters?: unknown;
}

interface StoredJob extends JobDescription {
  /** Identifies the runner (process) that owns the job, for the staleness rule. */
  owner: string;
  heartbeatAt: number;
}

const KIND = 'job';
const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Progress writes to the catalog at most this often. */
const SAVE_INTERVAL_MS = 1000;
/** A running job whose heartbeat is older than this, in another runner, is reported as interrupted. */
const STALE_AFTER_MS = 60_000;

export class JobRunner {
  private readonly owner = randomBytes(6).toString('hex');
  private readonly running = new Map<string, { abort: AbortController; done: Promise<unknown>; markStopping: () => Promise<unknown> }>();

  constructor(private readonly deps: { catalog: Catalog; clock: Clock }) {}

  async start<T>(spec: JobSpec, work: (ctx: JobContext) => Promise<JobOutcome<T>>): Promise<Job<T>> {
    const name = spec.name ?? generatedName(spec.type, this.deps.clock.now());
    if (!NAME_PATTERN.test(name)) throw invalid('name', name, 'a job name of 1 to 63 letters, digits and hyphens, starting with a letter or digit');
    const now = this.deps.clock.now();
    const iso = new Date(now).toISOString();
    const initial: StoredJob = {
      name,
      type: spec.type,
      status: 'InProgress',
      progress: 0,
      parameters: spec.parameters ?? {},
      outputs: {},
      createdAt: iso,
      updatedAt: iso,
      owner: this.owner,
      heartbeatAt: now,
    };
    await this.deps.catalog.create(KIND, name, initial, now);
    const abort = new AbortController();
    const state = { doc: initial, lastSave: now, saving: Promise.resolve() as Promise<unknown> };
    const save = (patch: Partial<StoredJob>, force: boolean): Promise<unknown> => {
      const t = this.deps.clock.now();
      state.doc = { ...state.doc, ...patch, updatedAt: new Date(t).toISOString(), heartbeatAt: t };
      if (!force && t - state.lastSave < SAVE_INTERVAL_MS) return state.saving;
      state.lastSave = t;
      const doc = state.doc;
      state.saving = state.saving.then(() => this.deps.catalog.update(KIND, name, doc, t)).catch(() => {});
      return state.saving;
    };
    const progress = trackingProgress((fraction, message) => void save({ progress: fraction, ...(message !== undefined ? { message } : {}) }, false));

    // Keeps the heartbeat fresh through long phases that report no progress.
    const heartbeat = setInterval(() => void save({}, true), STALE_AFTER_MS / 3);
    heartbeat.unref();
    const done = (async () => {
      try {
        const outcome = await work({ progress, signal: abort.signal });
        if (abort.signal.aborted) throw abort.signal.reason;
        await save({ status: 'Completed', progress: 1, outputs: outcome.outputs, endedAt: new Date(this.deps.clock.now()).toISOString() }, true);
        return outcome.result;
      } catch (e) {
        const stopped = abort.signal.aborted;
        const reason = e instanceof Error ? e.message : String(e);
        await save({ status: stopped ? 'Stopped' : 'Failed', ...(stopped ? {} : { failureReason: reason }), endedAt: new Date(this.deps.clock.now()).toISOString() }, true);
        throw e;
      } finally {
        clearInterval(heartbeat);
        this.running.delete(name);
      }
    })();
    done.catch(() => {}); // the caller sees the error through wait(); an unawaited job must not crash the process
    this.running.set(name, { abort, done, markStopping: () => (state.doc.status === 'InProgress' ? save({ status: 'Stopping' }, true) : state.saving) });
    return { name, wait: () => done as Promise<T>, describe: () => this.describe(name) };
  }

  async describe(name: string): Promise<JobDescription> {
    const entry = await this.deps.catalog.get<StoredJob>(KIND, name);
    if (!entry) throw new NotFoundError('job', name);
    return this.present(entry.doc);
  }

  async list(filter: { type?: string } = {}): Promise<JobDescription[]> {
    const entries = await this.deps.catalog.list<StoredJob>(KIND);
    return entries
      .map((e) => this.present(e.doc))
      .filter((d) => filter.type === undefined || d.type === filter.type)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** Asks a running job to stop; it ends as `Stopped`. Stopping a finished job does nothing. */
  async stop(name: string): Promise<void> {
    const run = this.running.get(name);
    if (!run) {
      await this.describe(name);
      return;
    }
    // Through the job's own state, so a later progress save keeps the status rather than writing InProgress back.
    await run.markStopping();
    run.abort.abort(new Error(`job "${name}" was stopped`));
    await run.done.catch(() => {});
  }

  /** Waits for every job started by this runner (used on close). */
  async drain(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done.catch(() => {})));
  }

  private present(doc: StoredJob): JobDescription {
    const { owner, heartbeatAt, ...description } = doc;
    const orphaned = (doc.status === 'InProgress' || doc.status === 'Stopping') && !this.running.has(doc.name) && (owner === this.owner || this.deps.clock.now() - heartbeatAt > STALE_AFTER_MS);
    if (!orphaned) return description;
    return { ...description, status: 'Failed', failureReason: 'interrupted: the process running the job stopped before it finished' };
  }
}

function generatedName(type: string, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const base = type.replace(/[^a-zA-Z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 36) || 'job';
  return `${base}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** A Progress that turns start/tick into a 0..1 fraction (several start() calls = successive phases). */
function trackingProgress(onChange: (fraction: number, message?: string) => void): Progress {
  let total = 0;
  let done = 0;
  return {
    start(n, label) {
      total = n;
      done = 0;
      onChange(0, label);
    },
    tick(n = 1) {
      done += n;
      if (total > 0) onChange(Math.min(1, done / total));
    },
    done() {
      if (total > 0) onChange(1);
    },
  };
}
