/** @module models/remote  Models behind a SageMaker-style /ping + /invocations server, as Predictors. */
export { createRemotePredictor, type RemotePredictor, type RemotePredictorOptions } from './remote-predictor.js';
