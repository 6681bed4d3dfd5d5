/** The landing page: what Stoa is, where to go, and whether the node and wallet are ready. */
import { Link } from "wouter";
import { useSession } from "../session/SessionProvider.tsx";
import { useNodeStatus } from "../stoa/queries.ts";
import { PageHeading } from "../ui/components.tsx";

const SECTIONS = [
  { href: "/profile", title: "Profile", text: "Your public profile, signed by your wallet and stored by every node." },
  { href: "/token", title: "Token", text: "Your STOA balance and voting power; delegate votes for the DAO." },
  { href: "/node", title: "Node", text: "The node this page talks to: peers, databases, chain and live metrics." },
];

export function HomePage() {
  const { connection, status } = useSession();
  const node = useNodeStatus();
  return (
    <section>
      <PageHeading title="Home">Learn, trade, talk, hire and govern, peer to peer</PageHeading>
      <p className="lead">
        Stoa runs on nodes like the one serving this page. Your records are signed by your wallet and shared between
        nodes; money and trust settle in contracts on chain.
      </p>
      <ol className="steps" aria-label="Getting started">
        <li className={connection ? "done" : ""}>Connect a wallet{connection ? ": done" : ""}</li>
        <li className={status === "signed-in" ? "done" : ""}>
          Sign in to the node{status === "signed-in" ? ": done" : ""}
        </li>
        <li>
          <Link href="/profile">Write your profile</Link>
        </li>
      </ol>
      <div className="cards">
        {SECTIONS.map((section) => (
          <Link key={section.href} href={section.href} className="card card-link">
            <h2>{section.title}</h2>
            <p>{section.text}</p>
          </Link>
        ))}
      </div>
      {node.data && (
        <p className="muted">
          This node holds {Object.values(node.data.families).reduce((sum, family) => sum + family.records, 0)} records
          on {node.data.network}.
        </p>
      )}
    </section>
  );
}
