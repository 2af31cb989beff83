import { DomainError } from '../../domain/errors.js';

/**
 * One step at a time for a workflow's updates: while a step is being recorded, another is refused
 * (ALREADY_IN_PROGRESS, to be sent again) rather than queued, so each validator checks the state
 * the previous step left. Refusing keeps a caller's answer prompt and the history free of waits.
 */
export class OneStepAtATime {
  private recording = false;

  /**
   * `busy` is the French message of a step refused while another is recorded; `preparing`, of a
   * step arriving before the workflow has read what it needs at its start.
   */
  constructor(private readonly messages: { busy: string; preparing?: string }) {}

  /** True while a step is being recorded. */
  get busy(): boolean {
    return this.recording;
  }

  /** For validators: refuses a step while another is recorded. */
  assertIdle(): void {
    if (this.recording) throw new DomainError('ALREADY_IN_PROGRESS', this.messages.busy);
  }

  /** The facts the workflow reads at its start, once it has; a step arriving before is refused. */
  prepared<T>(facts: T | undefined): T {
    if (facts === undefined)
      throw new DomainError('ALREADY_IN_PROGRESS', this.messages.preparing ?? this.messages.busy);
    return facts;
  }

  /** For validators: the facts read at start, once they are; refuses a step before, or while another is recorded. */
  ready<T>(facts: T | undefined): T {
    const known = this.prepared(facts);
    this.assertIdle();
    return known;
  }

  /** Records a step: until it ends, successfully or not, other steps are refused. */
  async run<T>(step: () => Promise<T>): Promise<T> {
    this.recording = true;
    try {
      return await step();
    } finally {
      this.recording = false;
    }
  }
}
