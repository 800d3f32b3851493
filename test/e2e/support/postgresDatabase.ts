import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { testenv } from "../../../scripts/lib/testenv";

/** A database of its own on the test environment's PostgreSQL (`prefix_<random>`): created before a story's bridge starts, dropped after. */
export function postgresDatabase(prefix: string): { readonly url: string; create(): Promise<void>; drop(): Promise<void> } {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const url = new URL(testenv.postgresUrl);
  url.pathname = `/${name}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: testenv.postgresUrl });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };
  return { url: url.toString(), create: () => admin(`CREATE DATABASE ${name}`), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Rows of one table (or `table WHERE …`) in a database: the bridge really kept its state there. */
export async function rowsIn(url: string, table: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
