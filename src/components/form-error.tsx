import type { ReactNode, Ref } from "react";

/** A failure in a sentence, announced at once (role="alert"), able to take the focus. */
export function FormError({ children, ref }: { children: ReactNode; ref?: Ref<HTMLParagraphElement> }) {
  return (
    <p
      ref={ref}
      className="rounded-md border border-danger/40 bg-danger-soft px-4 py-3 text-sm text-danger"
      role="alert"
      tabIndex={-1}
    >
      {children}
    </p>
  );
}
