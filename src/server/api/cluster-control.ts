/**
 * The levers the admin API pulls on a cluster it manages: pause and resume replay on a replica, promote
 * one. Only the embedded development cluster has them (its adapter, ./embedded-cluster-control.ts, is
 * loaded by ./services.ts when the app runs on it); on DATABASE_URL the API has none and says so. The
 * server knows this interface, never the cluster manager behind it.
 */
export interface ClusterControl {
  /** Asks the replica to pause replay; resolves to its replay state then ("paused", or "pause requested" mid-record). */
  pauseReplay(node: string): Promise<string>;
  /** Resumes replay; resolves to the replica's replay state then ("not paused"). */
  resumeReplay(node: string): Promise<string>;
  /** Promotes a replica to primary, fencing the old primary and re-pointing the other replicas. */
  promote(node: string): Promise<void>;
  /** Former primaries replaced by a promote: stopped for good, so never a writer again. */
  fencedNodes(): string[];
  /** Where a node of the cluster listens (host:port), fenced ones included; undefined for a name it does not have. */
  endpointOf(node: string): string | undefined;
}

/** A node name the cluster does not have (the API answers NOT_FOUND). */
export class UnknownClusterNodeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UnknownClusterNodeError";
  }
}
