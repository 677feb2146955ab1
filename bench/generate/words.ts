/**
 * The vocabulary of generated catalogs: merchant verticals and tour destinations. Text is mostly
 * French with some German and Spanish, on purpose: accents (multi-byte UTF-8), apostrophes,
 * embedded double quotes, commas, ampersands and `>` are what real exports carry and what parsers
 * and escapers get wrong.
 */

export interface Vertical {
  /** Short code used in ids and URLs. */
  code: string;
  /** Merchant category paths (` > ` separated). */
  productTypes: readonly string[];
  /** Google product category: the id or the path (merchants give either). */
  googleCategory: { id: string; path: string };
  nouns: readonly string[];
  adjectives: readonly string[];
  materials: readonly string[];
  /** Variant sizes; empty: the vertical has no size axis. */
  sizes: readonly string[];
  /** Whether variants differ by colour. */
  colors: boolean;
  genders: readonly string[];
  ageGroups: readonly string[];
  /** Base price range in minor units. */
  price: readonly [number, number];
  /** Most products of this vertical have this many variants at most. */
  maxVariants: number;
}

const APPAREL_SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const SHOE_SIZES = ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46'];

export const VERTICALS: readonly Vertical[] = [
  {
    code: 'VET',
    productTypes: ['Vêtements > Femme > Vestes & Manteaux', 'Vêtements > Homme > Pulls & Gilets', 'Vêtements > Homme > T-shirts', 'Vêtements > Femme > Robes'],
    googleCategory: { id: '1604', path: 'Apparel & Accessories > Clothing' },
    nouns: ['Veste', 'Parka', 'Pull col roulé', 'T-shirt', 'Robe portefeuille', 'Gilet', 'Chemise', 'Sweat à capuche', 'Doudoune', 'Trench'],
    adjectives: ['imperméable', 'légère', 'oversize', 'ajusté', 'éco-responsable', 'chaude', 'élégante', 'décontractée', 'brodée'],
    materials: ['coton bio', 'laine mérinos', 'lin lavé', 'polyester recyclé', 'cachemire', 'viscose', 'denim'],
    sizes: APPAREL_SIZES,
    colors: true,
    genders: ['female', 'male', 'unisex'],
    ageGroups: ['adult', 'adult', 'adult', 'teen'],
    price: [1490, 24900],
    maxVariants: 8,
  },
  {
    code: 'CHA',
    productTypes: ['Chaussures > Baskets', 'Chaussures > Randonnée', 'Chaussures > Ville > Mocassins'],
    googleCategory: { id: '187', path: 'Apparel & Accessories > Shoes' },
    nouns: ['Baskets', 'Chaussures de randonnée', 'Mocassins', 'Bottines', 'Sandales', 'Derbies'],
    adjectives: ['respirantes', 'en cuir pleine fleur', 'à lacets', 'antidérapantes', 'vegan', 'montantes'],
    materials: ['cuir', 'daim', 'toile', 'mesh', 'caoutchouc naturel'],
    sizes: SHOE_SIZES,
    colors: true,
    genders: ['female', 'male', 'unisex'],
    ageGroups: ['adult', 'adult', 'kids'],
    price: [2990, 18900],
    maxVariants: 10,
  },
  {
    code: 'ELE',
    productTypes: ['High-Tech > Écrans', 'High-Tech > Audio > Casques', 'High-Tech > Téléphonie > Accessoires', 'Informatique > Périphériques'],
    googleCategory: { id: '222', path: 'Electronics' },
    nouns: ['Écran 27"', 'Casque Bluetooth', 'Enceinte portable', 'Chargeur USB-C 65 W', 'Clavier mécanique', 'Souris sans fil', 'Écran 32" incurvé', 'Barre de son'],
    adjectives: ['4K', 'à réduction de bruit', 'étanche IPX7', 'rétroéclairé', 'compact', 'ergonomique', '"gaming"'],
    materials: ['aluminium', 'plastique recyclé', 'verre trempé', 'ABS'],
    sizes: [],
    colors: true,
    genders: ['unisex'],
    ageGroups: ['adult'],
    price: [1990, 89900],
    maxVariants: 3,
  },
  {
    code: 'MAI',
    productTypes: ['Maison > Cuisine > Ustensiles', 'Maison > Linge de lit', 'Maison > Déco > Luminaires', 'Jardin > Mobilier'],
    googleCategory: { id: '536', path: 'Home & Garden' },
    nouns: ['Poêle', 'Cocotte', 'Parure de lit', 'Lampe à poser', 'Plaid', 'Chaise de jardin', 'Théière', 'Set de couteaux'],
    adjectives: ['en fonte émaillée', 'anti-adhésive', 'tissé main', 'scandinave', 'pliable', 'induction'],
    materials: ['fonte', 'inox 18/10', 'chêne massif', 'percale de coton', 'céramique', 'rotin'],
    sizes: ['Ø 20 cm', 'Ø 24 cm', 'Ø 28 cm', '140 x 200', '160 x 200', '200 x 200'],
    colors: true,
    genders: [],
    ageGroups: [],
    price: [990, 39900],
    maxVariants: 4,
  },
  {
    code: 'BEA',
    productTypes: ['Beauté > Soins du visage', 'Beauté > Parfums', 'Beauté > Cheveux'],
    googleCategory: { id: '469', path: 'Health & Beauty' },
    nouns: ['Crème hydratante', 'Sérum', 'Eau de parfum', 'Shampooing solide', 'Huile sèche', 'Baume à lèvres'],
    adjectives: ['à l\'acide hyaluronique', 'bio', 'sans parfum', 'nourrissant(e)', 'à la fleur d\'oranger', 'apaisant(e)'],
    materials: [],
    sizes: ['15 ml', '30 ml', '50 ml', '100 ml'],
    colors: false,
    genders: ['female', 'unisex'],
    ageGroups: ['adult'],
    price: [490, 12900],
    maxVariants: 3,
  },
  {
    code: 'SPO',
    productTypes: ['Sport > Running', 'Sport > Vélo > Accessoires', 'Sport > Fitness', 'Outdoor > Camping'],
    googleCategory: { id: '988', path: 'Sporting Goods' },
    nouns: ['Sac à dos 30 L', 'Tente 2 places', 'Tapis de yoga', 'Gourde isotherme', 'Casque vélo', 'Bâtons de marche'],
    adjectives: ['ultraléger', 'réfléchissant', 'anti-transpiration', 'pliable', 'pour trail', 'double paroi'],
    materials: ['nylon ripstop', 'aluminium 7075', 'TPE', 'inox', 'polycarbonate'],
    sizes: ['S/M', 'L/XL', 'Taille unique'],
    colors: true,
    genders: ['unisex', 'male', 'female'],
    ageGroups: ['adult', 'kids'],
    price: [990, 29900],
    maxVariants: 4,
  },
];

export const COLORS: readonly string[] = [
  'Noir', 'Blanc cassé', 'Bleu marine', 'Rouge brique', 'Vert forêt', 'Écru', 'Gris chiné', 'Bordeaux',
  'Café', 'Moutarde', 'Rose poudré', 'Kaki', 'Bleu ciel', 'Anthracite', 'Terracotta', 'Beige sable',
];

export const BRANDS: readonly string[] = [
  'Maison Lumière', 'L\'Atelier du Nord', 'Müller & Söhne', 'Hêtre & Co', 'Côté Sud', 'Bergström',
  'Les "Petits" Ateliers', 'Fjällvik', 'Peña Textil', 'Ørsted Design', 'Brașov Works', 'Naïa',
  'Crème de la Crème', 'Atelier Zoë', 'Sørensen', 'Éditions Mistral', 'Garçon Français', 'Ibérica',
];

/** Sentences of product descriptions; `{n}` is the noun, `{m}` the material, `{b}` the brand. */
export const SENTENCES: readonly string[] = [
  '{n} conçu(e) par {b} pour un usage quotidien, pensé(e) dans nos ateliers près de Lyon.',
  'Fabriqué(e) en {m}, un matériau durable, agréable au toucher et facile d\'entretien.',
  'Lavable en machine à 30 °C ; ne pas sécher en tambour, repasser à basse température.',
  'Livré(e) dans un emballage 100 % recyclé, sans plastique à usage unique.',
  'Garantie 2 ans, retours gratuits sous 30 jours : essayez-le chez vous, sans engagement.',
  'Nos clients disent : "parfait, conforme à la description, je recommande".',
  'Coupe étudiée, finitions soignées, coutures renforcées aux points de tension.',
  'Idéal(e) pour la ville, le week-end ou les voyages, été comme hiver.',
  'Compatible avec la gamme {b}, vendue séparément.',
  'Ce modèle taille normalement ; en cas de doute, prenez la taille au-dessus.',
  'Certifié OEKO-TEX® Standard 100, fabriqué en Europe (Portugal, Espagne, Italie).',
  'Dimensions : 42 x 30 x 12 cm, poids : 680 g, contenance : 1,5 L.',
  'Qualität aus Europa: langlebig, reparierbar und fair produziert.',
  'Diseño mediterráneo, hecho a mano con materiales de origen local.',
  'Astuce : associez-le avec nos accessoires en {m} pour un ensemble coordonné.',
  'Édition limitée, numérotée, disponible jusqu\'à épuisement des stocks.',
];

export const HTML_LISTS: readonly string[] = [
  '<ul><li>Matière : {m}</li><li>Entretien : lavage à 30 °C</li><li>Origine : Europe</li></ul>',
  '<p><strong>Points forts</strong></p><ul><li>Léger &amp; résistant</li><li>Garantie 2 ans</li></ul>',
  '<table><tr><th>Taille</th><th>Tour de poitrine</th></tr><tr><td>M</td><td>96-100 cm</td></tr></table>',
  '<p>Voir le <a href="https://help.shop.example/guide-des-tailles">guide des tailles</a>.</p>',
];

export const SHIPPING: readonly string[] = ['FR:::4.95 EUR', 'FR:::0.00 EUR', 'FR::Colissimo:6.90 EUR', 'FR::Relais:3.90 EUR', 'BE:::7.50 EUR'];

export interface Destination {
  code: string;
  name: string;
  country: string;
  countryName: string;
  cities: readonly string[];
}

export const DESTINATIONS: readonly Destination[] = [
  { code: 'CRE', name: 'Crète', country: 'GR', countryName: 'Grèce', cities: ['Héraklion', 'Chania', 'Réthymnon', 'Hersonissos'] },
  { code: 'MLL', name: 'Majorque', country: 'ES', countryName: 'Espagne', cities: ['Palma', 'Alcúdia', 'Sóller', 'Cala d\'Or'] },
  { code: 'AYT', name: 'Antalya', country: 'TR', countryName: 'Turquie', cities: ['Belek', 'Side', 'Kemer', 'Lara'] },
  { code: 'DJE', name: 'Djerba', country: 'TN', countryName: 'Tunisie', cities: ['Houmt Souk', 'Midoun', 'Aghir'] },
  { code: 'HRG', name: 'Hurghada', country: 'EG', countryName: 'Égypte', cities: ['Hurghada', 'Makadi Bay', 'El Gouna', 'Soma Bay'] },
  { code: 'TFS', name: 'Tenerife', country: 'ES', countryName: 'Espagne', cities: ['Adeje', 'Los Cristianos', 'Puerto de la Cruz'] },
  { code: 'FAO', name: 'Algarve', country: 'PT', countryName: 'Portugal', cities: ['Albufeira', 'Lagos', 'Portimão', 'Vilamoura'] },
  { code: 'PMO', name: 'Sicile', country: 'IT', countryName: 'Italie', cities: ['Palerme', 'Cefalù', 'Taormine', 'Syracuse'] },
  { code: 'AJA', name: 'Corse', country: 'FR', countryName: 'France', cities: ['Ajaccio', 'Porto-Vecchio', 'Calvi', 'Bonifacio'] },
  { code: 'RAK', name: 'Marrakech', country: 'MA', countryName: 'Maroc', cities: ['Marrakech', 'Palmeraie', 'Ourika'] },
];

export const HOTEL_WORDS: readonly string[] = [
  'Knossos Beach', 'Les Mouettes', 'Costa Dorada', 'Bellevue', 'Palm Garden', 'Riad Jasmin', 'Aqua Marina',
  'Belle Époque', 'Olivera', 'Sunset Bay', 'Le Grand Bleu', 'Mar y Sol', 'Villa Côté Mer', 'Atlântico',
  'Lagoon & Spa', 'Poséidon', 'Dunes d\'Or', 'Terra Nostra',
];

export const HOTEL_KINDS: readonly string[] = ['Hôtel', 'Club', 'Resort', 'Riad', 'Résidence', 'Hotel'];

export const TRIP_SENTENCES: readonly string[] = [
  'Séjour en bord de mer, à 5 minutes à pied de la plage de sable fin.',
  'Chambres climatisées avec balcon ou terrasse, vue jardin ou mer (selon option).',
  'Piscine extérieure chauffée, spa & hammam, club enfants de 4 à 12 ans.',
  'Vols A/R au départ de Paris, Lyon, Nantes ou Marseille, transferts inclus.',
  'Restaurant à la carte "Le Jardin" et bar lounge en rooftop.',
  'Wi-Fi gratuit, parking privé, animaux non admis.',
  'Excursions proposées sur place : marché local, villages de montagne, croisière en catamaran.',
  'Taxe de séjour à régler sur place : 2 € par nuit et par adulte.',
];

export const ROOMS: readonly string[] = ['DBL', 'SGL', 'TWN', 'FAM', 'SUI', 'TRP'];
export const BOARDS: readonly string[] = ['HB', 'BB', 'AI', 'FB', 'RO'];
/** Night counts a trip is sold in; each trip uses two of them. */
export const NIGHT_PAIRS: readonly (readonly [number, number])[] = [[7, 14], [4, 7], [3, 10], [7, 10], [5, 12]];
