/** App signals the runtime reacts to: page visibility and network reachability. */
export interface AppSignals {
  /** Whether the app is in the foreground now. */
  isVisible(): boolean;
  /** Whether the network is reachable now. */
  isOnline(): boolean;
  /** Calls `listener` on every change; returns an unsubscribe function. */
  subscribe(listener: (change: { visible: boolean; online: boolean }) => void): () => void;
}

/** Signals that never change: always visible and online. The default outside a browser. */
export const steadySignals: AppSignals = {
  isVisible: () => true,
  isOnline: () => true,
  subscribe: () => () => {},
};

/** Signals from the browser: `document.visibilityState` and `navigator.onLine` with their events. */
export function browserSignals(): AppSignals {
  const doc = (globalThis as { document?: Document }).document;
  const win = (globalThis as { window?: Window }).window;
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  if (!doc || !win) return steadySignals;
  const isVisible = () => doc.visibilityState !== "hidden";
  const isOnline = () => nav?.onLine !== false;
  return {
    isVisible,
    isOnline,
    subscribe(listener) {
      const notify = () => listener({ visible: isVisible(), online: isOnline() });
      doc.addEventListener("visibilitychange", notify);
      win.addEventListener("online", notify);
      win.addEventListener("offline", notify);
      return () => {
        doc.removeEventListener("visibilitychange", notify);
        win.removeEventListener("online", notify);
        win.removeEventListener("offline", notify);
      };
    },
  };
}

/** Signals a test or a native shell drives by hand (React Native's AppState and NetInfo, say). */
export interface ControlledSignals extends AppSignals {
  /** Sets visibility and/or reachability and notifies listeners if anything changed. */
  set(change: Partial<{ visible: boolean; online: boolean }>): void;
}

/** Creates {@link ControlledSignals}, visible and online to begin with. */
export function controlledSignals(): ControlledSignals {
  let state = { visible: true, online: true };
  const listeners = new Set<(change: { visible: boolean; online: boolean }) => void>();
  return {
    isVisible: () => state.visible,
    isOnline: () => state.online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(change) {
      const next = { ...state, ...change };
      if (next.visible === state.visible && next.online === state.online) return;
      state = next;
      for (const l of listeners) l(state);
    },
  };
}
