import { Box, Text } from 'ink';
import { FILTER_FIELDS } from './filter.js';
import { helpLines } from './keys.js';

/** `?`: generated from the key table, so it lists exactly what the keys do. */
export function HelpView({ height }: { readonly height: number }) {
  const lines = helpLines();
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>keys (context: key — what it does)</Text>
      {lines.map((l) => (
        <Text key={`${l.context}${l.keys}`} wrap="truncate">{`${l.context.padEnd(9)}${l.keys.padEnd(14)}${l.help}`}</Text>
      ))}
      <Text dimColor wrap="truncate">{`filter: ${FILTER_FIELDS.map((f) => `${f}:VALUE`).join(' ')}, free text, ! & | ( ); e.g. result:handshake-failed & !peer:modern`}</Text>
    </Box>
  );
}
