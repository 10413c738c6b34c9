"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeftIcon, PencilIcon, Trash2Icon } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "~/trpc/react";
import { consistencyNoticeOf, errorCode, errorMessage, retryUnlessClientError } from "./api-error";
import { FormError } from "./form-error";
import { type LastWrite, takeLastWrite } from "./last-write";
import { ServedByBadge } from "./served-by";
import { Button } from "./ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "./ui/card";
import { Skeleton } from "./ui/skeleton";
import { UserDeleteDialog } from "./user-delete-dialog";
import { UserEditDialog } from "./user-edit-dialog";
import { WriteProgress } from "./write-progress";

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "medium" });

/** One user: its data and the node that served it; edit in a dialog, delete behind a confirmation. */
export function UserDetail({ id }: { id: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [write, setWrite] = useState<LastWrite | undefined>(() => takeLastWrite(queryClient, id));
  const [deleting, setDeleting] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  const user = useQuery({
    ...trpc.user.byId.queryOptions({ id }, { enabled: !deleting }),
    retry: retryUnlessClientError,
  });

  // The heading takes the focus once the user is shown, so keyboard and screen reader users start there.
  const loaded = user.isSuccess;
  useEffect(() => {
    if (loaded) headingRef.current?.focus();
  }, [loaded]);

  if (user.isPending) return <UserDetailSkeleton />;
  if (user.isError) {
    const notFound = errorCode(user.error) === "NOT_FOUND";
    return (
      <div className="grid gap-4">
        <h1 className="text-3xl font-bold tracking-tight">
          {notFound ? "User not found" : "Could not load this user"}
        </h1>
        <FormError>
          {notFound ? notFoundExplanation(id, consistencyNoticeOf(user.error)) : errorMessage(user.error)}
        </FormError>
        <p>
          <Button asChild variant="outline">
            <Link href="/users">Back to all users</Link>
          </Button>
        </p>
      </div>
    );
  }

  const { user: data, servedBy } = user.data;
  return (
    <div className="grid gap-6">
      <BackToUsers />
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 ref={headingRef} tabIndex={-1} className="min-w-0 text-3xl font-bold tracking-tight">
          {data.name}
        </h1>
        <div className="flex flex-wrap gap-2">
          <UserEditDialog
            user={data}
            onSaved={async (saved) => {
              setWrite(saved);
              toast.success(`Saved ${saved.name}`, { description: `Written to ${saved.servedBy.node}` });
              await queryClient.invalidateQueries({ queryKey: trpc.user.pathKey() });
            }}
            // After a save the notice takes the focus ("Saved. Written to primary …"): it says what just happened.
            returnFocus={() => noticeRef.current}
            trigger={
              <Button variant="outline">
                <PencilIcon aria-hidden="true" /> Edit user
              </Button>
            }
          />
          <UserDeleteDialog
            user={data}
            onDeleting={setDeleting}
            onDeleted={async (deleted) => {
              toast.success(`Deleted ${deleted.name}`, { description: deleted.email });
              queryClient.removeQueries({ queryKey: trpc.user.byId.queryKey({ id: deleted.id }) });
              await queryClient.invalidateQueries({ queryKey: trpc.user.list.pathKey() });
              router.push("/users");
            }}
            trigger={
              <Button variant="outline" className="text-danger hover:text-danger">
                <Trash2Icon aria-hidden="true" /> Delete user
              </Button>
            }
          />
        </div>
      </div>

      {write && (
        <div className="grid gap-3 rounded-lg border border-ok/40 bg-ok-soft p-4">
          <div className="flex flex-wrap items-center gap-2" role="status" tabIndex={-1} ref={noticeRef}>
            <span className="font-semibold">{write.action}.</span>{" "}
            <ServedByBadge servedBy={write.servedBy} kind="write" />
          </div>
          <WriteProgress key={write.consistencyToken} token={write.consistencyToken} writtenAt={write.at} />
        </div>
      )}

      <Card aria-labelledby="details-heading">
        <CardHeader>
          <CardTitle id="details-heading">Details</CardTitle>
          <ServedByBadge servedBy={servedBy} />
        </CardHeader>
        <CardContent>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 [&_dd]:[overflow-wrap:anywhere] [&_dt]:text-muted-foreground">
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
        </CardContent>
      </Card>
    </div>
  );
}

function BackToUsers() {
  return (
    <p>
      <Link href="/users" className="inline-flex items-center gap-1 text-sm font-medium text-primary hover:underline">
        <ArrowLeftIcon className="size-4" aria-hidden="true" /> All users
      </Link>
    </p>
  );
}

/** The page's shape while the user loads: no jump when it arrives. */
function UserDetailSkeleton() {
  return (
    <div className="grid gap-6">
      <p className="sr-only" role="status">
        Loading user…
      </p>
      <Skeleton className="h-5 w-24" />
      <div className="flex flex-wrap items-center justify-between gap-4">
        <Skeleton className="h-9 w-64" />
        <Skeleton className="h-10 w-56" />
      </div>
      <Skeleton className="h-48 w-full rounded-lg" />
    </div>
  );
}

/** "It may have been deleted", unless the server says the client's own last write was lost in a failover. */
function notFoundExplanation(id: number, notice: ReturnType<typeof consistencyNoticeOf>): string {
  if (!notice) return `There is no user with id ${id}. It may have been deleted.`;
  return `There is no user with id ${id}: ${notice.detail}.`;
}
