import { useEffect, useState } from "react";
import { Field } from "./Field";
import type { Parsed } from "./settings";

type SettingFieldProps<T> = {
  label: string;
  value: T;
  parse: (raw: string) => Parsed<T>;
  onCommit: (value: T) => void;
  hint?: string;
  disabled?: boolean;
  inputMode?: "numeric" | "text";
  placeholder?: string;
};

const show = (value: unknown): string => (value === null || value === undefined ? "" : String(value));

/**
 * An input that applies each valid change at once (merged into one undo step per field)
 * and keeps an invalid one on screen with its message, unapplied.
 */
export function SettingField<T>({ label, value, parse, onCommit, hint, disabled, inputMode, placeholder }: SettingFieldProps<T>) {
  const [draft, setDraft] = useState(show(value));
  const [error, setError] = useState("");
  useEffect(() => {
    // An outside change (undo, another panel) replaces the draft unless it already says the same.
    setDraft((current) => {
      const parsed = parse(current);
      return parsed.ok && show(parsed.value) === show(value) ? current : show(value);
    });
    setError("");
    // Only a new value matters here; parse is a new function on every render.
  }, [value]);
  return (
    <Field
      label={label}
      value={draft}
      hint={hint}
      disabled={disabled}
      inputMode={inputMode}
      placeholder={placeholder}
      errors={error ? [error] : []}
      onChange={(event) => {
        setDraft(event.target.value);
        const parsed = parse(event.target.value);
        if (!parsed.ok) {
          setError(parsed.error);
          return;
        }
        setError("");
        if (show(parsed.value) !== show(value)) onCommit(parsed.value);
      }}
    />
  );
}
