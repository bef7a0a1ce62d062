import { Box, Text } from 'ink';
import type { PeerInfo } from '../lab/lab.js';
import { fit } from './format.js';

interface Props {
  readonly peers: readonly PeerInfo[];
  readonly index: number;
  readonly height: number;
}

/** Every peer: endpoints, profile and summary, policy, quirks, personality, counts; two lines each. */
export function PeersView({ peers, index, height }: Props) {
  const per = 2;
  const fits = Math.max(1, Math.floor((height - 1) / per));
  const top = Math.max(0, Math.min(index - Math.floor(fits / 2), peers.length - fits));
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>{`${fit('PEER', 26)}${fit('STATE', 9)}${fit('ENDPOINTS', 34)}${fit('PROFILE', 24)}${fit('POLICY', 11)}OPEN/ALL`}</Text>
      {peers.slice(top, top + fits).map((p, i) => {
        const at = top + i;
        const endpoints = p.endpoints.map((e) => `${e.protocol}${e.tlsMode === 'implicit' ? 's' : ''}:${e.port}`).join(' ');
        const turnedAway = [
          p.counters.overLimit ? `${p.counters.overLimit} refused over limit` : '',
          p.counters.acceptErrors ? `${p.counters.acceptErrors} lost at accept (EMFILE)` : '',
        ];
        const extra = [...turnedAway, p.summary, p.settings.quirks.length ? `quirks ${p.settings.quirks.join(', ')}` : '', p.settings.personality ? `personality ${p.settings.personality}` : ''].filter(Boolean).join(' · ');
        return (
          <Box key={p.name} flexDirection="column">
            <Text inverse={at === index} wrap="truncate">
              {fit(p.name, 26)}
              <Text color={p.running ? 'green' : 'red'}>{fit(p.running ? 'running' : 'stopped', 9)}</Text>
              {`${fit(endpoints, 34)}${fit(p.settings.profile, 24)}${fit(p.settings.policy, 11)}${p.counters.open}/${p.counters.sessions}`}
            </Text>
            <Text dimColor wrap="truncate">{`  ${extra || '-'}`}</Text>
          </Box>
        );
      })}
    </Box>
  );
}
