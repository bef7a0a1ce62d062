import t from 'tap';
import type { SessionRecord } from '../../src/model/session-record.js';
import { recordJson } from '../../src/record/record-json.js';
import { buildClientHello } from '../../src/tls/client-hello-builder.js';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { helloJson } from '../../src/tls/hello-shape-cache.js';
import { RawSmtp } from '../fixtures/raw-smtp.js';
import { portOf, startTestLab } from '../fixtures/test-lab.js';

/**
 * A record's JSON line is built from the shape cache's JSON of its ClientHello: it must say exactly
 * what JSON.stringify would (key order aside), for a hello parsed cold, one from the cache, and none.
 */

t.test('helloJson = JSON.stringify for cold and cached summaries', async (t) => {
  const spec = { suites: [0x1301, 0xc02f, 0x009e], extensions: [{ type: 'server_name' as const, host: 'mx.example.net' }, { type: 'supported_versions' as const, versions: [0x0304, 0x0303] }, { type: 'key_share' as const, shares: [0x001d] }] };
  for (let i = 0; i < 3; i += 1) {
    const parsed = parseClientHello(buildClientHello(spec).bytes);
    if (parsed.status !== 'ok') throw new Error(parsed.status);
    t.same(JSON.parse(helloJson(parsed.hello)), JSON.parse(JSON.stringify(parsed.hello)), `hello ${i + 1}`);
    t.match(helloJson(parsed.hello), /"random":"[0-9a-f]{64}"/, `hello ${i + 1} carries its own random`);
  }
});

t.test('sessions.jsonl lines parse back to the records the lab holds', async (t) => {
  const lab = await startTestLab(t, [{ name: 'rx', profile: 'modern', smtp: [0], smtps: [0] }]);
  for (let i = 0; i < 3; i += 1) {
    const c = await RawSmtp.connect(portOf(lab, 'rx'));
    await c.hello(`c${i}.example`);
    await c.startTls();
    await c.command(`EHLO c${i}.example`);
    await c.quit();
  }
  const plain = await RawSmtp.connect(portOf(lab, 'rx'));
  await plain.hello('plain.example');
  await plain.quit();
  for (let i = 0; i < 100 && lab.recordCount < 4; i += 1) await new Promise((r) => setTimeout(r, 20));
  const records: readonly SessionRecord[] = lab.records;
  t.equal(records.length, 4);
  for (const r of records) t.same(JSON.parse(recordJson(r)), JSON.parse(JSON.stringify(r)), `${r.helo}: same JSON`);
  t.equal(records.filter((r) => r.clientHello).length, 3, 'three with a ClientHello, one without');
});
