import type { BridgeConfig } from "../config/schema";
import { openNedbStore, type NedbStoreOptions } from "../store/nedbStore";
import type { Store } from "../store/store";

/** The config's `datastore`, read when the bridge is built. */
export type StoreSettings = Pick<BridgeConfig["datastore"], "engine" | "path" | "connectionString">;

export function storeSettings(datastore: BridgeConfig["datastore"]): StoreSettings {
  return { engine: datastore.engine, path: datastore.path, connectionString: datastore.connectionString };
}

/**
 * The store the config's `datastore` names: NeDB files (the default) or PostgreSQL. The PostgreSQL
 * store (and the `pg` driver with it) is loaded only when it is the one named, by an import of its
 * fixed path (no module chosen by a string at run time): a bridge on NeDB never holds it in memory.
 */
export async function openStore(datastore: StoreSettings, options: NedbStoreOptions): Promise<Store> {
  if (datastore.engine === "postgres" && datastore.connectionString !== undefined) {
    const { openPgStore } = await import("../store/pgStore");
    return openPgStore(datastore.connectionString, datastore.path, options);
  }
  return openNedbStore(datastore.path, options);
}
