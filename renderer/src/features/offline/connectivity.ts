// Are we connected? The browser's navigator.onLine, corrected by what broker calls actually did:
// a network failure means offline even when the OS thinks it is online (captive Wi-Fi, VPN down),
// and the next successful call means online again.

import { useSyncExternalStore } from 'react';

type Listener = () => void;

export interface Connectivity {
  online: boolean;
  /** The browser says so (navigator.onLine). */
  browserOnline: boolean;
  /** The last broker call failed for network reasons (and none succeeded since). */
  brokerUnreachable: boolean;
}

const listeners = new Set<Listener>();
let brokerUnreachable = false;
let snapshot: Connectivity | undefined;

function browserOnline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine !== false;
}

function compute(): Connectivity {
  const b = browserOnline();
  return { online: b && !brokerUnreachable, browserOnline: b, brokerUnreachable };
}

function emit() {
  const next = compute();
  if (!snapshot || next.online !== snapshot.online || next.browserOnline !== snapshot.browserOnline || next.brokerUnreachable !== snapshot.brokerUnreachable) {
    snapshot = next;
    for (const l of listeners) l();
  }
}

/** Record the outcome of a broker call: `false` for a network/timeout failure, `true` for any answer. */
export function reportBrokerReachable(reachable: boolean): void {
  brokerUnreachable = !reachable;
  emit();
}

export function connectivity(): Connectivity {
  snapshot ??= compute();
  return snapshot;
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  const onChange = () => {
    // Coming back online: give the broker a fresh chance.
    if (browserOnline()) brokerUnreachable = false;
    emit();
  };
  const target = globalThis as unknown as { addEventListener?: (t: string, f: () => void) => void; removeEventListener?: (t: string, f: () => void) => void };
  target.addEventListener?.('online', onChange);
  target.addEventListener?.('offline', onChange);
  return () => {
    listeners.delete(listener);
    target.removeEventListener?.('online', onChange);
    target.removeEventListener?.('offline', onChange);
  };
}

export function useConnectivity(): Connectivity {
  return useSyncExternalStore(subscribe, connectivity, connectivity);
}
