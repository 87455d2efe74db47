/**
 * The processors pages (server-rendered) follow mount events: each badge
 * `[data-mount-status][data-processor]` shows the status and step as they happen, and when
 * a mount ends the page's `[data-live-section]` parts (the table, the mount log, the
 * functions) are fetched again and swapped in. So are they when a socket of the page's
 * processor is created, changed or deleted (a `socket` event: the sockets table), and when
 * a processor's run status changes (a `processor` event: the status columns). The
 * topic comes from `[data-mount-topic]`.
 * While the socket is down and a mount runs, the page is fetched every FALLBACK_POLL_MS.
 */
import { liveSectionsStart } from "./liveSections";
import type { MountEvent } from "../api/types";
import { FALLBACK_POLL_MS, isMountEvent, STAGE_LABELS, STATUS_LABELS } from "../panels/mountProgress";

export function badgeText(event: MountEvent): string {
  const status = STATUS_LABELS[event.status];
  return event.event === "stage" && event.stage ? `${status}: ${STAGE_LABELS[event.stage].toLowerCase()}` : status;
}

export function badgeApply(root: ParentNode, event: MountEvent): void {
  root.querySelectorAll<HTMLElement>("[data-mount-status]").forEach((badge) => {
    if (badge.dataset.processor !== event.processor) return;
    badge.classList.remove(...[...badge.classList].filter((name) => name.startsWith("mount-")));
    badge.classList.add(`mount-${event.status}`);
    badge.dataset.mountStatus = event.status;
    badge.textContent = badgeText(event);
  });
}

const named = (kind: string, field: string) => (value: unknown): boolean => {
  const event = value as Record<string, unknown> | null;
  return typeof event === "object" && event !== null && event.kind === kind && typeof event[field] === "string";
};
/** A socket created, changed or deleted (apps/processors/events.py). */
export const isSocketEvent = named("socket", "socket");
/** A processor's run status changed (apps/engine/agent/state.py). */
export const isProcessorEvent = named("processor", "processor");

const running = (doc: Document) => doc.querySelector('[data-mount-status="queued"], [data-mount-status="mounting"]') !== null;

export function mountBadgesStart(doc: Document): () => void {
  const topic = doc.querySelector<HTMLElement>("[data-mount-topic]")?.dataset.mountTopic;
  if (!topic) return () => undefined;
  return liveSectionsStart(doc, {
    topic,
    pollMs: FALLBACK_POLL_MS,
    pollWhile: () => running(doc),
    onEvents: (all) => {
      const events = all.filter(isMountEvent);
      events.forEach((event) => badgeApply(doc, event));
      const ended = events.some((event) => event.event === "ready" || event.event === "failed");
      return ended || all.some((event) => isSocketEvent(event) || isProcessorEvent(event));
    },
  });
}
