/**
 * @module featurestore/offline-query
 * `OfflineQuery`: the SageMaker SDK's `AthenaQuery` (`run`, `wait`, `as_dataframe`) over plumbline's offline
 * store. There is no 15-minute lag and no query service: `run` executes at once with DuckDB, `wait`
 * returns immediately, and the result is a column table (or a file in the object store when an output
 * location is given).
 */
import { randomUUID } from 'node:crypto';
import type { ColumnTable } from '../core/columns.js';
import { PlatformError } from '../core/errors.js';
import type { QueryResult } from './offline/offline-session.js';

export type QueryState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface QueryRunner {
  query(sql: string): Promise<QueryResult>;
  exportQuery(sql: string, options: { format: 'csv' | 'parquet' | 'jsonl'; header?: boolean; uri: string }): Promise<{ uri: string; rows: number }>;
}

export class OfflineQuery {
  private state: QueryState | undefined;
  private result: QueryResult | undefined;
  private error: unknown;
  private outputUri: string | undefined;
  private running: Promise<void> | undefined;
  queryExecutionId: string | undefined;

  constructor(
    /** The table name to use in SQL (the group's Glue-style table name; the group name works too). */
    readonly tableName: string,
    readonly database: string,
    private readonly runner: QueryRunner,
  ) {}

  /**
   * Runs a read-only SELECT. With `outputLocation` (a folder URI inside the object store), the result is
   * also written there as `<queryExecutionId>.csv`, as Athena does. Returns the query execution id.
   */
  run(queryString: string, outputLocation?: string): string {
    const id = randomUUID();
    this.queryExecutionId = id;
    this.state = 'RUNNING';
    this.result = undefined;
    this.error = undefined;
    this.outputUri = outputLocation ? `${outputLocation.replace(/\/+$/, '')}/${id}.csv` : undefined;
    this.running = (async () => {
      try {
        this.result = await this.runner.query(queryString);
        if (this.outputUri) await this.runner.exportQuery(queryString, { format: 'csv', header: true, uri: this.outputUri });
        this.state = 'SUCCEEDED';
      } catch (e) {
        this.error = e;
        this.state = 'FAILED';
      }
    })();
    return id;
  }

  /** Waits for the query; rethrows its error when it failed. */
  async wait(): Promise<void> {
    if (!this.running) throw new PlatformError('VALIDATION_FAILED', 'no query has been run: call run(queryString) first');
    await this.running;
    if (this.state === 'FAILED') throw this.error;
  }

  getQueryExecution(): { QueryExecutionId?: string; Status: { State: QueryState | 'NOT_STARTED' }; OutputLocation?: string } {
    return {
      ...(this.queryExecutionId ? { QueryExecutionId: this.queryExecutionId } : {}),
      Status: { State: this.state ?? 'NOT_STARTED' },
      ...(this.outputUri ? { OutputLocation: this.outputUri } : {}),
    };
  }

  /** The result as a column table (`as_dataframe()` in the SageMaker SDK). */
  asTable(): ColumnTable {
    if (this.state !== 'SUCCEEDED' || !this.result) {
      throw new PlatformError('VALIDATION_FAILED', this.state === 'RUNNING' ? 'the query is still being executed: await wait() first' : `the query has not succeeded (state ${this.state ?? 'NOT_STARTED'})`);
    }
    return this.result.table;
  }
}
