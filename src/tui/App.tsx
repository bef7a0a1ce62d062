import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Box, type Key, Text } from 'ink';
import { useEffect } from 'react';
import { labCaCertFile } from '../certs/lab-ca.js';
import { CLIENT_POLICY_CHOICES } from '../model/client-policy.js';
import { SERVER_POLICIES } from '../model/server-policy.js';
import type { Quirks } from '../profiles/quirks.js';
import { profileNames } from '../profiles/resolve.js';
import { recordJson } from '../record/record-json.js';
import { scenarioFromRecord, scenarioYaml } from '../scenario/from-record.js';
import { reportJunit } from '../scenario/report-junit.js';
import { reportTap } from '../scenario/report-tap.js';
import { closingLine, runPaths } from '../scenario/runner.js';
import { PERSONALITIES } from '../smtp/personality.js';
import type { ConsoleLab } from './console-lab.js';
import { DETAIL_TABS, tabLines } from './detail-tabs.js';
import { DetailView } from './DetailView.js';
import { EventsView } from './EventsView.js';
import { HelpView } from './HelpView.js';
import { InputLine } from './InputLine.js';
import { Keyboard } from './Keyboard.js';
import { type CommandName, commandFor, type KeyContext, keyName } from './keys.js';
import { Panel } from './Panel.js';
import { PeersView } from './PeersView.js';
import { PickList } from './PickList.js';
import { reproduceCommands } from './reproduce.js';
import { scanFooter, ScanView } from './ScanView.js';
import { SessionsView } from './SessionsView.js';
import type { ConsoleStore } from './store.js';
import { useStore } from './use-store.js';
import { useSyncState } from './use-sync-state.js';
import { useTerminalSize } from './use-terminal-size.js';

export type View = 'sessions' | 'detail' | 'peers' | 'events' | 'scan' | 'help';

/** Quirk sets the pick list offers; `none` clears them. Each is one real misbehaviour (profiles/quirks.ts). */
export const QUIRK_PRESETS: readonly { readonly name: string; readonly quirks: Quirks }[] = [
  { name: 'none', quirks: {} },
  { name: 'hideStartTls', quirks: { hideStartTls: true } },
  { name: 'refuseStartTls', quirks: { refuseStartTls: true } },
  { name: 'intolerantAbove=TLSv1', quirks: { intolerantAbove: 'TLSv1' } },
  { name: 'intolerantAbove=TLSv1.2', quirks: { intolerantAbove: 'TLSv1.2' } },
  { name: 'intolerantOfTls13', quirks: { intolerantOfTls13: true } },
];

interface Pick {
  readonly title: string;
  readonly options: readonly string[];
  readonly index: number;
  readonly apply: (choice: string) => Promise<string>;
}

export interface AppProps {
  readonly store: ConsoleStore;
  readonly lab: ConsoleLab;
  /** Where S (scenario) and w (export) write. */
  readonly saveDir: string;
  readonly onQuit: () => void;
  /** Listen to keys (only on a terminal). @default true */
  readonly interactive?: boolean;
  /** Runs a `:` command line the console does not know itself (send, probe), resolving with one line to show. */
  readonly runCommand?: (line: string) => Promise<string>;
  /** Fixed size instead of the terminal's (tests). */
  readonly size?: { columns: number; rows: number };
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function App({ store, lab, saveDir, onQuit, interactive = true, size, runCommand }: AppProps) {
  useStore(store);
  const { columns, rows } = useTerminalSize(size);
  const [viewRef, setView] = useSyncState<View>('sessions');
  const [beforeRef, setBefore] = useSyncState<View>('sessions');
  const [tabRef, setTab] = useSyncState(0);
  const [scrollRef, setScroll] = useSyncState(0);
  const [peerIndexRef, setPeerIndex] = useSyncState(0);
  const [inputRef, setInput] = useSyncState<{ kind: 'filter' | 'command'; text: string } | undefined>(undefined);
  const [pickRef, setPick] = useSyncState<Pick | undefined>(undefined);
  const [panelRef, setPanel] = useSyncState<{ title: string; lines: string[] } | undefined>(undefined);
  const [messageRef, setMessage] = useSyncState('? help · 1 sessions · 2 peers · 3 events · 4 scan · s send · : command · / filter · q quit');
  // The detail view stays on the session it was opened on, whatever arrives meanwhile.
  const [openIdRef, setOpenId] = useSyncState<string | undefined>(undefined);
  /** The console's state now (renders and key handlers both read it through here). */
  const now = () => {
    const peers = store.peers;
    const openId = openIdRef.current;
    return {
      view: viewRef.current, before: beforeRef.current, tab: tabRef.current, scroll: scrollRef.current, peerIndex: peerIndexRef.current,
      input: inputRef.current, pick: pickRef.current, panel: panelRef.current, message: messageRef.current,
      peers, peer: peers[Math.min(peerIndexRef.current, peers.length - 1)], openRow: openId ? store.row(openId) : undefined,
    };
  };
  const { view, tab, scroll, peerIndex, input, pick, panel, message, peers, openRow } = now();

  // Peer counters change with every session and send no event: read them while the view shows them.
  useEffect(() => {
    if (view !== 'peers') return;
    store.refreshPeers();
    const timer = setInterval(() => store.refreshPeers(), 1000);
    return () => clearInterval(timer);
  }, [view, store]);

  const body = Math.max(3, rows - 3);

  const act = (what: Promise<string>): void => {
    what.then(setMessage, (err: unknown) => setMessage(`error: ${errorText(err)}`)).finally(() => store.refreshPeers());
  };

  /** `:run PATH…`: each scenario's pass/fail in the event log as it ends, then where the report is. */
  const runScenarioFiles = async (paths: readonly string[]): Promise<string> => {
    setMessage(`running scenarios in ${paths.join(' ') || 'scenarios'}… (3 shows each as it ends)`);
    const summary = await runPaths(paths.length ? paths : ['scenarios'], {
      jobs: 4,
      onScenario: (r) => {
        const failed = r.tests.filter((x) => !x.ok).length;
        store.note(`${failed ? 'FAIL' : 'PASS'} ${r.name} (${r.tests.length - failed}/${r.tests.length} tests, ${r.durationMs} ms)`);
      },
    });
    const base = join(saveDir, `scenario-report-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    writeFileSync(`${base}.tap`, reportTap(summary));
    writeFileSync(`${base}.xml`, reportJunit(summary));
    store.note(`${closingLine(summary)}; TAP in ${base}.tap, JUnit in ${base}.xml`);
    return `${closingLine(summary)}; report written to ${base}.tap (TAP) and ${base}.xml (JUnit)`;
  };

  // Key handling reads the refs, not this render's values: the previous key may have changed them.
  const onKey = (inputChar: string, key: Key): void => {
    // A paste (or keys arriving together) comes as one string: each character is a key of its own.
    if (inputChar.length > 1 && !key.ctrl && !key.meta && !inputChar.includes('\x1b')) {
      for (const ch of inputChar) onKey(ch === '\r' || ch === '\t' || ch === '\x7f' ? '' : ch, { ...key, return: ch === '\r', tab: ch === '\t', backspace: ch === '\x7f' });
      return;
    }
    const { view, before, input, pick, panel, peers, peer, openRow } = now();
    // Scrolling stops at the tab's last screen, so that scrolling back up answers at once.
    const lastScroll = (): number => {
      if (view === 'scan') {
        const scan = store.scans[store.scans.length - 1];
        return scan ? Math.max(0, scan.matrix.size + (scan.report ? 1 + scanFooter(scan.report).length : 0) - (body - 2)) : 0;
      }
      return openRow ? Math.max(0, tabLines(DETAIL_TABS[tabRef.current] ?? 'Outcome', openRow, store.record(openRow.id)).length - (body - 2)) : 0;
    };
    const selectedRecord = () => {
      const row = view === 'detail' ? openRow : store.selected;
      if (!row) return undefined;
      return store.record(row.id);
    };

    const pickFor = (title: string, options: readonly string[], current: string, apply: (choice: string) => Promise<string>): void => {
      setPick({ title, options, index: Math.max(0, options.indexOf(current)), apply });
    };

    const handlers: Record<CommandName, () => void> = {
      quit: onQuit,
      help: () => {
        setBefore(view === 'help' ? before : view);
        setView('help');
      },
      'view-sessions': () => setView('sessions'),
      'view-peers': () => setView('peers'),
      'view-events': () => setView('events'),
      'view-scan': () => {
        setScroll(0);
        setView('scan');
      },
      'send-form': () => {
        if (!runCommand) return setMessage('sending needs the lab\'s commands (mxlab lab / serve --tui)');
        const targets = peers.filter((p) => p.protocol === 'smtp' && p.role === 'server' && p.running).map((p) => p.name);
        const other = 'HOST:PORT… (type it on the command line)';
        pickFor('send to (a lab peer, or another server)', [...targets, other], '', (target) => {
          if (target === other) {
            setInput({ kind: 'command', text: 'send ' });
            return Promise.resolve('type HOST:PORT and flags, then Enter');
          }
          pickFor(`sender profile for the send to ${target}`, profileNames(), 'modern', (profile) => {
            pickFor(`policy (mxlab, Exchange and Cisco ESA words) for the send to ${target}`, CLIENT_POLICY_CHOICES, 'may', (policy) => {
              const labCa = labCaCertFile(lab.certsDir);
              const cas = ['system store', `lab CA (${labCa})`];
              pickFor('trust anchors for verify/secure', cas, cas[1]!, (ca) => {
                const line = `send ${target} --profile ${profile} --policy ${policy}${ca === cas[1] ? ` --ca ${labCa}` : ''}`;
                setMessage(`:${line} …`);
                return runCommand(line);
              });
              return Promise.resolve(`policy ${policy}: now the trust anchors`);
            });
            return Promise.resolve(`profile ${profile}: now the policy`);
          });
          return Promise.resolve(`target ${target}: now the sender profile`);
        });
      },
      back: () => {
        if (view === 'help') setView(before);
        else setView('sessions');
      },
      up: () => (view === 'detail' || view === 'scan' ? setScroll((s) => Math.max(0, s - 1)) : view === 'peers' ? setPeerIndex((i) => Math.max(0, i - 1)) : store.moveCursor(-1)),
      down: () => (view === 'detail' || view === 'scan' ? setScroll((s) => Math.min(lastScroll(), s + 1)) : view === 'peers' ? setPeerIndex((i) => Math.min(peers.length - 1, i + 1)) : store.moveCursor(1)),
      'page-up': () => (view === 'detail' || view === 'scan' ? setScroll((s) => Math.max(0, s - body)) : store.moveCursor(-body)),
      'page-down': () => (view === 'detail' || view === 'scan' ? setScroll((s) => Math.min(lastScroll(), s + body)) : store.moveCursor(body)),
      first: () => store.moveTo('first'),
      last: () => store.moveTo('last'),
      follow: () => {
        store.setFollow(!store.follow);
        setMessage(store.follow ? 'following new sessions' : 'follow off');
      },
      open: () => {
        const row = store.selected;
        if (!row) return;
        setOpenId(row.id);
        setTab(0);
        setScroll(0);
        setView('detail');
      },
      'next-tab': () => {
        setTab((t) => (t + 1) % DETAIL_TABS.length);
        setScroll(0);
      },
      'prev-tab': () => {
        setTab((t) => (t + DETAIL_TABS.length - 1) % DETAIL_TABS.length);
        setScroll(0);
      },
      filter: () => {
        setView('sessions');
        setInput({ kind: 'filter', text: store.filterText });
      },
      'command-line': () => setInput({ kind: 'command', text: '' }),
      'save-scenario': () => {
        const record = selectedRecord();
        if (!record) return setMessage('no finished session selected (an open session has no record yet)');
        try {
          const scenario = scenarioFromRecord(record, { records: store.recentRecords(), peers: lab.listPeers().map((p) => ({ name: p.name, ...(p.settings.personality ? { personality: p.settings.personality } : {}) })) });
          const file = join(saveDir, `scenario-${record.id}.yaml`);
          writeFileSync(file, scenarioYaml(scenario));
          setMessage(`scenario written to ${file}; run it with: mxlab run ${file}`);
        } catch (err) {
          setMessage(`error: ${errorText(err)}`);
        }
      },
      reproduce: () => {
        const record = selectedRecord();
        if (!record) return setMessage('no finished session selected');
        setPanel({ title: `reproduce ${record.id}`, lines: reproduceCommands(record) });
      },
      export: () => {
        const file = join(saveDir, `export-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
        const lines: string[] = [];
        for (const row of store.filteredRows()) {
          const r = store.record(row.id);
          if (r) lines.push(recordJson(r));
        }
        try {
          writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
          setMessage(`${lines.length} record(s) written to ${file}`);
        } catch (err) {
          setMessage(`error: ${errorText(err)}`);
        }
      },
      'peer-toggle': () => {
        if (!peer) return;
        act(peer.running ? lab.stopPeer(peer.name).then(() => `${peer.name} stopped`) : lab.startPeer(peer.name).then(() => `${peer.name} started`));
      },
      'peer-profile': () => {
        if (!peer || peer.role === 'proxy') return setMessage('a proxy has no TLS profile');
        pickFor(`profile for ${peer.name}`, profileNames(), peer.settings.profile, (p) => lab.reconfigurePeer(peer.name, { profile: p }).then((i) => `${i.name}: profile ${i.settings.profile} for new sessions`));
      },
      'peer-policy': () => {
        if (!peer || peer.role === 'proxy') return setMessage('change a proxy from the command line');
        pickFor(`policy for ${peer.name}`, SERVER_POLICIES, peer.settings.policy, (p) => lab.reconfigurePeer(peer.name, { policy: p }).then((i) => `${i.name}: policy ${i.settings.policy} for new sessions`));
      },
      'peer-quirks': () => {
        if (!peer || peer.role === 'proxy') return setMessage('a proxy has no quirks');
        pickFor(`quirks for ${peer.name}`, QUIRK_PRESETS.map((q) => q.name), peer.settings.quirks[0] ?? 'none', (name) => {
          const preset = QUIRK_PRESETS.find((q) => q.name === name)!;
          return lab.reconfigurePeer(peer.name, { quirks: preset.quirks }).then((i) => `${i.name}: quirks [${i.settings.quirks.join(', ')}]`);
        });
      },
      'peer-personality': () => {
        if (!peer || peer.protocol !== 'smtp' || peer.role !== 'server') return setMessage('only SMTP receivers have a personality');
        pickFor(`personality for ${peer.name}`, Object.keys(PERSONALITIES), peer.settings.personality ?? 'generic', (p) => lab.reconfigurePeer(peer.name, { personality: p }).then((i) => `${i.name}: personality ${i.settings.personality ?? p}`));
      },
    };

    const runCommandLine = (text: string): void => {
      const [verb = '', ...rest] = text.trim().split(/\s+/);
      switch (verb) {
        case 'q':
        case 'quit':
          return onQuit();
        case 'filter':
          store.setFilter(rest.join(' '));
          return setView('sessions');
        case 'help':
          return handlers.help();
        case 'run':
          return act(runScenarioFiles(rest));
        case '':
          return;
        default:
          if (!runCommand) return setMessage(`:${verb}: not a console command (q, filter EXPR, run PATHS, help)`);
          setMessage(`:${text.trim()} …`);
          act(runCommand(text));
      }
    };
    if (key.ctrl && inputChar === 'c') return onQuit();
    if (pick) {
      if (key.escape) return setPick(undefined);
      if (key.upArrow) return setPick({ ...pick, index: Math.max(0, pick.index - 1) });
      if (key.downArrow) return setPick({ ...pick, index: Math.min(pick.options.length - 1, pick.index + 1) });
      if (key.return) {
        const choice = pick.options[pick.index]!;
        setPick(undefined);
        setMessage(`applying ${choice}…`);
        act(pick.apply(choice));
      }
      return;
    }
    if (input) {
      if (key.escape) {
        if (input.kind === 'filter') store.setFilter('');
        return setInput(undefined);
      }
      if (key.return) {
        setInput(undefined);
        if (input.kind === 'command') runCommandLine(input.text);
        return;
      }
      const text = key.backspace || key.delete ? input.text.slice(0, -1) : key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow ? input.text : input.text + inputChar;
      setInput({ ...input, text });
      if (input.kind === 'filter') store.setFilter(text);
      return;
    }
    if (panel) {
      if (key.escape || inputChar === 'q') setPanel(undefined);
      return;
    }
    const context: KeyContext = view === 'help' ? 'global' : view;
    const command = commandFor(keyName(inputChar, key), context);
    if (command) handlers[command]();
    };

  const main = pick ? (
    <PickList title={pick.title} options={pick.options} index={pick.index} height={body} />
  ) : panel ? (
    <Panel title={panel.title} lines={panel.lines} height={body} />
  ) : view === 'detail' && openRow ? (
    <DetailView row={openRow} record={store.record(openRow.id)} tab={tab} scroll={scroll} height={body} />
  ) : view === 'peers' ? (
    <PeersView peers={peers} index={peerIndex} height={body} />
  ) : view === 'scan' ? (
    <ScanView scan={store.scans[store.scans.length - 1]} count={store.scans.length} scroll={scroll} height={body} />
  ) : view === 'events' ? (
    <EventsView events={store.events} height={body} />
  ) : view === 'help' ? (
    <HelpView height={body} columns={columns} />
  ) : (
    <SessionsView store={store} columns={columns} height={body} />
  );

  return (
    <Box flexDirection="column" width={columns} height={rows}>
      {interactive ? <Keyboard onKey={onKey} /> : null}
      <Text wrap="truncate">
        <Text bold color="cyan">mxlab</Text>
        {` ${view}  ${store.viewSize}/${store.totalCount} sessions${store.filterText ? ` filter: ${store.filterText}` : ''}${store.follow ? '  [follow]' : ''}`}
      </Text>
      {main}
      {input ? <InputLine prompt={input.kind === 'filter' ? '/' : ':'} text={input.text} error={input.kind === 'filter' ? store.filterError : undefined} /> : (
        <Box flexDirection="column" height={2}>
          <Text wrap="truncate">{message}</Text>
          <Text> </Text>
        </Box>
      )}
    </Box>
  );
}
