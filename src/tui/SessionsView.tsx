import { Box, Text } from 'ink';
import { useRef } from 'react';
import { sessionCells, sessionHeader } from './format.js';
import { resultTone } from './session-row.js';
import type { ConsoleStore } from './store.js';

export const TONE_COLOUR = { good: 'green', warn: 'yellow', bad: 'red', open: 'cyan' } as const;

interface Props {
  readonly store: ConsoleStore;
  readonly columns: number;
  readonly height: number;
}

/** The session list: only the rows on screen are read from the store and rendered. */
export function SessionsView({ store, columns, height }: Props) {
  const top = useRef(0);
  const rows = Math.max(1, height - 1);
  const cursor = store.cursor;
  const size = store.viewSize;
  if (cursor < top.current) top.current = cursor;
  if (cursor >= top.current + rows) top.current = cursor - rows + 1;
  top.current = Math.max(0, Math.min(top.current, Math.max(0, size - rows)));
  const visible = store.viewRows(top.current, rows);
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{sessionHeader(columns)}</Text>
      {visible.length === 0 ? <Text dimColor>{store.totalCount ? 'no session matches the filter' : 'no sessions yet: connect a client to one of the peers (2 shows them)'}</Text> : null}
      {visible.map((r, i) => {
        const cells = sessionCells(r, columns);
        const focused = top.current + i === cursor;
        return (
          <Text key={r.id} inverse={focused} wrap="truncate">
            {cells.before}
            <Text color={TONE_COLOUR[resultTone(r.result)]}>{cells.result}</Text>
            {cells.after}
          </Text>
        );
      })}
    </Box>
  );
}
