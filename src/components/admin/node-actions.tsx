"use client";

import { ChevronDown } from "lucide-react";
import { useRef, useState } from "react";
import { errorMessage } from "~/components/api-error";
import { FormError } from "~/components/form-error";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "~/components/ui/alert-dialog";
import { Button } from "~/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "~/components/ui/dropdown-menu";

interface NodeActionsProps {
  name: string;
  paused: boolean;
  pending: boolean;
  onPause: () => void;
  onResume: () => void;
  onPromote: () => Promise<unknown>;
  /** After a promote succeeded and its dialog closed (this node is now the writer: the menu is gone). */
  onPromoted: () => void;
}

/**
 * A replica's levers in one menu, so they do not dominate the card: pause or resume replay, and promote,
 * which cannot be undone and so asks first (Cancel focused; Escape cancels). The confirm button runs the
 * promote and keeps the dialog open until it has answered, with the error in it if it failed.
 */
export function NodeActions({ name, paused, pending, onPause, onResume, onPromote, onPromoted }: NodeActionsProps) {
  const [confirming, setConfirming] = useState(false);
  const [promoting, setPromoting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const promoted = useRef(false);

  async function promote() {
    setPromoting(true);
    setError(null);
    try {
      await onPromote();
      // By now the status may be refreshed and this menu and its dialog gone (the node is the writer), or
      // not yet: onPromoted moves the focus now, and again once the dialog has closed if it still was open.
      promoted.current = true;
      setConfirming(false);
      onPromoted();
    } catch (failure) {
      setError(`${name} could not be promoted: ${errorMessage(failure)}`);
    } finally {
      setPromoting(false);
    }
  }

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button
            ref={trigger}
            variant="outline"
            size="sm"
            aria-label={`Actions for ${name}`}
            aria-disabled={pending || undefined}
          >
            {pending ? (paused ? "Resuming…" : "Pausing…") : "Actions"}
            <ChevronDown aria-hidden="true" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem
            onSelect={paused ? onResume : onPause}
          >{`${paused ? "Resume" : "Pause"} replay on ${name}`}</DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem destructive onSelect={() => setConfirming(true)}>{`Promote ${name}…`}</DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <AlertDialog
        open={confirming}
        onOpenChange={(open) => {
          setConfirming(open);
          if (!open) setError(null);
        }}
      >
        {/* Opened from a menu item that is gone once the menu closes: closing gives the focus back to the
            menu's button, or after a promote to wherever onPromoted puts it (this menu is about to go). */}
        <AlertDialogContent
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            if (promoted.current) onPromoted();
            else trigger.current?.focus();
            promoted.current = false;
          }}
        >
          <AlertDialogHeader>
            <AlertDialogTitle>Promote {name}?</AlertDialogTitle>
            <AlertDialogDescription>
              {name} stops replaying and becomes the writable primary, on a new timeline, and writes follow it. The
              current primary is stopped and fenced (never started again), and the other replicas are re-pointed to
              replicate from {name}. This cannot be undone from this page.
            </AlertDialogDescription>
          </AlertDialogHeader>
          {error && <FormError>{error}</FormError>}
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <Button
              variant="destructive"
              aria-disabled={promoting || undefined}
              onClick={promoting ? undefined : promote}
            >
              {promoting ? "Promoting…" : `Promote ${name}`}
            </Button>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </>
  );
}
