/**
 * Why an item was excluded or a field warned about: stable codes counted by the quality report
 * and matched by tests. They are data (like reject codes), not exceptions.
 */
export const REASONS = {
  missing: 'a required field has no value',
  missing_recommended: 'a recommended field has no value',
  too_long: 'the value is longer than the channel allows and the channel does not allow truncation',
  truncated: 'the value was shortened at a word boundary to the channel limit',
  html_not_allowed: 'the field holds HTML but the channel forbids it',
  invalid_url: 'not an absolute http(s) URL',
  invalid_gtin_characters: 'the GTIN holds characters other than digits',
  invalid_gtin_length: 'the GTIN does not have 8, 12, 13 or 14 digits (or is all zeros)',
  invalid_gtin_check_digit: 'the GTIN check digit (GS1 mod 10) is wrong',
  gtin_scientific_notation: 'the GTIN was saved by a spreadsheet as a number in scientific notation (4.00638E+12), which lost its digits: format the column as text and export again',
  invalid_price: 'not a price in the channel format',
  invalid_currency: 'the price text names another currency than the item',
  not_feed_currency:
    "the item is priced in another currency than the feed's, and this channel writes bare amounts: convert its prices with a convert rule (or set the catalog's currency)",
  price_not_positive: 'the price is zero or negative',
  sale_not_below_price: 'the sale price is not below the regular price',
  not_in_enum: "the value is not one of the channel's allowed values",
  invalid_date: 'not a calendar date YYYY-MM-DD',
  invalid_integer: 'not a whole number',
  out_of_range: 'the number is outside the allowed range',
  invalid_shipping: 'not a shipping entry country:region:service:price (a two-letter country or none, no colon or comma inside a part)',
  list_truncated: 'the list had more entries than the channel allows; the first ones were kept',
  duplicate_id: 'another item of the same feed has this id',
} as const;

export type Reason = keyof typeof REASONS;
