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


def report_write(folder: Path, *, meta: dict, results: list[dict]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    text = table(meta, results)
    (folder / "results.md").write_text(text)
    print()
    print(text)
    print(f"results: {folder / 'results.json'}, {folder / 'results.md'}")
