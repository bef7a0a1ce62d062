import { type Key, useInput } from 'ink';

/**
 * The key listener as its own component, mounted only on a terminal: ink's useInput puts stdin in raw
 * mode, which fails without a TTY.
 */
export function Keyboard({ onKey }: { readonly onKey: (input: string, key: Key) => void }) {
  useInput(onKey);
  return null;
}
