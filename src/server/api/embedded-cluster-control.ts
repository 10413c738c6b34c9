/**
 * The embedded cluster's levers behind the ClusterControl interface: the only server file that imports
 * the cluster manager (src/cluster/), loaded on demand by ./services.ts when the app runs on that cluster
 * (`npm run check:layers` holds every other server file to that).
 */
import { UnknownNodeError } from "~/cluster/context";
import { promote } from "~/cluster/promote";
import { setReplayPaused } from "~/cluster/replay";
import { readState } from "~/replication/state";
import { type ClusterControl, UnknownClusterNodeError } from "./cluster-control";

/** `root` is the cluster's data root (TANDEM_DATA_DIR or .tandem), where its state file lives. */
export function embeddedClusterControl(root: string): ClusterControl {
  return {
    pauseReplay: (node) => translated(() => setReplayPaused(node, true, { root })),
    resumeReplay: (node) => translated(() => setReplayPaused(node, false, { root })),
    promote: (node) => translated(async () => void (await promote(node, { root }))),
    fencedNodes: () =>
      readState(root)
        ?.nodes.filter((n) => n.role === "fenced")
        .map((n) => n.name) ?? [],
    endpointOf: (node) => {
      const state = readState(root);
      const port = state?.nodes.find((n) => n.name === node)?.port;
      return state && port !== undefined ? `${state.host}:${port}` : undefined;
    },
  };
}

/** The cluster manager's refusals are sentences for operators and pass through; an unknown node gets its own type. */
async function translated<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof UnknownNodeError) throw new UnknownClusterNodeError(error.message, { cause: error });
    throw error;
  }
}
