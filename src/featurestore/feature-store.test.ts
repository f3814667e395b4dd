import { runFeatureStoreScenarios } from '../../test/helpers/feature-store-scenarios.js';

runFeatureStoreScenarios({ name: 'the embedded default (SQLite catalog, SQLite online store, local files)', config: () => undefined });
