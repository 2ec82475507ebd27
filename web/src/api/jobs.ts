// Long jobs (compare, plan, simulate): submit, follow progress by Server-Sent
// Events (or by polling when the stream fails), cancel, and fetch the result.
import { ApiError, apiUrl, deleteJson, getJson, postJson, type Diagnostic } from './http';

export type JobKind = 'compare' | 'plan' | 'simulate';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Progress {
  fraction: number;
  message: string;
}

export interface JobState<R = unknown> {
  id: string;
  kind: JobKind;
  status: JobStatus;
  queue_position?: number;
  progress: Progress;
  result?: R;
  diagnostics?: Diagnostic[];
  error?: string;
}

export const isFinal = (s: JobStatus) => s === 'done' || s === 'failed' || s === 'cancelled';

/** Queue a job; a bad request throws an ApiError with its diagnostics. */
export function submitJob(kind: JobKind, body: unknown, contentType?: string): Promise<JobState> {
  return postJson<JobState>(`api/jobs/${kind}`, body, { contentType });
}

export const getJob = <R>(id: string) => getJson<JobState<R>>(`api/jobs/${encodeURIComponent(id)}`);
export const cancelJob = (id: string) => deleteJson<JobState>(`api/jobs/${encodeURIComponent(id)}`);

/**
 * Follow a job to its end, calling `onUpdate` on each change; resolves with the
 * final job (with its result). Uses the event stream, and polls if it breaks.
 */
export function followJob<R>(id: string, onUpdate: (s: JobState) => void, pollMs = 500): Promise<JobState<R>> {
  return new Promise((resolve, reject) => {
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      try {
        const job = await getJob<R>(id);
        onUpdate(job);
        resolve(job);
      } catch (e) {
        reject(e);
      }
    };
    const poll = async () => {
      while (!finished) {
        try {
          const job = await getJob<R>(id);
          if (isFinal(job.status)) return finish();
          onUpdate(job);
        } catch (e) {
          finished = true;
          return reject(e);
        }
        await new Promise((r) => setTimeout(r, pollMs));
      }
    };
    if (typeof EventSource === 'undefined') return void poll();
    const source = new EventSource(apiUrl(`api/jobs/${encodeURIComponent(id)}/events`));
    const handle = (e: MessageEvent<string>) => {
      try {
        onUpdate(JSON.parse(e.data) as JobState);
      } catch {
        /* a malformed event is ignored; the final GET decides */
      }
    };
    source.addEventListener('progress', handle as EventListener);
    source.addEventListener('done', ((e: MessageEvent<string>) => {
      handle(e);
      source.close();
      void finish();
    }) as EventListener);
    source.onerror = () => {
      // The stream ended or never opened: fall back to polling (which also notices the end).
      source.close();
      if (!finished) void poll();
    };
  });
}

/** The job's result, or an ApiError that says why there is none. */
export function resultOf<R>(job: JobState<R>): R {
  if (job.status === 'done' && job.result !== undefined) return job.result;
  if (job.status === 'cancelled') throw new ApiError(0, 'cancelled');
  throw new ApiError(0, job.error ?? `the job ended ${job.status}`, job.diagnostics ?? []);
}
