/** The governance section's tabs: proposals on chain, gasless polls, delegates. */
import { Link, useLocation } from "wouter";

const TABS = [
  {
    href: "/governance",
    label: "Proposals",
    match: (path: string) => path === "/governance" || path.startsWith("/governance/proposals"),
  },
  { href: "/governance/polls", label: "Polls", match: (path: string) => path.startsWith("/governance/polls") },
  {
    href: "/governance/delegates",
    label: "Delegates",
    match: (path: string) => path.startsWith("/governance/delegates"),
  },
];

export function GovernanceNav() {
  const [path] = useLocation();
  return (
    <nav className="tabs" aria-label="Governance">
      {TABS.map((tab) => {
        const current = tab.match(path);
        return (
          <Link
            key={tab.href}
            href={tab.href}
            className={current ? "tab active" : "tab"}
            aria-current={current ? "page" : undefined}
          >
            {tab.label}
          </Link>
        );
      })}
    </nav>
  );
}
