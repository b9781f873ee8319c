/**
 * Tagged-template SQL over Durable Object SQLite: values become `?` bindings, never text, and a
 * failing statement is named in the error.
 */
import { errorMessage } from "./errors";

export type SqlValue = string | number | null | ArrayBuffer;

export function sqlOf(storage: SqlStorage) {
  return function sql<Row extends Record<string, SqlStorageValue>>(
    strings: TemplateStringsArray,
    ...values: SqlValue[]
  ): Row[] {
    const query = strings.join("?");
    try {
      return storage.exec<Row>(query, ...values).toArray();
    } catch (error) {
      throw new Error(`SQL failed: ${query.replace(/\s+/g, " ").trim()}: ${errorMessage(error)}`, {
        cause: error,
      });
    }
  };
}

export type Sql = ReturnType<typeof sqlOf>;

/**
 * Applies the numbered migrations not yet applied, each in its own transaction, recording the
 * version so a warm wake runs no DDL.
 */
export function migrate(storage: DurableObjectStorage, migrations: readonly string[]): void {
  const sql = sqlOf(storage.sql);
  sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`;
  const [{ version }] = sql<{ version: number }>`SELECT coalesce(max(version), 0) AS version FROM schema_migrations`;
  for (let next = version + 1; next <= migrations.length; next++) {
    storage.transactionSync(() => {
      storage.sql.exec(migrations[next - 1]);
      sql`INSERT INTO schema_migrations (version, applied_at) VALUES (${next}, ${Date.now()})`;
    });
  }
}
