import { useCallback, useEffect, useRef, useState } from "react";
import { callPage } from "../api/dashboard";
import { errorMessage } from "../api/http";
import { callsApply, callsFromPage, emptyCalls, type CallFilter, type CallsState } from "./calls";
import type { LiveEvent } from "./feed";

export type CallsView = {
  calls: CallsState;
  count: number;
  error: string;
  loading: boolean;
  apply: (events: LiveEvent[]) => void;
  reload: () => void;
};

/** A page of calls from the API, kept current by live events (new calls only on page 1). */
export function useCalls(filter: CallFilter, page: number, limit: number): CallsView {
  const [calls, setCalls] = useState<CallsState>(emptyCalls);
  const [count, setCount] = useState(0);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const params = useRef({ filter, page, limit });
  params.current = { filter, page, limit };
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    let stale = false;
    setLoading(true);
    callPage(JSON.parse(filterKey) as CallFilter, page)
      .then((result) => {
        if (stale) return;
        setCalls(callsFromPage(result.results));
        setCount(result.count);
        setError("");
      })
      .catch((failure: unknown) => !stale && setError(errorMessage(failure)))
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [filterKey, page, version]);

  const apply = useCallback((events: LiveEvent[]) => {
    const { filter: f, page: p, limit: l } = params.current;
    setCalls((old) => callsApply(old, events, f, p === 1, l));
  }, []);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // Calls added live since the page loaded count too.
  return { calls, count: count + calls.added, error, loading, apply, reload };
}
