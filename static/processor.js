// The processor page's verbs: mount, and run a socket with JSON arguments.
(function () {
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  const showError = (message) => {
    const box = document.getElementById("page-error");
    box.textContent = message;
    box.hidden = false;
  };
  async function send(url, method, body) {
    const response = await fetch(url, {
      method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
    return data;
  }
  // The mount badge, log and functions follow the live mount events (frontend/src/live/mountBadges.ts).
  document.addEventListener("click", async (event) => {
    const button = event.target.closest('[data-action="mount"]');
    if (!button) return;
    try {
      await send(button.dataset.url, "POST");
      const badge = document.getElementById("mount-status");
      badge.textContent = "Queued";
      badge.dataset.mountStatus = "queued";
    } catch (error) { showError(error.message); }
  });
  // Delegated: the sockets table is swapped in again when a socket changes (live events).
  document.addEventListener("submit", async (event) => {
    const form = event.target.closest("form.run-form");
    if (!form) return;
    event.preventDefault();
    const out = form.querySelector("output");
    let args;
    try {
      args = JSON.parse(form.elements.args.value);
      if (!Array.isArray(args)) throw new Error("Arguments must be a JSON list, e.g. [\"text\", 2].");
    } catch (error) { out.textContent = `Not valid JSON: ${error.message}`; return; }
    try {
      let call = await send(form.dataset.url, "POST", { args });
      out.textContent = call.state;
      for (let delay = 100; !["finished", "failed", "cancelled", "expired"].includes(call.state); delay = Math.min(delay * 2, 1000)) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        call = await send(`/api/calls/${call.id}/`, "GET");
        out.textContent = call.state;
      }
      out.textContent = call.state === "finished" ? `finished: ${JSON.stringify(call.result)}` : `${call.state}: ${call.error}`;
    } catch (error) { out.textContent = error.message; }
  });
})();
