/** fetch with session auth, CSRF and the API's error shape turned into ApiError. */

export type FieldErrors = Record<string, string[]>;

/** An error answer from the API: `message` is for people, `detail` maps fields to messages. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: FieldErrors = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** Messages for one field, or an empty list. */
  field(name: string): string[] {
    return this.detail[name] ?? [];
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function readCookie(cookies: string, name: string): string {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toMessages(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? item : JSON.stringify(item)));
  if (typeof value === "string") return [value];
  return value === undefined || value === null ? [] : [JSON.stringify(value)];
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: "The request was not valid.",
  401: "You are not logged in; log in again.",
  403: "You do not have the right to do this.",
  404: "Not found.",
  409: "This conflicts with the current state.",
};

/** Turns an error response (status and parsed body, if any) into an ApiError. */
export function parseError(status: number, body: unknown): ApiError {
  const fallback = FALLBACK_MESSAGES[status] ?? `The server answered ${status}.`;
  if (!isRecord(body)) return new ApiError(status, `http_${status}`, fallback);
  const code = typeof body.error === "string" ? body.error : `http_${status}`;
  const message = typeof body.message === "string" && body.message ? body.message : fallback;
  const detail: FieldErrors = {};
  if (isRecord(body.detail)) {
    for (const [field, messages] of Object.entries(body.detail)) detail[field] = toMessages(messages);
  }
  return new ApiError(status, code, message, detail);
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export type RequestOptions = { body?: unknown; signal?: AbortSignal };

/** Sends one request to the API. Resolves with the parsed JSON; rejects with ApiError. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (UNSAFE.has(method)) headers["X-CSRFToken"] = readCookie(document.cookie, "csrftoken");
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network", "The server could not be reached. Check the connection and try again.");
  }
  const body = parseBody(await response.text());
  if (!response.ok) throw parseError(response.status, body);
  return body as T;
}

export function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** A message fit to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
