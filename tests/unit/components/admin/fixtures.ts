import type { NodeView } from "~/components/admin/admin-api";
import { ROUTABLE } from "~/server/db/monitor/routing-state";

/** A healthy streaming replica, as replication.status reports it; each case changes what it is about. */
export function nodeView(overrides: Partial<NodeView> = {}): NodeView {
  return {
    name: "replica1",
    endpoint: "127.0.0.1:54321",
    configuredRole: "replica",
    role: "replica",
    fenced: false,
    reachable: true,
    routing: ROUTABLE,
    error: null,
    failure: null,
    lastProbeAt: "2026-12-02T08:00:00.000Z",
    timeline: 1,
    lsn: "0/3000148",
    replayPaused: false,
    lagBytes: 0,
    lagSeconds: 0.004,
    receiveLsn: "0/3000148",
    replayDelaySeconds: 0.2,
    walReceiver: null,
    stream: null,
    slot: null,
    readsServed: 0,
    fallbacks: 0,
    errors: 0,
    writes: 0,
    ...overrides,
  };
}
