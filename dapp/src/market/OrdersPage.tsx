/** /market/orders: the connected account's orders as buyer, as seller and as arbiter, refreshed every few seconds. */
import type { ApiMarketOrder, ListingV1 } from "@stoa/sdk";
import { useState } from "react";
import { Link } from "wouter";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { AddressText, EmptyState, ErrorNotice, PageHeading, Spinner } from "../ui/components.tsx";
import { formatDateTime } from "../ui/format.ts";
import { useOrders } from "./api.ts";
import { currencyOf, formatAmount } from "./money.ts";

const ROLES = { buyer: "Buying", seller: "Selling", arbiter: "Arbitrating" } as const;
type Role = keyof typeof ROLES;

export function statusText(order: ApiMarketOrder): string {
  if (order.status === "settled") return `settled: ${String((order as { outcome?: string }).outcome)}`;
  return order.status === "disputed" ? "disputed" : "paid into escrow";
}

function OrderRows({ role, account }: { role: Role; account: string }) {
  const orders = useOrders({ [role]: account, limit: 100 });
  const chain = useChainStatus(false);
  if (orders.isPending) return <Spinner label="Loading orders" />;
  if (orders.isError) return <ErrorNotice error={orders.error} onRetry={() => void orders.refetch()} />;
  if (orders.data.length === 0) {
    return (
      <EmptyState title={`No orders ${role === "arbiter" ? "to arbitrate" : `as ${role}`}.`}>
        {role === "buyer" && (
          <p className="muted">
            <Link href="/market">Browse the market</Link>.
          </p>
        )}
      </EmptyState>
    );
  }
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Listing</th>
            <th scope="col">{role === "seller" ? "Buyer" : "Seller"}</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Status</th>
            <th scope="col">Placed</th>
          </tr>
        </thead>
        <tbody>
          {orders.data.map((order) => (
            <tr key={order.orderId}>
              <td>
                <Link href={`/market/orders/${order.orderId}`}>#{order.orderId}</Link>
              </td>
              <td>
                {order.listing ? (
                  (order.listing.body as ListingV1).title
                ) : (
                  <span className="muted">not on this node</span>
                )}
              </td>
              <td>
                <AddressText address={role === "seller" ? order.buyer : order.seller} />
              </td>
              <td className="num">
                {formatAmount(
                  order.amount,
                  currencyOf(
                    order.token === "0x0000000000000000000000000000000000000000" ? "ETH" : order.token,
                    chain.data,
                  ),
                )}
              </td>
              <td data-testid={`order-status-${order.orderId}`}>{statusText(order)}</td>
              <td>{formatDateTime(order.created.timestamp * 1000)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function OrdersPage() {
  const { connection } = useSession();
  const [role, setRole] = useState<Role>("buyer");
  return (
    <section>
      <PageHeading title="My orders">My orders</PageHeading>
      {!connection ? (
        <EmptyState title="Connect a wallet to see your orders." />
      ) : (
        <>
          <div className="tabs" role="tablist" aria-label="Orders by role">
            {(Object.keys(ROLES) as Role[]).map((r) => (
              <button
                key={r}
                type="button"
                role="tab"
                aria-selected={role === r}
                className={role === r ? "tab active" : "tab"}
                onClick={() => setRole(r)}
              >
                {ROLES[r]}
              </button>
            ))}
          </div>
          <div role="tabpanel" aria-label={ROLES[role]}>
            <OrderRows role={role} account={connection.address.toLowerCase()} />
          </div>
        </>
      )}
    </section>
  );
}
