import { CancellationScope, sleep } from '@temporalio/workflow';

/**
 * One timer for "no event for a while". A `condition(fn, timeout)` per wait would start a timer and
 * cancel it again for every webhook, two history events each time; this timer is re-armed only when
 * it fires or has to fire sooner.
 */
export class QuietTimer {
  /** Bumped whenever the armed timer ends; waiters compare it to notice. */
  ticks = 0;
  /** The deadline of the last timer that fired: that moment has passed, whatever the clock says. */
  private passed = 0;
  private deadline: number | undefined;
  private scope: CancellationScope | undefined;

  /**
   * Workflow time, never before the last fired timer's deadline. An activation's clock can lag the
   * timer it resolves: when a query finds a room out of the worker's cache while a workflow task is
   * pending, Temporal's core replays the history to answer it and applies a timer that fired since
   * the last task at that last task's time. Decisions taken then go into the next task; a replay of
   * that task sees its own, later time. Deciding on this time keeps both the same.
   */
  now(): number {
    return Math.max(Date.now(), this.passed);
  }

  /** The deadline of the last timer that fired (0 before any): the same whenever the history is replayed. */
  firedAt(): number {
    return this.passed;
  }

  /** Stops the armed timer, so a bot that is done leaves no timer firing into what follows. */
  cancel(): void {
    this.scope?.cancel();
    this.scope = undefined;
    this.deadline = undefined;
  }

  /** Makes sure the timer fires no later than `at` (epoch ms, workflow time). */
  armBy(at: number): void {
    if (this.deadline !== undefined && this.deadline <= at) return;
    this.scope?.cancel();
    const scope = new CancellationScope();
    this.scope = scope;
    this.deadline = at;
    const settle = (fired: boolean) => {
      if (this.scope !== scope) return;
      this.scope = undefined;
      this.deadline = undefined;
      if (fired) this.passed = Math.max(this.passed, at);
      this.ticks++;
    };
    // A timer cancelled along with the workflow counts as fired, so a waiter re-evaluates at once.
    scope
      .run(() => sleep(Math.max(at - Date.now(), 1)))
      .then(
        () => settle(true),
        () => settle(false),
      );
  }
}
