/**
 * A wire's figures from the queue monitor, and what the canvas draws from them: the
 * counts, rates and age, a fill bar against the queue's limit in the bands NiFi users
 * know (green up to 60%, yellow to 85%, red above; the wire itself red when the queue is
 * full and back pressure holds its upstream), and a predicted time to full.
 *
 * The monitor sends, once per tick, every broker queue whose figures changed:
 *   {"kind":"queues","queues":[{"name":"<queue>.<processor>","ready","inflight","arrival_rate",
 *     "completion_rate","oldest_age","state","max_length","joined"}, ...]}
 */

/** The broker queue a plug's messages wait in, "<queue>.<processor of its target>": the
 * plug's own queue when it names one, else its target socket's. */
export const brokerQueue = (queueName: string, processor: string): string => `${queueName}.${processor}`;

/** The queue a flow's deploy makes for its socket: named from the socket and the flow's id
 * (apps/flows/deploy.py, flow_queue_name), so no other flow or hand-made socket shares it. */
export const flowQueue = (socketName: string, flowId: string): string => `${socketName}@${flowId.slice(0, 8)}`;

export type WireTarget = { socketName: string; processor: string; shared?: boolean };

/** The queue a socket node's calls wait in: the flow's queue for its own socket; for a
 * shared socket, `sharedQueue` (its queue where it lives, looked up); without a flow (a
 * document shown alone), the socket's name. */
export function socketQueue(target: WireTarget, flowId: string | undefined, sharedQueue = ""): string {
  if (target.shared) return sharedQueue || target.socketName;
  return flowId ? flowQueue(target.socketName, flowId) : target.socketName;
}

/** The broker queue of a plug whose queue is named `queue` (empty: its target socket's). */
export const plugBrokerQueue = (queue: string, target: WireTarget, flowId?: string, sharedQueue?: string): string =>
  brokerQueue(queue || socketQueue(target, flowId, sharedQueue), target.processor);

export type WireLive = {
  ready: number;
  inflight: number;
  arrival: number;
  completion: number;
  oldestAge: number | null;
  state: string;
  maxLength: number;
  /** Runs whose values wait in a join of the target for its other arguments. */
  joined: number;
};

export type Band = "green" | "yellow" | "red";

export type WireView = {
  label: string;
  detail: string;
  /** Fill against the limit, 0..1; null when the queue has no limit. */
  fill: number | null;
  band: Band;
  full: boolean;
  /** Seconds until full at the current rates; null when it is not filling or has no limit. */
  toFull: number | null;
};

type Obj = Record<string, unknown>;
const num = (value: unknown, fallback: number): number => (typeof value === "number" && Number.isFinite(value) ? value : fallback);

/** A monitor item as a WireLive, or null when it has no name. */
export function wireFrom(item: Obj): [string, WireLive] | null {
  const name = typeof item.name === "string" ? item.name : "";
  if (!name) return null;
  const age = item.oldest_age;
  return [
    name,
    {
      ready: Math.max(0, num(item.ready, 0)),
      inflight: Math.max(0, num(item.inflight, 0)),
      arrival: Math.max(0, num(item.arrival_rate, 0)),
      completion: Math.max(0, num(item.completion_rate, 0)),
      oldestAge: typeof age === "number" && Number.isFinite(age) ? age : null,
      state: typeof item.state === "string" ? item.state : "ok",
      maxLength: num(item.max_length, -1),
      joined: Math.max(0, num(item.joined, 0)),
    },
  ];
}

export function band(fill: number): Band {
  if (fill > 0.85) return "red";
  if (fill > 0.6) return "yellow";
  return "green";
}

const rate = (perSecond: number) => (perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(1));

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Whether the wire's queue is full: back pressure holds its upstream. */
export const wireFull = (wire: WireLive): boolean => wire.state === "full" || (wire.maxLength > 0 && wire.ready >= wire.maxLength);

/** What the canvas shows for a wire. */
export function wireView(wire: WireLive): WireView {
  const depth = wire.ready + wire.inflight;
  const limited = wire.maxLength > 0;
  const fill = limited ? Math.min(1, wire.ready / wire.maxLength) : null;
  const growth = wire.arrival - wire.completion;
  const toFull = limited && growth > 0 && wire.ready < wire.maxLength ? (wire.maxLength - wire.ready) / growth : null;
  const full = wireFull(wire);
  const parts = [`${rate(wire.arrival)}/s in`, `${rate(wire.completion)}/s out`];
  if (wire.oldestAge !== null && wire.ready > 0) parts.push(`oldest ${duration(wire.oldestAge)}`);
  if (wire.joined > 0) parts.push(`${wire.joined} waiting in joins`);
  if (toFull !== null) parts.push(`full in ${duration(toFull)}`);
  return {
    label: limited ? `${wire.ready}/${wire.maxLength} ready · ${wire.inflight} in flight` : depth > 0 || wire.arrival > 0 ? `${wire.ready} ready · ${wire.inflight} in flight` : "idle",
    detail: parts.join(" · "),
    fill,
    band: full ? "red" : band(fill ?? 0),
    full,
    toFull,
  };
}
