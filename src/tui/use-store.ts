import { useSyncExternalStore } from 'react';
import type { ConsoleStore, StoreSnapshot } from './store.js';

/** Re-renders when the store says it changed (at most once per its throttle). */
export function useStore(store: ConsoleStore): StoreSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
