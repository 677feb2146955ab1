/**
 * Windows-1252 or Mac Roman for a file that is not UTF-8: both decode any byte, so a wrong guess
 * would corrupt every accent silently (Mac Roman `é` read as `Ž`). A Windows-1252 catalog must never
 * be taken for Mac Roman (it was the only single-byte guess before), and an Excel for Mac export
 * ("CSV (Macintosh)": Mac Roman, CR line ends) must load with its accents intact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { guessSingleByteEncoding } from '../../src/ingest/legacy-encoding.js';
import { decodeSample, detectEncoding } from '../../src/ingest/decode.js';
import { ingestFile } from '../../src/ingest/index.js';
import { testEnv } from '../helpers/env.js';
import { stagedRows } from '../helpers/staging.js';

/** An encoder for a single-byte encoding, from the WHATWG decoder's own table (see decodeSample). */
function encoderFor(encoding: 'windows-1252' | 'macintosh' | 'iso-8859-15'): (text: string) => Buffer {
  const byChar = new Map<string, number>();
  for (let b = 255; b >= 0; b--) byChar.set(decodeSample(Uint8Array.of(b), encoding), b);
  return (text) =>
    Buffer.from(
      [...text].map((c) => {
        const b = byChar.get(c);
        if (b === undefined) throw new Error(`${encoding} cannot write ${JSON.stringify(c)}`);
        return b;
      }),
    );
}
const win = encoderFor('windows-1252');
const mac = encoderFor('macintosh');
const latin9 = encoderFor('iso-8859-15');

const CATALOG = [
  'id;titre;description;prix',
  'F1;Crème hydratante à l’aloe vera;Texture légère, idéale pour l’été — peaux sèches;12,90',
  'F2;Pull côtelé en laine mérinos;Maille épaisse, col roulé, lavable à 30°;59,00',
  'F3;Théière en fonte émaillée;Contenance 1,2 l, poignée isolée, intérieur émaillé;34,50',
  'F4;Chaussures de randonnée imperméables;Semelle crantée, tige en cuir nubuck, coutures étanchées;89,99',
  'F5;Größentabelle Damenmäntel;Wärmender Wollmantel, knöchellang, für Übergangszeiten;149,00',
  '',
].join('\r');

test('a French and German catalog is told apart in each encoding', () => {
  assert.equal(guessSingleByteEncoding(win(CATALOG)), 'windows-1252');
  assert.equal(guessSingleByteEncoding(mac(CATALOG)), 'macintosh');
  assert.deepEqual(detectEncoding(mac(CATALOG)), { encoding: 'macintosh', bom: 0 });
  assert.deepEqual(detectEncoding(win(CATALOG)), { encoding: 'windows-1252', bom: 0 });
});

test('without clear evidence the guess stays Windows-1252', () => {
  // One accented letter, or typographic punctuation only (0x80-0x9F in Windows-1252): no word gives Mac Roman away.
  assert.equal(guessSingleByteEncoding(mac('id,title\n1,Caf\u00e9\n')), 'windows-1252');
  assert.equal(guessSingleByteEncoding(win('id,title\n1,“Best” – 5€ … l’offre\n2,™ ‰ •\n')), 'windows-1252');
  assert.equal(guessSingleByteEncoding(Buffer.from('id,title\n1,plain ascii\n')), 'windows-1252');
});

const WORDS = [
  'été', 'crème', 'fenêtre', 'élève', 'garçon', 'forêt', 'noël', 'maïs', 'côté', 'où', 'déjà', 'très', 'bientôt', 'naïve',
  'Größe', 'Mädchen', 'schön', 'für', 'Straße', 'niño', 'camión', 'corazón', 'l’été', 'c’est', 'prêt-à-porter',
  'prix', 'laine', 'coton', 'taille', 'EUR', '19,90', '—', '–', '“neuf”', '…', '€', 'Noël', 'ÉTÉ', 'Ça',
  'don’t', 'word—word', 'A–Z', 'McÉclair', 'œuvre', 'Œuf', 'ŠKODA', 'Žižek',
];

test('Windows-1252 product text is never taken for Mac Roman; Mac Roman text with accented words is found', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 60 }), (words) => {
      const text = `id;titre\r1;${words.join(' ')}\r`;
      assert.equal(guessSingleByteEncoding(win(text)), 'windows-1252', text);
      // Mac Roman is found from two letters inside words that Windows-1252 reads as a control, a
      // symbol or a capital (é as Ž, ç as U+008D...). Its ñ ó í ö read as – — ’ š: no evidence.
      const tells = (text.match(/(?<=\p{L})[éèêàçäüïôîß](?=\p{Ll})/gu) ?? []).length;
      // Text that is odd itself (a capital inside a word: McÉclair) weighs against either reading.
      const plain = !/[ŠšŽžŒœ]/.test(text) && !/\p{L}\p{Lu}\p{Ll}/u.test(text); // and Mac Roman can write it
      if (tells >= 2 && plain) assert.equal(guessSingleByteEncoding(mac(text)), 'macintosh', text);
    }),
    { numRuns: 500 },
  );
});

test('an Excel for Mac export (Mac Roman, CR line ends) loads with its accents; --encoding macintosh works too', async (t) => {
  const env = testEnv();
  t.after(() => env.cleanup());
  const csv = [
    'id;title;price;link',
    'M1;Crème de jour hydratante;12,90;https://shop.example/m1',
    'M2;Théière émaillée, intérieur émaillé;34,50;https://shop.example/m2',
    'M3;Größe für Mädchen;9,99;https://shop.example/m3',
    '',
  ].join('\r');
  writeFileSync(env.path('mac.csv'), mac(csv));
  const guessed = await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('mac.csv'), createCatalog: true });
  assert.equal(guessed.encoding, 'macintosh');
  assert.equal(guessed.accepted, 3);
  assert.deepEqual(stagedRows(env, 'SELECT offer_id, title, price FROM offers ORDER BY oid'), [
    { offer_id: 'M1', title: 'Crème de jour hydratante', price: 1290 },
    { offer_id: 'M2', title: 'Théière émaillée, intérieur émaillé', price: 3450 },
    { offer_id: 'M3', title: 'Größe für Mädchen', price: 999 },
  ]);
  const told = await ingestFile({ config: env.config, db: env.db, catalog: 'told', source: env.path('mac.csv'), createCatalog: true, encoding: 'x-mac-roman' });
  assert.equal(told.encoding, 'macintosh');
  assert.deepEqual(stagedRows(env, 'SELECT title FROM offers ORDER BY oid LIMIT 1', [], 'told'), [{ title: 'Crème de jour hydratante' }]);
});

test('ISO-8859-15 is found from its € and œ; Windows-1252 text using ½ ¼ ´ ¨ is never taken for it', async (t) => {
  const l9 = ['id;titre;prix', 'L1;Cœur de palmier, bocal 400 g;3,90 €', 'L2;Œufs frais bio x6;2,95 €', ''].join('\n');
  assert.equal(guessSingleByteEncoding(latin9(l9)), 'iso-8859-15');
  assert.equal(guessSingleByteEncoding(latin9('id;titre\n1;Prix 12,50 €\n')), 'iso-8859-15', 'a euro sign alone is evidence: no text writes ¤');
  assert.equal(guessSingleByteEncoding(win('id;titre\n1;Farine 1½ kg, ¼ de prix\n2;l´été\n')), 'windows-1252');
  const winWords = ['été', 'crème', 'garçon', '1½', '½', '¾ l', '3¼', 'l´homme', 'na¨ive', '¦', 'prix', 'laine', '19,90', 'Noël', 'déjà'];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...winWords), { minLength: 1, maxLength: 40 }), (words) => {
      const text = `id;titre\n1;${words.join(' ')}\n`;
      assert.notEqual(guessSingleByteEncoding(win(text)), 'iso-8859-15', text);
    }),
    { numRuns: 500 },
  );
  const env = testEnv();
  t.after(() => env.cleanup());
  writeFileSync(env.path('latin9.csv'), latin9(l9));
  const r = await ingestFile({ config: env.config, db: env.db, catalog: 'shop', source: env.path('latin9.csv'), createCatalog: true });
  assert.equal(r.encoding, 'iso-8859-15');
  assert.deepEqual(stagedRows(env, 'SELECT title FROM offers ORDER BY oid'), [{ title: 'Cœur de palmier, bocal 400 g' }, { title: 'Œufs frais bio x6' }]);
});
