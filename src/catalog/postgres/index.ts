/** @module catalog/postgres  The PostgreSQL catalog adapter; import it only when configured, it loads `pg`. */
export { PostgresCatalog, type PostgresCatalogOptions } from './postgres-catalog.js';
