"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "~/trpc/react";
import { consistencyNoticeOf, errorCode, errorMessage, retryUnlessClientError } from "./api-error";
import { type LastWrite, takeLastWrite } from "./last-write";
import { ServedByBadge } from "./served-by";
import { UserForm } from "./user-form";
import { WriteProgress } from "./write-progress";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "medium" });

/** One user: its data and the node that served it, an edit form, and delete behind a confirmation dialog. */
export function UserDetail({ id }: { id: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [write, setWrite] = useState<LastWrite | undefined>(() => takeLastWrite(queryClient, id));
  const [deleting, setDeleting] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  const user = useQuery({ ...trpc.user.byId.queryOptions({ id }, { enabled: !deleting }), retry: retryUnlessClientError });

  const update = useMutation(
    trpc.user.update.mutationOptions({
      onSuccess: async ({ servedBy, consistencyToken }) => {
        setWrite({ action: "Saved", servedBy, consistencyToken, at: Date.now() });
        await queryClient.invalidateQueries({ queryKey: trpc.user.pathKey() });
      },
    }),
  );

  const remove = useMutation(
    trpc.user.delete.mutationOptions({
      onMutate: () => setDeleting(true),
      onError: () => setDeleting(false),
      onSuccess: async ({ user: deleted }) => {
        dialogRef.current?.close();
        queryClient.removeQueries({ queryKey: trpc.user.byId.queryKey({ id: deleted.id }) });
        await queryClient.invalidateQueries({ queryKey: trpc.user.list.pathKey() });
        router.push("/users");
      },
    }),
  );

  // The heading takes the focus once the user is shown, so keyboard and screen reader users start there.
  const loaded = user.isSuccess;
  useEffect(() => {
    if (loaded) headingRef.current?.focus();
  }, [loaded]);
  // After a save the notice takes it ("Saved. Written to primary …"): the form is re-created with the
  // saved values, so the button that had the focus is gone, and the notice says what just happened.
  useEffect(() => {
    if (write?.action === "Saved") noticeRef.current?.focus();
  }, [write]);

  if (user.isPending) {
    return (
      <p className="muted" role="status">
        Loading user…
      </p>
    );
  }
  if (user.isError) {
    const notFound = errorCode(user.error) === "NOT_FOUND";
    return (
      <>
        <h1>{notFound ? "User not found" : "Could not load this user"}</h1>
        <p className="form-error" role="alert">
          {notFound ? notFoundExplanation(id, consistencyNoticeOf(user.error)) : errorMessage(user.error)}
        </p>
        <p>
          <Link href="/users">Back to all users</Link>
        </p>
      </>
    );
  }

  const { user: data, servedBy } = user.data;
  return (
    <>
      <p className="breadcrumb">
        <Link href="/users">← All users</Link>
      </p>
      <h1 ref={headingRef} tabIndex={-1}>
        {data.name}
      </h1>
      {write && (
        <div className="notice" role="status" tabIndex={-1} ref={noticeRef}>
          <span>{write.action}.</span> <ServedByBadge servedBy={write.servedBy} kind="write" />
        </div>
      )}
      {write && <WriteProgress key={write.consistencyToken} token={write.consistencyToken} writtenAt={write.at} />}

      <section aria-labelledby="details-heading" className="card">
        <div className="card-head">
          <h2 id="details-heading">Details</h2>
          <ServedByBadge servedBy={servedBy} />
        </div>
        <dl className="details">
          <dt>Name</dt>
          <dd>{data.name}</dd>
          <dt>Email</dt>
          <dd>{data.email}</dd>
          <dt>Id</dt>
          <dd>{data.id}</dd>
          <dt>Created</dt>
          <dd>
            <time dateTime={data.createdAt.toISOString()}>{dateFormat.format(data.createdAt)}</time>
          </dd>
        </dl>
      </section>

      <section aria-labelledby="edit-heading" className="card">
        <h2 id="edit-heading">Edit</h2>
        <UserForm
          key={`${data.name}\u0000${data.email}`}
          initial={{ name: data.name, email: data.email }}
          submitLabel="Save changes"
          pendingLabel="Saving…"
          pending={update.isPending}
          error={update.error}
          onSubmit={(values) => update.mutate({ id, ...values })}
        />
      </section>

      <section aria-labelledby="delete-heading" className="card danger-zone">
        <h2 id="delete-heading">Delete</h2>
        <p className="muted">Deleting a user cannot be undone.</p>
        <button type="button" className="button danger" onClick={() => dialogRef.current?.showModal()}>
          Delete user
        </button>
      </section>

      <dialog ref={dialogRef} className="dialog" aria-labelledby="confirm-heading" aria-describedby="confirm-text" onClose={() => remove.reset()}>
        <h2 id="confirm-heading">Delete {data.name}?</h2>
        <p id="confirm-text">
          This permanently deletes {data.name} ({data.email}).
        </p>
        {remove.isError && (
          <p className="form-error" role="alert">
            {errorMessage(remove.error)}
          </p>
        )}
        <div className="actions">
          {/* First in the dialog, so it gets the focus: the safe choice is the default. */}
          <button type="button" className="button" onClick={() => dialogRef.current?.close()} autoFocus>
            Cancel
          </button>
          <button type="button" className="button danger" disabled={remove.isPending} onClick={() => remove.mutate({ id })}>
            {remove.isPending ? "Deleting…" : "Delete"}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** "It may have been deleted", unless the server says the client's own last write was lost in a failover. */
function notFoundExplanation(id: number, notice: ReturnType<typeof consistencyNoticeOf>): string {
  if (!notice) return `There is no user with id ${id}. It may have been deleted.`;
  return `There is no user with id ${id}: ${notice.detail}.`;
}
