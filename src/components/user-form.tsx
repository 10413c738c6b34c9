"use client";

import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { formErrorsOf } from "./api-error";

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
}

/**
 * Name and email, validated by the server: its `fieldErrors` (and a duplicate email) appear under each
 * field, tied to it with aria-describedby, and the first field in error gets the focus.
 */
export function UserForm({ initial = { name: "", email: "" }, submitLabel, pendingLabel, pending, error, onSubmit }: UserFormProps) {
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

  const field = (key: keyof UserFormValues, label: string, type: string, autoComplete: string, ref: React.RefObject<HTMLInputElement | null>) => {
    const message = errors.fields[key];
    const errorId = `${id}-${key}-error`;
    return (
      <div className={`field${message ? " invalid" : ""}`}>
        <label htmlFor={`${id}-${key}`}>{label}</label>
        <input
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
          <p id={errorId} className="field-error">
            {message}
          </p>
        )}
      </div>
    );
  };

  return (
    // noValidate: the server validates, and its messages are the ones shown.
    <form className="user-form" onSubmit={submit} noValidate>
      {field("name", "Name", "text", "name", nameRef)}
      {field("email", "Email", "email", "email", emailRef)}
      {errors.form && (
        <p ref={formErrorRef} className="form-error" role="alert" tabIndex={-1}>
          {errors.form}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}
