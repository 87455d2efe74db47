"""bench/results.json (every round of every figure) and bench/results.md (the table)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.benchstats import fmt


def _digits(value: float | None) -> int:
    if value is None:
        return 1
    return 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2


def table(meta: dict, results: list[dict]) -> str:
    lines = [
        (f"Benchmarks of {meta['date']} on {meta['cores']} cores ({meta['cpu']}), broker {meta['broker']}, "
        f"concurrency {meta['concurrency']}, {meta['rounds']} interleaved rounds"
        f"{' (quick run)' if meta['quick'] else ''}; CPU reference (10M-addition loop) "
        f"{meta['cpu_ref_10M_loop_s']:.2f} s. Values are median [min–max] over rounds; the ratio is "
        "platform / baseline taken round by round."),
        *[f"Section {key[:-4]} run alone: {run['date']}, {run['rounds']} rounds"
          f"{', CPU reference %.2f s' % run['cpu_ref_10M_loop_s'] if run.get('cpu_ref_10M_loop_s') else ''}."
          for key, run in meta.items() if key.endswith("_run") and isinstance(run, dict)],
        "",
        "| benchmark | figure | platform | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in results:
        if result["skipped"]:
            lines.append(f"| {result['title']} | — | {result['skipped']} | | | | |")
            continue
        for figure in result["figures"]:
            plat, base, ratio = figure["platform"], figure["baseline"], figure["ratio"]
            digits = _digits(plat["median"] if plat else None)
            unit = f" {figure['unit']}" if figure["unit"] else ""
            met = {True: "yes", False: "**no**", None: ""}[figure["met"]]
            lines.append(
                f"| {result['title']} | {figure['figure']}{unit} | {fmt(plat, digits)} | "
                f"{fmt(base, _digits(base['median'] if base else None))} | {fmt(ratio, 2, 'x')} | "
                f"{figure['target']} | {met} |")
    lines.append("")
    lines.append("Baselines:")
    for result in results:
        if not result["skipped"] and result["baseline"]:
            lines.append(f"- {result['title']}: {result['baseline']}.")
    notes = [(r["title"], n) for r in results for n in r["notes"]]
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines.extend(f"- {title}: {note}" for title, note in notes)
    return "\n".join(lines) + "\n"


def results_merge(folder: Path, *, meta: dict, results: list[dict]) -> tuple[dict, list[dict]]:
    """A run of some benchmarks (``--only``) replaces just their sections of the results
    already in ``folder``; the file keeps the full run's meta and notes each section's own
    run under ``meta["<key>_run"]`` (date, rounds, host speed, load)."""
    path = folder / "results.json"
    if not path.exists():
        return meta, results
    old = json.loads(path.read_text())
    ran = {result["key"]: result for result in results}
    merged = [ran.pop(result["key"], result) for result in old["results"]] + list(ran.values())
    kept = dict(old["meta"])
    for result in results:
        kept.pop(f"{result['key']}_rerun", None)  # the older, hand-written spelling
        kept[f"{result['key']}_run"] = {
            "date": meta["date"], "rounds": meta["rounds"], "quick": meta["quick"],
            "cpu_ref_10M_loop_s": meta["cpu_ref_10M_loop_s"], "load_average_1min": result["details"].get(
                "load_average_1min"), "note": f"{result['key']} section run alone (bench/run --only ...)"}
    return kept, merged


def report_write(folder: Path, *, meta: dict, results: list[dict], merge: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if merge:
        meta, results = results_merge(folder, meta=meta, results=results)
    (folder / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    text = table(meta, results)
    (folder / "results.md").write_text(text)
    print()
    print(text)
    print(f"results: {folder / 'results.json'}, {folder / 'results.md'}")
