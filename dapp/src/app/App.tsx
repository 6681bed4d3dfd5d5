/** The app's frame: header with navigation and the wallet, a banner when something needs doing, the page, a footer. */
import { lazy, Suspense } from "react";
import { Link, Route, Switch, useRoute } from "wouter";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus, useNodeStatus } from "../stoa/queries.ts";
import { ErrorNotice, Notice, Spinner } from "../ui/components.tsx";
import { chainName } from "../wallet/chain.ts";
import { useWallet } from "../wallet/WalletProvider.tsx";
import { WalletMenu } from "../wallet/WalletMenu.tsx";
import { HomePage } from "./HomePage.tsx";
import { NotFoundPage } from "./NotFoundPage.tsx";
import NodePage from "../node/NodePage.tsx";
import ProfilePage from "../profile/ProfilePage.tsx";

// Profile and node pages come with the first load (a few KB: a page opened by its URL renders
// without waiting for its chunk); the token page needs the SDK's chain side, loaded with it.
const TokenPage = lazy(() => import("../token/TokenPage.tsx"));
// The market: its own chunks, loaded when opened.
const MarketPage = lazy(() => import("../market/MarketPage.tsx"));
const ListingPage = lazy(() => import("../market/ListingPage.tsx"));
const NewListingPage = lazy(() => import("../market/ListingForm.tsx").then((m) => ({ default: m.NewListingPage })));
const EditListingPage = lazy(() => import("../market/ListingForm.tsx").then((m) => ({ default: m.EditListingPage })));
const OrdersPage = lazy(() => import("../market/OrdersPage.tsx"));
const OrderPage = lazy(() => import("../market/OrderPage.tsx"));
// Governance: proposals on chain, delegates, gasless polls.
const ProposalsPage = lazy(() => import("../governance/ProposalsPage.tsx"));
const NewProposalPage = lazy(() => import("../governance/NewProposalPage.tsx"));
const ProposalPage = lazy(() => import("../governance/ProposalPage.tsx"));
const DelegatesPage = lazy(() => import("../governance/DelegatesPage.tsx"));
const PollsPage = lazy(() => import("../governance/polls/PollsPage.tsx"));
const NewPollPage = lazy(() => import("../governance/polls/NewPollPage.tsx"));
const PollPage = lazy(() => import("../governance/polls/PollPage.tsx"));

function NavLink({ href, children }: { href: string; children: string }) {
  const [exact] = useRoute(href);
  const [nested] = useRoute(`${href}/*?`);
  const active = href === "/" ? exact : nested;
  return (
    <Link href={href} className={active ? "nav-link active" : "nav-link"} aria-current={active ? "page" : undefined}>
      {children}
    </Link>
  );
}

/** What the person must do before anything works: switch network, or sign in again. */
function Banner() {
  const { wrongChain, error, status } = useSession();
  const { switchChain, connection } = useWallet();
  const chain = useChainStatus(false);
  if (wrongChain && chain.data && connection) {
    return (
      <Notice
        kind="warning"
        title="Wrong network"
        action={
          connection.eip1193 && (
            <button type="button" className="button" onClick={() => void switchChain().catch(() => undefined)}>
              Switch to {chainName(chain.data)}
            </button>
          )
        }
      >
        Your wallet is on chain {connection.chainId}; this node follows {chainName(chain.data)}.
      </Notice>
    );
  }
  if (error && status === "signed-out") return <ErrorNotice title="Not signed in" error={error} />;
  return null;
}

function Footer() {
  const node = useNodeStatus();
  const chain = useChainStatus();
  return (
    <footer className="footer">
      <span>
        Node{" "}
        {node.isError ? (
          <span className="bad">unreachable</span>
        ) : node.data ? (
          <>
            <span className="good">online</span> · {node.data.network} · {node.data.peers} peer
            {node.data.peers === 1 ? "" : "s"}
          </>
        ) : (
          "…"
        )}
      </span>
      {chain.data && (
        <span>
          Chain {chain.data.chainId} · block {chain.data.head.number}
        </span>
      )}
    </footer>
  );
}

export function App() {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="header">
        <Link href="/" className="brand" aria-label="Stoa home">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          <span>Stoa</span>
        </Link>
        <nav aria-label="Main" className="nav">
          <NavLink href="/">Home</NavLink>
          <NavLink href="/market">Market</NavLink>
          <NavLink href="/governance">Governance</NavLink>
          <NavLink href="/profile">Profile</NavLink>
          <NavLink href="/token">Token</NavLink>
          <NavLink href="/node">Node</NavLink>
        </nav>
        <WalletMenu />
      </header>
      <main id="main" className="main">
        <Banner />
        <Suspense fallback={<Spinner label="Loading the page" />}>
          <Switch>
            <Route path="/" component={HomePage} />
            <Route path="/profile">{() => <ProfilePage />}</Route>
            <Route path="/profile/:address">{(params) => <ProfilePage address={params.address} />}</Route>
            <Route path="/market" component={MarketPage} />
            <Route path="/market/new" component={NewListingPage} />
            <Route path="/market/orders" component={OrdersPage} />
            <Route path="/market/orders/:id">
              {(params) =>
                /^[1-9][0-9]{0,14}$/.test(params.id) ? <OrderPage orderId={Number(params.id)} /> : <NotFoundPage />
              }
            </Route>
            <Route path="/market/listings/:id/edit">{(params) => <EditListingPage id={params.id} />}</Route>
            <Route path="/market/listings/:id">{(params) => <ListingPage id={params.id} />}</Route>
            <Route path="/governance" component={ProposalsPage} />
            <Route path="/governance/proposals/new" component={NewProposalPage} />
            <Route path="/governance/proposals/:id">
              {(params) => (/^[0-9]{1,78}$/.test(params.id) ? <ProposalPage id={params.id} /> : <NotFoundPage />)}
            </Route>
            <Route path="/governance/delegates" component={DelegatesPage} />
            <Route path="/governance/polls" component={PollsPage} />
            <Route path="/governance/polls/new" component={NewPollPage} />
            <Route path="/governance/polls/:id">{(params) => <PollPage id={params.id} />}</Route>
            <Route path="/token" component={TokenPage} />
            <Route path="/node" component={NodePage} />
            <Route component={NotFoundPage} />
          </Switch>
        </Suspense>
      </main>
      <Footer />
    </div>
  );
}
