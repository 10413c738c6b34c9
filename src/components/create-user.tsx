"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { useTRPC } from "~/trpc/react";
import { rememberWrite } from "./last-write";
import { UserForm } from "./user-form";

/** Creates a user on the primary, then opens its page: the link now sends the write's consistency token. */
export function CreateUser() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const create = useMutation(
    trpc.user.create.mutationOptions({
      onSuccess: async ({ user, servedBy, consistencyToken }) => {
        toast.success(`Created ${user.name}`, { description: `Written to ${servedBy.node}` });
        rememberWrite(queryClient, user.id, { action: "Created", servedBy, consistencyToken, at: Date.now() });
        await queryClient.invalidateQueries({ queryKey: trpc.user.list.pathKey() });
        router.push(`/users/${user.id}`);
      },
    }),
  );
  return (
    <UserForm
      submitLabel="Create user"
      pendingLabel="Creating…"
      pending={create.isPending || create.isSuccess}
      error={create.error}
      onSubmit={(values) => create.mutate(values)}
    />
  );
}
