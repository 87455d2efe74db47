/** Helpers for the version history: which one is deployed, and reading a stored document. */
import type { Flow, Version } from "../api/types";
import type { CanvasDocument } from "../store/document";
import { validateDocument } from "../store/io";

export function isDeployed(flow: Flow | null, version: Version): boolean {
  return flow?.deployed_version === version.number;
}

/** The version's document, or an error naming the version. */
export function versionDocument(version: Version): { document: CanvasDocument } | { error: string } {
  const result = validateDocument(version.document);
  return result.ok ? { document: result.document } : { error: `Version ${version.number} cannot be read: ${result.errors.slice(0, 3).join("; ")}` };
}
