import { Box, Text } from 'ink';

/** A read-only page of lines (reproduce commands), closed with esc. */
export function Panel({ title, lines, height }: { readonly title: string; readonly lines: readonly string[]; readonly height: number }) {
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{`${title} (esc closes)`}</Text>
      {lines.slice(0, Math.max(1, height - 1)).map((l, i) => (
        <Text key={i}>{l || ' '}</Text>
      ))}
    </Box>
  );
}
