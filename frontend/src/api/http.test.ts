import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, parseError, query, readCookie, request } from "./http";

describe("parseError", () => {
  it("keeps the code, message and field details", () => {
    const error = parseError(400, {
      error: "invalid",
      message: "The processor is not valid.",
      detail: { gitrepo: ["Not a git URL."], branch: "Unknown branch." },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid");
    expect(error.message).toBe("The processor is not valid.");
    expect(error.field("gitrepo")).toEqual(["Not a git URL."]);
    expect(error.field("branch")).toEqual(["Unknown branch."]);
    expect(error.field("module")).toEqual([]);
  });

  it("falls back to a message per status when the body is not the API's shape", () => {
    expect(parseError(403, "<html>Forbidden</html>").message).toBe("You do not have the right to do this.");
    expect(parseError(409, { error: "conflict" }).message).toBe("This conflicts with the current state.");
    expect(parseError(502, undefined).message).toBe("The server answered 502.");
    expect(parseError(404, null).code).toBe("http_404");
  });
});

describe("readCookie and query", () => {
  it("reads one cookie", () => {
    expect(readCookie("a=1; csrftoken=abc%3D; b=2", "csrftoken")).toBe("abc=");
    expect(readCookie("a=1", "csrftoken")).toBe("");
  });

  it("drops empty parameters", () => {
    expect(query({ rows: 1000, name: "", search: undefined, flow: "my flow" })).toBe("?rows=1000&flow=my+flow");
    expect(query({})).toBe("");
  });
});

describe("request", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("sends the CSRF token on unsafe methods and parses errors", async () => {
    document.cookie = "csrftoken=tok123";
    const fetchMock = vi.fn(async () =>
      new Response(JSON.stringify({ error: "invalid", message: "Bad name.", detail: { name: ["Taken."] } }), { status: 400 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    const failure = await request("POST", "/api/flows/", { body: { name: "x" } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).field("name")).toEqual(["Taken."]);
    const init = (fetchMock.mock.calls[0] as unknown[] | undefined)?.[1] as RequestInit;
    expect((init.headers as Record<string, string>)["X-CSRFToken"]).toBe("tok123");
    expect(init.credentials).toBe("same-origin");
  });

  it("does not send the token on GET and returns the JSON body", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ count: 0, results: [] }), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    await expect(request("GET", "/api/flows/")).resolves.toEqual({ count: 0, results: [] });
    const init = (fetchMock.mock.calls[0] as unknown[] | undefined)?.[1] as RequestInit;
    expect((init.headers as Record<string, string>)["X-CSRFToken"]).toBeUndefined();
  });

  it("turns a network failure into an ApiError with status 0", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const failure = (await request("GET", "/api/flows/").catch((error: unknown) => error)) as ApiError;
    expect(failure.status).toBe(0);
    expect(failure.code).toBe("network");
  });
});
