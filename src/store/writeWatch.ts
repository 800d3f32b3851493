import type { Clock } from "../irc/pacedQueue";
import type { Logger } from "../observability/logger";
import { errorText } from "../errors";

/**
 * Watches the store's writes for a disk that refuses them (full, over quota, read-only, failing).
 *
 * Guarantees:
 * - A write failing with ENOSPC, EDQUOT, EROFS or EIO marks its place (a collection or a journal)
 *   failing: `problem` says so (for /health), the gauge counts failing places, and an error is
 *   logged once per place and episode, not once per write.
 * - Every failing place is given a `repair`: a rewrite from what the bridge holds in memory (NeDB
 *   compaction, a journal rewrite), which puts back on disk every write that failed there. Repairs
 *   are retried every `retryMs`, and at once when a later write to the same place succeeds. The
 *   place stops failing only when its repair succeeded; then the state clears (logged once).
 * - Other errors (a unique-index violation, say) are not the disk's fault: they are left to the
 *   caller and change nothing here.
 * Not guaranteed: that what was only in memory survives a crash while the disk is failing.
 */
export const DISK_ERRORS: ReadonlySet<string> = new Set(["ENOSPC", "EDQUOT", "EROFS", "EIO"]);

/** The disk error code of an error, or undefined when it is not one. */
export function diskErrorCode(err: unknown): string | undefined {
  const code = typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
  return code !== undefined && DISK_ERRORS.has(code) ? code : undefined;
}

/** What a store place reports about its writes. */
export interface WriteReports {
  /** A write at `where` succeeded. */
  ok(where: string): void;
  /** A write at `where` failed; true when it was a disk error (now being repaired). */
  failed(where: string, err: unknown, repair: () => Promise<void> | void): boolean;
}

/** Reports nowhere (tests, in-memory stores). */
export const ignoreWrites: WriteReports = { ok: () => undefined, failed: () => false };

export interface WriteWatchDeps {
  readonly clock: Clock;
  readonly log: Logger;
  /** Failing places changed (the gauge); `code` set when a write just failed. */
  readonly count: (failing: number, code?: string) => void;
  readonly retryMs?: number;
}

interface Failing {
  readonly code: string;
  repair: () => Promise<void> | void;
  repairing: boolean;
}

export class WriteWatch implements WriteReports {
  private readonly failing = new Map<string, Failing>();
  private timer: { cancel(): void } | undefined;
  private stopped = false;

  constructor(private readonly deps: WriteWatchDeps) {}

  /** Undefined while every write succeeds, else what fails (for /health). */
  get problem(): string | undefined {
    if (this.failing.size === 0) return undefined;
    const list = [...this.failing].map(([where, f]) => `${where} (${f.code})`).join(", ");
    return `the store cannot write to its disk: ${list}; retrying`;
  }

  ok(where: string): void {
    const failing = this.failing.get(where);
    if (failing !== undefined) void this.repair(where, failing);
  }

  failed(where: string, err: unknown, repair: () => Promise<void> | void): boolean {
    const code = diskErrorCode(err);
    if (code === undefined) return false;
    const known = this.failing.get(where);
    if (known !== undefined) {
      known.repair = repair;
      this.deps.count(this.failing.size, code);
      return true;
    }
    this.failing.set(where, { code, repair, repairing: false });
    this.deps.log.error("the store cannot write to its disk; the bridge is degraded and keeps retrying", { where, code, error: errorText(err) });
    this.deps.count(this.failing.size, code);
    this.schedule();
    return true;
  }

  /** Tries every repair now (also what the timer does). */
  async retry(): Promise<void> {
    await Promise.all([...this.failing].map(([where, f]) => this.repair(where, f)));
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.stopped || this.failing.size === 0) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      void this.retry().finally(() => this.schedule());
    }, this.deps.retryMs ?? 10_000);
  }

  private async repair(where: string, failing: Failing): Promise<void> {
    if (failing.repairing) return;
    failing.repairing = true;
    try {
      await failing.repair();
      if (this.failing.get(where) !== failing) return;
      this.failing.delete(where);
      this.deps.log.info("the store writes to its disk again", { where });
      this.deps.count(this.failing.size);
      if (this.failing.size === 0) {
        this.timer?.cancel();
        this.timer = undefined;
      }
    } catch {
      // Still failing: the next retry tries again; logged once, when the place started failing.
    } finally {
      failing.repairing = false;
    }
  }
}

/**
 * Logs a failed store write where it is caught: a disk error was already reported (once) by the
 * store's WriteWatch, so it is only a debug line here, not one error per write; anything else is an
 * error.
 */
export function logWriteFailure(log: Logger, message: string, err: unknown, fields: Record<string, unknown> = {}): void {
  if (diskErrorCode(err) !== undefined) log.debug(message, { ...fields, error: errorText(err) });
  else log.error(message, { ...fields, error: errorText(err) });
}
