/**
 * The header's wallet corner. Without a wallet: "Connect wallet" opens a dialog listing every
 * wallet found (and the dev wallet on a dev chain). With one: the account, sign in / sign out
 * of the node, disconnect.
 */
import { useEffect, useRef, useState } from "react";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { AddressText, ErrorNotice, Spinner } from "../ui/components.tsx";
import { useDiscoveredWallets } from "./discovery.ts";
import { useWallet } from "./WalletProvider.tsx";

import { DEV_ACCOUNT_ROLES as DEV_ROLES } from "./dev-roles.ts";

function ConnectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const wallets = useDiscoveredWallets();
  const { connect, connectDev, connecting, error, connection } = useWallet();
  const chain = useChainStatus(false);
  const [devIndex, setDevIndex] = useState(1);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  useEffect(() => {
    if (connection) onClose();
  }, [connection, onClose]);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="connect-title" onClose={onClose}>
      <div className="dialog-head">
        <h2 id="connect-title">Connect a wallet</h2>
        <button type="button" className="button ghost" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      {connecting ? (
        <p>
          <Spinner label={`Confirm in ${connecting.name}`} />
        </p>
      ) : (
        <>
          {wallets.length === 0 ? (
            <p className="muted">
              No browser wallet found. Install a wallet extension (any that supports EIP-6963 or EIP-1193), then reload
              this page.
            </p>
          ) : (
            <ul className="wallet-list">
              {wallets.map((wallet) => (
                <li key={wallet.info.id}>
                  <button type="button" className="wallet-option" onClick={() => void connect(wallet)}>
                    <img src={wallet.info.icon} alt="" width="28" height="28" />
                    <span>{wallet.info.name}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {chain.data?.mode === "dev" && (
            <form
              className="dev-wallet"
              onSubmit={(event) => {
                event.preventDefault();
                void connectDev(devIndex);
              }}
            >
              <h3>Dev wallet</h3>
              <p className="muted">A funded account of the local dev chain; its key is public. Dev chain only.</p>
              <label htmlFor="dev-account">Account</label>
              <div className="row">
                <select id="dev-account" value={devIndex} onChange={(event) => setDevIndex(Number(event.target.value))}>
                  {DEV_ROLES.map((role, index) => (
                    <option key={index} value={index}>
                      #{index} {role}
                    </option>
                  ))}
                </select>
                <button type="submit" className="button">
                  Use dev account
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {error !== undefined && <ErrorNotice title="Could not connect" error={error} />}
    </dialog>
  );
}

export function WalletMenu() {
  const { connection, disconnect } = useWallet();
  const { status, signIn, signOut } = useSession();
  const [open, setOpen] = useState(false);

  if (!connection) {
    return (
      <div className="wallet">
        <button type="button" className="button" onClick={() => setOpen(true)}>
          Connect wallet
        </button>
        <ConnectDialog open={open} onClose={() => setOpen(false)} />
      </div>
    );
  }
  return (
    <div className="wallet" aria-label="Wallet">
      <span className="account" data-testid="account">
        <img src={connection.wallet.icon} alt={connection.wallet.name} width="20" height="20" />
        <AddressText address={connection.address} />
      </span>
      {status === "signed-in" ? (
        <button type="button" className="button secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      ) : status === "checking" || status === "signing-in" ? (
        <Spinner label={status === "checking" ? "Checking session" : "Sign in your wallet"} />
      ) : (
        <button type="button" className="button" onClick={() => void signIn().catch(() => undefined)}>
          Sign in
        </button>
      )}
      <button type="button" className="button ghost" onClick={disconnect}>
        Disconnect
      </button>
    </div>
  );
}
