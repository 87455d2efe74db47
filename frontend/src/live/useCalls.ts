import { useCallback, useEffect, useRef, useState } from "react";
import { callPage, cursorOf } from "../api/dashboard";
import { errorMessage } from "../api/http";
import { callsApply, callsFromPage, emptyCalls, type CallFilter, type CallsState } from "./calls";
import type { LiveEvent } from "./feed";

export type CallsView = {
  calls: CallsState;
  count: number;
  /** False: `count` is the server's estimate. */
  countExact: boolean;
  /** The cursor of the next older page, null on the last. */
  older: string | null;
  error: string;
  loading: boolean;
  apply: (events: LiveEvent[]) => void;
  reload: () => void;
};

/** A keyset page of calls from the API (`cursor` "" for the newest), kept current by live
 * events (new calls only on the newest page). */
export function useCalls(filter: CallFilter, cursor: string, limit: number): CallsView {
  const [calls, setCalls] = useState<CallsState>(emptyCalls);
  const [count, setCount] = useState(0);
  const [countExact, setCountExact] = useState(true);
  const [older, setOlder] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const params = useRef({ filter, cursor, limit });
  params.current = { filter, cursor, limit };
  const filterKey = JSON.stringify(filter);

  useEffect(() => {
    let stale = false;
    setLoading(true);
    callPage(JSON.parse(filterKey) as CallFilter, cursor)
      .then((result) => {
        if (stale) return;
        setCalls(callsFromPage(result.results));
        setCount(result.count);
        setCountExact(result.count_exact !== false);
        setOlder(cursorOf(result.next));
        setError("");
      })
      .catch((failure: unknown) => !stale && setError(errorMessage(failure)))
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [filterKey, cursor, version]);

  const apply = useCallback((events: LiveEvent[]) => {
    const { filter: f, cursor: c, limit: l } = params.current;
    setCalls((old) => callsApply(old, events, f, c === "", l));
  }, []);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  // Calls added live since the page loaded count too.
  return { calls, count: count + calls.added, countExact, older, error, loading, apply, reload };
}
