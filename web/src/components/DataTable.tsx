// A sortable table: each header is a button (keyboard: Tab, Enter), the
// sorted column says so with aria-sort. Rows may expand (a disclosure button
// with aria-expanded) or be selected. The parent filters; this sorts.
import type { ComponentChildren } from 'preact';
import { Fragment } from 'preact';
import { useMemo, useState } from 'preact/hooks';

export interface Column<R> {
  id: string;
  label: ComponentChildren;
  /** a short unit shown under the label: "GB", "TFLOP/s" */
  unit?: string;
  numeric?: boolean;
  /** the value sorted on; null sorts last */
  sort?: (row: R) => number | string | null;
  cell: (row: R) => ComponentChildren;
  /** a tooltip for the cell (the source of a figure, for instance) */
  title?: (row: R) => string | undefined;
}

export interface DataTableProps<R> {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  initialSort?: { id: string; dir: 'asc' | 'desc' };
  /** content of an expanded row; with it each row gets a disclosure button */
  expand?: (row: R) => ComponentChildren;
  expandLabel?: (row: R) => string;
  selected?: string | null;
  testId?: string;
  rowTestId?: string;
}

export function DataTable<R>({ caption, columns, rows, rowKey, initialSort, expand, expandLabel, selected, testId, rowTestId }: DataTableProps<R>) {
  const [sort, setSort] = useState(initialSort ?? null);
  const [open, setOpen] = useState<Set<string>>(new Set());

  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.id === sort.id);
    if (!col?.sort) return rows;
    const key = col.sort;
    const dir = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = key(a), y = key(b);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }, [rows, sort, columns]);

  const toggleSort = (c: Column<R>) => {
    if (!c.sort) return;
    setSort((s) => (s?.id === c.id ? { id: c.id, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { id: c.id, dir: c.numeric ? 'desc' : 'asc' }));
  };
  const toggleOpen = (k: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (next.has(k)) next.delete(k);
      else next.add(k);
      return next;
    });

  return (
    <div class="scroll" data-testid={testId}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {expand && <th scope="col"><span class="visually-hidden">details</span></th>}
            {columns.map((c) => (
              <th
                scope="col"
                class={c.numeric ? 'n' : undefined}
                aria-sort={sort?.id === c.id ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sort ? (
                  <button type="button" class="sort" onClick={() => toggleSort(c)}>
                    {c.label}
                    <span aria-hidden="true" class="arrow">{sort?.id === c.id ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}</span>
                  </button>
                ) : (
                  c.label
                )}
                {c.unit && <div class="unit">{c.unit}</div>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => {
            const k = rowKey(r);
            const isOpen = open.has(k);
            return (
              <Fragment key={k}>
                <tr data-key={k} data-testid={rowTestId} class={selected === k ? 'selected' : undefined}>
                  {expand && (
                    <td>
                      <button type="button" class="disclose" aria-expanded={isOpen} aria-controls={`x-${k}`} onClick={() => toggleOpen(k)}>
                        <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span>
                        <span class="visually-hidden">{expandLabel ? expandLabel(r) : `details of ${k}`}</span>
                      </button>
                    </td>
                  )}
                  {columns.map((c) => (
                    <td class={c.numeric ? 'n' : undefined} title={c.title?.(r)} data-col={c.id}>
                      {c.cell(r)}
                    </td>
                  ))}
                </tr>
                {expand && isOpen && (
                  <tr class="expanded" id={`x-${k}`}>
                    <td colSpan={columns.length + 1}>{expand(r)}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {sorted.length === 0 && <p class="muted">Nothing matches the filter.</p>}
    </div>
  );
}
