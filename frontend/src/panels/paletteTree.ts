/** Grouping of the palette: repository, then module, then functions. */
import type { Processor, Task } from "../api/types";

export type PaletteModule = { module: string; tasks: Task[] };
export type PaletteRepo = { repo: string; label: string; modules: PaletteModule[] };

export function repoLabel(url: string): string {
  const trimmed = url.replace(/\.git$/, "").replace(/\/+$/, "");
  return trimmed.split(/[/:]/).filter(Boolean).slice(-2).join("/") || url || "(no repository)";
}

export function matches(task: Task, query: string): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  return [task.name, task.module, task.processor, task.docstring].some((text) => text.toLowerCase().includes(q));
}

export function paletteTree(processors: Processor[], tasks: Task[], query: string): PaletteRepo[] {
  const repoOf = new Map(processors.map((p) => [p.name, p.gitrepo]));
  const repos = new Map<string, Map<string, Task[]>>();
  for (const task of tasks) {
    if (!matches(task, query.trim())) continue;
    const repo = repoOf.get(task.processor) ?? "";
    const modules = repos.get(repo) ?? new Map<string, Task[]>();
    repos.set(repo, modules);
    modules.set(task.module, [...(modules.get(task.module) ?? []), task]);
  }
  return [...repos.entries()]
    .map(([repo, modules]) => ({
      repo,
      label: repoLabel(repo),
      modules: [...modules.entries()]
        .map(([module, list]) => ({ module, tasks: list.sort((a, b) => a.name.localeCompare(b.name)) }))
        .sort((a, b) => a.module.localeCompare(b.module)),
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
