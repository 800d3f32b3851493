import { NedbCollection } from "./nedbCollection";
import type { Store, TransactionLog } from "./store";

interface TxnDoc {
  txnId: string;
  at: number;
}

class NedbTransactionLog implements TransactionLog {
  constructor(private readonly docs: NedbCollection<TxnDoc>) {}

  async has(txnId: string): Promise<boolean> {
    return (await this.docs.findOne({ txnId })) !== null;
  }

  add(txnId: string, at: number): Promise<void> {
    return this.docs.upsert({ txnId }, { txnId, at });
  }

  prune(before: number): Promise<number> {
    return this.docs.remove({ at: { $lt: before } });
  }
}

/** Opens the NeDB store: one file per collection under `dir`, or all in memory when dir is undefined. */
export async function openNedbStore(dir: string | undefined): Promise<Store> {
  const txns = await NedbCollection.open<TxnDoc>(dir, "transactions");
  await txns.index("txnId", true);
  const collections = [txns];
  return {
    transactions: new NedbTransactionLog(txns),
    async close() {
      if (dir !== undefined) await Promise.all(collections.map((c) => c.compact()));
    },
  };
}
