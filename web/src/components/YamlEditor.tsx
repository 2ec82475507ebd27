// A plain-text editor for a YAML document with line numbers, and the API's
// diagnostics shown next to the line they are about (a rail beside the text,
// scrolled with it) as well as marked in the gutter. A textarea underneath, so
// keyboard, selection, undo and screen readers work as everywhere else.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MutableRef } from 'preact/hooks';
import type { Diagnostic } from '../api/http';

export interface YamlEditorHandle {
  goToLine: (line: number, column?: number) => void;
}

interface Props {
  id: string;
  label: string;
  value: string;
  onInput: (text: string) => void;
  diagnostics: Diagnostic[];
  describedBy?: string;
  rows?: number;
  /** set to the editor's handle (go to a line) */
  handle?: MutableRef<YamlEditorHandle | null>;
}

const LINE = 20; // px, as in the stylesheet (.editor)
const PAD = 8;

export function YamlEditor({ id, label, value, onInput, diagnostics, describedBy, rows = 28, handle }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState(0);
  const lines = value.split('\n').length;

  const byLine = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) if (d.line) byLine.set(d.line, [...(byLine.get(d.line) ?? []), d]);

  if (handle) handle.current = {
    goToLine(line: number, column = 1) {
      const ta = area.current;
      if (!ta) return;
      const starts = [0];
      for (let i = 0; i < ta.value.length; i++) if (ta.value[i] === '\n') starts.push(i + 1);
      const start = starts[Math.max(0, Math.min(line - 1, starts.length - 1))];
      const end = line < starts.length ? starts[line] - 1 : ta.value.length;
      ta.focus();
      ta.setSelectionRange(Math.min(start + column - 1, end), end);
      ta.scrollTop = Math.max(0, (line - 1) * LINE - ta.clientHeight / 3);
      setScroll(ta.scrollTop);
    },
  };

  useEffect(() => {
    const ta = area.current;
    if (ta) setScroll(ta.scrollTop);
  }, [value]);

  const height = rows * LINE + 2 * PAD;
  return (
    <div class={`editor${byLine.size ? ' has-diagnostics' : ''}`} style={{ height: `${height}px` }}>
      <div class="gutter" aria-hidden="true">
        <div style={{ transform: `translateY(${-scroll}px)` }}>
          {Array.from({ length: lines }, (_, i) => (
            <div class={byLine.has(i + 1) ? 'ln err' : 'ln'}>{i + 1}</div>
          ))}
        </div>
      </div>
      <textarea
        id={id}
        ref={area}
        aria-label={label}
        aria-invalid={diagnostics.length > 0}
        aria-describedby={describedBy}
        spellcheck={false}
        wrap="off"
        autocomplete="off"
        value={value}
        onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
        onScroll={(e) => setScroll((e.target as HTMLTextAreaElement).scrollTop)}
      />
      {byLine.size > 0 && (
        <div class="rail" data-testid="diagnostic-rail">
          <div style={{ transform: `translateY(${-scroll}px)` }}>
            {[...byLine.entries()].map(([line, ds]) => (
              <div class="note" data-diagnostic-line={line} title={ds.map((d) => d.message).join('\n')} style={{ top: `${PAD + (line - 1) * LINE}px` }}>
                <span class="arrow" aria-hidden="true">◀</span>
                <span class="where">line {line}:</span> {ds.map((d) => d.message).join(' · ')}
              </div>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}
