import { CancellationScope, sleep } from '@temporalio/workflow';

/**
 * One timer for "no event for a while". A `condition(fn, timeout)` per wait would start a timer and
 * cancel it again for every webhook, two history events each time; this timer is re-armed only when
 * it fires or has to fire sooner.
 */
export class QuietTimer {
  /** Bumped whenever the armed timer ends; waiters compare it to notice. */
  ticks = 0;
  private deadline: number | undefined;
  private scope: CancellationScope | undefined;

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
    const settle = () => {
      if (this.scope !== scope) return;
      this.scope = undefined;
      this.deadline = undefined;
      this.ticks++;
    };
    // A timer cancelled along with the workflow counts as fired, so a waiter re-evaluates at once.
    scope.run(() => sleep(Math.max(at - Date.now(), 1))).then(settle, settle);
  }
}
