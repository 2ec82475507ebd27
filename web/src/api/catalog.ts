// Catalog view adapter: GET /api/catalog (the list) and GET /api/catalog/{key}
// (one accelerator with the source of every figure). All field names of
// those JSON shapes are read here and nowhere else.
import { getJson } from './http';

interface AcceleratorJson {
  key: string;
  name: string;
  vendor: string;
  year?: number;
  runtime?: string;
  peak_tflops: Record<string, number>;
  hbm_gb: number;
  hbm_tbps: number;
  cores_per_chip?: number;
  power?: { tdp_w?: number; host_per_chip_w?: number };
  scale_up?: { name?: string; gb_per_s_per_direction?: number; latency_us?: number; domain?: number; topology?: string };
  scale_out?: { name?: string; gb_per_s_per_direction?: number; latency_us?: number };
}

interface SourceJson {
  source: string;
  retrieved?: string;
  note?: string;
  estimate?: boolean;
}

export interface AcceleratorRow {
  key: string;
  name: string;
  vendor: string;
  year: number | null;
  runtime: string;
  bf16: number | null;
  fp8: number | null;
  fp4: number | null;
  hbmGb: number;
  hbmTbps: number;
  tdpW: number | null;
  hostW: number | null;
  scaleUpDomain: number | null;
  scaleUpGBs: number | null;
  scaleUpName: string;
  scaleUpTopology: string;
  scaleOutGBs: number | null;
  scaleOutName: string;
}

export interface SourceEntry {
  /** the figure it backs, as the catalog names it: "peak.bf16", "memory.bandwidth" */
  field: string;
  source: string;
  retrieved: string;
  note: string;
  estimate: boolean;
}

/** The catalog field (in `sources`) behind each column of the table. */
export const COLUMN_SOURCE: Partial<Record<keyof AcceleratorRow, string>> = {
  bf16: 'peak.bf16',
  fp8: 'peak.fp8',
  fp4: 'peak.fp4',
  hbmGb: 'memory.capacity',
  hbmTbps: 'memory.bandwidth',
  tdpW: 'power.tdp',
  hostW: 'power.host_per_chip',
  scaleUpGBs: 'scale_up.bandwidth',
  scaleOutGBs: 'scale_out.bandwidth',
};

function row(a: AcceleratorJson): AcceleratorRow {
  return {
    key: a.key,
    name: a.name,
    vendor: a.vendor,
    year: a.year ?? null,
    runtime: a.runtime ?? '',
    bf16: a.peak_tflops?.bf16 ?? null,
    fp8: a.peak_tflops?.fp8 ?? null,
    fp4: a.peak_tflops?.fp4 ?? null,
    hbmGb: a.hbm_gb,
    hbmTbps: a.hbm_tbps,
    tdpW: a.power?.tdp_w ?? null,
    hostW: a.power?.host_per_chip_w ?? null,
    scaleUpDomain: a.scale_up?.domain ?? null,
    scaleUpGBs: a.scale_up?.gb_per_s_per_direction ?? null,
    scaleUpName: a.scale_up?.name ?? '',
    scaleUpTopology: a.scale_up?.topology ?? '',
    scaleOutGBs: a.scale_out?.gb_per_s_per_direction ?? null,
    scaleOutName: a.scale_out?.name ?? '',
  };
}

export async function loadCatalog(vendor?: string): Promise<AcceleratorRow[]> {
  const json = await getJson<{ accelerators: AcceleratorJson[] }>(`api/catalog${vendor ? `?vendor=${encodeURIComponent(vendor)}` : ''}`);
  return json.accelerators.map(row);
}

/** Vendor of each accelerator key (for views whose JSON names only the key). */
export async function vendorsByKey(): Promise<Map<string, string>> {
  const rows = await loadCatalog();
  return new Map(rows.map((r) => [r.key, r.vendor]));
}

const sourceCache = new Map<string, Promise<Map<string, SourceEntry>>>();

/** The sources of one accelerator's figures, by field; fetched once per key. */
export function loadSources(key: string): Promise<Map<string, SourceEntry>> {
  let p = sourceCache.get(key);
  if (!p) {
    p = getJson<{ sources?: Record<string, SourceJson> }>(`api/catalog/${encodeURIComponent(key)}`).then(
      (j) =>
        new Map(
          Object.entries(j.sources ?? {}).map(([field, s]) => [
            field,
            { field, source: s.source, retrieved: s.retrieved ?? '', note: s.note ?? '', estimate: s.estimate === true },
          ]),
        ),
    );
    p.catch(() => sourceCache.delete(key));
    sourceCache.set(key, p);
  }
  return p;
}

/** One line for a tooltip: "estimate: NVIDIA H100 datasheet (...), retrieved 2026-11-26; note". */
export function sourceText(s: SourceEntry): string {
  return `${s.estimate ? 'estimate: ' : ''}${s.source}${s.retrieved ? `, retrieved ${s.retrieved}` : ''}${s.note ? `. ${s.note}` : ''}`;
}
