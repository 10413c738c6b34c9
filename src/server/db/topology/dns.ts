/**
 * One DNS name, every address a node (a Kubernetes headless service, CloudNativePG's pods): A and AAAA
 * records, resolved again on every poll. DNS says nothing of roles; the probes find the writer.
 */
import { Resolver } from "node:dns/promises";
import type { DnsName } from "~/config/database";
import { hostPortName, urlForHost } from "./node-url";
import type { DiscoveredNode, TopologySource } from "./source";

/** The nodes for a set of addresses: sorted, so the same answer in another order is no change. */
export function nodesOfAddresses(addresses: string[], port: number, template: string): DiscoveredNode[] {
  return [...new Set(addresses)]
    .sort()
    .map((address) => ({ name: hostPortName(address, port), url: urlForHost(template, address, port) }));
}

/** The part of node:dns the source needs, so tests can answer for it. */
export interface AddressResolver {
  resolve4(host: string): Promise<string[]>;
  resolve6(host: string): Promise<string[]>;
}

/** ENODATA/ENOTFOUND for one family is an empty answer; any other failure (a timeout, SERVFAIL) is no answer. */
const NO_RECORDS = new Set(["ENODATA", "ENOTFOUND"]);

export async function resolveAll(resolver: AddressResolver, host: string): Promise<string[]> {
  const family = (lookup: Promise<string[]>) =>
    lookup.then(
      (addresses) => ({ addresses }),
      (error: NodeJS.ErrnoException) => ({ error }),
    );
  const answers = await Promise.all([family(resolver.resolve4(host)), family(resolver.resolve6(host))]);
  const failed = answers.flatMap((a) => ("error" in a && !NO_RECORDS.has(a.error.code ?? "") ? [a.error] : []));
  if (failed.length > 0)
    throw new Error(`resolving ${host} failed: ${failed.map((e) => e.code ?? e.message).join(", ")}`);
  const addresses = answers.flatMap((a) => ("addresses" in a ? a.addresses : []));
  if (addresses.length === 0) throw new Error(`${host} has no A or AAAA records`);
  return addresses;
}

export function dnsSource(
  name: DnsName,
  template: string,
  resolver: AddressResolver & { cancel?(): void } = new Resolver(),
): TopologySource {
  return {
    kind: "dns",
    description: `dns (${name.host}:${name.port})`,
    discover: async (signal) => {
      const cancel = () => resolver.cancel?.();
      signal.addEventListener("abort", cancel, { once: true });
      try {
        return nodesOfAddresses(await resolveAll(resolver, name.host), name.port, template);
      } finally {
        signal.removeEventListener("abort", cancel);
      }
    },
  };
}
