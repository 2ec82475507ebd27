// Errors and diagnostics from the API, as people read them.
import type { Diagnostic } from '../api/http';

export function ErrorBox({ error, testId }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="error" role="alert" data-testid={testId ?? 'error'}>
      {message}
    </div>
  );
}

/** Diagnostics as a list, each with where it is (line:column or JSON pointer). */
export function DiagnosticList({ diagnostics, onPick, testId }: { diagnostics: Diagnostic[]; onPick?: (d: Diagnostic) => void; testId?: string }) {
  if (!diagnostics.length) return null;
  return (
    <div class="diagnostics" role="alert" data-testid={testId ?? 'diagnostics'}>
      <p>
        <b>
          {diagnostics.length} problem{diagnostics.length === 1 ? '' : 's'}
        </b>{' '}
        – nothing was run.
      </p>
      <ul>
        {diagnostics.map((d) => {
          const where = d.line ? `line ${d.line}${d.column ? `:${d.column}` : ''}` : d.pointer || '(the whole request)';
          return (
            <li class={`sev-${d.severity}`} data-pointer={d.pointer} data-line={d.line}>
              {onPick && d.line ? (
                <button type="button" class="link" onClick={() => onPick(d)}>
                  {where}
                </button>
              ) : (
                <code>{where}</code>
              )}{' '}
              <span class="sev">{d.severity}</span>: <span class="msg">{d.message}</span>
              {d.line && d.pointer ? <span class="muted"> ({d.pointer})</span> : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
