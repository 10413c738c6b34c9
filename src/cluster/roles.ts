/**
 * The database roles and what each may do, in one place (docker/postgres/init-primary.sh mirrors it):
 *
 *   superuser  (postgres)      the cluster manager only: a Unix socket in a private directory, never TCP
 *   owner      (tandem_owner)  owns database `tandem` and every table in it; runs Prisma Migrate.
 *                              CREATEDB, for the temporary shadow database of `migrate dev`
 *   runtime    (tandem)        the app: SELECT, INSERT, UPDATE, DELETE on the owner's tables and their
 *                              sequences, nothing else (no DDL, no TRUNCATE, no CREATEDB, no pg_monitor:
 *                              replication figures come from tandem_monitor's functions)
 *   replicator (replicator)    REPLICATION, and pg_hba lets it open replication connections only
 *
 * The runtime role also writes rows in tandem_verify.markers (db:verify's replication probe).
 *
 * Default privileges make the owner's future tables (every later migration) the runtime role's to use
 * the same way, so no migration has to GRANT anything. Idempotent, and converges an older cluster, whose
 * runtime role owned everything, to this: ownership moves to the owner, CREATEDB goes.
 */
import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { ClusterState, Credentials } from "../replication/state";
import { MARKERS_TABLE_DDL } from "../replication/visibility";
import { literal } from "./sql";

export const OWNER_ROLE = "tandem_owner";

/** The owner's credentials, created for a state written before the owner role existed. Mutates `state`. */
export function ensureOwnerCredentials(state: ClusterState): Credentials {
  state.owner ??= { user: OWNER_ROLE, password: randomBytes(18).toString("base64url") };
  return state.owner;
}

const RUNTIME_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE";
const RUNTIME_SEQUENCE_PRIVILEGES = "USAGE, SELECT";

/** Roles and the database, as the superuser connected to the `postgres` database. */
export async function provisionAppRoles(
  client: pg.Client,
  state: ClusterState,
  log: (line: string) => void,
): Promise<void> {
  const owner = ensureOwnerCredentials(state);
  const { app, database } = state;
  const exists = async (sql: string, name: string) => (await client.query(sql, [name])).rowCount === 1;
  if (!(await exists("SELECT 1 FROM pg_roles WHERE rolname = $1", owner.user))) {
    log(`creating role '${owner.user}' (owns the database; Prisma Migrate)`);
    await client.query(`CREATE ROLE ${owner.user} WITH LOGIN CREATEDB PASSWORD ${literal(owner.password)}`);
  }
  if (!(await exists("SELECT 1 FROM pg_roles WHERE rolname = $1", app.user))) {
    log(`creating role '${app.user}' (the app: reads and writes rows, nothing else)`);
    await client.query(`CREATE ROLE ${app.user} WITH LOGIN PASSWORD ${literal(app.password)}`);
  }
  // Converges an older cluster's runtime role, which had CREATEDB for Prisma's shadow database.
  await client.query(`ALTER ROLE ${app.user} WITH NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION`);
  // An older cluster's runtime role was a member of pg_monitor; it reads the replication statistics it
  // needs through tandem_monitor's SECURITY DEFINER functions (sql/tandem-monitor.sql) now.
  if (
    await exists(
      "SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE m.roleid = 'pg_monitor'::regrole AND r.rolname = $1",
      app.user,
    )
  ) {
    await client.query(`REVOKE pg_monitor FROM ${app.user}`);
  }
  if (!(await exists("SELECT 1 FROM pg_database WHERE datname = $1", database))) {
    log(`creating database '${database}' owned by '${owner.user}'`);
    await client.query(`CREATE DATABASE ${database} OWNER ${owner.user}`);
  }
}

/** Ownership and grants inside the app database, as the superuser connected to it. */
export async function grantRuntimePrivileges(client: pg.Client, state: ClusterState): Promise<void> {
  const owner = ensureOwnerCredentials(state);
  const { app, database } = state;
  // An older cluster's tables (and the database) belong to the runtime role: hand them to the owner.
  await client.query(`REASSIGN OWNED BY ${app.user} TO ${owner.user}`);
  await client.query(`ALTER DATABASE ${database} OWNER TO ${owner.user}`);
  await client.query(`REVOKE CREATE, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
  await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${app.user}`);
  await client.query(`GRANT USAGE ON SCHEMA public TO ${app.user}`);
  await client.query(`GRANT ${RUNTIME_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO ${app.user}`);
  await client.query(`GRANT ${RUNTIME_SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA public TO ${app.user}`);
  await client.query(
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner.user} IN SCHEMA public GRANT ${RUNTIME_TABLE_PRIVILEGES} ON TABLES TO ${app.user}`,
  );
  await client.query(
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner.user} IN SCHEMA public GRANT ${RUNTIME_SEQUENCE_PRIVILEGES} ON SEQUENCES TO ${app.user}`,
  );
  // db:verify's and the admin probe's replication markers (src/replication/visibility.ts): rows only, for the app.
  await client.query(`CREATE SCHEMA IF NOT EXISTS tandem_verify AUTHORIZATION ${owner.user}`);
  await client.query(MARKERS_TABLE_DDL);
  await client.query(`ALTER SCHEMA tandem_verify OWNER TO ${owner.user}`);
  await client.query(`ALTER TABLE tandem_verify.markers OWNER TO ${owner.user}`);
  await client.query(`GRANT USAGE ON SCHEMA tandem_verify TO ${app.user}`);
  await client.query(`GRANT SELECT, INSERT, DELETE ON tandem_verify.markers TO ${app.user}`);
}
