/** Reading the Run form's JSON into the call's args and kwargs, with a message when it cannot. */
import type { RunInput } from "../api/types";
import type { ArgumentSpec } from "../store/document";
import { placeholderOf } from "../store/wireTypes";

export type RunParse = { ok: true; input: RunInput } | { ok: false; error: string };

/** The platform passes these keyword dicts itself (the sample processors' signature). */
const PLATFORM_KEYWORDS = new Set(["plugs", "output"]);

/** A starting point built from the signature: each named argument as a keyword, set to a
 * value of its annotation (the typed-wire checker's reading, store/wireTypes.ts, as the
 * processor page's form on the server); *args, **kwargs and the platform's plugs/output are left out. */
export function runTemplate(args: ArgumentSpec[]): string {
  const variadic = (arg: ArgumentSpec) => arg.name.startsWith("*") || arg.annotation.startsWith("*");
  const named = args.filter((arg) => !variadic(arg) && !PLATFORM_KEYWORDS.has(arg.name));
  const kwargs = Object.fromEntries(named.map((arg) => [arg.name, placeholderOf(arg.annotation)]));
  return JSON.stringify({ args: [], kwargs }, null, 2);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Accepts {"args": [...], "kwargs": {...}} (either may be left out) or a bare list of args. */
export function parseRunInput(text: string): RunParse {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (Array.isArray(value)) return { ok: true, input: { args: value, kwargs: {} } };
  if (!isObject(value)) return { ok: false, error: 'Give an object like {"args": [1], "kwargs": {"x": 2}}, or a list of arguments.' };
  const extra = Object.keys(value).filter((key) => key !== "args" && key !== "kwargs");
  if (extra.length) return { ok: false, error: `Unknown key ${extra.map((k) => `"${k}"`).join(", ")}: only "args" and "kwargs" are allowed.` };
  const args = value.args ?? [];
  const kwargs = value.kwargs ?? {};
  if (!Array.isArray(args)) return { ok: false, error: '"args" must be a list.' };
  if (!isObject(kwargs)) return { ok: false, error: '"kwargs" must be an object.' };
  return { ok: true, input: { args, kwargs } };
}
