// Live health: fetch this page again every few seconds and swap the table in.
(function () {
  const refresh = async () => {
    if (document.hidden) return;
    const response = await fetch(location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("network-live");
    if (fresh) document.getElementById("network-live").innerHTML = fresh.innerHTML;
  };
  setInterval(() => refresh().catch(() => {}), 3000);
})();
