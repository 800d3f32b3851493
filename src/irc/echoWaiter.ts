import { SparseMap } from "../util/sparseMap";

/**
 * Lines written to a target and not yet echoed back by the server (IRCv3 echo-message), oldest
 * first. The server echoes a connection's messages in the order it processed them, so the next
 * echo for a target confirms the oldest line waiting for it; a refusal (e.g. "cannot send to
 * channel") answers it instead.
 */
export class EchoWaiter {
  private readonly waiting = new SparseMap<string, { resolve: (msgid?: string) => void; reject: (err: Error) => void }[]>();

  /**
   * Resolves on the echo, with the msgid the server gave the line (IRCv3 message-tags), or after
   * `timeoutMs` (the line was written; the server said nothing) with none.
   */
  wait(target: string, timeoutMs: number): Promise<string | undefined> {
    const key = target.toLowerCase();
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(key) ?? [];
      const entry = {
        resolve: (msgid?: string) => {
          clearTimeout(timer);
          resolve(msgid);
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        const current = this.waiting.get(key);
        const at = current?.indexOf(entry) ?? -1;
        if (current !== undefined && at >= 0) current.splice(at, 1);
        if (current?.length === 0) this.waiting.delete(key);
        resolve(undefined);
      }, timeoutMs);
      list.push(entry);
      this.waiting.set(key, list);
    });
  }

  /** Whether any line waits for its echo. */
  get pending(): boolean {
    return this.waiting.size > 0;
  }

  /** Settles the oldest line waiting for `target` (echoed with `msgid`, or refused); false when none was waiting. */
  settle(target: string, error?: Error, msgid?: string): boolean {
    const key = target.toLowerCase();
    const list = this.waiting.get(key);
    const first = list?.shift();
    if (list !== undefined && list.length === 0) this.waiting.delete(key);
    if (first === undefined) return false;
    if (error === undefined) first.resolve(msgid);
    else first.reject(error);
    return true;
  }

  failAll(reason: string): void {
    const err = new Error(reason);
    for (const list of this.waiting.values()) for (const pending of list) pending.reject(err);
    this.waiting.clear();
  }
}
