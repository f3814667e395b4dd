/**
 * @module catalog/catalog
 * The catalog port: metadata of every resource (feature groups now; models, endpoints, jobs and schedules
 * later). A resource is a JSON document identified by (kind, name) with a version for optimistic updates.
 * Adapters: sqlite/ (default) and postgres/; both pass `catalog.contract.ts`.
 */
export interface CatalogEntry<T = unknown> {
  kind: string;
  name: string;
  doc: T;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
  /** Starts at 1, +1 on every update. */
  version: number;
}

export interface Catalog {
  /** Inserts a new entry; throws ALREADY_EXISTS when (kind, name) is taken. */
  create<T>(kind: string, name: string, doc: T, now: number): Promise<CatalogEntry<T>>;
  get<T>(kind: string, name: string): Promise<CatalogEntry<T> | undefined>;
  /**
   * Replaces the document. With `expectedVersion`, throws CONFLICT when the stored version differs.
   * Throws NOT_FOUND when the entry is absent.
   */
  update<T>(kind: string, name: string, doc: T, now: number, expectedVersion?: number): Promise<CatalogEntry<T>>;
  /** Returns whether an entry was deleted. */
  delete(kind: string, name: string): Promise<boolean>;
  /** All entries of a kind, sorted by name. */
  list<T>(kind: string): Promise<CatalogEntry<T>[]>;
  close(): Promise<void>;
}
