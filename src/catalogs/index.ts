export { CatalogRegistry, CATALOG_DDL, type Catalog, type CatalogInput } from './registry.js';
