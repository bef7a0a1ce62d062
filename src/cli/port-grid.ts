/** One listening port of a lab, as the start-up map lists it. */
export interface MappedPort {
  readonly address: string;
  readonly port: number;
  /** smtp, smtps, imap, imaps, pop3 or pop3s. */
  readonly kind: string;
  /** Peer name (the line layout shows it). */
  readonly name: string;
  /** Profile name (the grid's rows). */
  readonly profile: string;
  /** The policy of the STARTTLS-style listener, or implicit-tls. */
  readonly policy: string;
}

const KINDS = ['smtp', 'smtps', 'imap', 'imaps', 'pop3', 'pop3s'] as const;

/** The map as it has always been: one line per port (what a pipe gets). */
export function portLines(ports: readonly MappedPort[]): string[] {
  return ports.map((p) => `  ${`${p.address}:${p.port}`.padEnd(22)}${p.kind.padEnd(7)}${p.name.padEnd(34)}policy=${p.policy}`);
}

/**
 * The map for a terminal: a header and one line per profile with its ports by kind (several ports of
 * one kind joined by commas, none shown as -), the listen address in the header when all share it.
 */
export function portGrid(ports: readonly MappedPort[]): string[] {
  const rows = new Map<string, { ports: Map<string, number[]>; policies: Set<string>; addresses: Set<string> }>();
  for (const p of ports) {
    let row = rows.get(p.profile);
    if (!row) rows.set(p.profile, (row = { ports: new Map(), policies: new Set(), addresses: new Set() }));
    row.ports.set(p.kind, [...(row.ports.get(p.kind) ?? []), p.port]);
    if (p.policy !== 'implicit-tls') row.policies.add(p.policy);
    row.addresses.add(p.address);
  }
  const addresses = new Set(ports.map((p) => p.address));
  const kinds = KINDS.filter((k) => ports.some((p) => p.kind === k));
  const cells = [...rows].map(([profile, row]) => ({
    profile: addresses.size > 1 ? `${profile} (${[...row.addresses].join(', ')})` : profile,
    ports: kinds.map((k) => row.ports.get(k)?.join(',') ?? '-'),
    policy: [...row.policies].join('/') || 'implicit-tls',
  }));
  const title = addresses.size === 1 ? `PROFILE on ${[...addresses][0]}` : 'PROFILE';
  const first = Math.max(title.length, ...cells.map((c) => c.profile.length)) + 2;
  const widths = kinds.map((k, i) => Math.max(k.length, ...cells.map((c) => c.ports[i]!.length)) + 2);
  return [
    `  ${title.padEnd(first)}${kinds.map((k, i) => k.toUpperCase().padEnd(widths[i]!)).join('')}POLICY`,
    ...cells.map((c) => `  ${c.profile.padEnd(first)}${c.ports.map((p, i) => p.padEnd(widths[i]!)).join('')}${c.policy}`),
  ];
}
