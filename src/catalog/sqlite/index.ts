/** @module catalog/sqlite  The embedded SQLite catalog adapter. */
export { SqliteCatalog, type SqliteCatalogOptions } from './sqlite-catalog.js';
