"use client";

import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { errorCode, errorMessage } from "~/components/api-error";
import { FormError } from "~/components/form-error";
import { Button } from "~/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "~/components/ui/card";
import { Input, Label } from "~/components/ui/input";
import { createAdminClient } from "./admin-api";

/**
 * Asks for the admin token and checks it against the server (one replication.status call) before
 * keeping it: a wrong token is said so here, not discovered later.
 */
export function SignIn({
  notice,
  autoFocus,
  onSignedIn,
}: {
  notice: string | null;
  autoFocus: boolean;
  onSignedIn: (token: string) => void;
}) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    if (error) inputRef.current?.focus();
  }, [error]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const token = value.trim();
    if (!token) {
      setError("Enter the admin token.");
      return;
    }
    setPending(true);
    setError(null);
    try {
      await createAdminClient(token).replication.status.query();
      onSignedIn(token);
    } catch (failure) {
      setError(
        errorCode(failure) === "UNAUTHORIZED"
          ? "That admin token is not valid. Use the ADMIN_TOKEN the server was started with."
          : `The token could not be checked: ${errorMessage(failure)}`,
      );
    } finally {
      setPending(false);
    }
  }

  return (
    <Card className="max-w-xl" aria-labelledby={`${id}-heading`}>
      <CardHeader className="block space-y-1.5">
        <CardTitle id={`${id}-heading`}>Sign in</CardTitle>
        <CardDescription>
          Replication status and controls need the server&rsquo;s admin token (<code>ADMIN_TOKEN</code>). It is kept in
          this tab only and forgotten when the tab closes.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} noValidate className="grid gap-4">
          {notice && <FormError>{notice}</FormError>}
          <div className="grid gap-2">
            <Label htmlFor={`${id}-token`}>Admin token</Label>
            <Input
              ref={inputRef}
              autoFocus={autoFocus}
              id={`${id}-token`}
              type="password"
              autoComplete="current-password"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
            {error && (
              <p id={`${id}-error`} className="text-sm text-danger" role="alert">
                {error}
              </p>
            )}
          </div>
          <div>
            <Button type="submit" disabled={pending}>
              {pending ? "Checking…" : "Sign in"}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
