/**
 * /governance/proposals/new: a proposal built from actions people understand (set the fee, add an
 * arbiter, pay from the treasury, deny an account ...) or raw calls for experts, with a Markdown
 * description (previewed, stored in IPFS). Every field is checked as it is typed; the voting
 * power needed to propose is shown before anything is signed.
 */
import type { ProposalAction, ProposalActionKind, StoaClient } from "@stoa/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useId, useState } from "react";
import { Link, useLocation } from "wouter";
import { isAddress, isHex, parseEther, parseUnits, type Address, type Hex } from "viem";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { useTransaction } from "../token/useTransaction.ts";
import { Notice, PageHeading, Spinner, TxStatus } from "../ui/components.tsx";
import { formatStoa } from "../ui/errors.ts";
import { useDaoSettings, useVotingPower } from "./api.ts";
import { describeAction } from "./describe.ts";
import { GovernanceNav } from "./GovernanceNav.tsx";

const Markdown = lazy(() => import("../ui/Markdown.tsx"));

const KINDS: { kind: ProposalActionKind; label: string }[] = [
  { kind: "setProtocolFee", label: "Set the marketplace fee" },
  { kind: "addArbiter", label: "Add an arbiter" },
  { kind: "removeArbiter", label: "Remove an arbiter" },
  { kind: "grantIssuer", label: "Grant a certificate issuer" },
  { kind: "revokeIssuer", label: "Revoke a certificate issuer" },
  { kind: "treasuryTransfer", label: "Transfer from the treasury" },
  { kind: "deny", label: "Deny an account" },
  { kind: "allow", label: "Allow an account again" },
  { kind: "setMinArbiterStake", label: "Set the minimum arbiter stake" },
  { kind: "raw", label: "Raw call (experts)" },
];

/** The form's state of one action: text fields by name. */
interface Draft {
  key: number;
  kind: ProposalActionKind;
  fields: Record<string, string>;
}

const FIELDS: Record<ProposalActionKind, { name: string; label: string; hint?: string; multiline?: boolean }[]> = {
  setProtocolFee: [{ name: "percent", label: "New fee (%)", hint: "e.g. 1.5 — at most 100" }],
  addArbiter: [
    { name: "account", label: "Arbiter address" },
    { name: "profileCid", label: "Arbiter profile CID (optional)" },
  ],
  removeArbiter: [{ name: "account", label: "Arbiter address" }],
  grantIssuer: [{ name: "account", label: "Issuer address" }],
  revokeIssuer: [{ name: "account", label: "Issuer address" }],
  treasuryTransfer: [
    { name: "token", label: "Token", hint: "ETH, STOA, or an ERC-20's address" },
    { name: "to", label: "Recipient address" },
    { name: "amount", label: "Amount", hint: "ETH and STOA in whole units (12.5); another token in its base units" },
  ],
  deny: [
    { name: "account", label: "Account to deny" },
    { name: "reason", label: "Reason (public, stored in IPFS)", multiline: true },
  ],
  allow: [
    { name: "account", label: "Account to allow" },
    { name: "reason", label: "Reason (public, stored in IPFS)", multiline: true },
  ],
  setMinArbiterStake: [{ name: "amount", label: "Minimum stake (STOA)" }],
  raw: [
    { name: "target", label: "Target address" },
    { name: "value", label: "Value (ETH)", hint: "0 unless the call sends ETH from the treasury" },
    { name: "calldata", label: "Calldata (0x…)" },
  ],
};

const ADDRESS_ERROR = "Enter an address: 0x and 40 hex digits.";

function decimal(text: string, decimals: number): bigint | undefined {
  try {
    return decimals === 18 ? parseEther(text) : parseUnits(text, decimals);
  } catch {
    return undefined;
  }
}

/** The action of a draft, or the errors of its fields. `reasonCid` is filled at submit. */
function parseDraft(
  draft: Draft,
  stoaToken: string | undefined,
): { action?: ProposalAction; errors: Record<string, string> } {
  const f = draft.fields;
  const errors: Record<string, string> = {};
  const address = (name: string) => {
    const value = (f[name] ?? "").trim();
    if (!isAddress(value, { strict: false })) errors[name] = ADDRESS_ERROR;
    return value as Address;
  };
  let action: ProposalAction | undefined;
  switch (draft.kind) {
    case "setProtocolFee": {
      const percent = Number(f.percent);
      const bps = Math.round(percent * 100);
      if (
        !f.percent ||
        !Number.isFinite(percent) ||
        percent < 0 ||
        percent > 100 ||
        Math.abs(percent * 100 - bps) > 1e-6
      ) {
        errors.percent = "Enter a percentage from 0 to 100 with at most two decimals.";
      }
      action = { kind: "setProtocolFee", feeBps: bps };
      break;
    }
    case "addArbiter":
      action = { kind: "addArbiter", arbiter: address("account"), profileCid: (f.profileCid ?? "").trim() };
      break;
    case "removeArbiter":
      action = { kind: "removeArbiter", arbiter: address("account") };
      break;
    case "grantIssuer":
    case "revokeIssuer":
      action = { kind: draft.kind, account: address("account") };
      break;
    case "deny":
    case "allow":
      action = { kind: draft.kind, account: address("account"), reasonCid: "" };
      if ((f.reason ?? "").length > 2_000) errors.reason = "At most 2,000 characters.";
      break;
    case "treasuryTransfer": {
      const tokenText = (f.token ?? "ETH").trim();
      const isEth = tokenText.toUpperCase() === "ETH";
      const isStoa = tokenText.toUpperCase() === "STOA";
      if (!isEth && !isStoa && !isAddress(tokenText, { strict: false })) errors.token = "ETH, STOA or a token address.";
      if (isStoa && !stoaToken) errors.token = "This node does not report the STOA token's address.";
      const to = address("to");
      const amount =
        isEth || isStoa
          ? decimal((f.amount ?? "").trim(), 18)
          : /^\d+$/.test(f.amount ?? "")
            ? BigInt(f.amount!)
            : undefined;
      if (amount === undefined || amount <= 0n) errors.amount = "Enter a positive amount.";
      action = {
        kind: "treasuryTransfer",
        token: isEth ? "ETH" : isStoa ? (stoaToken as Address) : (tokenText as Address),
        to,
        amount: amount ?? 0n,
      };
      break;
    }
    case "setMinArbiterStake": {
      const amount = decimal((f.amount ?? "").trim(), 18);
      if (amount === undefined || amount < 0n || !f.amount) errors.amount = "Enter an amount of STOA, e.g. 1000.";
      action = { kind: "setMinArbiterStake", amount: amount ?? 0n };
      break;
    }
    case "raw": {
      const target = address("target");
      const value = decimal((f.value || "0").trim(), 18);
      if (value === undefined || value < 0n) errors.value = "Enter an amount of ETH (0 for none).";
      const calldata = (f.calldata || "0x").trim();
      if (!isHex(calldata) || calldata.length % 2 !== 0) errors.calldata = "Hex bytes starting with 0x.";
      action = { kind: "raw", target, value: value ?? 0n, calldata: calldata as Hex };
      break;
    }
  }
  return Object.keys(errors).length ? { errors } : { action, errors };
}

let nextKey = 1;
const newDraft = (kind: ProposalActionKind = "setProtocolFee"): Draft => ({
  key: nextKey++,
  kind,
  fields: kind === "treasuryTransfer" ? { token: "ETH" } : {},
});

function ActionEditor({
  draft,
  index,
  errors,
  showErrors,
  onChange,
  onRemove,
}: {
  draft: Draft;
  index: number;
  errors: Record<string, string>;
  showErrors: boolean;
  onChange: (draft: Draft) => void;
  onRemove?: () => void;
}) {
  const id = useId();
  return (
    <fieldset className="card action-editor" data-testid={`action-${index + 1}`}>
      <legend>Action {index + 1}</legend>
      <label htmlFor={`${id}-kind`}>What it does</label>
      <select
        id={`${id}-kind`}
        value={draft.kind}
        onChange={(e) => onChange({ ...newDraft(e.target.value as ProposalActionKind), key: draft.key })}
      >
        {KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </select>
      {FIELDS[draft.kind].map((field) => {
        const fieldId = `${id}-${field.name}`;
        const error = showErrors || draft.fields[field.name] ? errors[field.name] : undefined;
        const common = {
          id: fieldId,
          value: draft.fields[field.name] ?? "",
          "aria-invalid": Boolean(error),
          "aria-describedby":
            [error && `${fieldId}-error`, field.hint && `${fieldId}-hint`].filter(Boolean).join(" ") || undefined,
        };
        const set = (value: string) => onChange({ ...draft, fields: { ...draft.fields, [field.name]: value } });
        return (
          <div key={field.name}>
            <label htmlFor={fieldId}>{field.label}</label>
            {field.multiline ? (
              <textarea rows={2} {...common} onChange={(e) => set(e.target.value)} />
            ) : (
              <input
                className={/address|CID|Calldata/.test(field.label) ? "mono" : undefined}
                {...common}
                onChange={(e) => set(e.target.value)}
              />
            )}
            {field.hint && (
              <p id={`${fieldId}-hint`} className="hint">
                {field.hint}
              </p>
            )}
            {error && (
              <p id={`${fieldId}-error`} className="field-error">
                {error}
              </p>
            )}
          </div>
        );
      })}
      {onRemove && (
        <div className="row">
          <button type="button" className="button secondary" onClick={onRemove}>
            Remove action {index + 1}
          </button>
        </div>
      )}
    </fieldset>
  );
}

export default function NewProposalPage() {
  const id = useId();
  const [, navigate] = useLocation();
  const { connection, ensureSession, noteError } = useSession();
  const queryClient = useQueryClient();
  const chain = useChainStatus(false);
  const stoaToken = chain.data?.contracts.token?.address;
  const settings = useDaoSettings();
  const power = useVotingPower(connection?.address);
  const tx = useTransaction();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [preview, setPreview] = useState(false);
  const [drafts, setDrafts] = useState<Draft[]>(() => [newDraft()]);
  const [submitted, setSubmitted] = useState(false);

  const parsed = drafts.map((d) => parseDraft(d, stoaToken));
  const titleError =
    title.trim().length === 0
      ? "Give the proposal a title."
      : title.length > 200
        ? "At most 200 characters."
        : undefined;
  const bodyError = body.length > 100_000 ? "At most 100,000 characters." : undefined;
  const valid = !titleError && !bodyError && parsed.every((p) => p.action);
  const threshold = settings.data?.proposalThreshold;
  const votes = power.data?.votes;
  const belowThreshold = threshold !== undefined && votes !== undefined && votes < threshold;

  const submit = async () => {
    setSubmitted(true);
    if (!valid || !connection) return;
    let proposalId: string | undefined;
    const ok = await tx.run("Propose", async (onHash) => {
      try {
        const client: StoaClient = await ensureSession();
        const actions: ProposalAction[] = [];
        for (const [i, p] of parsed.entries()) {
          const action = p.action!;
          const reason = drafts[i]!.fields.reason?.trim();
          if ((action.kind === "deny" || action.kind === "allow") && reason) {
            const { cid } = await client.addContent({ content: reason });
            actions.push({ ...action, reasonCid: cid });
          } else actions.push(action);
        }
        const result = await client.propose({ title: title.trim(), body, actions, onHash });
        proposalId = result.proposalId;
        return result;
      } catch (error) {
        noteError(error);
        throw error;
      }
    });
    if (ok && proposalId) {
      await queryClient.invalidateQueries({ queryKey: ["governance"] });
      navigate(`/governance/proposals/${proposalId}`);
    }
  };

  return (
    <section>
      <p className="small">
        <Link href="/governance">← Proposals</Link>
      </p>
      <PageHeading title="New proposal">New proposal</PageHeading>
      <p className="lead">
        Say what should change and why. If it passes, it waits in the timelock, then anyone can execute it: the actions
        run as the DAO.
      </p>
      <GovernanceNav />
      {!connection ? (
        <Notice>Connect a wallet to propose.</Notice>
      ) : threshold === undefined || votes === undefined ? (
        <Spinner label="Reading your voting power" />
      ) : belowThreshold ? (
        <Notice kind="warning" title="Not enough voting power to propose">
          Proposing needs {formatStoa(threshold)} of voting power; you have {formatStoa(votes)}.{" "}
          <Link href="/governance/delegates">Delegate to yourself</Link> or ask holders to delegate to you.
        </Notice>
      ) : (
        <p className="muted" data-testid="can-propose">
          Your voting power {formatStoa(votes)} is enough to propose (needs {formatStoa(threshold)}).
        </p>
      )}
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="card">
          <label htmlFor={`${id}-title`}>Title</label>
          <input
            id={`${id}-title`}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={submitted && Boolean(titleError)}
            aria-describedby={submitted && titleError ? `${id}-title-error` : undefined}
          />
          {submitted && titleError && (
            <p id={`${id}-title-error`} className="field-error">
              {titleError}
            </p>
          )}
          <div className="page-head">
            <label htmlFor={`${id}-body`}>Description (Markdown)</label>
            <button
              type="button"
              className="button secondary small"
              onClick={() => setPreview(!preview)}
              aria-pressed={preview}
            >
              {preview ? "Edit" : "Preview"}
            </button>
          </div>
          {preview ? (
            <div className="markdown-preview" aria-live="polite">
              <Suspense fallback={<Spinner />}>
                <Markdown source={body || "_Nothing written yet._"} />
              </Suspense>
            </div>
          ) : (
            <textarea
              id={`${id}-body`}
              rows={10}
              value={body}
              onChange={(e) => setBody(e.target.value)}
              placeholder={"## Why\n\n## What changes\n"}
              aria-invalid={Boolean(bodyError)}
            />
          )}
          {bodyError && <p className="field-error">{bodyError}</p>}
        </div>
        <h2>Actions</h2>
        {drafts.map((draft, i) => (
          <ActionEditor
            key={draft.key}
            draft={draft}
            index={i}
            errors={parsed[i]!.errors}
            showErrors={submitted}
            onChange={(next) => setDrafts(drafts.map((d) => (d.key === draft.key ? next : d)))}
            onRemove={drafts.length > 1 ? () => setDrafts(drafts.filter((d) => d.key !== draft.key)) : undefined}
          />
        ))}
        <div className="row">
          <button
            type="button"
            className="button secondary"
            onClick={() => setDrafts([...drafts, newDraft()])}
            disabled={drafts.length >= 10}
          >
            Add an action
          </button>
        </div>
        {parsed.every((p) => p.action) && (
          <div className="card">
            <h2>Summary</h2>
            <ol data-testid="summary">
              {parsed.map((p, i) => (
                <li key={drafts[i]!.key}>{describeAction(p.action!, stoaToken)}</li>
              ))}
            </ol>
          </div>
        )}
        <div className="row">
          <button type="submit" className="button" disabled={!connection || tx.busy || belowThreshold}>
            Submit the proposal
          </button>
        </div>
        {submitted && !valid && <Notice kind="error">Some fields need fixing: see the messages above.</Notice>}
        <TxStatus state={tx.state} />
      </form>
    </section>
  );
}
