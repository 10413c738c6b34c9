"use client";

import { useMutation } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import type { RouterOutputs } from "~/trpc/react";
import { useTRPC } from "~/trpc/react";
import type { LastWrite } from "./last-write";
import { Button } from "./ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "./ui/dialog";
import { UserForm } from "./user-form";

type User = RouterOutputs["user"]["byId"]["user"];

interface UserEditDialogProps {
  user: User;
  trigger: ReactNode;
  /** After the save: the write, with the user's new name. */
  onSaved: (write: LastWrite & { name: string }) => Promise<void>;
  /** Where the focus goes after a save (the trigger gets it back after a cancel). */
  returnFocus: () => HTMLElement | null;
}

/** The edit form in a modal dialog: it stays open, with the server's errors, until a save succeeds. */
export function UserEditDialog({ user, trigger, onSaved, returnFocus }: UserEditDialogProps) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [saved, setSaved] = useState(false);
  const update = useMutation(
    trpc.user.update.mutationOptions({
      onSuccess: async ({ user: updated, servedBy, consistencyToken }) => {
        setSaved(true);
        setOpen(false);
        await onSaved({ action: "Saved", servedBy, consistencyToken, at: Date.now(), name: updated.name });
      },
    }),
  );

  function changeOpen(next: boolean) {
    setOpen(next);
    if (next) {
      setSaved(false);
      update.reset();
    }
  }

  return (
    <Dialog open={open} onOpenChange={changeOpen}>
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent
        onCloseAutoFocus={(event) => {
          const target = saved ? returnFocus() : null;
          if (!target) return;
          event.preventDefault();
          target.focus();
        }}
      >
        <DialogHeader>
          <DialogTitle>Edit {user.name}</DialogTitle>
          <DialogDescription>
            The change is written to the primary; the page then reads it back from a replica that has it.
          </DialogDescription>
        </DialogHeader>
        <UserForm
          initial={{ name: user.name, email: user.email }}
          submitLabel="Save changes"
          pendingLabel="Saving…"
          pending={update.isPending}
          error={update.error}
          onSubmit={(values) => update.mutate({ id: user.id, ...values })}
          secondary={
            <DialogClose asChild>
              <Button variant="outline">Cancel</Button>
            </DialogClose>
          }
        />
      </DialogContent>
    </Dialog>
  );
}
