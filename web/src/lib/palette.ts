// Colours as the HTML reports use them (src/io/svg.cpp): vendors from the
// Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), distinct
// under the common colour-vision deficiencies; other categories take the rest
// of the palette in turn. Markers also differ in shape by vendor.

const VENDORS: Record<string, { name: string; color: string; symbol: string }> = {
  nvidia: { name: 'NVIDIA', color: '#009E73', symbol: 'circle' },
  google: { name: 'Google', color: '#0072B2', symbol: 'square' },
  aws: { name: 'AWS', color: '#E69F00', symbol: 'triangle' },
  amd: { name: 'AMD', color: '#D55E00', symbol: 'diamond' },
};
const OTHERS = ['#56B4E9', '#CC79A7', '#F0E442', '#7F7F7F', '#000000'];
export const GREY = '#7F7F7F';

export const isVendor = (c: string) => c in VENDORS;
export const vendorColor = (v: string) => VENDORS[v]?.color ?? GREY;
export const vendorSymbol = (v: string) => VENDORS[v]?.symbol ?? 'star';
/** "NVIDIA", "Google", "AWS", "AMD"; any other name as given. */
export const displayName = (c: string) => VENDORS[c]?.name ?? c;

/** Colour of `category` among `categories` (in order of first use), as the reports pick it. */
export function categoryColor(category: string, categories: string[]): string {
  if (isVendor(category)) return vendorColor(category);
  let other = 0;
  for (const c of categories) {
    if (c === category) break;
    if (!isVendor(c)) other++;
  }
  return OTHERS[other % OTHERS.length];
}

/** A colour scale for Observable Plot over these categories. */
export function colorScale(categories: string[]) {
  return { domain: categories, range: categories.map((c) => categoryColor(c, categories)) };
}

/** A symbol scale for Observable Plot over these vendors. */
export function symbolScale(vendors: string[]) {
  return { domain: vendors, range: vendors.map(vendorSymbol) };
}
