import { Box, Text } from 'ink';
import type { EventLogEntry } from './store.js';

/** The lab's warnings and peer changes, newest last. */
export function EventsView({ events, height }: { readonly events: readonly EventLogEntry[]; readonly height: number }) {
  const shown = events.slice(-Math.max(1, height - 1));
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>event log (warnings, peer changes)</Text>
      {shown.map((e, i) => (
        <Text key={i} color={e.kind === 'warning' ? 'red' : undefined} wrap="truncate">{`${new Date(e.at).toISOString().slice(11, 23)} ${e.kind.padEnd(8)}${e.text}`}</Text>
      ))}
    </Box>
  );
}
