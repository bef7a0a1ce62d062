import { Box, Text } from 'ink';
import { FILTER_FIELDS } from './filter.js';
import { fit } from './format.js';
import { helpLines } from './keys.js';

/** `?`: generated from the key table, so it lists exactly what the keys do; in columns when tall. */
export function HelpView({ height, columns }: { readonly height: number; readonly columns: number }) {
  const entries = helpLines().map((l) => `${l.context.padEnd(9)}${l.keys.padEnd(12)}${l.help}`);
  const rows = Math.max(1, height - 2);
  const cols = Math.ceil(entries.length / rows);
  const width = Math.floor(columns / cols);
  const lines = Array.from({ length: Math.min(rows, entries.length) }, (_, r) => Array.from({ length: cols }, (_, c) => fit(entries[c * rows + r] ?? '', width)).join('').trimEnd());
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>keys (context, key, what it does)</Text>
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate">{l}</Text>
      ))}
      <Text dimColor wrap="truncate">{`filter: ${FILTER_FIELDS.map((f) => `${f}:VALUE`).join(' ')}, free text, ! & | ( ); e.g. result:handshake-failed & !peer:modern`}</Text>
    </Box>
  );
}
