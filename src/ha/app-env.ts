/**
 * The environment the app needs to run on the profile (`ha:env`): the Patroni topology source, every
 * member's API, and DATABASE_URL as the credentials template (host and port are replaced per member by
 * the source; the leader's are written so the URL works as it stands, e.g. for psql).
 */
import { apiUrl, appUrl, type HaProfile, ownerUrl } from "./profile-state";

export function appEnvironment(profile: HaProfile, leaderPort: number): Record<string, string> {
  return {
    DATABASE_TOPOLOGY: "patroni",
    PATRONI_URLS: profile.members.map((m) => apiUrl(profile, m)).join(","),
    DATABASE_URL: appUrl(profile, leaderPort),
    MIGRATE_DATABASE_URL: ownerUrl(profile, leaderPort),
  };
}
