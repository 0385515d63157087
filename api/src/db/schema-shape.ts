import type { Database } from 'better-sqlite3';
import type pg from 'pg';
import { MIGRATIONS_TABLE } from './migrate.ts';

// The shape of a migrated database, in terms both providers share: tables, columns (portable
// type, nullability), indexes (columns, uniqueness) and foreign keys (columns, target, on delete).
// Comparing the shapes the SQLite and PostgreSQL migration sets produce catches them drifting.

export interface SchemaShape {
  /** "Table.column": "type" or "type?" when nullable. */
  columns: Record<string, string>;
  /** "Table(col,col)": "unique" or "index"; primary keys are left out (their names differ by provider). */
  indexes: Record<string, string>;
  /** "Table(col,…)->Target(col,…)": the on-delete action. */
  foreignKeys: Record<string, string>;
}

const SQLITE_TYPES: Record<string, string> = {
  TEXT: 'text',
  INTEGER: 'int',
  DATETIME: 'datetime',
  BOOLEAN: 'bool',
  REAL: 'float',
  BLOB: 'bytes',
  BIGINT: 'bigint',
  DECIMAL: 'decimal',
  JSONB: 'json',
};
const POSTGRES_TYPES: Record<string, string> = {
  text: 'text',
  integer: 'int',
  'timestamp without time zone': 'datetime',
  boolean: 'bool',
  'double precision': 'float',
  bytea: 'bytes',
  bigint: 'bigint',
  numeric: 'decimal',
  jsonb: 'json',
};
const ACTIONS: Record<string, string> = {
  'NO ACTION': 'noaction',
  RESTRICT: 'restrict',
  CASCADE: 'cascade',
  'SET NULL': 'setnull',
  'SET DEFAULT': 'setdefault',
};

const sorted = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

export function sqliteShape(db: Database): SchemaShape {
  const shape: SchemaShape = { columns: {}, indexes: {}, foreignKeys: {} };
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ?`)
    .pluck()
    .all(MIGRATIONS_TABLE) as string[];
  for (const table of tables) {
    for (const c of db.pragma(`table_info("${table}")`) as { name: string; type: string; notnull: number; pk: number }[]) {
      const type = SQLITE_TYPES[c.type.toUpperCase()] ?? `unknown:${c.type}`;
      shape.columns[`${table}.${c.name}`] = c.notnull || c.pk ? type : `${type}?`;
    }
    for (const index of db.pragma(`index_list("${table}")`) as { name: string; unique: number; origin: string }[]) {
      if (index.origin === 'pk') continue;
      const columns = (db.pragma(`index_info("${index.name}")`) as { seqno: number; name: string }[]).sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      shape.indexes[`${table}(${columns.join(',')})`] = index.unique ? 'unique' : 'index';
    }
    const keys = new Map<number, { table: string; from: string[]; to: string[]; onDelete: string }>();
    for (const k of db.pragma(`foreign_key_list("${table}")`) as { id: number; table: string; from: string; to: string; on_delete: string }[]) {
      const key = keys.get(k.id) ?? { table: k.table, from: [], to: [], onDelete: k.on_delete };
      key.from.push(k.from);
      key.to.push(k.to);
      keys.set(k.id, key);
    }
    for (const k of keys.values()) shape.foreignKeys[`${table}(${k.from.join(',')})->${k.table}(${k.to.join(',')})`] = ACTIONS[k.onDelete] ?? k.onDelete;
  }
  return { columns: sorted(shape.columns), indexes: sorted(shape.indexes), foreignKeys: sorted(shape.foreignKeys) };
}

export async function postgresShape(client: pg.ClientBase, schema: string): Promise<SchemaShape> {
  const shape: SchemaShape = { columns: {}, indexes: {}, foreignKeys: {} };
  const columns = await client.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
     WHERE table_schema = $1 AND table_name <> $2`,
    [schema, MIGRATIONS_TABLE],
  );
  for (const c of columns.rows) {
    const type = POSTGRES_TYPES[c.data_type] ?? `unknown:${c.data_type}`;
    shape.columns[`${c.table_name}.${c.column_name}`] = c.is_nullable === 'YES' ? `${type}?` : type;
  }
  const indexes = await client.query<{ table_name: string; columns: string[]; is_unique: boolean }>(
    `SELECT t.relname AS table_name, i.indisunique AS is_unique,
            array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
     FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace
     WHERE ns.nspname = $1 AND NOT i.indisprimary AND t.relname <> $2`,
    [schema, MIGRATIONS_TABLE],
  );
  for (const i of indexes.rows) shape.indexes[`${i.table_name}(${i.columns.join(',')})`] = i.is_unique ? 'unique' : 'index';
  const keys = await client.query<{ table_name: string; from_columns: string[]; target: string; to_columns: string[]; on_delete: string }>(
    `SELECT t.relname AS table_name, r.relname AS target,
            array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS from_columns,
            array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS to_columns,
            CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END AS on_delete
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid
     JOIN pg_namespace ns ON ns.oid = t.relnamespace
     WHERE c.contype = 'f' AND ns.nspname = $1`,
    [schema],
  );
  for (const k of keys.rows) {
    shape.foreignKeys[`${k.table_name}(${k.from_columns.join(',')})->${k.target}(${k.to_columns.join(',')})`] = ACTIONS[k.on_delete] ?? k.on_delete;
  }
  return { columns: sorted(shape.columns), indexes: sorted(shape.indexes), foreignKeys: sorted(shape.foreignKeys) };
}
