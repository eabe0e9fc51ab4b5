// The Kysely instance: PostgreSQL through `pg` when DATABASE_URL is set, else the embedded PGlite in PGLITE_DIR.
import { mkdir } from 'node:fs/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import type { Database } from './schema.ts';

// int8 (bigserial ids, count(*)) as numbers rather than strings: our counts and ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// date columns as YYYY-MM-DD strings: a JS Date would shift calendar dates by the process's time zone.
const DATE_OID = 1082;
pg.types.setTypeParser(DATE_OID, (v) => v);

export type Engine = 'postgres' | 'pglite';
export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  engine: Engine;
  /** Where it is, without credentials: "postgres://host:5432/name" or "pglite:./data/pglite". */
  location: string;
  close(): Promise<void>;
  /** PGlite only: the whole data directory as a tarball (loadable through `pgliteSnapshot`). */
  snapshot?(): Promise<Blob>;
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  /** Directory of the embedded database; `memory://` for an in-memory one. */
  pgliteDir?: string;
  /** A PGlite snapshot (`dumpDataDir()`) to start from: tests load a migrated template this way. */
  pgliteSnapshot?: Blob;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
  /** Told when an idle pooled connection fails (PostgreSQL restarted, the connection was killed). */
  logger?: Pick<Logger, 'warn'>;
}

export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'postgres://(unparseable DATABASE_URL)';
  }
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // An idle connection that fails (PostgreSQL restarting, a connection killed by an administrator) is an 'error'
    // event on the pool: unheard, it would end the process. The pool drops that connection and opens another on next
    // use; the query that needs it then reports any real outage.
    pool.on('error', (err) => options.logger?.warn({ err: err.message }, 'a pooled PostgreSQL connection failed while idle; it is replaced on next use'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', location: redactDatabaseUrl(options.databaseUrl), close: () => db.destroy() };
  }
  const dir = options.pgliteDir ?? './data/pglite';
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  // Imported only when used: PGlite's WASM costs ~50 MB of memory a PostgreSQL deployment should not pay.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
  const load = { parsers: { [DATE_OID]: (v: string) => v }, ...(options.pgliteSnapshot ? { loadDataDir: options.pgliteSnapshot } : {}) };
  const pglite = dir.startsWith('memory://') ? await PGlite.create(load) : await PGlite.create(dir, load);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    engine: 'pglite',
    location: `pglite:${dir}`,
    close: () => db.destroy(),
    snapshot: () => pglite.dumpDataDir('none'),
  };
}

/** One round trip: used by /healthz and `config check`. */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
