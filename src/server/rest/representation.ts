/**
 * How a procedure's answer becomes an HTTP response: the field the route names (`rest.body`) is the
 * body, and the replication metadata travels in headers, the same for every route:
 *  - servedBy → X-Served-By (node), X-Served-By-Reason (replica | read-your-writes | fallback),
 *    X-Served-By-Detail (the sentence saying why);
 *  - consistencyToken → X-Consistency-Token (send it back as x-consistency-token to read the write);
 *  - nextCursor → Link: <…?cursor=N>; rel="next" (RFC 8288), absent on the last page; nextOffset, the
 *    same with offset=N when paging by offset;
 *  - total → X-Total-Count (how many rows match, all pages together).
 * The OpenAPI document describes these headers from the same table.
 */

import { CONSISTENCY_TOKEN_HEADER } from "~/http/headers";
import type { ServedBy } from "~/server/db/data-layer/data-layer";
import type { BoundRoute } from "./routes";

interface HeaderDoc {
  name: string;
  description: string;
  /** Absent from some answers (Link on the last page). */
  optional?: boolean;
}

interface MetadataField {
  headers: HeaderDoc[];
  toHeaders(value: unknown, requestUrl: URL): [string, string][];
}

const servedByHeaders: HeaderDoc[] = [
  { name: "X-Served-By", description: "The database node that answered, e.g. replica1 or primary" },
  {
    name: "X-Served-By-Reason",
    description:
      "Why that node: replica (a healthy replica), read-your-writes (one that has replayed your last write) or fallback (the primary)",
  },
  { name: "X-Served-By-Detail", description: "The reason in a sentence, e.g. which replicas were out and why" },
];

/** Header values are ASCII text; a node name or sentence with anything else is escaped rather than refused. */
function headerText(value: unknown): string {
  return String(value).replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
}

/** Also sent with an error that came after a read (a 404 read from a replica says which one). */
export function servedByToHeaders(servedBy: Pick<ServedBy, "node" | "reason" | "detail">): [string, string][] {
  return [
    ["X-Served-By", headerText(servedBy.node)],
    ["X-Served-By-Reason", headerText(servedBy.reason)],
    ["X-Served-By-Detail", headerText(servedBy.detail)],
  ];
}

/** Link: <this URL with `param` set to the value>; rel="next", or nothing on the last page. */
function nextLink(param: "cursor" | "offset"): MetadataField {
  return {
    headers: [
      { name: "Link", description: 'The next page: <URL>; rel="next" (absent on the last page)', optional: true },
    ],
    toHeaders: (value, requestUrl) => {
      if (value === null || value === undefined) return [];
      const next = new URL(requestUrl);
      next.searchParams.set(param, String(value));
      return [["Link", `<${next.pathname}${next.search}>; rel="next"`]];
    },
  };
}

const METADATA: Record<string, MetadataField> = {
  servedBy: { headers: servedByHeaders, toHeaders: (value) => servedByToHeaders(value as ServedBy) },
  consistencyToken: {
    headers: [
      {
        name: "X-Consistency-Token",
        description: `This write's consistency token (timeline:LSN, e.g. 2:0/3000148); send it as ${CONSISTENCY_TOKEN_HEADER} on later reads to read it back`,
      },
    ],
    toHeaders: (value) => [["X-Consistency-Token", String(value)]],
  },
  nextCursor: nextLink("cursor"),
  nextOffset: nextLink("offset"),
  total: {
    headers: [{ name: "X-Total-Count", description: "How many users match the search, all pages together" }],
    toHeaders: (value) => [["X-Total-Count", String(value)]],
  },
};

/** The body and headers of a route's successful answer. */
export function represent(
  route: BoundRoute,
  output: Record<string, unknown>,
  requestUrl: URL,
): { body: unknown; headers: [string, string][] } {
  const headers = Object.entries(output).flatMap(
    ([field, value]) => METADATA[field]?.toHeaders(value, requestUrl) ?? [],
  );
  return { body: output[route.rest.body], headers };
}

/** The headers a route's successful answer carries, for its OpenAPI description. */
export function documentedHeaders(route: BoundRoute): HeaderDoc[] {
  return Object.keys(route.output.shape).flatMap((field) => METADATA[field]?.headers ?? []);
}
