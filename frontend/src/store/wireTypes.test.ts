import { describe, expect, it } from "vitest";
import cases from "./wireTypes.cases.json";
import { placeholderOf, wireCheck, wireJudge, type Verdict, type WireEnds } from "./wireTypes";

type CheckCase = [string | null, string | null, Verdict, string];

describe("wireCheck: the cases its Python twin decides", () => {
  it.each(cases.check as CheckCase[])("%s into %s: %s", (source, target, verdict, detail) => {
    expect(wireCheck(source, target)).toEqual({ verdict, detail });
  });
});

describe("wireJudge", () => {
  it.each(cases.judge.map((c) => [c.message || "ok", c] as const))("%s", (_name, c) => {
    expect(wireJudge(c.ends as WireEnds)).toEqual({ verdict: c.verdict, message: c.message });
  });
});

describe("placeholderOf", () => {
  it.each(cases.placeholder as [string, unknown][])("%s starts as %j", (annotation, value) => {
    expect(placeholderOf(annotation)).toEqual(value);
  });
});
