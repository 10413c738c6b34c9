/**
 * The connection-error classifier lives in src/replication/connection-errors.ts (shared with the cluster
 * manager and the schema-engine shim); the data layer's modules import it from here.
 */
export { describeConnectionFailure, isConnectionError, sqlStateOf } from "~/replication/connection-errors";
