/**
 * @module datasets
 * Synthetic datasets for examples, tests and benchmarks.
 */
export { DEFAULT_EVENT_TIME, SCHOLARSHIP_COLUMNS, generateScholarship, writeScholarship, type ScholarshipOptions } from './scholarship.js';
