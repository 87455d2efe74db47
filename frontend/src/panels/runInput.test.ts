import { describe, expect, it } from "vitest";
import { parseRunInput, runTemplate } from "./runInput";

describe("parseRunInput", () => {
  it("reads args and kwargs, or a bare list", () => {
    expect(parseRunInput('{"args": [1, 2], "kwargs": {"x": "y"}}')).toEqual({ ok: true, input: { args: [1, 2], kwargs: { x: "y" } } });
    expect(parseRunInput('{"kwargs": {"x": 1}}')).toEqual({ ok: true, input: { args: [], kwargs: { x: 1 } } });
    expect(parseRunInput("[3]")).toEqual({ ok: true, input: { args: [3], kwargs: {} } });
  });

  it("explains what is wrong", () => {
    expect(parseRunInput("{oops")).toMatchObject({ ok: false, error: expect.stringMatching(/^Not valid JSON/) });
    expect(parseRunInput("42")).toMatchObject({ ok: false });
    expect(parseRunInput('{"args": 1}')).toEqual({ ok: false, error: '"args" must be a list.' });
    expect(parseRunInput('{"kwargs": []}')).toEqual({ ok: false, error: '"kwargs" must be an object.' });
    expect(parseRunInput('{"x": 1}')).toMatchObject({ ok: false, error: expect.stringMatching(/Unknown key "x"/) });
  });

  it("starts from the signature: named arguments with values of their annotations", () => {
    const signature = [
      { name: "message", annotation: "str" }, { name: "count", annotation: "int" }, { name: "ratio", annotation: "float | None" },
      { name: "tags", annotation: "list[str]" }, { name: "anything", annotation: "" }, { name: "maybe", annotation: "Optional[bool]" },
      { name: "*args", annotation: "" }, { name: "**kwargs", annotation: "" }, { name: "rest", annotation: "*int" }, { name: "plugs", annotation: "" },
    ];
    expect(JSON.parse(runTemplate(signature))).toEqual({
      args: [], kwargs: { message: "", count: 0, ratio: 0, tags: [], anything: null, maybe: false },
    });
  });
});
