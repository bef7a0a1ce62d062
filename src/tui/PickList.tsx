import { Box, Text } from 'ink';

interface Props {
  readonly title: string;
  readonly options: readonly string[];
  readonly index: number;
  readonly height: number;
}

/** A list to choose one value from (↑/↓, enter, esc). */
export function PickList({ title, options, index, height }: Props) {
  // The border takes two lines and the title one: the options get the rest, scrolled to the focus.
  const rows = Math.max(1, height - 3);
  const top = Math.max(0, Math.min(index - Math.floor(rows / 2), options.length - rows));
  return (
    <Box flexDirection="column" height={height} borderStyle="single">
      <Text bold wrap="truncate">{`${title} (${index + 1}/${options.length}; ↑/↓, enter to apply, esc to cancel)`}</Text>
      {options.slice(top, top + rows).map((o, i) => (
        <Text key={o} inverse={top + i === index} wrap="truncate">{o}</Text>
      ))}
    </Box>
  );
}
