/**
 * Every key binding of the console, as data: the input hook dispatches from this table and the `?`
 * help is generated from it, so the two cannot drift apart.
 */

export const COMMANDS = [
  'quit', 'help', 'view-sessions', 'view-peers', 'view-events', 'view-scan', 'back', 'send-form',
  'up', 'down', 'page-up', 'page-down', 'first', 'last', 'follow',
  'open', 'next-tab', 'prev-tab', 'filter', 'command-line',
  'save-scenario', 'reproduce', 'export',
  'peer-toggle', 'peer-profile', 'peer-policy', 'peer-quirks', 'peer-personality',
] as const;
export type CommandName = (typeof COMMANDS)[number];

export type KeyContext = 'global' | 'sessions' | 'detail' | 'peers' | 'events' | 'scan';

export interface KeyBinding {
  /** What the user presses: a character, or a named key (up, down, return, escape, tab, pageup, pagedown, home, end). */
  readonly key: string;
  readonly command: CommandName;
  readonly context: KeyContext;
  readonly help: string;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { key: 'q', command: 'quit', context: 'global', help: 'quit (records stay in sessions.jsonl)' },
  { key: '?', command: 'help', context: 'global', help: 'this help' },
  { key: '1', command: 'view-sessions', context: 'global', help: 'Sessions view' },
  { key: '2', command: 'view-peers', context: 'global', help: 'Peers view' },
  { key: '3', command: 'view-events', context: 'global', help: 'event log (warnings, peer changes)' },
  { key: '4', command: 'view-scan', context: 'global', help: 'Scan view (the newest :scan, filling in as it runs)' },
  { key: 'escape', command: 'back', context: 'global', help: 'back / close' },
  { key: 's', command: 'send-form', context: 'sessions', help: 'send a message: pick target, sender profile, policy, CA' },
  { key: '/', command: 'filter', context: 'sessions', help: 'filter sessions (result:tls & !peer:modern | …)' },
  { key: ':', command: 'command-line', context: 'global', help: 'command line (:send PEER|HOST:PORT --policy encrypt, :probe PEER, :scan PEER|PROTO HOST:PORT, :run SCENARIOS, :filter EXPR, :q)' },
  { key: 'up', command: 'up', context: 'sessions', help: 'previous session' },
  { key: 'k', command: 'up', context: 'sessions', help: 'previous session' },
  { key: 'down', command: 'down', context: 'sessions', help: 'next session' },
  { key: 'j', command: 'down', context: 'sessions', help: 'next session' },
  { key: 'pageup', command: 'page-up', context: 'sessions', help: 'one screen up' },
  { key: 'pagedown', command: 'page-down', context: 'sessions', help: 'one screen down' },
  { key: 'g', command: 'first', context: 'sessions', help: 'first session' },
  { key: 'G', command: 'last', context: 'sessions', help: 'last session' },
  { key: 'f', command: 'follow', context: 'sessions', help: 'follow new sessions on/off' },
  { key: 'return', command: 'open', context: 'sessions', help: 'open the session (detail tabs)' },
  { key: 'S', command: 'save-scenario', context: 'sessions', help: 'save the session as a scenario YAML' },
  { key: 'R', command: 'reproduce', context: 'sessions', help: 'command lines that reproduce the session' },
  { key: 'w', command: 'export', context: 'sessions', help: 'write the filtered sessions as JSONL' },
  { key: 'tab', command: 'next-tab', context: 'detail', help: 'next tab' },
  { key: 'right', command: 'next-tab', context: 'detail', help: 'next tab' },
  { key: 'left', command: 'prev-tab', context: 'detail', help: 'previous tab' },
  { key: 'up', command: 'up', context: 'detail', help: 'scroll up' },
  { key: 'k', command: 'up', context: 'detail', help: 'scroll up' },
  { key: 'down', command: 'down', context: 'detail', help: 'scroll down' },
  { key: 'j', command: 'down', context: 'detail', help: 'scroll down' },
  { key: 'pageup', command: 'page-up', context: 'detail', help: 'one screen up' },
  { key: 'pagedown', command: 'page-down', context: 'detail', help: 'one screen down' },
  { key: 'S', command: 'save-scenario', context: 'detail', help: 'save the session as a scenario YAML' },
  { key: 'R', command: 'reproduce', context: 'detail', help: 'command lines that reproduce the session' },
  { key: 'up', command: 'up', context: 'scan', help: 'scroll up' },
  { key: 'k', command: 'up', context: 'scan', help: 'scroll up' },
  { key: 'down', command: 'down', context: 'scan', help: 'scroll down' },
  { key: 'j', command: 'down', context: 'scan', help: 'scroll down' },
  { key: 'pageup', command: 'page-up', context: 'scan', help: 'one screen up' },
  { key: 'pagedown', command: 'page-down', context: 'scan', help: 'one screen down' },
  { key: 'up', command: 'up', context: 'peers', help: 'previous peer' },
  { key: 'k', command: 'up', context: 'peers', help: 'previous peer' },
  { key: 'down', command: 'down', context: 'peers', help: 'next peer' },
  { key: 'j', command: 'down', context: 'peers', help: 'next peer' },
  { key: 's', command: 'peer-toggle', context: 'peers', help: 'start / stop the peer' },
  { key: 'p', command: 'peer-profile', context: 'peers', help: 'change the profile (pick list)' },
  { key: 'o', command: 'peer-policy', context: 'peers', help: 'change the policy (pick list)' },
  { key: 'u', command: 'peer-quirks', context: 'peers', help: 'change the quirks (pick list)' },
  { key: 'n', command: 'peer-personality', context: 'peers', help: 'change the SMTP personality (pick list)' },
];

/** ink's flags of one key press, as far as the table needs them. */
export interface KeyFlags {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly leftArrow?: boolean;
  readonly rightArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly tab?: boolean;
  readonly ctrl?: boolean;
}

/** The table's name for a key press. */
export function keyName(input: string, k: KeyFlags): string {
  if (k.upArrow) return 'up';
  if (k.downArrow) return 'down';
  if (k.leftArrow) return 'left';
  if (k.rightArrow) return 'right';
  if (k.pageUp) return 'pageup';
  if (k.pageDown) return 'pagedown';
  if (k.home) return 'home';
  if (k.end) return 'end';
  if (k.return) return 'return';
  if (k.escape) return 'escape';
  if (k.tab) return 'tab';
  return input;
}

/** The command a key means in a context: the context's own binding first, then the global one. */
export function commandFor(key: string, context: KeyContext): CommandName | undefined {
  return (KEY_BINDINGS.find((b) => b.key === key && b.context === context) ?? KEY_BINDINGS.find((b) => b.key === key && b.context === 'global'))?.command;
}

/** The help screen's lines, one per context, bindings of the same command joined (`up/k`). */
export function helpLines(): { context: KeyContext; keys: string; help: string }[] {
  const out: { context: KeyContext; keys: string; help: string }[] = [];
  for (const b of KEY_BINDINGS) {
    const same = out.find((o) => o.context === b.context && o.help === b.help);
    if (same) same.keys += `/${b.key}`;
    else out.push({ context: b.context, keys: b.key, help: b.help });
  }
  return out;
}
