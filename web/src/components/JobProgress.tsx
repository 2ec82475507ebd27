// A long job's state: a progress bar (role=progressbar via <progress>), the
// server's message, the queue position, and a Cancel button.
import type { JobState } from '../api/jobs';

export function JobProgress({ job, onCancel, cancelling }: { job: JobState | null; onCancel: () => void; cancelling: boolean }) {
  if (!job) return null;
  const running = job.status === 'queued' || job.status === 'running';
  const pct = Math.round((job.progress?.fraction ?? 0) * 100);
  const where = job.status === 'queued' && job.queue_position ? ` (${job.queue_position} in line)` : '';
  return (
    <div class="job" data-testid="job" data-status={job.status} aria-live="polite">
      <label class="job-label" for={`progress-${job.id}`}>
        {job.kind} job <code>{job.id}</code>: <b data-testid="job-status">{job.status}</b>
        {where}
        {job.progress?.message && job.progress.message !== job.status ? ` – ${job.progress.message}` : ''}
      </label>
      <div class="job-row">
        <progress id={`progress-${job.id}`} max={100} value={pct} aria-valuetext={`${pct}%`}>
          {pct}%
        </progress>
        <span class="muted">{pct}%</span>
        {running && (
          <button type="button" class="secondary" onClick={onCancel} disabled={cancelling} data-testid="cancel">
            {cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
    </div>
  );
}
