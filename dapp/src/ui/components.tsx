/** Small building blocks every page uses: status messages, loading, empty states, addresses, transactions. */
import { useEffect, useRef, type ReactNode } from "react";
import type { Hash } from "viem";
import { describeError } from "./errors.ts";

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span className="spinner" role="status">
      <span className="spinner-dot" aria-hidden="true" />
      <span className="spinner-label">{label}…</span>
    </span>
  );
}

/** A message box: `error` is announced to screen readers at once. */
export function Notice({
  kind = "info",
  title,
  children,
  action,
}: {
  kind?: "info" | "error" | "success" | "warning";
  title?: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      <div>
        {title && <strong className="notice-title">{title}</strong>}
        {children && <div>{children}</div>}
      </div>
      {action && <div className="notice-action">{action}</div>}
    </div>
  );
}

export function ErrorNotice({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <Notice
      kind="error"
      title={title}
      action={
        onRetry && (
          <button type="button" className="button secondary" onClick={onRetry}>
            Retry
          </button>
        )
      }
    >
      {describeError(error)}
    </Notice>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** 0x1234…abcd, with the whole address for screen readers and on hover. */
export function AddressText({ address }: { address: string }) {
  return (
    <span className="mono" title={address} aria-label={address}>
      {address.slice(0, 6)}…{address.slice(-4)}
    </span>
  );
}

export type TxState =
  | { status: "idle" }
  | { status: "signing"; what: string }
  | { status: "pending"; what: string; hash: Hash }
  | { status: "done"; what: string; hash: Hash; block: bigint }
  | { status: "failed"; what: string; error: unknown };

/** A transaction's progress: waiting for the wallet, pending with its hash, mined, or failed. */
export function TxStatus({ state }: { state: TxState }) {
  if (state.status === "idle") return null;
  if (state.status === "signing") {
    return <Notice title={state.what}>Confirm the transaction in your wallet…</Notice>;
  }
  if (state.status === "pending") {
    return (
      <Notice title={`${state.what}: pending`}>
        <Spinner label="Waiting for the block" /> <span className="mono break">{state.hash}</span>
      </Notice>
    );
  }
  if (state.status === "done") {
    return (
      <Notice kind="success" title={`${state.what}: done`}>
        In block {state.block.toString()}. <span className="mono break">{state.hash}</span>
      </Notice>
    );
  }
  return <ErrorNotice title={`${state.what}: failed`} error={state.error} />;
}

/** Sets the page's title and moves focus to its heading, so that screen readers hear the new page. */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Stoa`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}
