import { randomUUID } from 'node:crypto';
import { DomainError } from '../domain/errors.js';

/** Where a long piece of work stands, as its progress page and GET /api/jobs/:id show it. */
export interface JobState {
  id: string;
  /** What the work is, in French (« Chargement de la démonstration »). */
  label: string;
  status: 'running' | 'done' | 'failed';
  done: number;
  total: number | null;
  /** The step being written, as the work reports it. */
  step: string | null;
  /** When done: what it did, in French; when failed: why. */
  message: string | null;
  /** When done: where to see what it made (the imported fiches, their convention). */
  links: JobLink[];
  startedAt: string;
}

/** A page a finished job points to. */
export interface JobLink {
  href: string;
  label: string;
}

/** What a job's work answers: its sentence, and the pages it points to. */
export type JobOutcome = string | { message: string; links: JobLink[] };

/** Reports progress from inside the work. */
export type ReportProgress = (done: number, total: number, step: string) => void;

const KEEP = 50;

/**
 * Long work run in the HTTP process (demo loading, imports) with its progress kept in memory, so a
 * page can show it while it runs; the last {@link KEEP} are kept. Work survives no restart: it is
 * what an admin starts and watches, each piece idempotent (a demo loaded twice changes nothing).
 */
export function createJobRegistry() {
  const jobs = new Map<string, JobState>();
  return {
    /** Starts `work` in the background; its result (a French sentence) or its error ends the job. */
    start(label: string, work: (report: ReportProgress) => Promise<JobOutcome>): JobState {
      const job: JobState = {
        id: randomUUID(),
        label,
        status: 'running',
        done: 0,
        total: null,
        step: null,
        message: null,
        links: [],
        startedAt: new Date().toISOString(),
      };
      jobs.set(job.id, job);
      for (const old of [...jobs.keys()].slice(0, Math.max(0, jobs.size - KEEP))) jobs.delete(old);
      work((done, total, step) => Object.assign(job, { done, total, step })).then(
        (outcome) =>
          Object.assign(job, { status: 'done' }, typeof outcome === 'string' ? { message: outcome } : outcome),
        (error: unknown) =>
          Object.assign(job, {
            status: 'failed',
            message: error instanceof DomainError ? error.message : 'Le travail a échoué : l’erreur a été consignée.',
          }),
      );
      return job;
    },
    get(id: string): JobState | undefined {
      return jobs.get(id);
    },
  };
}

export type JobRegistry = ReturnType<typeof createJobRegistry>;
