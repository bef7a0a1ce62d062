import { Box, Text } from 'ink';
import type { FilterError } from './filter.js';

interface Props {
  readonly prompt: '/' | ':';
  readonly text: string;
  readonly error?: FilterError | undefined;
}

/** The filter or command line being typed; an error points at its position with a caret below. */
export function InputLine({ prompt, text, error }: Props) {
  return (
    <Box flexDirection="column" height={2}>
      <Text>{`${prompt}${text}█`}</Text>
      {error ? <Text color="red" wrap="truncate">{`${' '.repeat(prompt.length + error.position)}^ ${error.message}`}</Text> : <Text> </Text>}
    </Box>
  );
}
