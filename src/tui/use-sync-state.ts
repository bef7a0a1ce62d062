import { useRef, useState } from 'react';

/**
 * State whose latest value key handlers read at once: keys typed faster than React re-renders (a paste,
 * a test writing keys) must see the mode the previous key set, not the one of the last render.
 */
export function useSyncState<T>(initial: T): [{ readonly current: T }, (value: T | ((old: T) => T)) => void] {
  const ref = useRef(initial);
  const [, setTick] = useState(0);
  const set = (value: T | ((old: T) => T)): void => {
    ref.current = typeof value === 'function' ? (value as (old: T) => T)(ref.current) : value;
    setTick((n) => n + 1);
  };
  return [ref, set];
}
