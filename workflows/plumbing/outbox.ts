import { TemporalFailure, condition, log } from '@temporalio/workflow';

/**
 * Notices decided by an update handler or the main loop, sent in the order they were decided.
 * Either a notifier sends them beside the workflow (`start`, then `close` before it returns or
 * continues as new), so the person acting gets the answer without waiting for the mail; or the
 * main loop sends what is queued at fixed points (`flush`), where its histories expect the sends.
 * With `merge`, the notifier sends what queued while it was busy as one item, so a backlog of
 * steps goes out in one activity rather than one after the other.
 */
export class Outbox<T> {
  private readonly queue: T[] = [];
  private closed = false;
  private sending: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly deliver: (item: T) => Promise<void>,
    private readonly merge?: (items: T[]) => T,
  ) {}

  push(item: T): void {
    this.queue.push(item);
  }

  /** True while something waits to be sent. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Sends what is queued now, one after the other, before going on. */
  async flush(): Promise<void> {
    for (const item of this.queue.splice(0)) await this.deliver(item);
  }

  /**
   * Starts the notifier: from now on, what is pushed is sent without the caller waiting for it.
   * Its promise is never left to reject unseen: whatever ends it is kept for close().
   */
  start(): void {
    this.sending ??= this.notify().catch((error: unknown) => {
      this.failure ??= { error };
    });
  }

  /**
   * Sends what is left, then stops the notifier. A mail that could not be delivered does not fail
   * the run: the mail activity returns for a refused recipient (the ledger line failed, people
   * told), and an activity failure is logged, the ledger showing it. Only an error of the
   * workflow's own code (not a Temporal failure) is thrown here, so its task fails and is retried.
   */
  async close(): Promise<void> {
    this.closed = true;
    await this.sending;
    if (this.failure && !(this.failure.error instanceof TemporalFailure)) throw this.failure.error;
  }

  private async notify(): Promise<void> {
    for (;;) {
      await condition(() => this.queue.length > 0 || this.closed);
      if (this.queue.length === 0) return;
      const next = this.merge ? this.merge(this.queue.splice(0)) : (this.queue.shift() as T);
      try {
        await this.deliver(next);
      } catch (error) {
        // One notice refused must not silence the next ones: kept for close(), logged now.
        log.error('A notice could not be sent', { error: error instanceof Error ? error.message : String(error) });
        this.failure ??= { error };
      }
    }
  }
}
