import { Box, Text } from 'ink';
import type { SessionRecord } from '../model/session-record.js';
import { DETAIL_TABS, tabLines } from './detail-tabs.js';
import { resultTone, type SessionRow } from './session-row.js';
import { TONE_COLOUR } from './SessionsView.js';

interface Props {
  readonly row: SessionRow;
  readonly record: SessionRecord | undefined;
  readonly tab: number;
  readonly scroll: number;
  readonly height: number;
}

/** One session in tabs: Outcome, Transcript, ClientHello, Certificate, Logs, JSON. */
export function DetailView({ row, record, tab, scroll, height }: Props) {
  const name = DETAIL_TABS[tab] ?? 'Outcome';
  const lines = tabLines(name, row, record);
  const body = Math.max(1, height - 2);
  const from = Math.max(0, Math.min(scroll, Math.max(0, lines.length - body)));
  return (
    <Box flexDirection="column" height={height}>
      <Text>
        <Text bold>{`${row.id} ${row.peer} `}</Text>
        <Text color={TONE_COLOUR[resultTone(row.result)]}>{row.result ?? 'open'}</Text>
        {'  '}
        {DETAIL_TABS.map((t, i) => (
          <Text key={t} inverse={i === tab}>{` ${t} `}</Text>
        ))}
      </Text>
      <Text dimColor>{`${from + 1}-${Math.min(lines.length, from + body)} of ${lines.length} lines (tab/←/→ tabs, ↑/↓ scroll, esc back)`}</Text>
      {lines.slice(from, from + body).map((l, i) => (
        <Text key={i} wrap="truncate">{l || ' '}</Text>
      ))}
    </Box>
  );
}
