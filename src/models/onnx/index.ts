/** @module models/onnx  ONNX models as Predictors; onnxruntime-node loads on the first `loadOnnxPredictor`. */
export { loadOnnxPredictor, type OnnxPredictorOptions } from './onnx-predictor.js';
