/** The deterministic catalog generator: programmatic API (the CLI is cli.ts). */
export { generateCatalog, createSource, GENERATOR_VERSION, type GenerateResult } from './generate.js';
export {
  resolveOptions,
  tourPlan,
  SHAPES,
  FORMATS,
  CONTAINERS,
  DEFAULT_DEPARTURES,
  DEFAULT_SEED,
  type GenerateOptions,
  type ResolvedOptions,
  type Shape,
  type Format,
  type Container,
} from './options.js';
export { ensureDataset, datasetFile, datasetName, type DatasetKey } from './dataset.js';
export { MerchantOffers, type MerchantOffer, type MerchantAvailability } from './merchant-offers.js';
export { MERCHANT_CSV_COLUMNS } from './merchant-csv.js';
export { catalogChunks, type RecordSource } from './record-source.js';
export type { TourPlan } from './tour-xml.js';
export { gs1CheckDigit, isValidGtin } from './text.js';
export { Prng } from './prng.js';
