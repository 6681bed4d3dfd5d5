/** /profile: your profile, to view and edit; /profile/:address: anyone's, read from this node. */
import { lazy, Suspense, useState } from "react";
import { isAddress } from "viem";
import { useSession } from "../session/SessionProvider.tsx";
import { EmptyState, ErrorNotice, Notice, PageHeading, Spinner } from "../ui/components.tsx";
import { ProfileView } from "./ProfileView.tsx";
import { useProfile } from "./useProfile.ts";

// Loaded when editing starts: it brings the record schemas and the signing code.
const ProfileForm = lazy(() => import("./ProfileForm.tsx"));

export default function ProfilePage({ address }: { address?: string }) {
  const { connection } = useSession();
  const target = address ?? connection?.address;
  const own = Boolean(connection && target && connection.address.toLowerCase() === target.toLowerCase());
  const valid = target !== undefined && isAddress(target, { strict: false });
  const profile = useProfile(valid ? target : undefined);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);

  if (!target) {
    return (
      <section>
        <PageHeading title="Profile">Your profile</PageHeading>
        <EmptyState title="Connect a wallet to see and edit your profile.">
          <p className="muted">Or open anyone's profile at /profile/0x… with their address.</p>
        </EmptyState>
      </section>
    );
  }
  if (!valid) {
    return (
      <section>
        <PageHeading title="Profile">Profile</PageHeading>
        <ErrorNotice error={new Error(`"${target}" is not an Ethereum address (0x and 40 hex digits).`)} />
      </section>
    );
  }
  return (
    <section>
      <PageHeading title={own ? "Your profile" : "Profile"}>{own ? "Your profile" : "Profile"}</PageHeading>
      <p className="lead">
        {own ? (
          "Your profile is"
        ) : (
          <>
            The profile of <span className="mono break">{target}</span> is
          </>
        )}{" "}
        a record signed by {own ? "your" : "its owner's"} wallet and shared between Stoa nodes; this page reads it from
        the node serving it.
      </p>
      {saved && !editing && <Notice kind="success">Saved. Other nodes receive it within seconds.</Notice>}
      {profile.isPending ? (
        <Spinner label="Loading the profile" />
      ) : profile.isError ? (
        <ErrorNotice title="Could not load the profile" error={profile.error} onRetry={() => void profile.refetch()} />
      ) : editing ? (
        <Suspense fallback={<Spinner label="Loading the editor" />}>
          <ProfileForm
            current={profile.data}
            onSaved={() => {
              setEditing(false);
              setSaved(true);
            }}
            onCancel={() => setEditing(false)}
          />
        </Suspense>
      ) : profile.data ? (
        <ProfileView profile={profile.data} />
      ) : (
        <EmptyState title={own ? "You have no profile yet." : "This account has no profile on this node yet."}>
          {!own && <p className="muted">Profiles travel between nodes within seconds; check back soon.</p>}
        </EmptyState>
      )}
      {own && !editing && !profile.isPending && (
        <button
          type="button"
          className="button"
          onClick={() => {
            setSaved(false);
            setEditing(true);
          }}
        >
          {profile.data ? "Edit profile" : "Create your profile"}
        </button>
      )}
    </section>
  );
}
