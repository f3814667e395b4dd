/**
 * @module models/onnx/onnx-predictor
 * The Predictor adapter for ONNX models (scikit-learn via skl2onnx, XGBoost/LightGBM via onnxmltools,
 * PyTorch exports), run on onnxruntime-node's CPU backend. The model must take one 2-D float input
 * [N, F]; see `onnx-io` for how the output is chosen and named.
 *
 * Classifier outputs keep one probability column per class, named by the model's class labels (or
 * '0'..'K-1'); for a binary classifier that is two columns and downstream code takes the positive class as
 * the last column. ZipMap outputs (skl2onnx's default) are rewritten to their dense probabilities tensor.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { PlatformError, ValidationError } from '../../core/errors.js';
import type { FeatureMatrix, Predictor } from '../predictor.js';
import { outputColumnNames, planInput, planOutput, type InputPlan, type OutputPlan } from './onnx-io.js';
import { classLabelsFor, readGraphNodes, stripZipMaps } from './onnx-proto.js';

export interface OnnxPredictorOptions {
  /** Feature names in input-column order; required when the model's feature dimension is symbolic. */
  featureNames?: string[];
  /** The output to read (default: the probabilities output, else the only float output). */
  outputName?: string;
  /** Asserts the name of the model's single input. */
  inputName?: string;
  /** Rows per session.run call (default 16,384). */
  batchRows?: number;
}

const DEFAULT_BATCH_ROWS = 16_384;

type Ort = typeof import('onnxruntime-node');
let ortModule: Promise<Ort> | undefined;

/** Loaded on first use: the native binding costs ~100 ms and most commands never touch ONNX. */
function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node');
  return ortModule;
}

export async function loadOnnxPredictor(bytes: Uint8Array, options: OnnxPredictorOptions = {}): Promise<Predictor> {
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) {
    throw new ValidationError([{ path: 'batchRows', message: `got ${batchRows}, expected a positive integer` }]);
  }
  if (bytes.length === 0) throw new ValidationError('not an ONNX model: the file is empty');
  const rewrite = stripZipMaps(bytes);
  const model = rewrite?.bytes ?? bytes;
  const ort = await loadOrt();
  const session = await createSession(ort, model);
  try {
    const input = planInput(session.inputMetadata, options.inputName);
    const outputName = options.outputName === undefined ? undefined : (rewrite?.renamed.get(options.outputName) ?? options.outputName);
    const output = planOutput(session.outputMetadata, outputName);
    const featureNames = resolveFeatureNames(input, options.featureNames);
    const run = makeRunner(ort, session, input, output);
    const width = output.width ?? (await probeWidth(run, featureNames.length));
    const classLabels = classLabelsFor(readGraphNodes(model) ?? [], output.name);
    const outputNames = outputColumnNames(output, width, classLabels);
    return new OnnxPredictor(session, run, featureNames, outputNames, batchRows);
  } catch (e) {
    await session.release();
    throw e;
  }
}

async function createSession(ort: Ort, model: Uint8Array): Promise<InferenceSession> {
  try {
    return await ort.InferenceSession.create(model);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/protobuf parsing failed/i.test(why)) throw new ValidationError('not an ONNX model: the bytes are not an ONNX protobuf');
    if (/no graph was found/i.test(why)) throw new ValidationError('not an ONNX model: the protobuf holds no graph');
    throw new ValidationError(`onnxruntime could not load the ONNX model: ${why}`);
  }
}

function resolveFeatureNames(input: InputPlan, given: string[] | undefined): string[] {
  if (given !== undefined) {
    if (input.featureCount !== undefined && given.length !== input.featureCount) {
      throw new ValidationError([
        { path: 'featureNames', message: `got ${given.length} names but the model's input "${input.name}" has ${input.featureCount} features` },
      ]);
    }
    return [...given];
  }
  if (input.featureCount === undefined) {
    throw new ValidationError([{ path: 'featureNames', message: `the model's input "${input.name}" has no fixed feature count; pass featureNames` }]);
  }
  return Array.from({ length: input.featureCount }, (_, j) => `f${j}`);
}

/** Runs one batch: row-major values for `rows` rows -> the output tensor's values and dims. */
type Runner = (values: Float64Array, rows: number, cols: number) => Promise<{ data: ArrayLike<number | bigint>; dims: readonly number[] }>;

function makeRunner(ort: Ort, session: InferenceSession, input: InputPlan, output: OutputPlan): Runner {
  return async (values, rows, cols) => {
    const data = input.type === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
    const feed = new ort.Tensor(input.type, data, [rows, cols]);
    let result: InferenceSession.ReturnType;
    try {
      result = await session.run({ [input.name]: feed }, [output.name]);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new PlatformError('INTERNAL', `onnxruntime failed to run the model on ${rows} rows: ${why}`, { cause: e });
    }
    const tensor = result[output.name] as Tensor;
    return { data: tensor.data as ArrayLike<number | bigint>, dims: tensor.dims };
  };
}

/** Output width the metadata leaves symbolic, from one all-zero row. */
async function probeWidth(run: Runner, cols: number): Promise<number> {
  const { data } = await run(new Float64Array(cols), 1, cols);
  return data.length;
}

class OnnxPredictor implements Predictor {
  readonly kind = 'onnx';

  constructor(
    private readonly session: InferenceSession,
    private readonly run: Runner,
    readonly featureNames: string[],
    readonly outputNames: string[],
    private readonly batchRows: number,
  ) {}

  async predict(matrix: FeatureMatrix): Promise<Float64Array> {
    const cols = this.featureNames.length;
    if (matrix.cols !== cols) {
      throw new ValidationError([{ path: 'matrix.cols', message: `got ${matrix.cols} feature columns, the ONNX model reads ${cols} (${this.featureNames.join(', ')})` }]);
    }
    if (matrix.values.length !== matrix.rows * cols) {
      throw new ValidationError([{ path: 'matrix.values', message: `got ${matrix.values.length} values, expected rows x cols = ${matrix.rows * cols}` }]);
    }
    const width = this.outputNames.length;
    const out = new Float64Array(matrix.rows * width);
    // Each run blocks the event loop (onnxruntime-node runs synchronously on the main thread), so batches
    // also bound how long the process stays unresponsive.
    for (let start = 0; start < matrix.rows; start += this.batchRows) {
      const rows = Math.min(this.batchRows, matrix.rows - start);
      const { data, dims } = await this.run(matrix.values.subarray(start * cols, (start + rows) * cols), rows, cols);
      if (data.length !== rows * width) {
        throw new PlatformError('INTERNAL', `the ONNX model returned shape [${dims.join(', ')}] for ${rows} rows, expected [${rows}, ${width}]`);
      }
      const at = start * width;
      for (let i = 0; i < data.length; i++) out[at + i] = Number(data[i]);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
