import type { BridgeConfig } from "../config/schema";
import { openNedbStore, type NedbStoreOptions } from "../store/nedbStore";
import { openPgStore } from "../store/pgStore";
import type { Store } from "../store/store";

/** The store the config's `datastore` names: NeDB files (the default) or PostgreSQL. */
export function openStore(datastore: BridgeConfig["datastore"], options: NedbStoreOptions): Promise<Store> {
  if (datastore.engine === "postgres" && datastore.connectionString !== undefined) return openPgStore(datastore.connectionString, datastore.path, options);
  return openNedbStore(datastore.path, options);
}
