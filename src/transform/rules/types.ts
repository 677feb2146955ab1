/**
 * The rule set as data: what `parseRuleSet` returns, what crosses into transform workers, what
 * `rulesHash` hashes.
 *
 * A normalised spec has the same shape as a rule file (so it is valid input again: validation is
 * idempotent, and workers re-validate it cheaply before compiling) but canonical: item field names
 * in camelCase, decimals as strings, defaults filled in, category files resolved into `table`.
 * It is plain JSON: no functions, no RegExp objects, no Maps.
 */

/** A decimal as written by the user, kept as text so that no float ever touches it ("19.99"). */
export type DecimalText = string;

export interface LeafCondition {
  /** Canonical item field name or `attrs.<key>`. */
  field: string;
  equals?: string;
  in?: string[];
  contains?: string;
  matches?: string;
  gt?: DecimalText;
  gte?: DecimalText;
  lt?: DecimalText;
  lte?: DecimalText;
  empty?: boolean;
  /** equals / in / contains / matches ignore case. */
  ignoreCase?: boolean;
}

export type ConditionSpec =
  | LeafCondition
  | { all: ConditionSpec[] }
  | { any: ConditionSpec[] }
  | { not: ConditionSpec };

interface RuleBase {
  name?: string;
  /** The rule only runs on items that match; others pass through untouched. */
  when?: ConditionSpec;
}

export interface KeepRule extends RuleBase { keep: ConditionSpec }
export interface DropRule extends RuleBase { drop: ConditionSpec }

export interface SetRule extends RuleBase {
  set: {
    field: string;
    /** Literal value; "" clears the field. Exactly one of value / template. */
    value?: string;
    template?: string;
    /** Only fill the field when it is empty. @default false */
    ifEmpty: boolean;
  };
}

export type CaseChange = 'upper' | 'lower' | 'title' | 'sentence';

export interface CleanRule extends RuleBase {
  clean: {
    fields: string[];
    stripHtml: boolean;
    collapseSpaces: boolean;
    trim: boolean;
    case?: CaseChange;
    maxLength?: number;
    /** Appended when maxLength cuts, counted inside the limit. @default "" */
    ellipsis: string;
    /** Cut at the last word boundary before the limit when there is one. @default true */
    wordBoundary: boolean;
  };
}

export interface ReplaceRule extends RuleBase {
  replace: {
    fields: string[];
    /** Exactly one of find (literal) / pattern (regular expression). */
    find?: string;
    pattern?: string;
    with: string;
    ignoreCase: boolean;
  };
}

export type RoundMode = 'up' | 'down' | 'nearest';

export interface RoundSpec {
  /** Grid step in major units ("1" = whole units, "0.05", "10"). */
  step: DecimalText;
  /** Amount added to each grid point, below step ("0.99" for charm prices). */
  ending: DecimalText;
  mode: RoundMode;
}

export interface PriceRule extends RuleBase {
  price: {
    /** Money fields to adjust. @default ["price", "salePrice"] */
    fields: string[];
    /** Markup in percent, may be negative ("10", "-7.5"). */
    percent?: DecimalText;
    /** Fixed amount in major units of the item's currency, may be negative. */
    add?: DecimalText;
    round?: RoundSpec;
  };
}

export interface ConvertRule extends RuleBase {
  convert: {
    /** Target ISO 4217 currency. */
    to: string;
    /** Source currency → how many units of `to` one unit of it is worth. */
    rates: Record<string, DecimalText>;
    /** An item whose currency has no rate. @default "drop" */
    onMissingRate: 'drop' | 'keep';
  };
}

export interface CategoryRule extends RuleBase {
  category: {
    /** @default "category" */
    from: string;
    /** @default "googleCategory" */
    to: string;
    /** exact: whole path only; prefix: the longest mapped ancestor path wins. @default "prefix" */
    match: 'exact' | 'prefix';
    /** Merchant category path → channel taxonomy id or path. */
    table: Record<string, string>;
    /** CSV file beside the rule file; loadRuleFile merges it into `table` and removes this key. */
    file?: string;
    /** Value written when no row matches. */
    default?: string;
    /** What happens to an item that matches no row and has no default. @default "keep" */
    onMiss: 'keep' | 'drop';
    /** Between path segments. @default ">" */
    separator?: string;
  };
}

export interface UtmRule extends RuleBase {
  utm: {
    /** URL fields to tag. @default ["link"] */
    fields: string[];
    /** Parameter name → template; utm_source etc. come from the short keys. */
    params: Record<string, string>;
    /** replace: overwrite a parameter that is there; append: leave it. @default "replace" */
    mode: 'replace' | 'append';
  };
}

export interface ShippingRule extends RuleBase {
  shipping: {
    /** ISO 3166-1 alpha-2, upper case: the country whose rate becomes the shipping price. */
    country: string;
    /** No entry applies to the country: clear the shipping price, keep it, or drop the item. @default "clear" */
    onMissing: 'clear' | 'keep' | 'drop';
  };
}

export type RuleSpec =
  | KeepRule
  | DropRule
  | SetRule
  | CleanRule
  | ReplaceRule
  | PriceRule
  | ConvertRule
  | CategoryRule
  | UtmRule
  | ShippingRule;

export const RULE_KINDS = ['keep', 'drop', 'set', 'clean', 'replace', 'price', 'convert', 'category', 'utm', 'shipping'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** `all` runs first for every channel, then the channel's own section from `channels`. */
export interface RuleSetSpec {
  version: 1;
  all: RuleSpec[];
  channels: Record<string, RuleSpec[]>;
}

/** One rule's counters; plain JSON for the quality report. */
export interface RuleCounter {
  /** `section[index] name-or-kind`, unique within a rule set. */
  label: string;
  section: string;
  index: number;
  name: string | null;
  kind: RuleKind;
  /** Items the rule ran on (its `when` matched, or it has none). */
  applied: number;
  /** Items whose fields the rule changed. */
  changed: number;
  /** Items the rule dropped. */
  dropped: number;
  /** Items the rule found nothing for (no category row, no rate, no URL). */
  missed: number;
}

export interface RuleCounters {
  channel: string;
  items: number;
  kept: number;
  dropped: number;
  rules: RuleCounter[];
}
