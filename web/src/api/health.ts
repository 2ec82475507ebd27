// GET /api/health: what this server runs (the job kinds decide which views work).
import { getJson } from './http';

interface HealthJson {
  status: string;
  version: string;
  jobs: { kinds: string[]; running: number; queued: number; max_running: number };
  limits?: { body_bytes?: number };
}

export interface Health {
  version: string;
  jobKinds: string[];
  running: number;
  queued: number;
}

let cached: Promise<Health> | null = null;

export function health(): Promise<Health> {
  cached ??= getJson<HealthJson>('api/health').then((h) => ({
    version: h.version,
    jobKinds: h.jobs?.kinds ?? [],
    running: h.jobs?.running ?? 0,
    queued: h.jobs?.queued ?? 0,
  }));
  cached.catch(() => (cached = null));
  return cached;
}
