// The admin pages' bulk rights list (templates/web/_rights_picker.html): the search box
// filters the rights by name, object and description; an object's box ticks all of its
// shown rights; the action buttons wait for a selection. Without this script every right
// is listed and the form works the same.
(function () {
  const picker = document.querySelector("[data-rights-picker]");
  if (!picker) return;
  const search = picker.querySelector("[data-rights-search]");
  const groups = [...picker.querySelectorAll("[data-rights-group]")];
  const rows = [...picker.querySelectorAll("[data-right-row]")];
  const boxes = () => rows.map((row) => row.querySelector("input[name=rights]"));
  const usable = (row) => !row.hidden && !row.querySelector("input[name=rights]").disabled;

  function refresh() {
    const chosen = boxes().filter((box) => box.checked).map((box) => box.value);
    picker.querySelector("[data-rights-count]").textContent =
      chosen.length ? `${chosen.length} selected: ${chosen.slice(0, 6).join(", ")}${chosen.length > 6 ? ", …" : ""}` : "None selected";
    picker.querySelectorAll("[data-needs-selection]").forEach((button) => { button.disabled = chosen.length === 0; });
    groups.forEach((group) => {
      const toggle = group.querySelector("[data-group-toggle]");
      const open = [...group.querySelectorAll("[data-right-row]")].filter(usable);
      const ticked = open.filter((row) => row.querySelector("input[name=rights]").checked).length;
      toggle.disabled = open.length === 0;
      toggle.checked = open.length > 0 && ticked === open.length;
      toggle.indeterminate = ticked > 0 && ticked < open.length;
    });
  }

  function filter() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    rows.forEach((row) => {
      row.hidden = !words.every((word) => row.dataset.search.includes(word));
      if (!row.hidden) shown += 1;
    });
    groups.forEach((group) => { group.hidden = group.querySelectorAll("[data-right-row]:not([hidden])").length === 0; });
    picker.querySelector("[data-rights-none]").hidden = shown > 0;
    picker.querySelector("[data-rights-shown]").textContent = words.length ? `${shown} of ${rows.length} rights shown` : "";
    refresh();
  }

  groups.forEach((group) => {
    group.querySelector("[data-group-toggle]").addEventListener("change", (event) => {
      group.querySelectorAll("[data-right-row]").forEach((row) => {
        if (usable(row)) row.querySelector("input[name=rights]").checked = event.target.checked;
      });
      refresh();
    });
  });
  picker.addEventListener("change", (event) => { if (event.target.name === "rights") refresh(); });
  search.addEventListener("input", filter);
  // Enter in the search box filters; it does not submit the form with the first button.
  search.addEventListener("keydown", (event) => { if (event.key === "Enter") event.preventDefault(); });
  filter();
})();
