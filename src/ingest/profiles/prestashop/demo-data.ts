/**
 * The lookup tables of PrestaShop's installer demo data (`install/fixtures/<theme>/data/*.xml` and
 * `langs/<lang>/data/*.xml`), read from beside `data/product.xml`, the record stream.
 *
 * Entities refer to each other by symbolic ids (`id_product="Hummingbird_printed_t-shirt"`), except
 * stock_available.xml, which uses the numeric ids PrestaShop assigns at install time: 1, 2, 3... in
 * each file's document order. Both are resolved here. Every table but the language's product.xml
 * is optional: a missing one only leaves its fields empty.
 */
import { FeedmillError } from '../../../errors.js';
import type { ProfileContext } from '../../profile.js';
import { readTable, type Entity } from './entities.js';

export interface DemoCombination {
  /** Symbolic id (`product_attribute_46`). */
  id: string;
  /** Numeric id by document order of product_attribute.xml. */
  numericId: number;
  attrs: Record<string, string>;
  /** Attribute values of the combination: group public name, value name, color group or not. */
  values: { group: string; value: string; isColor: boolean }[];
  /** Numeric image id of its first image, if any. */
  image: number | undefined;
}

export interface DemoLookups {
  names: Map<string, Record<string, string>>;
  manufacturers: Map<string, string>;
  /** Symbolic category id → display path below the root ("Clothes > Men"). */
  categoryPaths: Map<string, string>;
  combinations: Map<string, DemoCombination[]>;
  /** Symbolic product id → numeric image ids, cover first. */
  images: Map<string, number[]>;
  /** `{numeric product}:{numeric combination or 0}` → quantity. */
  stock: Map<string, number>;
  /** Symbolic product id → its catalog-wide specific prices (reductions). */
  specificPrices: Map<string, Record<string, string>[]>;
}

function table(ctx: ProfileContext, path: string, element: string): Entity[] {
  return readTable(ctx, path, element) ?? [];
}

export function loadDemoData(ctx: ProfileContext, lang: string): DemoLookups {
  const langDir = `../langs/${lang}/data`;
  const langProducts = readTable(ctx, `${langDir}/product.xml`, 'product');
  if (langProducts === undefined) {
    throw new FeedmillError(
      'FEEDMILL_PROFILE_MISMATCH',
      `PrestaShop demo data: ${langDir}/product.xml is not beside ${ctx.sourceName}; product names come from it: keep the data/ and langs/ folders together, or choose the language with the lang option`,
      { profile: 'prestashop', file: `${langDir}/product.xml`, lang },
    );
  }
  const names = new Map<string, Record<string, string>>();
  for (const e of langProducts) if (e.attrs.id !== undefined) names.set(e.attrs.id, e.texts);

  const manufacturers = new Map<string, string>();
  for (const e of table(ctx, 'manufacturer.xml', 'manufacturer')) {
    const name = e.texts.name ?? e.attrs.name;
    if (e.attrs.id !== undefined && name !== undefined && name !== '') manufacturers.set(e.attrs.id, name);
  }

  const categoryParent = new Map<string, string>();
  for (const e of table(ctx, 'category.xml', 'category')) {
    if (e.attrs.id !== undefined) categoryParent.set(e.attrs.id, e.attrs.id_parent ?? '');
  }
  const categoryName = new Map<string, string>();
  for (const e of table(ctx, `${langDir}/category.xml`, 'category')) {
    if (e.attrs.id !== undefined && e.texts.name) categoryName.set(e.attrs.id, e.texts.name);
  }
  const categoryPaths = new Map<string, string>();
  for (const id of categoryParent.keys()) {
    const parts: string[] = [];
    // The root ("Home") is not in category.xml: the walk stops there. Bounded against cycles.
    for (let c: string | undefined = id; c !== undefined && categoryParent.has(c) && parts.length < 32; c = categoryParent.get(c)) {
      parts.unshift(categoryName.get(c) ?? c.replace(/_/g, ' '));
    }
    categoryPaths.set(id, parts.join(' > '));
  }

  const groupName = new Map<string, string>();
  for (const e of table(ctx, `${langDir}/attribute_group.xml`, 'attribute_group')) {
    const n = e.texts.public_name || e.texts.name;
    if (e.attrs.id !== undefined && n) groupName.set(e.attrs.id, n);
  }
  const colorGroups = new Set<string>();
  for (const e of table(ctx, 'attribute_group.xml', 'attribute_group')) {
    if (e.attrs.id !== undefined && (e.attrs.is_color_group === '1' || e.attrs.group_type === 'color')) colorGroups.add(e.attrs.id);
  }
  const attributeGroup = new Map<string, string>();
  for (const e of table(ctx, 'attribute.xml', 'attribute')) {
    if (e.attrs.id !== undefined) attributeGroup.set(e.attrs.id, e.attrs.id_attribute_group ?? '');
  }
  const attributeName = new Map<string, string>();
  for (const e of table(ctx, `${langDir}/attribute.xml`, 'attribute')) {
    if (e.attrs.id !== undefined && e.texts.name) attributeName.set(e.attrs.id, e.texts.name);
  }
  const combinationAttributes = new Map<string, string[]>();
  for (const e of table(ctx, 'product_attribute_combination.xml', 'product_attribute_combination')) {
    const pa = e.attrs.id_product_attribute;
    const a = e.attrs.id_attribute;
    if (pa === undefined || a === undefined) continue;
    const list = combinationAttributes.get(pa) ?? [];
    list.push(a);
    combinationAttributes.set(pa, list);
  }

  const imageNumber = new Map<string, number>();
  const images = new Map<string, number[]>();
  table(ctx, 'image.xml', 'image').forEach((e, i) => {
    const id = e.attrs.id;
    const product = e.attrs.id_product;
    if (id === undefined || product === undefined) return;
    imageNumber.set(id, i + 1);
    const list = images.get(product) ?? [];
    if (e.attrs.cover === '1') list.unshift(i + 1);
    else list.push(i + 1);
    images.set(product, list);
  });
  const combinationImage = new Map<string, number>();
  for (const e of table(ctx, 'product_attribute_image.xml', 'product_attribute_image')) {
    const n = e.attrs.id_image === undefined ? undefined : imageNumber.get(e.attrs.id_image);
    const pa = e.attrs.id_product_attribute;
    if (pa !== undefined && n !== undefined && !combinationImage.has(pa)) combinationImage.set(pa, n);
  }

  const combinations = new Map<string, DemoCombination[]>();
  table(ctx, 'product_attribute.xml', 'product_attribute').forEach((e, i) => {
    const id = e.attrs.id;
    const product = e.attrs.id_product;
    if (id === undefined || product === undefined) return;
    const values = (combinationAttributes.get(id) ?? []).map((a) => {
      const group = attributeGroup.get(a) ?? '';
      return { group: groupName.get(group) ?? group.replace(/_/g, ' '), value: attributeName.get(a) ?? a.replace(/_/g, ' '), isColor: colorGroups.has(group) };
    });
    const list = combinations.get(product) ?? [];
    list.push({ id, numericId: i + 1, attrs: e.attrs, values, image: combinationImage.get(id) });
    combinations.set(product, list);
  });

  const stock = new Map<string, number>();
  for (const e of table(ctx, 'stock_available.xml', 'stock_available')) {
    const q = Number(e.attrs.quantity);
    if (e.attrs.id_product !== undefined && Number.isSafeInteger(q)) stock.set(`${e.attrs.id_product}:${e.attrs.id_product_attribute || '0'}`, q);
  }

  const specificPrices = new Map<string, Record<string, string>[]>();
  for (const e of table(ctx, 'specific_price.xml', 'specific_price')) {
    // Only catalog-wide rules: no cart, customer, group, country or minimum quantity above one.
    const a = e.attrs;
    if (a.id_product === undefined || a.id_cart || a.id_customer || a.id_group || a.id_country) continue;
    if ((a.from_quantity ?? '1') !== '1' && a.from_quantity !== '0') continue;
    const list = specificPrices.get(a.id_product) ?? [];
    list.push(a);
    specificPrices.set(a.id_product, list);
  }

  return { names, manufacturers, categoryPaths, combinations, images, stock, specificPrices };
}
