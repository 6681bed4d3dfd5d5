/**
 * Editing one's profile: checked against the protocol's schema as you type (the node checks the
 * same), the avatar added to IPFS through the node, then the record signed in the wallet and written.
 */
import { profileV1, type ProfileV1 } from "@stoa/protocol";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type FormEvent } from "react";
import { useSession } from "../session/SessionProvider.tsx";
import { ErrorNotice, Notice, Spinner } from "../ui/components.tsx";
import { Avatar } from "./ProfileView.tsx";
import { profileKey, type StoredProfile } from "./useProfile.ts";

/** Largest avatar accepted here (the node's own limit is far higher). */
const MAX_AVATAR_BYTES = 1024 * 1024;
const AVATAR_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"];

type Fields = { name: string; bio: string; location: string; links: string };
type FieldErrors = Partial<Record<keyof Fields | "avatar", string>>;

function toBody(fields: Fields, avatar: string | undefined, noteKey?: string): unknown {
  const links = fields.links
    .split("\n")
    .map((link) => link.trim())
    .filter(Boolean);
  return {
    name: fields.name.trim(),
    ...(fields.bio.trim() ? { bio: fields.bio.trim() } : {}),
    ...(avatar ? { avatar } : {}),
    ...(fields.location.trim() ? { location: fields.location.trim() } : {}),
    ...(links.length ? { links } : {}),
    // Kept as it was: the market sets it (order notes are encrypted to it).
    ...(noteKey ? { noteKey } : {}),
  };
}

/** The schema's complaints, by field, in words. */
function validate(body: unknown): { body?: ProfileV1; errors: FieldErrors } {
  const parsed = profileV1.safeParse(body);
  if (parsed.success) return { body: parsed.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "name") as keyof FieldErrors;
    errors[field] ??=
      field === "links" ? `Each link must be an https:// address, at most 5. ${issue.message}` : issue.message;
  }
  return { errors };
}

type SaveState = { status: "idle" } | { status: "saving"; step: string } | { status: "failed"; error: unknown };

export default function ProfileForm({
  current,
  onSaved,
  onCancel,
}: {
  current: StoredProfile | null;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const { ensureSession, noteError, connection } = useSession();
  const [fields, setFields] = useState<Fields>({
    name: current?.body.name ?? "",
    bio: current?.body.bio ?? "",
    location: current?.body.location ?? "",
    links: current?.body.links?.join("\n") ?? "",
  });
  const [picked, setPicked] = useState<{ file: File; url: string }>();
  const file = picked?.file;
  const preview = picked?.url;
  const [touched, setTouched] = useState(false);
  const [save, setSave] = useState<SaveState>({ status: "idle" });

  // The preview's object URL lives as long as its pick.
  useEffect(() => () => picked && URL.revokeObjectURL(picked.url), [picked]);

  const fileError =
    file && !AVATAR_TYPES.includes(file.type)
      ? "The avatar must be a PNG, JPEG, WebP or GIF image."
      : file && file.size > MAX_AVATAR_BYTES
        ? `The avatar is ${(file.size / 1024).toFixed(0)} KB; at most 1,024 KB.`
        : undefined;
  const { errors } = validate(toBody(fields, current?.body.avatar));
  const shown: FieldErrors = touched ? { ...errors, avatar: fileError } : { avatar: fileError };
  const set = (name: keyof Fields) => (event: { target: { value: string } }) =>
    setFields((previous) => ({ ...previous, [name]: event.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (Object.keys(errors).length > 0 || fileError) return;
    try {
      setSave({ status: "saving", step: "Signing in" });
      const client = await ensureSession();
      let avatar = current?.body.avatar;
      if (file) {
        setSave({ status: "saving", step: "Adding the avatar to IPFS" });
        avatar = (await client.addContent({ content: file })).cid;
      }
      const checked = validate(toBody(fields, avatar, current?.body.noteKey));
      if (!checked.body) throw new Error("The profile no longer passes the checks; review the fields.");
      setSave({ status: "saving", step: "Sign the profile in your wallet" });
      await client.publishRecord({ type: "profile", body: checked.body });
      await queryClient.invalidateQueries({ queryKey: profileKey(connection!.address) });
      setSave({ status: "idle" });
      onSaved();
    } catch (error) {
      noteError(error);
      setSave({ status: "failed", error });
    }
  }

  const busy = save.status === "saving";
  const describedBy = (field: keyof FieldErrors) => (shown[field] ? `${id}-${field}-error` : undefined);
  const fieldError = (field: keyof FieldErrors) =>
    shown[field] && (
      <p id={`${id}-${field}-error`} className="field-error">
        {shown[field]}
      </p>
    );

  return (
    <form className="card form" onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
      <h2>Edit your profile</h2>
      <div className="avatar-field">
        {preview ? (
          <img className="avatar" src={preview} alt="New avatar preview" width={96} height={96} />
        ) : (
          <Avatar cid={current?.body.avatar} name={fields.name || "?"} />
        )}
        <div>
          <label htmlFor={`${id}-avatar`}>Avatar</label>
          <input
            id={`${id}-avatar`}
            type="file"
            accept={AVATAR_TYPES.join(",")}
            aria-describedby={describedBy("avatar")}
            onChange={(event) => {
              const chosen = event.target.files?.[0];
              setPicked(chosen && { file: chosen, url: URL.createObjectURL(chosen) });
            }}
          />
          <p className="hint">PNG, JPEG, WebP or GIF, up to 1 MB. Stored in IPFS.</p>
          {fieldError("avatar")}
        </div>
      </div>
      <label htmlFor={`${id}-name`}>Name</label>
      <input
        id={`${id}-name`}
        value={fields.name}
        onChange={set("name")}
        maxLength={64}
        required
        aria-invalid={Boolean(shown.name)}
        aria-describedby={describedBy("name")}
      />
      {fieldError("name")}
      <label htmlFor={`${id}-bio`}>Bio</label>
      <textarea
        id={`${id}-bio`}
        value={fields.bio}
        onChange={set("bio")}
        rows={4}
        maxLength={1000}
        aria-describedby={describedBy("bio")}
      />
      {fieldError("bio")}
      <label htmlFor={`${id}-location`}>Location</label>
      <input
        id={`${id}-location`}
        value={fields.location}
        onChange={set("location")}
        maxLength={64}
        aria-describedby={describedBy("location")}
      />
      {fieldError("location")}
      <label htmlFor={`${id}-links`}>Links (one https:// address per line, up to 5)</label>
      <textarea
        id={`${id}-links`}
        value={fields.links}
        onChange={set("links")}
        rows={3}
        aria-invalid={Boolean(shown.links)}
        aria-describedby={describedBy("links")}
      />
      {fieldError("links")}
      {save.status === "saving" && (
        <Notice>
          <Spinner label={save.step} />
        </Notice>
      )}
      {save.status === "failed" && <ErrorNotice title="Not saved" error={save.error} />}
      <div className="row">
        <button type="submit" className="button" disabled={busy}>
          Save profile
        </button>
        <button type="button" className="button secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
