/**
 * /node: the node serving this page. Who it is and its addresses, its peers, its databases with
 * their record counts, the chain it follows and its indexer, refusals by reason, disk use, and
 * live charts sampled from its Prometheus metrics every 2 seconds.
 */
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { NODE_URL } from "../app/config.ts";
import { reader, useChainStatus, useNodeStatus } from "../stoa/queries.ts";
import { EmptyState, ErrorNotice, PageHeading, Spinner } from "../ui/components.tsx";
import { formatInteger, formatTime } from "../ui/format.ts";
import { sampleOf, type MetricsSample } from "./prometheus.ts";
import { Sparkline } from "./Sparkline.tsx";

const SAMPLE_MS = 2_000;
const KEEP = 60;

const bytes = (n: number) =>
  n >= 1 << 30
    ? `${(n / (1 << 30)).toFixed(2)} GB`
    : n >= 1 << 20
      ? `${(n / (1 << 20)).toFixed(1)} MB`
      : `${(n / 1024).toFixed(0)} KB`;
const duration = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return s < 60
    ? `${s} s`
    : s < 3600
      ? `${Math.floor(s / 60)} min`
      : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
};

function useMetricsHistory() {
  const [samples, setSamples] = useState<MetricsSample[]>([]);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    const controller = new AbortController();
    const poll = async () => {
      try {
        const response = await fetch(`${NODE_URL}/metrics`, { signal: controller.signal });
        if (!response.ok) throw new Error(`the node answered ${response.status} for /metrics`);
        const sample = sampleOf(await response.text(), Date.now());
        setSamples((previous) => [...previous.slice(-(KEEP - 1)), sample]);
        setError(undefined);
      } catch (failure) {
        if (!controller.signal.aborted) setError(failure);
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), SAMPLE_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, []);
  return { samples, error };
}

function LiveMetrics() {
  const { samples, error } = useMetricsHistory();
  const series = (pick: (s: MetricsSample) => number | undefined) =>
    samples.map(pick).filter((v): v is number => v !== undefined);
  const rates: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    if (a.requestsTotal !== undefined && b.requestsTotal !== undefined) {
      rates.push(Math.max(0, (b.requestsTotal - a.requestsTotal) / ((b.at - a.at) / 1000)));
    }
  }
  return (
    <section className="card" aria-labelledby="live-title">
      <h2 id="live-title">Live metrics</h2>
      {error !== undefined && <ErrorNotice title="Metrics unavailable" error={error} />}
      <div className="sparks">
        <Sparkline label="Records" values={series((s) => s.records)} format={formatInteger} />
        <Sparkline label="Peers" values={series((s) => s.peers)} format={(v) => String(v)} />
        <Sparkline label="Memory (RSS)" values={series((s) => s.memoryBytes)} format={bytes} />
        <Sparkline label="API requests/s" values={rates} format={(v) => v.toFixed(1)} />
      </div>
    </section>
  );
}

function Peers() {
  const peers = useQuery({
    queryKey: ["peers"],
    queryFn: async ({ signal }) => {
      const { getPeers, readClient } = await reader();
      return getPeers(readClient, { signal });
    },
    refetchInterval: 5_000,
  });
  return (
    <section className="card" aria-labelledby="peers-title">
      <h2 id="peers-title">Peers</h2>
      {peers.isPending ? (
        <Spinner label="Loading peers" />
      ) : peers.isError ? (
        <ErrorNotice error={peers.error} onRetry={() => void peers.refetch()} />
      ) : peers.data.length === 0 ? (
        <EmptyState title="No peers connected.">
          <p className="muted">Add peers to the node's config (p2p.peers) or connect one with `stoa peers connect`.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table-fixed">
            <colgroup>
              <col style={{ width: "40%" }} />
              <col style={{ width: "45%" }} />
              <col style={{ width: "15%" }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Peer</th>
                <th scope="col">Address</th>
                <th scope="col">Direction</th>
              </tr>
            </thead>
            <tbody>
              {peers.data.map((peer) => (
                <tr key={peer.peerId}>
                  <td className="mono break">{peer.peerId}</td>
                  <td className="mono break">{peer.address}</td>
                  <td>{peer.direction}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function NodePage() {
  const node = useNodeStatus(5_000);
  const chain = useChainStatus(5_000);
  return (
    <section>
      <PageHeading title="Node">Node</PageHeading>
      <p className="lead">
        The node serving this page: who it is, the peers it replicates with, the databases it keeps and their record
        counts, the chain it follows, and what it refused. Figures refresh every few seconds.
      </p>
      {node.isPending ? (
        <Spinner label="Asking the node" />
      ) : node.isError ? (
        <ErrorNotice title="The node did not answer" error={node.error} onRetry={() => void node.refetch()} />
      ) : (
        <>
          <dl className="stats">
            <div>
              <dt>Network</dt>
              <dd>{node.data.network}</dd>
            </div>
            <div>
              <dt>Peers</dt>
              <dd data-testid="peer-count">{node.data.peers}</dd>
            </div>
            <div>
              <dt>Uptime</dt>
              <dd>{duration(node.data.uptimeMs)}</dd>
            </div>
            <div>
              <dt>Chain head</dt>
              <dd data-testid="chain-head">{chain.data ? `#${chain.data.head.number}` : "…"}</dd>
            </div>
          </dl>
          <LiveMetrics />
          <div className="grid">
            <section className="card" aria-labelledby="identity-title">
              <h2 id="identity-title">Identity</h2>
              <dl className="pairs">
                <dt>Peer id</dt>
                <dd className="mono break">{node.data.peerId}</dd>
                <dt>Version</dt>
                <dd>{node.data.version}</dd>
                <dt>Listening on</dt>
                <dd>
                  <ul className="plain">
                    {node.data.multiaddrs.map((address) => (
                      <li key={address} className="mono break">
                        {address}
                      </li>
                    ))}
                  </ul>
                </dd>
              </dl>
            </section>
            <section className="card" aria-labelledby="chain-title">
              <h2 id="chain-title">Chain</h2>
              {chain.isError ? (
                <ErrorNotice error={chain.error} onRetry={() => void chain.refetch()} />
              ) : !chain.data ? (
                <Spinner label="Reading the chain" />
              ) : (
                <dl className="pairs">
                  <dt>Chain id</dt>
                  <dd>
                    {chain.data.chainId} ({chain.data.mode === "dev" ? "embedded dev chain" : "RPC"})
                  </dd>
                  <dt>RPC</dt>
                  <dd className="mono break">{chain.data.rpcUrl}</dd>
                  <dt>Head</dt>
                  <dd>
                    #{chain.data.head.number} at {formatTime(chain.data.head.timestamp * 1000)}
                  </dd>
                  <dt>Indexer</dt>
                  <dd>
                    {chain.data.indexer.synced ? "synced" : `${chain.data.indexer.lag} blocks behind`} (block{" "}
                    {chain.data.indexer.block})
                    {chain.data.indexer.error && <span className="bad"> · {chain.data.indexer.error}</span>}
                  </dd>
                </dl>
              )}
            </section>
          </div>
          <Peers />
          <section className="card" aria-labelledby="db-title">
            <h2 id="db-title">Databases</h2>
            <div className="table-wrap">
              <table className="table-fixed">
                <colgroup>
                  <col style={{ width: "20%" }} />
                  <col style={{ width: "15%" }} />
                  <col style={{ width: "65%" }} />
                </colgroup>
                <thead>
                  <tr>
                    <th scope="col">Family</th>
                    <th scope="col" className="num">
                      Records
                    </th>
                    <th scope="col">OrbitDB address</th>
                  </tr>
                </thead>
                <tbody>
                  {Object.entries(node.data.families).map(([family, info]) => (
                    <tr key={family}>
                      <td>{family}</td>
                      <td className="num" data-testid={`records-${family}`}>
                        {formatInteger(info.records)}
                      </td>
                      <td className="mono break">{info.address}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <div className="grid">
            <section className="card" aria-labelledby="refusals-title">
              <h2 id="refusals-title">Refused entries</h2>
              {Object.keys(node.data.refusals).length === 0 ? (
                <p className="muted">Nothing refused: no forged or invalid entries reached this node.</p>
              ) : (
                <dl className="pairs">
                  {Object.entries(node.data.refusals).map(([reason, count]) => (
                    <div key={reason} className="pair">
                      <dt>{reason}</dt>
                      <dd>{formatInteger(count)}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </section>
            <section className="card" aria-labelledby="storage-title">
              <h2 id="storage-title">Storage</h2>
              <dl className="pairs">
                {Object.entries(node.data.storage).map(([part, size]) => (
                  <div key={part} className="pair">
                    <dt>{part}</dt>
                    <dd>{bytes(size)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          </div>
        </>
      )}
    </section>
  );
}
