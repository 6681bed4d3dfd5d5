/**
 * libp2p configuration shared by every Stoa node: what is always on (noise, yamux, identify,
 * gossipsub) and what is never on (bootstrap lists, mDNS, DHT, delegated routing, relays, public
 * gateways: createHeliaLight adds none of them). Transports and addresses come from the caller.
 */
import type { Multiaddr } from "@multiformats/multiaddr";

/** Whether `ma` dials or listens on a loopback address only (127.0.0.0/8 or ::1). */
export function isLoopback(ma: Multiaddr): boolean {
  const ip = ma.getComponents().find((c) => c.name === "ip4" || c.name === "ip6");
  if (!ip?.value) return false;
  return ip.name === "ip6" ? ip.value === "::1" : ip.value.startsWith("127.");
}

/**
 * A connection gater that refuses any non-loopback address, inbound or outbound: tests and
 * benchmarks stay on 127.0.0.1 / ::1 by construction.
 */
export const loopbackOnlyGater = {
  denyDialMultiaddr: (ma: Multiaddr): boolean => !isLoopback(ma),
  denyInboundConnection: (conn: { remoteAddr: Multiaddr }): boolean => !isLoopback(conn.remoteAddr),
};
