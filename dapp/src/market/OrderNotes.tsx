/**
 * The notes of an order, encrypted end to end between its parties: shipping details, "shipped"
 * with tracking, messages; in a dispute, a party forwards the thread to the arbiter. Opening them
 * takes one wallet signature, which derives the key (nothing secret is stored anywhere).
 */
import type { ApiMarketOrder, OrderNote } from "@stoa/sdk";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useSession } from "../session/SessionProvider.tsx";
import { AddressText, EmptyState, ErrorNotice, Notice, Spinner } from "../ui/components.tsx";
import { formatDateTime } from "../ui/format.ts";

const KIND_TEXT = {
  message: "Message",
  shipping: "Shipping details",
  shipped: "Shipped",
  forwarded: "Forwarded",
} as const;

function NoteItem({ note, me }: { note: OrderNote; me: string }) {
  const n = note.note;
  return (
    <li className={note.author === me ? "note mine" : "note"}>
      <div className="note-meta">
        {note.author === me ? "You" : <AddressText address={note.author} />} · {formatDateTime(note.createdAt)}
        {"kind" in n && <> · {KIND_TEXT[n.kind]}</>}
      </div>
      {"unreadable" in n ? (
        <p className="bad">This note cannot be opened: {n.unreadable}</p>
      ) : (
        <>
          {n.kind === "forwarded" && (
            <div className="note-meta">
              Written by <AddressText address={n.forwarded.author} /> on {formatDateTime(n.forwarded.createdAt)} (
              {KIND_TEXT[n.forwarded.kind]})
            </div>
          )}
          <p className="bio">{n.text}</p>
        </>
      )}
    </li>
  );
}

export function OrderNotes({ order }: { order: ApiMarketOrder }) {
  const id = useId();
  const { connection, client, ensureSession, noteError } = useSession();
  const queryClient = useQueryClient();
  const me = connection?.address.toLowerCase();
  const role =
    me === order.buyer.toLowerCase()
      ? "buyer"
      : me === order.seller.toLowerCase()
        ? "seller"
        : me === order.arbiter.toLowerCase()
          ? "arbiter"
          : undefined;
  const [unlocked, setUnlocked] = useState(false);
  const [kind, setKind] = useState<"message" | "shipping" | "shipped">(role === "seller" ? "shipped" : "shipping");
  const [text, setText] = useState("");
  const [state, setState] = useState<{ busy?: string; error?: unknown; sent?: string }>({});
  const notes = useQuery({
    queryKey: ["market", "notes", order.orderId, me],
    enabled: unlocked && Boolean(client),
    refetchInterval: 5_000,
    queryFn: () => client!.getOrderNotes({ order }),
  });
  if (!role || !me) return null;

  const run = async (busy: string, work: () => Promise<string | undefined>) => {
    setState({ busy });
    try {
      const sent = await work();
      await queryClient.invalidateQueries({ queryKey: ["market", "notes", order.orderId] });
      setState({ sent });
    } catch (error) {
      noteError(error);
      setState({ error });
    }
  };
  const unlock = () =>
    run("Sign the message in your wallet to open your notes", async () => {
      const signed = await ensureSession();
      await signed.getNoteKey();
      await signed.publishNoteKey();
      setUnlocked(true);
      return undefined;
    });
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    void run("Encrypting and signing the note", async () => {
      const signed = await ensureSession();
      await signed.sendOrderNote({ order, kind, text: text.trim(), ...(role === "arbiter" ? { to: "buyer" } : {}) });
      setText("");
      return "Sent, encrypted to the other party.";
    });
  };
  const forward = () =>
    run("Encrypting the thread to the arbiter", async () => {
      const signed = await ensureSession();
      const written = await signed.forwardOrderNotes({ order });
      return written ? "The arbiter can now read the thread." : "No notes to forward.";
    });

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Notes</h2>
      <p className="muted small">
        End-to-end encrypted: only the reader each note is sealed to can open it; nodes store ciphertext.
      </p>
      {!unlocked ? (
        <button type="button" className="button secondary" disabled={Boolean(state.busy)} onClick={() => void unlock()}>
          Open notes
        </button>
      ) : notes.isPending ? (
        <Spinner label="Opening notes" />
      ) : notes.isError ? (
        <ErrorNotice error={notes.error} onRetry={() => void notes.refetch()} />
      ) : notes.data.length === 0 ? (
        <EmptyState title="No notes yet." />
      ) : (
        <ol className="notes" data-testid="notes">
          {notes.data.map((note) => (
            <NoteItem key={note.id} note={note} me={me} />
          ))}
        </ol>
      )}
      {unlocked && order.status !== "settled" && (
        <form className="form" onSubmit={send} aria-busy={Boolean(state.busy)}>
          {role !== "arbiter" && (
            <fieldset className="stars">
              <legend>Kind</legend>
              {(role === "seller" ? (["shipped", "message"] as const) : (["shipping", "message"] as const)).map((k) => (
                <label key={k}>
                  <input type="radio" name={`${id}-kind`} checked={kind === k} onChange={() => setKind(k)} />{" "}
                  {KIND_TEXT[k]}
                </label>
              ))}
            </fieldset>
          )}
          <label htmlFor={`${id}-text`}>
            {role === "arbiter"
              ? "Message to the buyer"
              : role === "seller"
                ? "Note to the buyer"
                : "Note to the seller"}
          </label>
          <textarea
            id={`${id}-text`}
            rows={3}
            maxLength={4000}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
          <div className="row">
            <button type="submit" className="button" disabled={Boolean(state.busy) || !text.trim()}>
              Send
            </button>
            {role !== "arbiter" && order.status === "disputed" && (
              <button
                type="button"
                className="button secondary"
                disabled={Boolean(state.busy)}
                onClick={() => void forward()}
              >
                Show the thread to the arbiter
              </button>
            )}
          </div>
        </form>
      )}
      {state.busy && <Notice>{state.busy}…</Notice>}
      {state.sent && <Notice kind="success">{state.sent}</Notice>}
      {state.error !== undefined && <ErrorNotice title="Notes" error={state.error} />}
    </section>
  );
}
