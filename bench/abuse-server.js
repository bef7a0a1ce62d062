// The lab under attack in bench/abuse.js: one `modern` receiver (STARTTLS listener) in its own process,
// so that its RSS is its own. argv[2]: JSON { runDir, limits?, maxMessageBytes?, idleTimeoutMs? }.
// Prints one JSON line {"port":N} when listening; on each stdin line "stats" prints one JSON line of
// figures (after a full GC when started with --expose-gc); lab-warnings are counted.
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import { Lab } from '../dist/lab/lab.js';

const o = JSON.parse(process.argv[2] ?? '{}');
const lab = new Lab({ runDir: o.runDir });
let warnings = 0;
const warningCodes = {};
lab.bus.on('lab-warning', (e) => {
  warnings += 1;
  warningCodes[e.code] = (warningCodes[e.code] ?? 0) + 1;
});
const results = {};
lab.bus.on('record', (e) => {
  const k = e.record.error?.code ? `${e.record.result}:${e.record.error.code}` : e.record.result;
  results[k] = (results[k] ?? 0) + 1;
});
const peer = await lab.addReceiver({
  name: 'mx', profile: 'modern', smtp: [0],
  ...(o.limits ? { limits: o.limits } : {}),
  ...(o.maxMessageBytes ? { maxMessageBytes: o.maxMessageBytes } : {}),
  ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
});
process.stdout.write(`${JSON.stringify({ port: peer.endpoints[0].port })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stats') return;
  globalThis.gc?.();
  // process.memoryUsage() opens /proc/self: it fails with EMFILE when the lab is out of descriptors (the
  // parent reads this process's RSS from /proc itself).
  let m;
  try {
    m = process.memoryUsage();
  } catch {
    m = { rss: -1, heapUsed: v8.getHeapStatistics().used_heap_size, external: -1 };
  }
  const c = peer.counters;
  process.stdout.write(`${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, records: lab.recordCount, open: c.open, overLimit: c.overLimit, acceptErrors: c.acceptErrors, warnings, warningCodes, results })}\n`);
});
