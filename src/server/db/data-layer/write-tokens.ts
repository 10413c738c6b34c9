/**
 * The consistency token of a write: the writer's flush position (and timeline) read after the commit.
 * After a synchronous commit the flush position is at or past the commit record, and it is what
 * walsenders ship, so replicas reach it (the insert position can sit past a page header that no record
 * fills until the next write: a token that might never be reached).
 *
 * Writes that commit while a position query is in flight wait for the next one, issued after their
 * commits; so at any concurrency there is at most one such query per writer at a time, shared by every
 * write that committed before it was sent (one round trip per write when alone, fewer together).
 *
 * A committed write is never answered as an error: if the position cannot be had (the writer died right
 * after the commit), the token says "read from the primary" instead (./consistency-token.ts).
 */

import type { Lsn } from "~/replication/lsn";
import type { ConsistencyToken } from "./consistency-token";

export interface WriterPositionSource {
  /** The writer's flush position and timeline now. */
  writerPosition(node: string): Promise<{ lsn: Lsn; timeline: number }>;
  /** The last position and timeline known for it, for a token when it cannot be asked. */
  lastKnown(node: string): { lsn: Lsn; timeline: number | null };
}

/** Writes waiting for the next position query on one writer; undefined means it could not be had. */
interface Queue {
  running: boolean;
  waiting: ((token: ConsistencyToken | undefined) => void)[];
}

export class WriteTokens {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly source: WriterPositionSource) {}

  /**
   * The token for a write that has just committed on `node`. Never rejects. `previous` is the token the
   * client sent with the request, if any: a "read from the primary" token must be newer than it, or the
   * client would keep the previous one and could read from a replica that lacks this write.
   */
  async after(node: string, previous?: ConsistencyToken): Promise<ConsistencyToken> {
    const queue = this.queues.get(node) ?? { running: false, waiting: [] };
    this.queues.set(node, queue);
    const token = await new Promise<ConsistencyToken | undefined>((resolve) => {
      queue.waiting.push(resolve);
      this.kick(node, queue);
    });
    return token ?? this.primaryOnly(node, previous);
  }

  /** Just past both the writer's last known position and the client's previous token: not past this commit. */
  private primaryOnly(node: string, previous: ConsistencyToken | undefined): ConsistencyToken {
    const known = this.source.lastKnown(node);
    const floor = previous && previous.lsn > known.lsn ? previous.lsn : known.lsn;
    return { timeline: known.timeline ?? previous?.timeline ?? null, lsn: floor + 1n, primaryOnly: true };
  }

  private kick(node: string, queue: Queue): void {
    if (queue.running || queue.waiting.length === 0) return;
    queue.running = true;
    const batch = queue.waiting;
    queue.waiting = [];
    void this.ask(node)
      .then((token) => {
        for (const resolve of batch) resolve(token);
      })
      .finally(() => {
        queue.running = false;
        this.kick(node, queue);
      });
  }

  /** Asks twice (a pooled connection may have died with a server restart); undefined if both fail. */
  private async ask(node: string): Promise<ConsistencyToken | undefined> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const { lsn, timeline } = await this.source.writerPosition(node);
        return { timeline, lsn, primaryOnly: false };
      } catch {
        // once more, on another connection
      }
    }
    return undefined;
  }
}
