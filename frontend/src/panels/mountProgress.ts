/** What the palette shows of a mount it watched live: the steps reached, then ready or failed. */
import type { MountEvent, MountStage, MountStatus } from "../api/types";

/** How often a page fetches again while its socket is down and a mount runs. */
export const FALLBACK_POLL_MS = 10_000;

export type MountProgress = { status: MountStatus; stages: readonly MountStage[]; functions?: number; log?: string };

export const STAGE_LABELS: Record<MountStage, string> = {
  cloning: "Cloning the repository",
  environment: "Creating the environment",
  installing: "Installing requirements",
  introspecting: "Reading the functions",
};

export const STATUS_LABELS: Record<MountStatus, string> = {
  none: "Not mounted",
  queued: "Queued",
  mounting: "Mounting",
  ready: "Ready",
  failed: "Failed",
};

export function isMountEvent(value: unknown): value is MountEvent {
  const event = value as Partial<MountEvent> | null;
  return typeof event === "object" && event !== null && event.kind === "mount" && typeof event.processor === "string" && typeof event.status === "string";
}

/** The progress after `event`: a queued or new mount starts over; a step is added once. */
export function progressApply(previous: MountProgress | undefined, event: MountEvent): MountProgress {
  const restart = event.event === "queued" || (event.event === "mounting" && previous?.status !== "queued" && previous?.status !== "mounting");
  const stages = restart || !previous ? [] : previous.stages;
  const next: MountProgress = { status: event.status, stages };
  if (event.event === "stage" && event.stage && !stages.includes(event.stage)) next.stages = [...stages, event.stage];
  if (event.event === "ready") next.functions = event.functions;
  if (event.event === "failed") next.log = event.log ?? "";
  return next;
}
