/**
 * /market/new and /market/listings/:id/edit: a listing, checked against the protocol's schema as
 * you type (the node checks the same), images added to IPFS through the node, then the record
 * signed in the wallet and written. An edit publishes a new version under the same key.
 */
import { listingV1, type ListingV1 } from "@stoa/protocol";
import type { ApiStoredRecord } from "@stoa/sdk";
import { useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useLocation } from "wouter";
import { contentUrl } from "../app/config.ts";
import { useSession } from "../session/SessionProvider.tsx";
import { useChainStatus } from "../stoa/queries.ts";
import { EmptyState, ErrorNotice, Notice, PageHeading, Spinner } from "../ui/components.tsx";
import { useListing } from "./api.ts";
import { currencyOf, knownCurrencies, parseAmount } from "./money.ts";
import { formatUnits } from "viem";

const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

type Fields = {
  title: string;
  description: string;
  category: string;
  kind: "physical" | "digital";
  quantity: string;
  currency: string;
  price: string;
};
type FieldErrors = Partial<Record<keyof Fields | "images" | "royalty" | "tokenId", string>>;

function fieldsOf(body: ListingV1 | undefined, decimals: number): Fields {
  return {
    title: body?.title ?? "",
    description: body?.description ?? "",
    category: body?.category ?? "",
    kind: body?.kind ?? "physical",
    quantity: String(body?.quantity ?? 1),
    currency: body?.currency ?? "ETH",
    price: body ? formatUnits(BigInt(body.price), decimals) : "",
  };
}

function ListingEditor({ existing }: { existing?: ApiStoredRecord }) {
  const id = useId();
  const chain = useChainStatus(false);
  const [, navigate] = useLocation();
  const queryClient = useQueryClient();
  const { ensureSession, noteError, connection } = useSession();
  const current = existing?.body as ListingV1 | undefined;
  const [fields, setFields] = useState<Fields>(() =>
    fieldsOf(current, current ? currencyOf(current.currency, chain.data).decimals : 18),
  );
  const [images, setImages] = useState<string[]>(current?.images ?? []);
  const [files, setFiles] = useState<File[]>([]);
  const [touched, setTouched] = useState(false);
  const [key] = useState(() => current?.key ?? `l-${Date.now().toString(36)}`);
  const [save, setSave] = useState<{ step?: string; error?: unknown }>({});
  // A new listing may sell a digital asset as a StoaAssets token (minted here, or one already owned)
  // through a signed order, instead of through escrow.
  const [nft, setNft] = useState<{ on: boolean; tokenId: string; royalty: string }>({
    on: false,
    tokenId: "",
    royalty: "5",
  });

  const currency = currencyOf(fields.currency, chain.data);
  const price = parseAmount(fields.price, currency);
  const body = {
    key,
    title: fields.title.trim(),
    description: fields.description.trim(),
    category: fields.category.trim(),
    price: (price ?? 0n).toString(),
    currency: fields.currency,
    kind: nft.on ? ("digital" as const) : fields.kind,
    quantity: nft.on ? 1 : Number(fields.quantity),
    images,
    status: "active" as const,
    ...(current?.asset ? { asset: current.asset } : {}),
  };
  const errors: FieldErrors = {};
  const parsed = listingV1.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof FieldErrors;
      errors[field] ??=
        field === "category" ? "A category is 1-32 lower-case letters, digits and single dashes." : issue.message;
    }
  }
  if (price === undefined)
    errors.price = `Enter a positive amount of ${currency.symbol}, at most ${currency.decimals} decimals.`;
  const fileError = files.find((f) => !IMAGE_TYPES.includes(f.type) || f.size > MAX_IMAGE_BYTES)
    ? "Images must be PNG, JPEG, WebP or GIF of at most 2 MB."
    : images.length + files.length > 10
      ? "At most 10 images."
      : undefined;
  if (fileError) errors.images = fileError;
  const royalty = Number(nft.royalty);
  if (
    nft.on &&
    (!Number.isFinite(royalty) || royalty < 0 || royalty > 10 || Math.round(royalty * 100) !== royalty * 100)
  ) {
    errors.royalty = "A royalty is 0-10 %, in steps of 0.01.";
  }
  if (nft.on && nft.tokenId !== "" && !/^[1-9][0-9]{0,30}$/.test(nft.tokenId)) {
    errors.tokenId = "A token id is a whole number (or leave it empty to mint a new token).";
  }
  const shown = touched ? errors : {};

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length > 0) return;
    try {
      setSave({ step: "Signing in" });
      const client = await ensureSession();
      const added: string[] = [];
      for (const [i, file] of files.entries()) {
        setSave({ step: `Adding image ${i + 1} of ${files.length} to IPFS` });
        added.push((await client.addContent({ content: file })).cid);
      }
      if (nft.on) {
        let tokenId = nft.tokenId ? BigInt(nft.tokenId) : undefined;
        if (tokenId === undefined) {
          setSave({ step: "Adding the token's metadata to IPFS" });
          const metadata = { name: body.title, description: body.description, image: added[0] ?? images[0] };
          const { cid } = await client.addContent({ content: JSON.stringify(metadata) });
          setSave({ step: "Confirm the mint in your wallet" });
          tokenId = (
            await client.mintAsset({
              metadataCid: cid,
              royaltyReceiver: connection!.address,
              royaltyBps: Math.round(royalty * 100),
            })
          ).tokenId;
        }
        setSave({ step: "Approve the exchange if asked, then sign the order and the listing in your wallet" });
        const { records } = await client.listAsset({
          tokenId,
          title: body.title,
          description: body.description,
          category: body.category,
          price: body.price,
          currency: body.currency,
          images: [...images, ...added],
        });
        await queryClient.invalidateQueries({ queryKey: ["market"] });
        navigate(`/market/listings/${records[0]!.id}`);
        return;
      }
      setSave({ step: "Sign the listing in your wallet" });
      const final = listingV1.parse({ ...body, images: [...images, ...added] });
      const { records } = existing
        ? await client.updateListing({ listing: existing, changes: final })
        : await client.createListing(final);
      await queryClient.invalidateQueries({ queryKey: ["market"] });
      navigate(`/market/listings/${records[0]!.id}`);
    } catch (error) {
      noteError(error);
      setSave({ error });
    }
  }

  const busy = save.step !== undefined && save.error === undefined;
  const set = (name: keyof Fields) => (event: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: event.target.value }));
  const described = (field: keyof FieldErrors) => (shown[field] ? `${id}-${field}-error` : undefined);
  const fieldError = (field: keyof FieldErrors) =>
    shown[field] && (
      <p id={`${id}-${field}-error`} className="field-error">
        {shown[field]}
      </p>
    );

  if (!connection) {
    return (
      <EmptyState title="Connect a wallet to sell.">
        <p className="muted">Listings are records signed by your wallet; buyers pay your address.</p>
      </EmptyState>
    );
  }
  return (
    <form className="card form" onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
      {!existing && (
        <fieldset className="stars">
          <legend>What are you selling?</legend>
          <label>
            <input
              type="radio"
              name={`${id}-what`}
              checked={!nft.on}
              onChange={() => setNft((n) => ({ ...n, on: false }))}
            />{" "}
            An item, paid into escrow
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-what`}
              checked={nft.on}
              onChange={() => setNft((n) => ({ ...n, on: true }))}
            />{" "}
            A digital asset as an NFT (StoaAssets)
          </label>
        </fieldset>
      )}
      {nft.on && (
        <div className="filters">
          <label>
            Token id (empty: mint a new one)
            <input
              value={nft.tokenId}
              onChange={(event) => setNft((n) => ({ ...n, tokenId: event.target.value.trim() }))}
              inputMode="numeric"
              aria-invalid={Boolean(shown.tokenId)}
              aria-describedby={described("tokenId")}
            />
          </label>
          <label>
            Royalty on every resale (%)
            <input
              value={nft.royalty}
              onChange={(event) => setNft((n) => ({ ...n, royalty: event.target.value }))}
              inputMode="decimal"
              disabled={nft.tokenId !== ""}
              aria-invalid={Boolean(shown.royalty)}
              aria-describedby={described("royalty")}
            />
          </label>
        </div>
      )}
      {fieldError("tokenId")}
      {fieldError("royalty")}
      {nft.on && (
        <p className="hint">
          The buyer pays and receives the token in one transaction, no escrow; you receive the price minus the royalty
          and the protocol fee. Minting makes you the creator and royalty receiver.
        </p>
      )}
      <label htmlFor={`${id}-title`}>Title</label>
      <input
        id={`${id}-title`}
        value={fields.title}
        onChange={set("title")}
        maxLength={140}
        aria-invalid={Boolean(shown.title)}
        aria-describedby={described("title")}
      />
      {fieldError("title")}
      <label htmlFor={`${id}-description`}>Description</label>
      <textarea
        id={`${id}-description`}
        rows={6}
        value={fields.description}
        onChange={set("description")}
        maxLength={5000}
        aria-invalid={Boolean(shown.description)}
        aria-describedby={described("description")}
      />
      {fieldError("description")}
      <div className="filters">
        <label>
          Category
          <input
            value={fields.category}
            onChange={set("category")}
            placeholder="furniture"
            maxLength={32}
            aria-invalid={Boolean(shown.category)}
            aria-describedby={described("category")}
          />
        </label>
        <label>
          Kind
          <select
            value={nft.on ? "digital" : fields.kind}
            onChange={set("kind")}
            disabled={Boolean(current?.asset) || nft.on}
          >
            <option value="physical">Physical (shipped)</option>
            <option value="digital">Digital</option>
          </select>
        </label>
        <label>
          Quantity
          <input
            value={nft.on ? "1" : fields.quantity}
            onChange={set("quantity")}
            disabled={nft.on}
            inputMode="numeric"
            aria-invalid={Boolean(shown.quantity)}
            aria-describedby={described("quantity")}
          />
        </label>
        <label>
          Currency
          <select value={fields.currency} onChange={set("currency")} disabled={Boolean(current?.asset)}>
            {knownCurrencies(chain.data).map((c) => (
              <option key={c.id} value={c.id}>
                {c.symbol}
              </option>
            ))}
          </select>
        </label>
        <label>
          Price ({currency.symbol})
          <input
            value={fields.price}
            onChange={set("price")}
            inputMode="decimal"
            placeholder="0.5"
            disabled={Boolean(current?.asset)}
            aria-invalid={Boolean(shown.price)}
            aria-describedby={described("price")}
          />
        </label>
      </div>
      {fieldError("category")}
      {fieldError("quantity")}
      {fieldError("price")}
      <fieldset>
        <legend>Images (up to 10, stored in IPFS)</legend>
        {images.length > 0 && (
          <ul className="thumbs">
            {images.map((cid) => (
              <li key={cid}>
                <img src={contentUrl(cid)} alt="" width="96" height="96" />
                <button
                  type="button"
                  className="button secondary small"
                  onClick={() => setImages((all) => all.filter((c) => c !== cid))}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <label htmlFor={`${id}-images`} className="visually-hidden">
          Add images
        </label>
        <input
          id={`${id}-images`}
          type="file"
          multiple
          accept={IMAGE_TYPES.join(",")}
          onChange={(event) => setFiles([...(event.target.files ?? [])])}
          aria-invalid={Boolean(shown.images)}
          aria-describedby={described("images")}
        />
        {fieldError("images")}
      </fieldset>
      {busy && <Notice title="Saving">{save.step}…</Notice>}
      {save.error !== undefined && <ErrorNotice title="Not saved" error={save.error} />}
      <div className="row">
        <button type="submit" className="button" disabled={busy}>
          {existing ? "Publish the new version" : nft.on ? "Publish the NFT listing" : "Publish the listing"}
        </button>
      </div>
    </form>
  );
}

export function NewListingPage() {
  return (
    <section>
      <PageHeading title="Sell something">Sell something</PageHeading>
      <p className="lead">
        Your listing is a record signed by your wallet; every node that replicates listings shows it.
      </p>
      <ListingEditor />
    </section>
  );
}

export function EditListingPage({ id }: { id: string }) {
  const listing = useListing(id);
  return (
    <section>
      <PageHeading title="Edit listing">Edit listing</PageHeading>
      {listing.isPending ? (
        <Spinner label="Loading the listing" />
      ) : listing.isError ? (
        <ErrorNotice error={listing.error} onRetry={() => void listing.refetch()} />
      ) : (
        <ListingEditor existing={listing.data} />
      )}
    </section>
  );
}
