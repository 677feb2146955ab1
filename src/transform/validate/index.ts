export { checkGtin, isValidGtin, gs1CheckDigit, GTIN_LENGTHS, type GtinProblem } from './gtin.js';
export { isHttpUrl } from './url.js';
export { isIsoDate } from './date.js';
export { toInteger } from './integer.js';
export { decodeEntities } from './entities.js';
export { cleanText, stripHtml, containsHtml, charLength, fitsLength, truncateAtWord } from './text.js';
export { toMinorUnits, formatPriceAs, parseFeedPrice, type PriceStyle, type PriceProblem } from './price.js';
export { DuplicateIdChecker } from './duplicate-ids.js';
export { REASONS, type Reason } from './reasons.js';
