/**
 * @module serving/batcher
 * Dynamic batching: small requests that reach one variant in the same event-loop turn (concurrent connections
 * read in one poll phase) are predicted in one `predict()` call and the scores handed back per request. A model
 * call has a fixed cost (scratch buffers, promise hops) that one row does not amortise; a batch does. A small
 * request waits at most until the end of the current event-loop turn (`setImmediate`); requests above `maxRows`
 * rows go straight to the model. A model error fails every request of its batch (each gets the error).
 */
import type { FeatureMatrix, Predictor } from '../models/index.js';

interface Waiting {
  matrix: FeatureMatrix;
  resolve(scores: Float64Array): void;
  reject(e: unknown): void;
}

export class PredictBatcher {
  private pending: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly predictor: Predictor,
    private readonly maxRows = 64,
  ) {}

  predict(matrix: FeatureMatrix): Promise<Float64Array> {
    if (matrix.rows > this.maxRows) return this.direct(matrix);
    return new Promise<Float64Array>((resolve, reject) => {
      this.pending.push({ matrix, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.run());
      }
    });
  }

  private direct(matrix: FeatureMatrix): Promise<Float64Array> {
    return this.predictor.predict(matrix);
  }

  private run(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    // Split into batches of at most maxRows rows.
    let start = 0;
    while (start < all.length) {
      let rows = 0;
      let end = start;
      while (end < all.length && (end === start || rows + all[end]!.matrix.rows <= this.maxRows)) rows += all[end++]!.matrix.rows;
      void this.runBatch(all.slice(start, end), rows);
      start = end;
    }
  }

  private async runBatch(batch: Waiting[], rows: number): Promise<void> {
    if (batch.length === 1) {
      const w = batch[0]!;
      this.direct(w.matrix).then(w.resolve, w.reject);
      return;
    }
    const cols = batch[0]!.matrix.cols;
    const values = new Float64Array(rows * cols);
    let offset = 0;
    for (const w of batch) {
      values.set(w.matrix.values, offset * cols);
      offset += w.matrix.rows;
    }
    let scores: Float64Array;
    try {
      scores = await this.direct({ rows, cols, values });
    } catch (e) {
      for (const w of batch) w.reject(e);
      return;
    }
    const k = scores.length / rows;
    offset = 0;
    for (const w of batch) {
      w.resolve(scores.subarray(offset * k, (offset + w.matrix.rows) * k));
      offset += w.matrix.rows;
    }
  }
}
