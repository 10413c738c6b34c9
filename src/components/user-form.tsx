"use client";

import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { formErrorsOf } from "./api-error";
import { FormError } from "./form-error";
import { Button } from "./ui/button";
import { Input, Label } from "./ui/input";

export interface UserFormValues {
  name: string;
  email: string;
}

interface UserFormProps {
  initial?: UserFormValues;
  submitLabel: string;
  pendingLabel: string;
  pending: boolean;
  /** The last mutation error: its field errors appear under the fields, the rest above the button. */
  error: unknown;
  onSubmit: (values: UserFormValues) => void;
  /** Shown before the submit button (a dialog's Cancel). */
  secondary?: ReactNode;
}

/**
 * Name and email, validated by the server: its `fieldErrors` (and a duplicate email) appear under each
 * field, tied to it with aria-describedby, and the first field in error gets the focus.
 */
export function UserForm({
  initial = { name: "", email: "" },
  submitLabel,
  pendingLabel,
  pending,
  error,
  onSubmit,
  secondary,
}: UserFormProps) {
  const id = useId();
  const [values, setValues] = useState(initial);
  const nameRef = useRef<HTMLInputElement>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const formErrorRef = useRef<HTMLParagraphElement>(null);
  const errors = formErrorsOf(error);

  // Focus follows each new error: the first field in error, or the form's message.
  useEffect(() => {
    if (!error) return;
    const { fields, form } = formErrorsOf(error);
    if (fields.name) nameRef.current?.focus();
    else if (fields.email) emailRef.current?.focus();
    else if (form) formErrorRef.current?.focus();
  }, [error]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSubmit(values);
  }

  const field = (
    key: keyof UserFormValues,
    label: string,
    type: string,
    autoComplete: string,
    ref: React.RefObject<HTMLInputElement | null>,
  ) => {
    const message = errors.fields[key];
    const errorId = `${id}-${key}-error`;
    return (
      <div className="grid gap-2">
        <Label htmlFor={`${id}-${key}`}>{label}</Label>
        <Input
          ref={ref}
          id={`${id}-${key}`}
          name={key}
          type={type}
          autoComplete={autoComplete}
          value={values[key]}
          onChange={(event) => setValues((v) => ({ ...v, [key]: event.target.value }))}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? errorId : undefined}
        />
        {message && (
          <p id={errorId} className="text-sm text-danger">
            {message}
          </p>
        )}
      </div>
    );
  };

  return (
    // noValidate: the server validates, and its messages are the ones shown.
    <form className="grid gap-4" onSubmit={submit} noValidate>
      {field("name", "Name", "text", "name", nameRef)}
      {field("email", "Email", "email", "email", emailRef)}
      {errors.form && <FormError ref={formErrorRef}>{errors.form}</FormError>}
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {secondary}
        <Button type="submit" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </div>
    </form>
  );
}
