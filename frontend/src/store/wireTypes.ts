/**
 * Whether a value annotated X may feed an argument annotated Y: the typed-wire checker.
 *
 * The twin of apps/processors/wire_types.py; both run wireTypes.cases.json, so the canvas
 * and the deploy refuse the same wires with the same words. Values travel as JSON, so
 * tuple, list and Sequence are all arrays, dict and Mapping objects, bool fits int and int
 * fits float. Unannotated is Any; Optional, `X | None`, Union and the typing aliases are
 * understood; what cannot be read (a user's class, Literal, a TypeVar) is undecidable:
 * "warn", allowed with the reason. "refuse": the wire can never carry a value the argument takes.
 */

export type Verdict = "ok" | "warn" | "refuse";
export type WireCheck = { verdict: Verdict; detail: string };

/** What an ERROR plug carries (apps/engine/execution.py): {"error", "call", "socket"}. */
export const ERROR_TYPE = "dict[str, str]";

type WireType =
  | { kind: "any" | "none" | "unknown" | "ellipsis" }
  | { kind: "name"; name: string; args: WireType[] }
  | { kind: "union"; args: WireType[] };

const ANY: WireType = { kind: "any" };
const NONE: WireType = { kind: "none" };
const UNKNOWN: WireType = { kind: "unknown" };

const PREFIXES = ["typing.", "typing_extensions.", "collections.abc.", "builtins.", "t."];
const ALIASES: Record<string, string> = { List: "list", Dict: "dict", Tuple: "tuple", Text: "str", NoneType: "None" };
const FAMILIES: Record<string, string> = {
  bool: "bool", int: "int", float: "float", str: "str",
  list: "array", tuple: "array", Sequence: "array", MutableSequence: "array", Iterable: "array", Collection: "array",
  dict: "object", Mapping: "object", MutableMapping: "object",
};
const WIDENS = new Set(["bool>int", "bool>float", "int>float"]);
const TOKEN = /\s*(\.\.\.|[A-Za-z_][\w.]*|'[^']*'|"[^"]*"|-?\d+|[[\],|])/y;

/** The annotation as shown: trimmed, without the * or ** of a variadic argument. */
export function annotationText(annotation: string | null | undefined): string {
  return (annotation ?? "").trim().replace(/^\*+/, "").trim();
}

function tokens(text: string): string[] | null {
  const found: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) return text.slice(at).trim() ? null : found;
    found.push(match[1] ?? "");
  }
  return found;
}

const same = (a: WireType, b: WireType): boolean => JSON.stringify(a) === JSON.stringify(b);

function union(members: WireType[]): WireType {
  const flat: WireType[] = [];
  for (const member of members) for (const part of member.kind === "union" ? member.args : [member]) if (!flat.some((f) => same(f, part))) flat.push(part);
  if (flat.some((f) => f.kind === "any")) return ANY;
  return flat.length === 1 ? (flat[0] as WireType) : { kind: "union", args: flat };
}

function named(raw: string, args: WireType[]): WireType {
  let name = raw;
  for (const prefix of PREFIXES) if (name.startsWith(prefix)) name = name.slice(prefix.length);
  name = ALIASES[name] ?? name;
  if (name === "Any") return ANY;
  if (name === "None") return NONE;
  if (name === "Optional" && args.length === 1) return union([args[0] as WireType, NONE]);
  if (name === "Union" && args.length) return union(args);
  if (name === "Annotated" && args.length) return args[0] as WireType;
  return { kind: "name", name, args };
}

class Parser {
  private at = 0;
  constructor(private readonly list: string[]) {}

  peek(): string | undefined {
    return this.list[this.at];
  }

  take(token?: string): string {
    const found = this.peek();
    if (found === undefined || (token !== undefined && found !== token)) throw new Error(`expected ${token ?? "a type"}`);
    this.at += 1;
    return found;
  }

  union(): WireType {
    const members = [this.primary()];
    while (this.peek() === "|") {
      this.take("|");
      members.push(this.primary());
    }
    return union(members);
  }

  primary(): WireType {
    const token = this.take();
    if (token[0] === "'" || token[0] === '"') return wireType(token.slice(1, -1));
    if (token === "[" || token === "..." || !/^[A-Za-z_]/.test(token)) throw new Error("not a type");
    const args: WireType[] = [];
    if (this.peek() === "[") {
      this.take("[");
      args.push(this.argument());
      while (this.peek() === ",") {
        this.take(",");
        args.push(this.argument());
      }
      this.take("]");
    }
    return named(token, args);
  }

  argument(): WireType {
    if (this.peek() === "...") {
      this.take();
      return { kind: "ellipsis" };
    }
    if (this.peek() === "[") {
      // Callable[[int], str]: nothing the checker decides on
      let depth = 0;
      for (;;) {
        const token = this.take();
        depth += token === "[" ? 1 : token === "]" ? -1 : 0;
        if (depth === 0) return UNKNOWN;
      }
    }
    return this.union();
  }

  done(): boolean {
    return this.at >= this.list.length;
  }
}

/** The type an annotation's text names: Any when empty, unknown when unreadable. */
function wireType(annotation: string | null | undefined): WireType {
  const text = annotationText(annotation);
  if (!text) return ANY;
  const list = tokens(text);
  if (!list || list.length === 0) return UNKNOWN;
  const parser = new Parser(list);
  try {
    const parsed = parser.union();
    return parser.done() ? parsed : UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

const family = (type: WireType): string | undefined => (type.kind === "name" ? FAMILIES[type.name] : undefined);

/** [key, value] pairs compared inside an array (key Any) or object; null: not given. */
function elements(type: WireType): [WireType, WireType][] | null {
  if (type.kind !== "name" || type.args.length === 0) return null;
  if (family(type) === "object") return [[type.args[0] as WireType, type.args[1] ?? ANY]];
  const members = type.args.filter((arg) => arg.kind !== "ellipsis");
  return [[ANY, members.length ? union(members) : ANY]];
}

function all(verdicts: Verdict[]): Verdict {
  if (verdicts.every((v) => v === "ok")) return "ok";
  return verdicts.every((v) => v === "refuse") ? "refuse" : "warn";
}

function pairs(source: WireType, target: WireType): Verdict {
  const inner = elements(source);
  const outer = elements(target);
  if (!inner || !outer) return "ok";
  const verdicts: Verdict[] = [];
  inner.forEach(([key, value], i) => {
    const [targetKey, targetValue] = outer[i] as [WireType, WireType];
    verdicts.push(fits(key, targetKey), fits(value, targetValue));
  });
  return verdicts.includes("refuse") ? "refuse" : verdicts.includes("warn") ? "warn" : "ok";
}

function fits(source: WireType, target: WireType): Verdict {
  if (source.kind === "any" || target.kind === "any" || (target.kind === "name" && target.name === "object")) return "ok";
  if (source.kind === "union") return all(source.args.map((member) => fits(member, target)));
  if (target.kind === "union") {
    const verdicts = target.args.map((member) => fits(source, member));
    return verdicts.includes("ok") ? "ok" : verdicts.includes("warn") ? "warn" : "refuse";
  }
  if (source.kind === "none" || target.kind === "none") {
    const known = source.kind === "none" ? family(target) : family(source);
    return same(source, target) ? "ok" : known ? "refuse" : "warn";
  }
  const sourceFamily = family(source);
  const targetFamily = family(target);
  if (!sourceFamily || !targetFamily) {
    const sameName = source.kind === "name" && target.kind === "name" && source.name === target.name;
    return sameName ? pairs(source, target) : "warn";
  }
  if (sourceFamily !== targetFamily) return WIDENS.has(`${sourceFamily}>${targetFamily}`) ? "ok" : "refuse";
  return pairs(source, target);
}

function shown(type: WireType): string {
  if (type.kind === "union") return type.args.map(shown).join(" | ");
  if (type.kind === "none") return "None";
  return type.kind === "name" ? type.name : type.kind;
}

/** May a value annotated `source` feed an argument annotated `target`? */
export function wireCheck(source: string | null | undefined, target: string | null | undefined): WireCheck {
  const sourceType = wireType(source);
  const targetType = wireType(target);
  const verdict = fits(sourceType, targetType);
  if (verdict === "ok") return { verdict, detail: "" };
  const from = annotationText(source);
  const to = annotationText(target);
  if (verdict === "refuse") return { verdict, detail: `${from} is not ${to}` };
  if (sourceType.kind === "union") {
    const misfits = sourceType.args.filter((member) => fits(member, targetType) === "refuse");
    if (misfits.length && misfits.length < sourceType.args.length) {
      return { verdict, detail: `${from} may be ${misfits.map(shown).join(" or ")}, which is not ${to}` };
    }
  }
  return { verdict, detail: `the checker cannot tell whether ${from} fits ${to}` };
}

/** One wire's two ends as the canvas and the deploy name them. */
export type WireEnds = {
  source_socket: string;
  /** From the error output (else the result). */
  error: boolean;
  /** The result's annotation (ignored for the error output). */
  source_type: string | null;
  target_socket: string;
  argument: string | null;
  target_type: string | null;
  /** Into the socket itself: its first argument. */
  whole_socket: boolean;
};

/** The verdict on a wire and, unless ok, the sentence both the canvas and the server show. */
export function wireJudge(ends: WireEnds): { verdict: Verdict; message: string } {
  const source = ends.error ? ERROR_TYPE : ends.source_type;
  const check = wireCheck(source, ends.target_type);
  if (check.verdict === "ok") return { verdict: "ok", message: "" };
  const output = ends.error ? "error" : "result";
  const place = ends.whole_socket ? `its first argument ${ends.argument}` : `argument ${ends.argument}`;
  const opening = check.verdict === "refuse" ? "Types do not match" : "Types may not match";
  return {
    verdict: check.verdict,
    message: `${opening}: the ${output} of ${ends.source_socket} is ${annotationText(source)}, and ${place} of ${ends.target_socket} takes ${annotationText(ends.target_type)}: ${check.detail}.`,
  };
}

const PLACEHOLDERS: Record<string, () => unknown> = { int: () => 0, float: () => 0, str: () => "", bool: () => false, array: () => [], object: () => ({}) };

/** A value of the annotation's type to start an input form from (null when unknown). */
export function placeholderOf(annotation: string | null | undefined): unknown {
  let type = wireType(annotation);
  if (type.kind === "union") type = type.args.find((member) => member.kind !== "none") ?? NONE;
  const kind = family(type);
  return kind ? (PLACEHOLDERS[kind]?.() ?? null) : null;
}
