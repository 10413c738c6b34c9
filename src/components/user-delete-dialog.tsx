"use client";

import { useMutation } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import type { RouterOutputs } from "~/trpc/react";
import { useTRPC } from "~/trpc/react";
import { errorMessage } from "./api-error";
import { FormError } from "./form-error";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "./ui/alert-dialog";
import { Button } from "./ui/button";

type User = RouterOutputs["user"]["byId"]["user"];

interface UserDeleteDialogProps {
  user: User;
  trigger: ReactNode;
  /** While the delete runs the page stops reading the user (it would answer "not found"). */
  onDeleting: (deleting: boolean) => void;
  onDeleted: (user: User) => Promise<void>;
}

/** Delete, after a confirmation with Cancel focused; the dialog stays open with the reason if it fails. */
export function UserDeleteDialog({ user, trigger, onDeleting, onDeleted }: UserDeleteDialogProps) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.user.delete.mutationOptions({
      onMutate: () => onDeleting(true),
      onError: () => onDeleting(false),
      onSuccess: async ({ user: deleted }) => {
        setOpen(false);
        await onDeleted(deleted);
      },
    }),
  );

  return (
    <AlertDialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) remove.reset();
      }}
    >
      <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Delete {user.name}?</AlertDialogTitle>
          <AlertDialogDescription className="[overflow-wrap:anywhere]">
            This permanently deletes {user.name} ({user.email}).
          </AlertDialogDescription>
        </AlertDialogHeader>
        {remove.isError && <FormError>{errorMessage(remove.error)}</FormError>}
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          {/* A plain button, not AlertDialogAction: the dialog stays open until the delete is done. */}
          <Button variant="destructive" disabled={remove.isPending} onClick={() => remove.mutate({ id: user.id })}>
            {remove.isPending ? "Deleting…" : "Delete"}
          </Button>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
