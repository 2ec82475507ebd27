// Numbers as people read them: $4.95M, -$1.2k, 1,234 chips, 51.7%.
// Three significant digits unless said otherwise; trailing zeros dropped.

const SUFFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** `x` to `sig` significant digits, without trailing zeros: 4.95, 23.7, 870. */
export function sig(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (x === 0) return '0';
  const s = Number(x.toPrecision(digits));
  const abs = Math.abs(s);
  // toPrecision may switch to exponent form for large/small numbers; avoid it.
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return s.toFixed(Math.min(decimals, 12)).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/** A short number with k/M/B suffix: 1.5k, 4.95M; plain below 1,000. */
export function short(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  for (const [scale, suffix] of SUFFIXES) {
    // Round first so 999,600 reads 1M rather than 1000k.
    if (Number((a / scale).toPrecision(digits)) >= 1) return (x < 0 ? '-' : '') + sig(a / scale, digits) + suffix;
  }
  return (x < 0 ? '-' : '') + sig(a, digits);
}

/** Dollars: $4.95M, -$1.2k, $31.2, $0.457. */
export function money(usd: number | null | undefined, digits = 3): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '–';
  const s = short(Math.abs(usd), digits);
  return (usd < 0 ? '-$' : '$') + s;
}

/** A whole count with thousands separators: 1,234. */
export function int(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** Chips: whole with separators from 100, else one decimal (plans average chips over a month). */
export function chips(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 100 || Number.isInteger(n)) return int(n);
  return n.toFixed(1).replace(/\.0$/, '');
}

/** A plain number: `digits` significant below 1,000 (0.457, 12.5), whole with separators above (2,272). */
export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 1000) return int(x);
  return sig(x, digits);
}

/** A fraction as a percentage: 0.5165 -> 51.7%. */
export function pct(fraction: number | null | undefined, digits = 3): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return sig(fraction * 100, digits) + '%';
}

/** A percentage already in % units, signed: +4.2%, -18%. */
export function signedPct(p: number | null | undefined, digits = 2): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return (p > 0 ? '+' : '') + sig(p, digits) + '%';
}

/** A duration in seconds as the largest readable unit: 186 days, 3.6 s, 31 ms. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const a = Math.abs(seconds);
  if (a >= 2 * 86400) return `${sig(seconds / 86400)} days`;
  if (a >= 2 * 3600) return `${sig(seconds / 3600)} h`;
  if (a >= 120) return `${sig(seconds / 60)} min`;
  if (a >= 1) return `${sig(seconds)} s`;
  return `${sig(seconds * 1000)} ms`;
}

/** The tick formatter for a chart axis in dollars. */
export const moneyTick = (d: number) => money(d, 3);
/** The tick formatter for a chart axis of plain numbers. */
export const shortTick = (d: number) => short(d, 3);
