import { describe, expect, it } from "vitest";
import type { Processor, Task } from "../api/types";
import { paletteTree, repoLabel } from "./paletteTree";

const processor = (name: string, gitrepo: string) => ({ name, gitrepo }) as Processor;
const task = (id: string, name: string, processor: string, module: string, docstring = "") =>
  ({ id, name, processor, module, docstring, accepts_plugs: true, accepts_output: true }) as Task;

describe("paletteTree", () => {
  const processors = [processor("etl", "https://git.example.com/data/etl.git"), processor("ml", "git@host:team/models.git")];
  const tasks = [task("1", "load", "etl", "etl.io"), task("2", "clean", "etl", "etl.transform", "Drops empty rows"), task("3", "train", "ml", "models.fit"), task("4", "extract", "etl", "etl.io")];

  it("groups by repository and module, sorted", () => {
    const tree = paletteTree(processors, tasks, "");
    expect(tree.map((r) => r.label)).toEqual(["data/etl", "team/models"]);
    expect(tree[0]?.modules.map((m) => m.module)).toEqual(["etl.io", "etl.transform"]);
    expect(tree[0]?.modules[0]?.tasks.map((t) => t.name)).toEqual(["extract", "load"]);
  });

  it("searches names, modules, processors and docstrings", () => {
    expect(paletteTree(processors, tasks, "empty rows").flatMap((r) => r.modules.flatMap((m) => m.tasks.map((t) => t.name)))).toEqual(["clean"]);
    expect(paletteTree(processors, tasks, "ML")[0]?.modules[0]?.tasks[0]?.name).toBe("train");
    expect(paletteTree(processors, tasks, "nothing-like-this")).toEqual([]);
  });

  it("labels repositories by their last two path parts", () => {
    expect(repoLabel("https://github.com/acme/pipes.git")).toBe("acme/pipes");
    expect(repoLabel("")).toBe("(no repository)");
  });
});
