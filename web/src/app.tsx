// The shell: a header with one link per view (hash routes, so any static
// server can serve the bundle), each view mounted on first visit and kept
// (a plan being solved survives a look at the catalog).
import { useEffect, useRef, useState } from 'preact/hooks';
import defaultPortfolio from '../../examples/portfolio.yaml?raw';
import { health, type Health } from './api/health';
import type { SavedPlan } from './api/simulate';
import { CatalogView } from './views/Catalog';
import { CompareView } from './views/Compare';
import { PlanView } from './views/Plan';
import { SimulateView } from './views/Simulate';
import { ValidateView } from './views/Validate';

const VIEWS = [
  { id: 'catalog', title: 'Catalog' },
  { id: 'compare', title: 'Compare' },
  { id: 'plan', title: 'Plan' },
  { id: 'simulate', title: 'Simulate' },
  { id: 'validate', title: 'Validate' },
] as const;
type ViewId = (typeof VIEWS)[number]['id'];

const viewOf = (hash: string): ViewId => {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return (VIEWS.find((v) => v.id === id)?.id ?? 'catalog') as ViewId;
};

export function App() {
  const [view, setView] = useState<ViewId>(viewOf(location.hash));
  const [visited, setVisited] = useState<Set<ViewId>>(new Set([viewOf(location.hash)]));
  const [portfolio, setPortfolio] = useState<string>(defaultPortfolio);
  const [lastPlan, setLastPlan] = useState<SavedPlan | null>(null);
  const [server, setServer] = useState<Health | null>(null);
  const [serverError, setServerError] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    const onHash = () => {
      const v = viewOf(location.hash);
      setView(v);
      setVisited((s) => (s.has(v) ? s : new Set([...s, v])));
      // Move focus to the view's heading, so keyboard and screen-reader users land on it.
      requestAnimationFrame(() => main.current?.querySelector<HTMLElement>(`#view-${v} h1`)?.focus());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    health().then(setServer, (e) => setServerError(String(e?.message ?? e)));
  }, []);

  useEffect(() => {
    document.title = `${VIEWS.find((v) => v.id === view)?.title} · xpuplan`;
  }, [view]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to the content
      </a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">▦</span> xpuplan
        </div>
        <nav aria-label="Views">
          <ul>
            {VIEWS.map((v) => (
              <li>
                <a href={`#/${v.id}`} aria-current={v.id === view ? 'page' : undefined} data-testid={`nav-${v.id}`}>
                  {v.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="server muted" data-testid="server">
          {server ? `server: ${server.version}` : serverError ? <span class="warn">server unreachable: {serverError}</span> : 'connecting…'}
        </div>
      </header>
      <main id="main" ref={main}>
        {visited.has('catalog') && (
          <section id="view-catalog" hidden={view !== 'catalog'} aria-labelledby="h-catalog">
            <CatalogView />
          </section>
        )}
        {visited.has('compare') && (
          <section id="view-compare" hidden={view !== 'compare'} aria-labelledby="h-compare">
            <CompareView />
          </section>
        )}
        {visited.has('plan') && (
          <section id="view-plan" hidden={view !== 'plan'} aria-labelledby="h-plan">
            <PlanView portfolio={portfolio} setPortfolio={setPortfolio} onPlanned={setLastPlan} />
          </section>
        )}
        {visited.has('simulate') && (
          <section id="view-simulate" hidden={view !== 'simulate'} aria-labelledby="h-simulate">
            <SimulateView portfolio={portfolio} plan={lastPlan} />
          </section>
        )}
        {visited.has('validate') && (
          <section id="view-validate" hidden={view !== 'validate'} aria-labelledby="h-validate">
            <ValidateView />
          </section>
        )}
      </main>
      <footer class="muted">
        Every figure comes from the xpuplan API (<a href="api/openapi.json">api/openapi.json</a>); every hardware number and price carries its source. Colours: Okabe–Ito, readable with the common
        colour-vision deficiencies.
      </footer>
    </>
  );
}
