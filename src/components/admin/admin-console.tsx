"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { AdminDashboard } from "./admin-dashboard";
import { useAdminToken } from "./admin-token";
import { SignIn } from "./sign-in";

/** /admin: the sign-in form until the tab has an admin token, then the replication dashboard. */
export function AdminConsole() {
  const [token, setToken] = useAdminToken();
  const queryClient = useQueryClient();
  const [signedOutBecause, setSignedOutBecause] = useState<string | null>(null);

  if (token === undefined) return <p className="muted">Loading…</p>;
  if (token === null) {
    return (
      <SignIn
        notice={signedOutBecause}
        onSignedIn={(next) => {
          setSignedOutBecause(null);
          setToken(next);
        }}
      />
    );
  }
  const signOut = (reason: string | null) => {
    queryClient.removeQueries({ queryKey: [["replication"]] });
    setSignedOutBecause(reason);
    setToken(null);
  };
  return <AdminDashboard token={token} onSignOut={signOut} />;
}
