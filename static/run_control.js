// The processor page's run controls: ask for a verb through the API (which checks the
// right), then follow the processor until it reaches the state the verb asks for.
(function () {
  const section = document.querySelector(".run-control");
  if (!section) return;
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  const url = `/api/processors/${section.dataset.processor}/`;
  const target = { start: "running", resume: "running", restart: "running", pause: "paused", stop: "stopped" };
  const field = (name) => section.querySelector(`[data-field="${name}"]`);

  async function request(path, method) {
    const response = await fetch(path, {
      method, credentials: "same-origin", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
    return data;
  }

  async function follow(verb) {
    for (let waited = 0; waited < 15000; waited += 250) {
      const processor = await request(url, "GET");
      field("status").textContent = processor.status;
      field("requested_status").textContent = processor.requested_status;
      if (processor.status === target[verb] && processor.requested_status !== "starting") break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    location.reload(); // deployments and workers as they are now
  }

  section.querySelectorAll("button[data-verb]").forEach((button) => {
    button.addEventListener("click", async () => {
      field("verb-error").textContent = "";
      section.querySelectorAll("button[data-verb]").forEach((b) => { b.disabled = true; });
      try {
        await request(`${url}${button.dataset.verb}/`, "POST");
        await follow(button.dataset.verb);
      } catch (error) {
        field("verb-error").textContent = error.message;
        section.querySelectorAll("button[data-verb]").forEach((b) => { b.disabled = false; });
      }
    });
  });
})();
