/**
 * @module explain
 * Explainability: Kernel SHAP for any model (Clarify's knobs and outputs), exact TreeSHAP for tree
 * models (path-dependent, equal to XGBoost's pred_contribs / pred_interactions, and interventional against
 * a baseline), partial dependence, Clarify's analysis.json / out.csv / baseline.csv and an HTML report.
 */
export { SHAPConfig, PDPConfig, parseExplainabilityConfig } from './config.js';
export type { BaselineInput, ShapConfigInput, PdpConfigInput, ParsedExplainabilityConfig } from './config.js';
export { AGG_METHODS, aggregate, type AggMethod } from './aggregate.js';
export { kernelShap, type KernelShapOptions, type KernelShapResult, type PredictFn, type CoalitionEvaluator } from './kernel-shap.js';
export { buildCoalitions, sampleCount, shapleyKernelWeight, type CoalitionSet } from './coalitions.js';
export { treeShap, treeShapSync, treeShapInteractions, type TreeShapOptions } from './tree-shap.js';
export { interventionalTreeShap } from './tree-shap-interventional.js';
export { treeCoalitionEvaluator } from './tree-game.js';
export { partialDependence, pdpGrid, type PartialDependence } from './pdp.js';
export { baselineClusters, cluster, type Clustering, type ClusterOptions } from './kmeans.js';
export { runExplainability } from './run-explainability.js';
export type { ExplainMethod, ExplainRunContext, ExplainabilityAnalysisJson, ExplanationJson, PdpJson, RunExplainabilityOptions, RunExplainabilityResult } from './run-explainability.js';
