/**
 * A collection kept in PostgreSQL: one table per collection, one JSONB document per row (the same
 * records NeDB keeps, so the store's classes are shared: nedbStore.ts), queried with NeDB's small
 * query language translated to SQL on the document (docCollection.ts).
 *
 * Guarantees: every value reaches SQL as a bound parameter, never in the query text (field names
 * are checked to be plain identifiers); an upsert is atomic against other upserts of the same
 * collection, also from other processes, so two writers never leave two documents for one key: by
 * the collection's unique key, one INSERT ... ON CONFLICT against its unique index; by any other
 * query, a transaction holding the table's advisory lock.
 */
import type { Pool, PoolClient } from "pg";
import type { DocCollection, DocQuery } from "./docCollection";

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The SQL condition for a query, its parameters numbered from `first`. */
export function whereOf(query: DocQuery, params: unknown[]): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (key === "$not") {
      if (typeof value !== "object" || value === null) throw new Error("$not takes a query");
      // NeDB's $not matches a document whose fields are missing (SQL's NOT of NULL would not).
      parts.push(`NOT COALESCE((${whereOf(value as DocQuery, params)}), false)`);
      continue;
    }
    if (!FIELD.test(key)) throw new Error(`not a field name: ${JSON.stringify(key)}`);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const [op, arg] = Object.entries(value)[0] ?? [];
      if (op === "$lt" && typeof arg === "number") {
        params.push(arg);
        parts.push(`(doc->>'${key}')::double precision < $${params.length}`);
      } else if (op === "$ne") {
        params.push(JSON.stringify(arg ?? null));
        parts.push(`doc->'${key}' IS DISTINCT FROM $${params.length}::jsonb`);
      } else if (op === "$exists" && typeof arg === "boolean") {
        parts.push(arg ? `doc ? '${key}'` : `NOT (doc ? '${key}')`);
      } else throw new Error(`unsupported query on ${key}: ${JSON.stringify(value)}`);
      continue;
    }
    params.push(JSON.stringify(value));
    parts.push(`doc->'${key}' = $${params.length}::jsonb`);
  }
  return parts.length === 0 ? "TRUE" : parts.join(" AND ");
}

export class PgCollection<T extends object> implements DocCollection<T> {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
    private readonly lockKey: number,
    /** The field unique per document (an index on it), if the collection has one. */
    private readonly unique: string | undefined,
  ) {}

  /** The collection's table (`ircbridge_<name>`) and the unique index on its key field, made when missing. */
  static async open<T extends object>(pool: Pool, name: string, lockKey: number, unique?: string): Promise<PgCollection<T>> {
    if (!FIELD.test(name) || (unique !== undefined && !FIELD.test(unique))) throw new Error(`not a collection name: ${name}`);
    const table = `ircbridge_${name.toLowerCase()}`;
    await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (id BIGSERIAL PRIMARY KEY, doc JSONB NOT NULL)`);
    if (unique !== undefined) await pool.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${table}_${unique.toLowerCase()} ON ${table} ((doc->>'${unique}'))`);
    return new PgCollection<T>(pool, table, lockKey, unique);
  }

  async findOne(query: DocQuery): Promise<T | null> {
    const params: unknown[] = [];
    const result = await this.pool.query<{ doc: T }>(`SELECT doc FROM ${this.table} WHERE ${whereOf(query, params)} ORDER BY id LIMIT 1`, params);
    return result.rows[0]?.doc ?? null;
  }

  async find(query: DocQuery): Promise<T[]> {
    const params: unknown[] = [];
    const result = await this.pool.query<{ doc: T }>(`SELECT doc FROM ${this.table} WHERE ${whereOf(query, params)} ORDER BY id`, params);
    return result.rows.map((r) => r.doc);
  }

  async upsert(query: DocQuery, doc: T): Promise<void> {
    const keys = Object.keys(query);
    if (this.unique !== undefined && keys.length === 1 && keys[0] === this.unique && typeof query[this.unique] === "string") {
      // By the collection's unique key (every transaction, every outbox message): one statement, no lock.
      await this.pool.query(`INSERT INTO ${this.table} (doc) VALUES ($1::jsonb) ON CONFLICT ((doc->>'${this.unique}')) DO UPDATE SET doc = EXCLUDED.doc`, [JSON.stringify(doc)]);
      return;
    }
    await this.inTransaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [this.lockKey]);
      const params: unknown[] = [JSON.stringify(doc)];
      const updated = await client.query(`UPDATE ${this.table} SET doc = $1::jsonb WHERE ${whereOf(query, params)}`, params);
      if ((updated.rowCount ?? 0) === 0) await client.query(`INSERT INTO ${this.table} (doc) VALUES ($1::jsonb)`, [JSON.stringify(doc)]);
    });
  }

  async remove(query: DocQuery): Promise<number> {
    const params: unknown[] = [];
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE ${whereOf(query, params)}`, params);
    return result.rowCount ?? 0;
  }

  compact(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async inTransaction(run: (client: PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await run(client);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
