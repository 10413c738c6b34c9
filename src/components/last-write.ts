import type { QueryClient } from "@tanstack/react-query";
import type { ServedBy } from "./served-by";

/** The last write to a user in this tab, so the page shown next can say where it went. */
export interface LastWrite {
  action: "Created" | "Saved";
  servedBy: ServedBy;
  /** The write's consistency token, to follow it to each replica (./write-progress.tsx). */
  consistencyToken: string;
  /** When its answer arrived (Date.now()). */
  at: number;
}

const key = (id: number) => ["tandem", "last-write", id] as const;

export function rememberWrite(queryClient: QueryClient, id: number, write: LastWrite): void {
  queryClient.setQueryData(key(id), write);
}

/** The last write to user `id`, told once: it is forgotten as it is read. */
export function takeLastWrite(queryClient: QueryClient, id: number): LastWrite | undefined {
  const write = queryClient.getQueryData<LastWrite>(key(id));
  if (write) queryClient.removeQueries({ queryKey: key(id), exact: true });
  return write;
}
