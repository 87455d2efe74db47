import { useEffect, useState } from "react";
import { api } from "../api/client";
import { errorMessage } from "../api/http";
import { overlayStore } from "../live/overlay";
import { versionDocument } from "../panels/versions";
import { designerStore } from "../store/designer";
import { emptyDocument, type Viewport } from "../store/document";

export type Session = { status: "loading" } | { status: "ready"; viewport: Viewport | undefined } | { status: "error"; message: string };

/** Loads a flow and its latest version into the store as the draft (or an empty canvas). */
export function useFlowSession(flowName: string): Session {
  const [session, setSession] = useState<Session>({ status: "loading" });
  useEffect(() => {
    let current = true;
    const store = designerStore.getState();
    store.setFlow(null);
    store.load(emptyDocument());
    overlayStore.getState().reset();
    (async () => {
      const flow = await api.flows.byName(flowName);
      if (!flow) throw new Error(`There is no flow called ${flowName}.`);
      const versions = await api.versions.list(flowName);
      const latest = versions[0];
      const read = latest ? versionDocument(latest) : { document: emptyDocument() };
      if ("error" in read) throw new Error(read.error);
      if (!current) return;
      store.load(read.document);
      store.markSaved(latest?.number);
      store.setFlow(flow);
      setSession({ status: "ready", viewport: read.document.viewport });
    })().catch((error: unknown) => current && setSession({ status: "error", message: errorMessage(error) }));
    return () => {
      current = false;
    };
  }, [flowName]);
  return session;
}
