/** @module config  Workspace configuration: where the workspace is and which backend serves each concern. */
export * from './workspace-config.js';
