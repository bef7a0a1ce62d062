/**
 * Terminal colour, by the usual conventions: FORCE_COLOR (any value but 0/false) turns it on even in a
 * pipe, FORCE_COLOR=0 and NO_COLOR (any non-empty value, https://no-color.org) turn it off, and
 * otherwise a terminal gets colour and a pipe or file does not.
 */
export function colourWanted(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !!stream.isTTY;
}

export type Colour = 'green' | 'yellow' | 'red';
const SGR: Readonly<Record<Colour, number>> = { red: 31, green: 32, yellow: 33 };

export function paint(text: string, colour: Colour): string {
  return `\x1b[${SGR[colour]}m${text}\x1b[39m`;
}

/** Text without its SGR colour codes: what a terminal shows of it. */
export function unpainted(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
