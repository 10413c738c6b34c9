"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Skeleton } from "~/components/ui/skeleton";
import { AdminDashboard } from "./admin-dashboard";
import { useAdminToken } from "./admin-token";
import { SignIn } from "./sign-in";

/**
 * /admin: the sign-in form until the tab has an admin token, then the replication dashboard. Signing in
 * or out replaces the form the keyboard focus was in, so the focus moves to what replaced it (the
 * dashboard's status line, the token field) instead of falling back to the top of the page.
 */
export function AdminConsole() {
  const [token, setToken] = useAdminToken();
  const queryClient = useQueryClient();
  const [signedOutBecause, setSignedOutBecause] = useState<string | null>(null);
  // Only after a sign-in or sign-out on this page: opening /admin leaves the focus where browsers put it.
  const [moveFocus, setMoveFocus] = useState(false);

  if (token === undefined) return <Skeleton className="h-40 w-full max-w-xl" />;
  if (token === null) {
    return (
      <SignIn
        notice={signedOutBecause}
        autoFocus={moveFocus}
        onSignedIn={(next) => {
          setSignedOutBecause(null);
          setMoveFocus(true);
          setToken(next);
        }}
      />
    );
  }
  const signOut = (reason: string | null) => {
    queryClient.removeQueries({ queryKey: [["replication"]] });
    setSignedOutBecause(reason);
    setMoveFocus(true);
    setToken(null);
  };
  return <AdminDashboard token={token} onSignOut={signOut} focusOnMount={moveFocus} />;
}
