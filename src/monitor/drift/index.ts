/**
 * @module monitor/drift
 * Statistical drift beyond Model Monitor: Evidently-style per-column tests (KS, chi-square, z-test,
 * Wasserstein, Jensen-Shannon, PSI), a dataset-drift verdict and drift per segment; plus the distribution
 * functions (chi-square, normal, Kolmogorov) the constraint checks share.
 */
export { detectDrift, DEFAULT_DRIFT_SHARE, type ColumnDrift, type DatasetDrift, type DetectDriftOptions, type DriftColumnType, type DriftMethod, type DriftResult, type SegmentDrift } from './detect-drift.js';
export {
  DRIFT_TESTS,
  isDrift,
  numericSample,
  ksStatistic,
  ksTest,
  wassersteinDistance,
  wassersteinNormed,
  sampleStd,
  chiSquareTest,
  zTest,
  sturgesEdges,
  histogramCounts,
  binnedShares,
  jensenShannonDistance,
  psi,
  type Counts,
  type DriftTest,
  type NumericSample,
  type TestSpec,
} from './stattests.js';
export { chiSquareSf, normalCdf, erfc, gammaP, gammaQ, logGamma, kolmogorovSf, kolmogorovSmirnovSf, kolmogorovCdfMTW, smirnovSf, ksExactPValue } from './special.js';
