import { describe, expect, it } from "vitest";
import type { MountEvent } from "../api/types";
import { badgeApply, badgeText } from "./mountBadges";

const event = (extra: Partial<MountEvent>): MountEvent => ({ kind: "mount", event: "stage", processor: "pipes", processor_id: "p1", status: "mounting", ...extra });

describe("the processors pages' mount badges", () => {
  it("say the status and the step", () => {
    expect(badgeText(event({ stage: "installing" }))).toBe("Mounting: installing requirements");
    expect(badgeText(event({ event: "ready", status: "ready", functions: 3 }))).toBe("Ready");
  });

  it("change only the badges of the event's processor", () => {
    document.body.innerHTML = `<span class="badge mount-queued" data-mount-status="queued" data-processor="pipes">Queued</span>
      <span class="badge mount-ready" data-mount-status="ready" data-processor="other">Ready</span>`;
    badgeApply(document, event({ event: "ready", status: "ready" }));
    const [mine, other] = [...document.querySelectorAll<HTMLElement>("[data-mount-status]")];
    expect([mine?.textContent, mine?.className, mine?.dataset.mountStatus]).toEqual(["Ready", "badge mount-ready", "ready"]);
    expect(other?.textContent).toBe("Ready");
  });
});
