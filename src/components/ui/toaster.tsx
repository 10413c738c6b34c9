"use client";

import { Toaster as Sonner } from "sonner";

/**
 * Where toasts appear (one, in the root layout); call `toast.success("Saved")` from "sonner" anywhere.
 * Sonner announces each toast in a polite live region; its theme follows the operating system.
 */
export function Toaster() {
  return <Sonner theme="system" position="bottom-right" richColors closeButton toastOptions={{ duration: 6000 }} />;
}
