import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Plot } from "./series";

const COLOURS = ["#2456d6", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#9e9d24"];

/** A uPlot time chart that takes new data without being rebuilt (unless its series change). */
export function Chart({ title, plot, height = 180 }: { title: string; plot: Plot; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const labels = plot.series.map((s) => s.label).join("\n");

  useEffect(() => {
    if (!box.current) return undefined;
    const options: uPlot.Options = {
      title,
      width: Math.max(300, box.current.clientWidth || 600),
      height,
      series: [{}, ...plot.series.map((s, i) => ({ label: s.label, stroke: COLOURS[i % COLOURS.length], width: 2 }))],
      axes: [{}, { size: 60 }],
    };
    chart.current = new uPlot(options, [plot.x, ...plot.series.map((s) => s.values)] as uPlot.AlignedData, box.current);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
    // Rebuilt only when the set of series changes; data flows through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [title, labels, height]);

  useEffect(() => {
    chart.current?.setData([plot.x, ...plot.series.map((s) => s.values)] as uPlot.AlignedData);
  }, [plot]);

  return <figure className="chart" aria-label={title} ref={box} />;
}

/** Columns for points of several series sampled at different times: a shared x, nulls between. */
export function pointsPlot(named: Readonly<Record<string, readonly (readonly [number, number])[]>>, limit = 6): Plot {
  const entries = Object.entries(named).sort(([a], [b]) => a.localeCompare(b)).slice(0, limit);
  const x = [...new Set(entries.flatMap(([, points]) => points.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(x.map((t, i) => [t, i]));
  const series = entries.map(([label, points]) => {
    const values: (number | null)[] = x.map(() => null);
    for (const [t, v] of points) values[index.get(t) ?? 0] = v;
    return { label, values };
  });
  return { x, series };
}
