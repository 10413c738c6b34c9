"use client";

import { Toaster as Sonner } from "sonner";

/**
 * Where toasts appear (one, in the root layout); call `toast.success("Saved")` from "sonner" anywhere.
 * Sonner announces each toast in a polite live region; its theme follows the operating system. Not its
 * `richColors`: their light green success text is below 4.5:1 (tests/e2e/color-scheme.spec.ts measures it).
 */
export function Toaster() {
  return <Sonner theme="system" position="bottom-right" closeButton toastOptions={{ duration: 6000 }} />;
}
