/**
 * @module models/gbt/xgboost
 * XGBoost's JSON model format (`Booster.save_model("model.json")`, XGBoost 1.7+) to and from TreeEnsemble.
 */
export { formatFloat32, shortestFloat32 } from './float32-text.js';
export { checkTree, XGB_NO_PARENT } from './tree-check.js';
export { checkEnsemble, parseXgboostJson, serializeXgboostJson, SUPPORTED_OBJECTIVES, toXgboostJson, WRITTEN_VERSION } from './xgboost-json.js';
