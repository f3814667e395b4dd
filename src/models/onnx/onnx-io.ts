/**
 * @module models/onnx/onnx-io
 * Which model input plumbline feeds and which output it reads, decided from onnxruntime's session
 * metadata alone (pure functions, so every refusal is testable without a model).
 */
import type { InferenceSession } from 'onnxruntime-node';
import { ValidationError } from '../../core/errors.js';

type ValueMetadata = InferenceSession.ValueMetadata;

export type InputType = 'float32' | 'float64';
const NUMERIC_OUTPUTS = new Set(['float32', 'float64', 'int32', 'int64']);

export interface InputPlan {
  name: string;
  type: InputType;
  /** Fixed width of the [N, F] input; undefined when symbolic. */
  featureCount?: number;
}

export interface OutputPlan {
  name: string;
  /** Columns per row when the metadata fixes them ([N] counts as 1). */
  width?: number;
  /** Chosen as a class-probabilities output. */
  probabilities: boolean;
}

const FEED = 'plumbline feeds one [N, F] float tensor';

export function planInput(inputs: readonly ValueMetadata[], inputName?: string): InputPlan {
  if (inputs.length !== 1) {
    const names = inputs.map((i) => i.name).join(', ');
    throw new ValidationError(`the ONNX model expects ${inputs.length} inputs${names ? ` (${names})` : ''}; ${FEED}`);
  }
  const input = inputs[0]!;
  if (inputName !== undefined && inputName !== input.name) {
    throw new ValidationError([{ path: 'inputName', message: `the ONNX model has no input "${inputName}" (its input is "${input.name}")` }]);
  }
  if (!input.isTensor) throw new ValidationError(`the ONNX model's input "${input.name}" is not a tensor; ${FEED}`);
  if (input.type !== 'float32' && input.type !== 'float64') {
    throw new ValidationError(`the ONNX model's input "${input.name}" is ${input.type}; ${FEED} (float32 or float64)`);
  }
  // An empty shape means the model declares none; treat it as [N, F] with F unknown.
  if (input.shape.length !== 0 && input.shape.length !== 2) {
    throw new ValidationError(`the ONNX model's input "${input.name}" has shape ${formatShape(input.shape)}; ${FEED}`);
  }
  const width = input.shape[1];
  return typeof width === 'number' ? { name: input.name, type: input.type, featureCount: width } : { name: input.name, type: input.type };
}

/**
 * The output to read: `outputName` when given; else a numeric output whose name says probabilities
 * (`probabilities`, `output_probability`); else the only float output.
 */
export function planOutput(outputs: readonly ValueMetadata[], outputName?: string): OutputPlan {
  const list = outputs.map((o) => o.name).join(', ');
  let chosen: ValueMetadata | undefined;
  if (outputName !== undefined) {
    chosen = outputs.find((o) => o.name === outputName);
    if (!chosen) throw new ValidationError([{ path: 'outputName', message: `the ONNX model has no output "${outputName}" (outputs: ${list})` }]);
  } else {
    const probability = outputs.filter((o) => /prob/i.test(o.name));
    chosen = probability.find((o) => o.isTensor && NUMERIC_OUTPUTS.has(o.type)) ?? probability.find((o) => !o.isTensor);
    if (!chosen) {
      const floats = outputs.filter((o) => o.isTensor && (o.type === 'float32' || o.type === 'float64'));
      if (floats.length > 1) {
        throw new ValidationError(`the ONNX model has ${floats.length} float outputs (${floats.map((o) => o.name).join(', ')}); pass outputName to choose one`);
      }
      chosen = floats[0];
    }
    if (!chosen) throw new ValidationError(`the ONNX model has no numeric output plumbline can read (outputs: ${list})`);
  }
  if (!chosen.isTensor) {
    throw new ValidationError(
      `the ONNX model's output "${chosen.name}" is a sequence or map (a ZipMap), which onnxruntime-node cannot return; ` +
        `re-export the classifier with zipmap=False (skl2onnx: options={"zipmap": False}) or pass outputName`,
    );
  }
  if (!NUMERIC_OUTPUTS.has(chosen.type)) {
    throw new ValidationError(`the ONNX model's output "${chosen.name}" is ${chosen.type}; plumbline reads numeric scores or probabilities`);
  }
  if (chosen.shape.length > 2) {
    throw new ValidationError(`the ONNX model's output "${chosen.name}" has shape ${formatShape(chosen.shape)}; plumbline reads [N] or [N, K]`);
  }
  const width = chosen.shape.length === 1 ? 1 : chosen.shape[1];
  const probabilities = /prob/i.test(chosen.name);
  return typeof width === 'number' ? { name: chosen.name, width, probabilities } : { name: chosen.name, probabilities };
}

/**
 * Column names: ['score'] for one column; the graph's class labels when they match the width; '0'..'K-1'
 * for probabilities without labels; `<output>_<j>` otherwise. A binary classifier keeps both probability
 * columns, so downstream code takes the positive class as the last column.
 */
export function outputColumnNames(plan: OutputPlan, width: number, classLabels?: string[]): string[] {
  if (width === 1) return ['score'];
  if (classLabels && classLabels.length === width) return [...classLabels];
  return Array.from({ length: width }, (_, j) => (plan.probabilities ? String(j) : `${plan.name}_${j}`));
}

function formatShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((d) => (d === '' ? '?' : d)).join(', ')}]`;
}
