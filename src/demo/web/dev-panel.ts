/**
 * The developer panel (a toggle under the status bar): the journey statechart drawn from the machine definition
 * itself, in this page, with the active state of each region lit; and the event timeline, each event with its
 * source, the commands it produced and its outcome. Nothing goes to an outside service (the Stately inspector,
 * `npm start -- --inspect`, stays for those online).
 */
import { createElement as h, useSyncExternalStore } from "react";
import type { JourneyState } from "../../../machines/journey/journey.connect.js";
import { journeyMachine } from "../../../machines/journey/journey.machine.js";
import type { JourneyRuntime, JourneyTransition } from "../../runtime/index.js";

/** The most transitions a log keeps (the oldest go first). */
const KEPT_TRANSITIONS = 200;

/** A runtime's transitions as the panel reads them: newest last, an immutable list React can subscribe to. */
export interface TransitionLog {
  /** Adds one (the runtime's `onTransition`). */
  record(transition: JourneyTransition): void;
  /** What is kept, oldest first; a new array after each `record`. */
  entries(): readonly JourneyTransition[];
  /** Calls `listener` after each `record`; returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** A transition log keeping the last {@link KEPT_TRANSITIONS}. */
export function createTransitionLog(): TransitionLog {
  let entries: readonly JourneyTransition[] = [];
  const listeners = new Set<() => void>();
  return {
    record(transition) {
      entries = [...entries.slice(-(KEPT_TRANSITIONS - 1)), transition];
      for (const listener of [...listeners]) listener();
    },
    entries: () => entries,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Where an event came from, as the timeline says it: poll, webhook, push, response, borrower or signal. */
export function sourceOf(event: JourneyTransition["event"]): string {
  if (event.type === "snapshot.received") return event.source;
  if (event.type.startsWith("poll.")) return "poll";
  if (event.type === "push.alive") return "push";
  // The answers to the runtime's calls; `journey.resume` and `mutation.retry` are the borrower's own intents.
  if (
    event.type === "journey.loaded" ||
    event.type === "journey.loadFailed" ||
    event.type === "mutation.succeeded" ||
    event.type === "mutation.failed"
  )
    return "response";
  if (/^(app|network|session)\./.test(event.type)) return "signal";
  return "borrower";
}

/** The dotted paths of every active state in `value` (`lifecycle.ended.REJECTED` lights `lifecycle.ended` too). */
export function activePaths(value: unknown, prefix = ""): Set<string> {
  const paths = new Set<string>();
  if (typeof value === "string") paths.add(`${prefix}${value}`);
  else if (typeof value === "object" && value !== null)
    for (const [key, inner] of Object.entries(value)) {
      paths.add(`${prefix}${key}`);
      for (const path of activePaths(inner, `${prefix}${key}.`)) paths.add(path);
    }
  return paths;
}

interface ChartNode {
  readonly key: string;
  readonly description?: string;
  readonly states: Readonly<Record<string, ChartNode>>;
}

type Element = ReturnType<typeof h>;

function StateBox({ node, path, active }: { node: ChartNode; path: string; active: Set<string> }): Element {
  const on = active.has(path);
  const children = Object.values(node.states);
  return h(
    "div",
    {
      className: on ? "state active" : "state",
      "data-state": path,
      "aria-current": on ? "true" : undefined,
      title: node.description,
    },
    h("span", { className: "state-name" }, node.key),
    children.length > 0
      ? h(
          "div",
          { className: "substates" },
          children.map(
            (child): Element =>
              h(StateBox, { key: child.key, node: child, path: `${path}.${child.key}`, active }),
          ),
        )
      : null,
  );
}

/** The machine's regions side by side, each with its states, the active ones lit. */
function Statechart({ value }: { value: JourneyState["value"] }) {
  const active = activePaths(value);
  const regions = Object.values((journeyMachine.root as unknown as ChartNode).states);
  return h(
    "section",
    { className: "chart", "aria-label": "Statechart" },
    regions.map((region) =>
      h(
        "div",
        { key: region.key, className: "region", "data-region": region.key },
        h("h3", null, region.key),
        Object.values(region.states).map((node) =>
          h(StateBox, { key: node.key, node, path: `${region.key}.${node.key}`, active }),
        ),
      ),
    ),
  );
}

function outcomeOf(transition: JourneyTransition): string {
  return transition.rejected ? `refused: ${transition.rejected.reason}` : "applied";
}

/** The events, newest first: time since the first, type, source, commands and outcome. */
function Timeline({ entries }: { entries: readonly JourneyTransition[] }) {
  const start = entries[0]?.at ?? 0;
  return h(
    "section",
    { className: "timeline", "aria-label": "Event timeline" },
    h("h3", null, `Events (${entries.length})`),
    h(
      "ol",
      { reversed: true },
      [...entries]
        .reverse()
        .map((t, i) =>
          h(
            "li",
            { key: entries.length - i, "data-event": t.event.type, "data-source": sourceOf(t.event) },
            h("span", { className: "at" }, `+${((t.at - start) / 1000).toFixed(1)}s`),
            h("span", { className: "event" }, t.event.type),
            h("span", { className: "source" }, sourceOf(t.event)),
            h(
              "span",
              { className: "commands" },
              t.commands.length === 0 ? "no command" : t.commands.map((c) => c.type).join(", "),
            ),
            h("span", { className: t.rejected ? "outcome refused" : "outcome" }, outcomeOf(t)),
          ),
        ),
    ),
  );
}

/** The panel over one runtime and its log; re-renders on every transition. */
export function DevPanel({ runtime, log }: { runtime: JourneyRuntime; log: TransitionLog }) {
  const entries = useSyncExternalStore(log.subscribe, log.entries);
  return h(
    "aside",
    { className: "dev-panel", "aria-label": "Developer panel" },
    h(Statechart, { value: runtime.getState().value }),
    h(Timeline, { entries }),
  );
}
