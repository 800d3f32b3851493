import type { Logger } from "../observability/logger";
import type { Metrics } from "../observability/metrics";
import { errorText } from "../errors";

/**
 * Keeps trying to reach the homeserver until it answers: registers the bot user, then asks the
 * homeserver to ping us. Records reachability for /health and the metrics. Retries with backoff
 * (1 s doubling to 30 s); never exits the process: the homeserver may simply start later.
 */
export class HomeserverWatch {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failure: string | undefined = "not contacted yet";

  constructor(
    private readonly check: () => Promise<number>,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Undefined when the homeserver is reachable, else why not. */
  get problem(): string | undefined {
    return this.failure;
  }

  start(): Promise<void> {
    return this.attempt(1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Read through a method: `stop()` may run while a check is awaited. */
  private running(): boolean {
    return !this.stopped;
  }

  private async attempt(delayOnFailure: number): Promise<void> {
    if (this.stopped) return;
    try {
      const ms = await this.check();
      this.failure = undefined;
      this.metrics.homeserverReachable.set(1);
      this.log.info("homeserver reached the bridge", { pingMs: ms });
    } catch (err) {
      this.failure = `homeserver check failed: ${errorText(err)}`;
      this.metrics.homeserverReachable.set(0);
      this.log.warn("cannot confirm the homeserver reaches the bridge; retrying", { error: errorText(err), retryMs: delayOnFailure });
      if (!this.running()) return;
      this.timer = setTimeout(() => void this.attempt(Math.min(delayOnFailure * 2, 30000)), delayOnFailure);
      this.timer.unref();
    }
  }
}
