/** Checks for the settings a socket or plug carries; each returns a value or a message. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T,>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T,>(error: string): Parsed<T> => ({ ok: false, error });

/** An optional whole number: empty means "use the default" (null). */
export function optionalInt(min: number, unit = "") {
  return (raw: string): Parsed<number | null> => {
    const text = raw.trim();
    if (!text) return ok(null);
    if (!/^-?\d+$/.test(text)) return fail("Enter a whole number.");
    const value = Number(text);
    return value < min ? fail(`Enter ${min} or more${unit ? ` ${unit}` : ""}.`) : ok(value);
  };
}

/** A required whole number, -1 allowed for "unlimited" where noted. */
export function requiredInt(min: number) {
  return (raw: string): Parsed<number> => {
    const text = raw.trim();
    if (!/^-?\d+$/.test(text)) return fail("Enter a whole number.");
    const value = Number(text);
    return value < min ? fail(`Enter ${min} or more.`) : ok(value);
  };
}

export function rateLimit(raw: string): Parsed<string> {
  const text = raw.trim();
  if (!text || /^\d+(\.\d+)?(\/[smh])?$/.test(text)) return ok(text);
  return fail('Use a rate like "10/s", "60/m" or "500/h".');
}

const CRON_FIELD = /^[\d*/,?A-Za-z-]+$/;

export function cron(raw: string): Parsed<string> {
  const text = raw.trim().replace(/\s+/g, " ");
  if (!text) return ok("");
  const fields = text.split(" ");
  if (fields.length !== 5) return fail(`A cron schedule has 5 fields (minute hour day month weekday); this has ${fields.length}.`);
  const bad = fields.find((field) => !CRON_FIELD.test(field));
  return bad ? fail(`"${bad}" is not a cron field.`) : ok(text);
}

export function hostname(raw: string): Parsed<string> {
  const text = raw.trim();
  return !text || /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(text) ? ok(text) : fail("Letters, digits, dots and dashes only.");
}

/** `taken` is asked only when needed, so typing does not make the panel watch every node. */
export function socketName(taken: () => ReadonlySet<string>, current: string) {
  return (raw: string): Parsed<string> => {
    const text = raw.trim();
    if (!text) return fail("A socket needs a name.");
    if (!/^[\w.-]+( [\w.-]+)*$/.test(text)) return fail("Letters, digits, dots, dashes, underscores and single spaces only.");
    if (text !== current && taken().has(text)) return fail(`Another socket is already called ${text}.`);
    return ok(text);
  };
}

export function queueName(raw: string): Parsed<string> {
  const text = raw.trim();
  return !text || /^[\w.:-]+$/.test(text) ? ok(text) : fail("Letters, digits, dots, colons, dashes and underscores only.");
}
