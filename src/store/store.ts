/**
 * What the bridge persists, behind interfaces so that handlers and tests never see the engine.
 * The default engine is NeDB (files under `datastore.path`, or in memory when it is unset).
 */

/** Application-service transactions already processed, so a retried txnId is a no-op across restarts. */
export interface TransactionLog {
  has(txnId: string): Promise<boolean>;
  /** Remembers a transaction as fully processed. */
  add(txnId: string, at: number): Promise<void>;
  /** Forgets transactions older than `before` (ms since epoch); returns how many were dropped. */
  prune(before: number): Promise<number>;
}

export interface Store {
  readonly transactions: TransactionLog;
  /** Flushes and releases files. */
  close(): Promise<void>;
}
