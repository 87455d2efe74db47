import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { canvasApi } from "../canvas/canvasApi";
import { designerStore, useDesigner } from "../store/designer";
import { searchNodes, type SearchHit } from "./search";

/** Finds a node by name and jumps to it. Ctrl+F focuses it. */
export function SearchBox() {
  const request = useDesigner((s) => s.searchRequest);
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [active, setActive] = useState(0);
  const id = useId();

  useEffect(() => {
    if (request > 0) input.current?.select();
  }, [request]);

  function change(text: string) {
    setQuery(text);
    setHits(searchNodes(designerStore.getState().nodes, text));
    setActive(0);
  }

  function jump(hit: SearchHit | undefined) {
    if (!hit) return;
    canvasApi()?.focusNode(hit.id);
    setHits([]);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "ArrowDown") setActive((i) => Math.min(i + 1, hits.length - 1));
    else if (event.key === "ArrowUp") setActive((i) => Math.max(i - 1, 0));
    else if (event.key === "Enter") jump(hits[active]);
    else if (event.key === "Escape") change("");
    else return;
    event.preventDefault();
  }

  return (
    <div className="search-box">
      <label htmlFor={id} className="visually-hidden">
        Find node
      </label>
      <input
        ref={input}
        id={id}
        type="search"
        placeholder="Find node… (Ctrl+F)"
        value={query}
        role="combobox"
        aria-expanded={hits.length > 0}
        aria-controls={`${id}-list`}
        aria-activedescendant={hits[active] ? `${id}-${hits[active].id}` : undefined}
        onChange={(event) => change(event.target.value)}
        onKeyDown={onKeyDown}
      />
      {hits.length > 0 && (
        <ul id={`${id}-list`} role="listbox" className="search-hits">
          {hits.map((hit, i) => (
            <li key={hit.id} id={`${id}-${hit.id}`} role="option" aria-selected={i === active} onMouseDown={(event) => event.preventDefault()} onClick={() => jump(hit)}>
              <strong>{hit.label}</strong> <span className="muted">{hit.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {query && hits.length === 0 && <span className="muted search-none">No match</span>}
    </div>
  );
}
