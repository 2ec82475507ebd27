// Summary cards, as the HTML reports draw them: a key, a large value, a line below.
import type { ComponentChildren } from 'preact';

export function Card({ k, v, sub, testId, tone }: { k: string; v: ComponentChildren; sub?: ComponentChildren; testId?: string; tone?: 'ok' | 'warn' }) {
  return (
    <div class={`card${tone ? ` ${tone}` : ''}`} data-testid={testId}>
      <div class="k">{k}</div>
      <div class="v" data-testid={testId ? `${testId}-value` : undefined}>
        {v}
      </div>
      {sub && <div class="s">{sub}</div>}
    </div>
  );
}

export function Cards({ children }: { children: ComponentChildren }) {
  return <div class="cards">{children}</div>;
}
