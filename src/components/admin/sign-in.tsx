"use client";

import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { errorCode, errorMessage } from "~/components/api-error";
import { createAdminClient } from "./admin-api";

/**
 * Asks for the admin token and checks it against the server (one replication.status call) before
 * keeping it: a wrong token is said so here, not discovered later.
 */
export function SignIn({ notice, autoFocus, onSignedIn }: { notice: string | null; autoFocus: boolean; onSignedIn: (token: string) => void }) {
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
    <section className="card admin-sign-in" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Sign in</h2>
      <p className="muted">
        Replication status and controls need the server&rsquo;s admin token (<code>ADMIN_TOKEN</code>). It is kept in this tab only and
        forgotten when the tab closes.
      </p>
      {notice && (
        <p className="form-error" role="alert">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate className="user-form">
        <div className={`field${error ? " invalid" : ""}`}>
          <label htmlFor={`${id}-token`}>Admin token</label>
          <input
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
            <p id={`${id}-error`} className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <div className="actions">
          <button type="submit" className="button primary" disabled={pending}>
            {pending ? "Checking…" : "Sign in"}
          </button>
        </div>
      </form>
    </section>
  );
}
