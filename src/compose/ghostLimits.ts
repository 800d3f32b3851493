import type { Clock } from "../irc/pacedQueue";
import type { GhostLimits } from "../matrix/ghosts";
import type { Metrics } from "../observability/metrics";
import { FifoRate } from "../util/fifoRate";

export interface GhostSettings {
  readonly maxCached: number;
  readonly registrationsPerSecond: number;
  readonly registrationBurst: number;
}

/** The ghost caches' bound and the registration rate, its wait shown in the metrics. */
export function ghostLimits(settings: GhostSettings, metrics: Metrics, clock: Clock): GhostLimits {
  const rate = new FifoRate(settings.registrationsPerSecond, settings.registrationBurst, clock, {
    waiting: (count) => metrics.ghostRegistrationsWaiting.set(count),
    waited: (ms) => metrics.ghostRegistrationWait.observe(ms / 1000),
  });
  return { maxCached: settings.maxCached, rate };
}
