// A long job's life in a view: submit, follow its progress, cancel. Shared by
// Compare, Plan and Simulate; the state drives <JobProgress>.
import { useState } from 'preact/hooks';
import { cancelJob, followJob, isFinal, resultOf, type JobState } from '../api/jobs';

export function useJob() {
  const [job, setJob] = useState<JobState | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const running = job !== null && !isFinal(job.status);

  /**
   * Submit (the function returns the accepted job), follow it to its end, and
   * resolve with its id and result, or null when it was cancelled. A bad
   * request or a failed job throws an ApiError (with diagnostics when located).
   */
  async function run<R>(submit: () => Promise<JobState>): Promise<{ id: string; result: R } | null> {
    setCancelling(false);
    const accepted = await submit();
    setJob(accepted);
    const finished = await followJob<R>(accepted.id, setJob);
    if (finished.status === 'cancelled') return null;
    return { id: finished.id, result: resultOf(finished) };
  }

  async function cancel() {
    if (!job) return;
    setCancelling(true);
    setJob(await cancelJob(job.id));
  }

  return { job, running, cancelling, run, cancel };
}
