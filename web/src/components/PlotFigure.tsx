// An Observable Plot chart as a <figure>: SVG (so screen readers get its
// label and every mark's <title>, and tests can read it), redrawn when its
// options or the available width change. Marks may carry a data-key per
// datum (see `keyed`), so a click on a bar or a dot can select what it shows.
import * as Plot from '@observablehq/plot';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface PlotFigureProps {
  /** the chart's options for a given width in px */
  options: (width: number) => Plot.PlotOptions;
  /** what the chart shows, for screen readers (aria-label) */
  label: string;
  caption?: ComponentChildren;
  testId?: string;
  maxWidth?: number;
  onSelect?: (key: string) => void;
}

/** A render transform that tags each element a mark draws with data-key = keys[index]. */
export function keyed(keys: (i: number) => string): Plot.RenderFunction {
  return function (index, scales, values, dimensions, context, next) {
    const g = next!(index, scales, values, dimensions, context);
    if (g) {
      const children = Array.from(g.children).filter((c) => c.tagName !== 'title');
      // One element per datum, in index order (rect, path, text, line).
      if (children.length === index.length) children.forEach((el, k) => el.setAttribute('data-key', keys(index[k])));
    }
    return g;
  };
}

export function PlotFigure({ options, label, caption, testId, maxWidth = 1100, onSelect }: PlotFigureProps) {
  const holder = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);

  useEffect(() => {
    const el = holder.current;
    if (!el) return undefined;
    const measure = () => setWidth(Math.max(320, Math.min(maxWidth, Math.floor(el.clientWidth))));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [maxWidth]);

  useEffect(() => {
    const el = holder.current;
    if (!el || width === 0) return;
    const o = options(width);
    const chart = Plot.plot({ ...o, style: { fontSize: '12px', ...(typeof o.style === 'object' ? o.style : {}) }, ariaLabel: label });
    el.replaceChildren(chart);
  }, [options, width, label]);

  const click = (e: MouseEvent) => {
    const key = (e.target as Element | null)?.closest?.('[data-key]')?.getAttribute('data-key');
    if (key && onSelect) onSelect(key);
  };

  return (
    <figure class="chart" data-testid={testId}>
      <div ref={holder} class={onSelect ? 'plot clickable' : 'plot'} onClick={click} />
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}
