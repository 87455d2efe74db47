import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import "../live/live.css";
import { PAGE_ROWS } from "../api/dashboard";
import { CallDetail } from "../live/CallDetail";
import { CallsTable } from "../live/CallsTable";
import type { CallFilter } from "../live/calls";
import type { LiveEvent } from "../live/feed";
import { LiveNotice } from "../live/LiveNotice";
import { useCalls } from "../live/useCalls";
import { useLiveFeed } from "../live/useLiveFeed";

const FIELDS: [keyof CallFilter, string][] = [
  ["processor", "Processor"],
  ["socket", "Socket"],
  ["state", "State"],
  ["run", "Run"],
];
const STATES = ["", "queued", "received", "running", "retry", "finished", "failed", "cancelled", "expired"];

function filterFromUrl(): CallFilter {
  const params = new URLSearchParams(window.location.search);
  const filter: CallFilter = {};
  for (const [key] of FIELDS) {
    const value = params.get(key);
    if (value) filter[key] = value;
  }
  return filter;
}

/** The calls page: filters, history pages, live updates in place, and each call's detail. */
export function Calls() {
  const [filter, setFilter] = useState<CallFilter>(filterFromUrl);
  const [draft, setDraft] = useState<CallFilter>(filter);
  // The cursors of the pages walked so far ("" is the newest): Older pushes, Newer pops.
  const [trail, setTrail] = useState<string[]>([""]);
  const page = trail.length;
  const [open, setOpen] = useState<string | null>(null);
  const [openVersion, setOpenVersion] = useState(0);
  const openRef = useRef(open);
  openRef.current = open;
  const view = useCalls(filter, trail[trail.length - 1] ?? "", PAGE_ROWS);

  const onEvents = useCallback(
    (events: LiveEvent[]) => {
      view.apply(events);
      if (openRef.current && events.some((e) => e.call === openRef.current)) setOpenVersion((v) => v + 1);
    },
    [view.apply],
  );
  const live = useLiveFeed(["calls:all"], onEvents);
  const { reload } = view;
  useEffect(() => {
    if (live.feed.missed > 0 || live.feed.resyncs > 0) reload();
  }, [live.feed.missed, live.feed.resyncs, reload]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const clean: CallFilter = {};
    for (const [key] of FIELDS) if (draft[key]) clean[key] = draft[key]?.trim();
    setFilter(clean);
    setTrail([""]);
    const search = new URLSearchParams(clean as Record<string, string>).toString();
    window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
  };
  const pages = Math.max(1, Math.ceil(view.count / PAGE_ROWS));
  const older = view.older;

  return (
    <div className="calls-page">
      <form className="filters" onSubmit={submit} aria-label="Filter calls">
        {FIELDS.map(([key, label]) =>
          key === "state" ? (
            <label key={key}>
              {label}
              <select value={draft.state ?? ""} onChange={(e) => setDraft({ ...draft, state: e.target.value })}>
                {STATES.map((state) => (
                  <option key={state} value={state}>
                    {state || "any"}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label key={key}>
              {label}
              <input value={draft[key] ?? ""} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
            </label>
          ),
        )}
        <button type="submit">Filter</button>
      </form>
      <LiveNotice state={live.state} feed={live.feed} refused={live.refused} />
      {view.error ? <p className="error">{view.error}</p> : null}
      <CallsTable calls={view.calls} onOpen={setOpen} label="Calls" />
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={page <= 1} onClick={() => setTrail(trail.slice(0, -1))}>
          Newer
        </button>
        <span>
          Page {page} of {view.countExact ? pages : `about ${pages}`} · {view.countExact ? "" : "about "}
          {view.count} calls
        </span>
        <button type="button" disabled={!older} onClick={() => older && setTrail([...trail, older])}>
          Older
        </button>
      </nav>
      {open ? <CallDetail id={open} version={openVersion} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}
