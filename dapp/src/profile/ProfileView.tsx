/** A profile as others see it: avatar (from IPFS, through the node), name, bio, place, links. */
import { contentUrl } from "../app/config.ts";
import { AddressText } from "../ui/components.tsx";
import { formatDateTime } from "../ui/format.ts";
import type { StoredProfile } from "./useProfile.ts";

export function Avatar({ cid, name, size = 96 }: { cid?: string; name: string; size?: number }) {
  if (!cid) {
    return (
      <span className="avatar avatar-empty" style={{ width: size, height: size }} aria-hidden="true">
        {(name.trim()[0] ?? "?").toUpperCase()}
      </span>
    );
  }
  return <img className="avatar" src={contentUrl(cid)} alt={`${name}'s avatar`} width={size} height={size} />;
}

export function ProfileView({ profile }: { profile: StoredProfile }) {
  const { body } = profile;
  return (
    <article className="card profile" aria-labelledby="profile-name">
      <Avatar cid={body.avatar} name={body.name} />
      <div className="profile-text">
        <h2 id="profile-name">{body.name}</h2>
        <p className="muted">
          <AddressText address={profile.author} />
          {body.location && <> · {body.location}</>}
        </p>
        {body.bio && <p className="bio">{body.bio}</p>}
        {body.links && body.links.length > 0 && (
          <ul className="links">
            {body.links.map((link) => (
              <li key={link}>
                <a href={link} rel="noopener noreferrer nofollow" target="_blank">
                  {link.replace(/^https:\/\//, "")}
                </a>
              </li>
            ))}
          </ul>
        )}
        <p className="muted small">Updated {formatDateTime(profile.createdAt)}</p>
      </div>
    </article>
  );
}
