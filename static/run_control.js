// The processor page's run controls: ask for a verb through the API (which checks the
// right), then follow the processor until it reaches the state the verb asks for. The
// deployments and workers follow the live events (the section is swapped in again when the
// processor's status changes), so every lookup here reads the section as it is now.
(function () {
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  const target = { start: "running", resume: "running", restart: "running", pause: "paused", stop: "stopped" };
  const section = () => document.querySelector(".run-control");
  const field = (name) => section().querySelector(`[data-field="${name}"]`);
  const buttons = (disabled) => section().querySelectorAll("button[data-verb]").forEach((b) => { b.disabled = disabled; });

  async function request(path, method) {
    const response = await fetch(path, {
      method, credentials: "same-origin", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
    return data;
  }

  async function follow(url, verb) {
    for (let waited = 0; waited < 15000; waited += 250) {
      const processor = await request(url, "GET");
      field("status").textContent = processor.status;
      field("requested_status").textContent = processor.requested_status;
      if (processor.status === target[verb] && processor.requested_status !== "starting") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    buttons(false);
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest(".run-control button[data-verb]");
    if (!button) return;
    const url = `/api/processors/${section().dataset.processor}/`;
    field("verb-error").textContent = "";
    buttons(true);
    try {
      await request(`${url}${button.dataset.verb}/`, "POST");
      await follow(url, button.dataset.verb);
    } catch (error) {
      field("verb-error").textContent = error.message;
      buttons(false);
    }
  });
})();
