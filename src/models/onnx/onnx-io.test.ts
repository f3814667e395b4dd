/**
 * @module models/onnx/onnx-io.test
 * Input/output choice from session metadata alone, for shapes the fixtures do not cover.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { outputColumnNames, planInput, planOutput } from './onnx-io.js';

type Meta = InferenceSession.ValueMetadata;
const tensor = (name: string, type: string, shape: Array<number | string>): Meta => ({ name, isTensor: true, type, shape }) as Meta;
const sequence = (name: string): Meta => ({ name, isTensor: false });

describe('planInput', () => {
  it('reads the feature count from a fixed second dimension', () => {
    expect(planInput([tensor('x', 'float64', ['', 7])])).toEqual({ name: 'x', type: 'float64', featureCount: 7 });
    expect(planInput([tensor('x', 'float32', ['N', 'F'])])).toEqual({ name: 'x', type: 'float32' });
    expect(planInput([tensor('x', 'float32', [])])).toEqual({ name: 'x', type: 'float32' });
  });

  it('refuses integer, non-tensor and non-2-D inputs', () => {
    expect(() => planInput([tensor('ids', 'int64', ['', 3])])).toThrow(`the ONNX model's input "ids" is int64; plumbline feeds one [N, F] float tensor (float32 or float64)`);
    expect(() => planInput([sequence('x')])).toThrow('is not a tensor');
    expect(() => planInput([tensor('image', 'float32', ['', 3, 224, 224])])).toThrow(`input "image" has shape [?, 3, 224, 224]`);
    expect(() => planInput([])).toThrow('the ONNX model expects 0 inputs; plumbline feeds one [N, F] float tensor');
  });
});

describe('planOutput', () => {
  it('prefers a probabilities output over the label', () => {
    const outputs = [tensor('output_label', 'int64', ['']), tensor('output_probability', 'float32', ['', 2])];
    expect(planOutput(outputs)).toEqual({ name: 'output_probability', width: 2, probabilities: true });
  });

  it('takes the only float output of a regressor; [N] counts as one column', () => {
    expect(planOutput([tensor('variable', 'float32', [''])])).toEqual({ name: 'variable', width: 1, probabilities: false });
    expect(planOutput([tensor('y', 'float64', ['N', 'K'])])).toEqual({ name: 'y', probabilities: false });
  });

  it('refuses a ZipMap it could not rewrite, suggesting zipmap=False', () => {
    const outputs = [tensor('output_label', 'int64', ['']), sequence('output_probability')];
    expect(() => planOutput(outputs)).toThrow(/output "output_probability" is a sequence or map \(a ZipMap\).*zipmap=False/);
  });

  it('asks for outputName when several float outputs compete', () => {
    const outputs = [tensor('mean', 'float32', ['', 1]), tensor('stddev', 'float32', ['', 1])];
    expect(() => planOutput(outputs)).toThrow('the ONNX model has 2 float outputs (mean, stddev); pass outputName to choose one');
    expect(planOutput(outputs, 'stddev').name).toBe('stddev');
    expect(() => planOutput([tensor('label', 'string', [''])])).toThrow('no numeric output');
  });
});

describe('outputColumnNames', () => {
  const prob = { name: 'probabilities', probabilities: true };
  it('names columns score, by class labels, by index or by output', () => {
    expect(outputColumnNames(prob, 1)).toEqual(['score']);
    expect(outputColumnNames(prob, 2)).toEqual(['0', '1']);
    expect(outputColumnNames(prob, 2, ['no', 'yes'])).toEqual(['no', 'yes']);
    expect(outputColumnNames(prob, 3, ['no', 'yes'])).toEqual(['0', '1', '2']);
    expect(outputColumnNames({ name: 'y', probabilities: false }, 2)).toEqual(['y_0', 'y_1']);
  });
});
