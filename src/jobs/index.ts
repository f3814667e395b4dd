/**
 * @module jobs
 * In-process jobs with catalog-persisted status, progress and outputs (`JobRunner`).
 */
export { JobRunner, type Job, type JobContext, type JobDescription, type JobOutcome, type JobSpec, type JobStatus } from './job-runner.js';
