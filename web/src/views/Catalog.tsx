// Catalog: the accelerators, sortable and filterable; every figure with its
// source (a tooltip on the cell, and all sources in the expanded row).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { COLUMN_SOURCE, loadCatalog, loadSources, sourceText, type AcceleratorRow, type SourceEntry } from '../api/catalog';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorBox } from '../components/Messages';
import { num } from '../lib/format';
import { displayName, vendorColor } from '../lib/palette';

function Swatch({ vendor }: { vendor: string }) {
  return <span class="sw" style={{ background: vendorColor(vendor) }} aria-hidden="true" />;
}

/** URLs in a source as links (opened by the reader, never fetched by the page). */
function Cited({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s);,]+)/g);
  return (
    <>
      {parts.map((p, i) =>
        i % 2 ? (
          <a href={p} target="_blank" rel="noreferrer noopener">
            {p}
          </a>
        ) : (
          p
        ),
      )}
    </>
  );
}

function SourcesTable({ accelerator }: { accelerator: string }) {
  const [sources, setSources] = useState<Map<string, SourceEntry> | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    loadSources(accelerator).then(setSources, setError);
  }, [accelerator]);
  if (error) return <ErrorBox error={error} />;
  if (!sources) return <p class="muted">Loading sources…</p>;
  return (
    <table class="sources" data-testid="sources">
      <thead>
        <tr>
          <th scope="col">figure</th>
          <th scope="col">source</th>
          <th scope="col">retrieved</th>
        </tr>
      </thead>
      <tbody>
        {[...sources.values()].map((s) => (
          <tr>
            <td>
              <code>{s.field}</code>
            </td>
            <td>
              {s.estimate && <span class="est">estimate: </span>}
              <Cited text={s.source} />
              {s.note && <div class="small">{s.note}</div>}
            </td>
            <td class="n">{s.retrieved}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CatalogView() {
  const [rows, setRows] = useState<AcceleratorRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [vendor, setVendor] = useState('');
  const [search, setSearch] = useState('');
  const [sources, setSources] = useState<Map<string, Map<string, SourceEntry>>>(new Map());

  useEffect(() => {
    loadCatalog().then(setRows, setError);
  }, []);

  // Fetch every accelerator's sources in the background, four at a time, for the tooltips.
  useEffect(() => {
    if (!rows) return;
    let stop = false;
    const keys = rows.map((r) => r.key);
    const worker = async () => {
      while (!stop && keys.length) {
        const k = keys.shift()!;
        try {
          const s = await loadSources(k);
          if (!stop) setSources((m) => new Map(m).set(k, s));
        } catch {
          /* the expanded row will say so */
        }
      }
    };
    for (let i = 0; i < 4; i++) void worker();
    return () => {
      stop = true;
    };
  }, [rows]);

  const vendors = useMemo(() => [...new Set((rows ?? []).map((r) => r.vendor))], [rows]);
  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (rows ?? []).filter((r) => (!vendor || r.vendor === vendor) && (!q || r.key.includes(q) || r.name.toLowerCase().includes(q)));
  }, [rows, vendor, search]);

  const tip = (col: keyof AcceleratorRow) => (r: AcceleratorRow) => {
    const field = COLUMN_SOURCE[col];
    const s = field ? sources.get(r.key)?.get(field) : undefined;
    return s ? `${field}: ${sourceText(s)}` : undefined;
  };
  const figure = (col: keyof AcceleratorRow, digits = 4) => (r: AcceleratorRow) => {
    const v = r[col] as number | null;
    const field = COLUMN_SOURCE[col];
    const est = field ? sources.get(r.key)?.get(field)?.estimate : false;
    return (
      <>
        {v === null ? '–' : num(v, digits)}
        {est && <span class="est" title="an estimate">*</span>}
      </>
    );
  };

  const columns: Column<AcceleratorRow>[] = [
    {
      id: 'name',
      label: 'accelerator',
      sort: (r) => r.name,
      cell: (r) => (
        <>
          <Swatch vendor={r.vendor} />
          {r.name}
          <div class="small">
            <code>{r.key}</code>
          </div>
        </>
      ),
    },
    { id: 'vendor', label: 'vendor', sort: (r) => r.vendor, cell: (r) => displayName(r.vendor) },
    { id: 'year', label: 'year', numeric: true, sort: (r) => r.year, cell: (r) => r.year ?? '–' },
    { id: 'bf16', label: 'BF16 dense', unit: 'TFLOP/s', numeric: true, sort: (r) => r.bf16, cell: figure('bf16'), title: tip('bf16') },
    { id: 'fp8', label: 'FP8 dense', unit: 'TFLOP/s', numeric: true, sort: (r) => r.fp8, cell: figure('fp8'), title: tip('fp8') },
    { id: 'fp4', label: 'FP4 dense', unit: 'TFLOP/s', numeric: true, sort: (r) => r.fp4, cell: figure('fp4'), title: tip('fp4') },
    { id: 'hbmGb', label: 'HBM', unit: 'GB', numeric: true, sort: (r) => r.hbmGb, cell: figure('hbmGb'), title: tip('hbmGb') },
    { id: 'hbmTbps', label: 'HBM bandwidth', unit: 'TB/s', numeric: true, sort: (r) => r.hbmTbps, cell: figure('hbmTbps'), title: tip('hbmTbps') },
    { id: 'tdpW', label: 'TDP', unit: 'W', numeric: true, sort: (r) => r.tdpW, cell: figure('tdpW'), title: tip('tdpW') },
    {
      id: 'scaleUpGBs',
      label: 'scale-up',
      unit: 'GB/s per direction',
      numeric: true,
      sort: (r) => r.scaleUpGBs,
      cell: (r) => (
        <>
          {r.scaleUpGBs === null ? '–' : num(r.scaleUpGBs, 4)}
          <div class="small">
            {r.scaleUpDomain ?? '–'} chips, {r.scaleUpTopology}
          </div>
        </>
      ),
      title: (r) => [r.scaleUpName, tip('scaleUpGBs')(r)].filter(Boolean).join('. '),
    },
    {
      id: 'scaleOutGBs',
      label: 'scale-out',
      unit: 'GB/s per direction',
      numeric: true,
      sort: (r) => r.scaleOutGBs,
      cell: figure('scaleOutGBs'),
      title: (r) => [r.scaleOutName, tip('scaleOutGBs')(r)].filter(Boolean).join('. '),
    },
    { id: 'runtime', label: 'runtime', sort: (r) => r.runtime, cell: (r) => r.runtime },
  ];

  return (
    <>
      <h1 id="h-catalog" tabIndex={-1}>
        Catalog
      </h1>
      <p class="lede">
        The accelerators xpuplan models: dense peaks, memory, links and power. Hover a figure for its source, or open a row for every source; <span class="est">*</span> marks an estimate.
      </p>
      <div class="filters" role="search">
        <div class="field">
          <label for="catalog-vendor">Vendor</label>
          <select id="catalog-vendor" value={vendor} onChange={(e) => setVendor((e.target as HTMLSelectElement).value)}>
            <option value="">all vendors</option>
            {vendors.map((v) => (
              <option value={v}>{displayName(v)}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="catalog-search">Name or key contains</label>
          <input id="catalog-search" type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} placeholder="e.g. h100, tpu" />
        </div>
        <p class="muted" aria-live="polite" data-testid="catalog-count">
          {rows ? `${shown.length} of ${rows.length} accelerators` : 'loading…'}
        </p>
      </div>
      <ErrorBox error={error} />
      {rows && (
        <DataTable
          caption="Accelerators in the catalog"
          columns={columns}
          rows={shown}
          rowKey={(r) => r.key}
          initialSort={{ id: 'vendor', dir: 'asc' }}
          expand={(r) => <SourcesTable accelerator={r.key} />}
          expandLabel={(r) => `sources of ${r.name}`}
          testId="catalog-table"
          rowTestId="catalog-row"
        />
      )}
    </>
  );
}
