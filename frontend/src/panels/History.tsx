import { useEffect, useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import type { Version } from "../api/types";
import { canvasApi } from "../canvas/canvasApi";
import { designerStore, useDesigner } from "../store/designer";
import { comparisonGraph, versionDiff } from "../store/diff";
import type { CanvasDocument } from "../store/document";
import { toDocument } from "../store/flow";
import { selectUnsaved } from "../store/selectors";
import { DiffList } from "./DiffList";
import { VersionItem } from "./VersionItem";
import { versionDocument } from "./versions";

const fitSoon = () => requestAnimationFrame(() => canvasApi()?.fitView());

/** The draft as a document, even while a version is shown in its place. */
function draftDocument(): CanvasDocument {
  const s = designerStore.getState();
  return s.stash ? toDocument(s.stash.nodes, s.stash.edges) : toDocument(s.nodes, s.edges);
}

/** Saved versions: open one read-only, compare two (or one with the draft), restore one. */
export function History() {
  const flow = useDesigner((s) => s.flow);
  const tick = useDesigner((s) => s.versionsTick);
  const mode = useDesigner((s) => s.mode);
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [error, setError] = useState("");

  useEffect(() => {
    if (!flow) return undefined;
    let current = true;
    api.versions
      .list(flow.name)
      .then((found) => current && setVersions(found))
      .catch((caught: unknown) => current && setError(errorMessage(caught)));
    return () => {
      current = false;
    };
  }, [flow, tick]);

  const byNumber = (n: number) => versions?.find((v) => v.number === n);

  function open(version: Version) {
    const read = versionDocument(version);
    if ("error" in read) return setError(read.error);
    setError("");
    designerStore.getState().showVersion(read.document, version.number);
    fitSoon();
  }

  function compare(older: CanvasDocument, newer: CanvasDocument, from: number, to: number) {
    const diff = versionDiff(older, newer);
    designerStore.getState().showComparison(comparisonGraph(older, newer, diff), from, to, diff);
    fitSoon();
  }

  function compareChosen() {
    const [a, b] = [...chosen].sort((x, y) => x - y).map(byNumber);
    if (!a) return;
    const older = versionDocument(a);
    if ("error" in older) return setError(older.error);
    if (!b) return compare(older.document, draftDocument(), a.number, 0);
    const newer = versionDocument(b);
    if ("error" in newer) return setError(newer.error);
    compare(older.document, newer.document, a.number, b.number);
  }

  async function restore(version: Version) {
    if (!flow) return;
    const read = versionDocument(version);
    if ("error" in read) return setError(read.error);
    const s = designerStore.getState();
    if (selectUnsaved(s) && !window.confirm("Restoring replaces your unsaved changes. Continue?")) return;
    try {
      const created = await api.versions.create(flow.name, `Restored version ${version.number}`, read.document);
      s.load(read.document);
      s.markSaved(created.number);
      s.versionsChanged();
      fitSoon();
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  const toggle = (n: number) => setChosen((list) => (list.includes(n) ? list.filter((x) => x !== n) : [...list.slice(-1), n]));

  return (
    <section className="panel history" aria-label="Version history">
      {mode.kind === "compare" && (
        <div className="comparing">
          <h3>
            Version {mode.from} → {mode.to === 0 ? "draft" : `version ${mode.to}`}
          </h3>
          <DiffList diff={mode.diff} />
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="buttons">
        <button type="button" disabled={chosen.length === 0} onClick={compareChosen}>
          {chosen.length === 2 ? `Compare v${Math.min(...chosen)} and v${Math.max(...chosen)}` : chosen.length === 1 ? `Compare v${chosen[0]} with draft` : "Compare…"}
        </button>
      </div>
      {versions === null && !error && <p className="muted">Loading versions…</p>}
      {versions?.length === 0 && <p className="muted">No saved versions yet. Save to create the first.</p>}
      <ol className="versions">
        {versions?.map((version) => (
          <VersionItem
            key={version.id}
            version={version}
            chosen={chosen.includes(version.number)}
            onToggle={() => toggle(version.number)}
            onOpen={() => open(version)}
            onRestore={() => void restore(version)}
          />
        ))}
      </ol>
    </section>
  );
}
