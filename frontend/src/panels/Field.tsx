import { useId, type InputHTMLAttributes, type ReactNode } from "react";

type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  errors?: readonly string[];
  hint?: ReactNode;
};

/** A labelled input with its hint and error messages tied to it for screen readers. */
export function Field({ label, errors = [], hint, className, ...input }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : "", errors.length ? `${id}-errors` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field ${className ?? ""}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={errors.length > 0 || undefined} aria-describedby={described} {...input} />
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {errors.length > 0 && (
        <ul id={`${id}-errors`} className="field-errors" role="alert">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The API's message for a whole form, with any field errors that have no input of their own. */
export function FormError({ message, extra = [] }: { message: string; extra?: readonly string[] }) {
  if (!message && extra.length === 0) return null;
  return (
    <div className="form-error" role="alert">
      {message && <p>{message}</p>}
      {extra.length > 0 && (
        <ul>
          {extra.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
