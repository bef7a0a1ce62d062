import type { LabEvent } from '../events/events.js';
import type { ScanReport } from '../model/scan-report.js';

/** The columns of the Scan view's matrix, oldest version first. */
export const SCAN_VERSIONS = ['SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

/**
 * One scan as the console sees it: filled from each connection's answer while it runs (which suites
 * a server chose at which version), replaced by the scan's report when it ends. Scan sessions are
 * `${idPrefix}-${n}`; the report names the prefix.
 */
export interface ScanState {
  readonly prefix: string;
  /** `smtp 127.0.0.1:2525`, from the first connection's start, then the report's target. */
  target: string;
  started: number;
  /** Connections the scan has made so far. */
  connections: number;
  /** Answers read (ServerHello, alert, close, …). */
  answers: number;
  /** Suite name → versions at which a server chose it, in the order they were first seen. */
  readonly matrix: Map<string, Set<string>>;
  report?: ScanReport;
}

const prefixOf = (session: string): string | undefined => /^(.*)-\d+$/.exec(session)?.[1];

/** The scans seen on a lab's event stream (the last `keep` of them), newest last. */
export class ScanTracker {
  readonly #scans: ScanState[] = [];
  readonly #keep: number;
  /** Sessions seen starting, until their scan answers: the scanner's first events say nothing of a scan. */
  readonly #starts = new Map<string, { at: number; target: string }>();

  constructor(keep = 20) {
    this.#keep = keep;
  }

  get scans(): readonly ScanState[] {
    return this.#scans;
  }

  get latest(): ScanState | undefined {
    return this.#scans[this.#scans.length - 1];
  }

  /** Takes one event; says whether it changed a scan. */
  onEvent(e: LabEvent): boolean {
    switch (e.type) {
      case 'session-start':
        if (e.role !== 'client') return false;
        this.#starts.set(e.session, { at: e.at, target: `${e.protocol}${e.tlsMode === 'implicit' ? ' (implicit TLS)' : ''} ${e.remote.address}:${e.remote.port}` });
        return false;
      case 'session-end':
        this.#starts.delete(e.session);
        return false;
      case 'scan-answer': {
        const prefix = prefixOf(e.session);
        if (!prefix) return false;
        const start = this.#starts.get(e.session);
        const scan = this.#scan(prefix, start?.at ?? e.at, start?.target ?? prefix);
        scan.connections = Math.max(scan.connections, Number(e.session.slice(prefix.length + 1)));
        scan.answers += 1;
        if (e.chosen) {
          const versions = scan.matrix.get(e.chosen.suite) ?? new Set<string>();
          versions.add(e.chosen.version);
          scan.matrix.set(e.chosen.suite, versions);
        }
        return true;
      }
      case 'scan-report': {
        const t = e.report.target;
        const scan = this.#scan(e.idPrefix, e.at, '');
        scan.target = `${t.protocol} ${t.host}:${t.port}`;
        scan.report = e.report;
        scan.connections = e.report.connections;
        // The report is the authority: the matrix becomes what it found.
        scan.matrix.clear();
        for (const v of e.report.versions) {
          for (const s of v.suites) {
            const name = s.openssl ?? s.iana;
            const versions = scan.matrix.get(name) ?? new Set<string>();
            versions.add(v.version);
            scan.matrix.set(name, versions);
          }
        }
        return true;
      }
      default:
        return false;
    }
  }

  #scan(prefix: string, at: number, target: string): ScanState {
    let scan = this.#scans.find((s) => s.prefix === prefix);
    if (!scan) {
      scan = { prefix, target, started: at, connections: 0, answers: 0, matrix: new Map() };
      this.#scans.push(scan);
      if (this.#scans.length > this.#keep) this.#scans.shift();
    }
    return scan;
  }
}
