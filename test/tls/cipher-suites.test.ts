import t from 'tap';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import {
  CIPHER_SUITES,
  type CipherSuite,
  isGrease,
  suiteByCode,
  suiteByIana,
  suiteByOpenssl,
  suiteCodeText,
  suiteName,
} from '../../src/tls/cipher-suites.js';
import {
  alertCode,
  alertLevelName,
  alertName,
  contentTypeName,
  extensionName,
  groupName,
  handshakeTypeName,
  hex16,
  signatureSchemeName,
  ssl2CipherKindName,
  versionCode,
  versionName,
} from '../../src/tls/registry.js';

/** `0xC0,0x2F - TLS_… - ECDHE-…` lines of `openssl ciphers -V -stdname` as [code, iana, openssl]. */
function opensslSuites(args: readonly string[]): [number, string, string][] {
  const out = execFileSync('openssl', ['ciphers', '-V', '-stdname', ...args], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().match(/^0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => [parseInt(m[1]! + m[2]!, 16), m[3]!, m[4]!]);
}

t.test('the table is consistent', async (t) => {
  const codes = CIPHER_SUITES.map((s) => s.code);
  t.same(codes, [...codes].sort((a, b) => a - b), 'sorted by code');
  t.equal(new Set(codes).size, codes.length, 'codes are unique');
  t.equal(new Set(CIPHER_SUITES.map((s) => s.iana)).size, codes.length, 'IANA names are unique');
  const openssl = CIPHER_SUITES.flatMap((s) => (s.openssl === undefined ? [] : [s.openssl]));
  t.equal(new Set(openssl).size, openssl.length, 'OpenSSL names are unique');
  for (const s of CIPHER_SUITES) {
    if (!(s.code >= 0 && s.code <= 0xffff)) t.fail(`${s.iana}: code out of range`);
    if (!/^TLS_[A-Za-z0-9_]+$/.test(s.iana)) t.fail(`${s.iana}: not an IANA-style name`);
    if (s.tls13 === true && (s.kx !== 'TLS13' || s.openssl !== s.iana)) t.fail(`${s.iana}: TLS 1.3 fields`);
    if (s.export === true && (s.legacy !== true || s.bits !== 40)) t.fail(`${s.iana}: EXPORT suites are legacy 40-bit`);
    if (s.scsv === true && (s.kx !== 'SCSV' || s.openssl !== undefined || s.legacy === true)) t.fail(`${s.iana}: SCSV fields`);
    if ((s.enc === 'None') !== (s.bits === 0)) t.fail(`${s.iana}: bits ${s.bits} with enc ${s.enc}`);
    if (isGrease(s.code)) t.fail(`${s.iana}: a GREASE code in the table`);
  }
  t.ok(CIPHER_SUITES.length > 230);
});

t.test('every suite this machine’s OpenSSL knows is in the table, not legacy, with the same names', async (t) => {
  const all = [
    ...opensslSuites(['ALL:COMPLEMENTOFALL:@SECLEVEL=0']),
    ...opensslSuites(['-s', '-tls1_3', '-ciphersuites', 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256']),
  ];
  t.ok(all.length > 150, `${all.length} suites from openssl`);
  const known = new Set<number>();
  for (const [code, iana, openssl] of all) {
    known.add(code);
    const s = suiteByCode(code);
    if (s === undefined) {
      t.fail(`${iana} (${suiteCodeText(code)}) missing: regenerate the table`);
      continue;
    }
    if (s.iana !== iana || s.openssl !== openssl || s.legacy === true) t.fail(`${iana}: table says ${JSON.stringify(s)}`);
  }
  const claimed = CIPHER_SUITES.filter((s) => s.legacy !== true && s.scsv !== true);
  t.same(claimed.filter((s) => !known.has(s.code)).map((s) => s.iana), [], 'no suite claims OpenSSL 3 support it lacks');
});

t.test('Node’s own OpenSSL can configure every non-legacy suite and none of the legacy ones', async (t) => {
  const configurable = (s: CipherSuite): boolean => {
    try {
      // Node moves TLS 1.3 names to SSL_CTX_set_ciphersuites; the TLS 1.2 list must not end up empty.
      tls.createSecureContext({ ciphers: `${s.openssl}${s.tls13 === true ? ':AES128-SHA' : ''}@SECLEVEL=0` });
      return true;
    } catch {
      return false;
    }
  };
  const wrong = CIPHER_SUITES.filter((s) => s.openssl !== undefined && configurable(s) === (s.legacy === true));
  t.same(wrong.map((s) => s.openssl), [], 'legacy exactly when Node cannot use it');
  const unknown = tls.getCiphers().filter((name) => CIPHER_SUITES.every((s) => s.openssl?.toLowerCase() !== name));
  t.same(unknown, [], 'every name in tls.getCiphers() is in the table');
});

t.test('hand-added legacy suites', async (t) => {
  const want: [number, string, string][] = [
    [0x0004, 'TLS_RSA_WITH_RC4_128_MD5', 'RC4-MD5'],
    [0x0005, 'TLS_RSA_WITH_RC4_128_SHA', 'RC4-SHA'],
    [0xc011, 'TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'ECDHE-RSA-RC4-SHA'],
    [0xc007, 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'ECDHE-ECDSA-RC4-SHA'],
    [0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA'],
    [0x0016, 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA', 'EDH-RSA-DES-CBC3-SHA'],
    [0xc012, 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'ECDHE-RSA-DES-CBC3-SHA'],
    [0x0009, 'TLS_RSA_WITH_DES_CBC_SHA', 'DES-CBC-SHA'],
    [0x0003, 'TLS_RSA_EXPORT_WITH_RC4_40_MD5', 'EXP-RC4-MD5'],
    [0x0014, 'TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA', 'EXP-EDH-RSA-DES-CBC-SHA'],
  ];
  for (const [code, iana, openssl] of want) {
    const s = suiteByCode(code);
    t.equal(s?.iana, iana, iana);
    t.equal(s?.openssl, openssl);
    t.equal(s?.legacy, true);
    t.equal(suiteByIana(iana), s);
    t.equal(suiteByOpenssl(openssl), s);
  }
  t.equal(suiteByCode(0x0003)?.export, true);
  t.equal(suiteByCode(0x0003)?.bits, 40);
  t.equal(suiteByCode(0x000a)?.bits, 168);
  t.equal(suiteByCode(0x000a)?.enc, '3DES');
  t.equal(suiteByCode(0xc011)?.kx, 'ECDHE');
  t.equal(suiteByCode(0x0018)?.au, 'None', 'anonymous DH');
  t.equal(suiteByCode(0xc004)?.kx, 'ECDH', 'static ECDH');
  t.equal(suiteByOpenssl('DHE-RSA-DES-CBC3-SHA')?.code, 0x0016, 'OpenSSL 1.1 spelling of EDH-');
  t.equal(suiteByOpenssl('DHE-RSA-NOPE'), undefined);
  t.equal(suiteByOpenssl('NOPE'), undefined);
});

t.test('signalling suites', async (t) => {
  t.equal(suiteName(0x00ff), 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
  t.equal(suiteName(0x5600), 'TLS_FALLBACK_SCSV');
  t.equal(suiteByCode(0x5600)?.scsv, true);
  t.equal(suiteByCode(0x00ff)?.legacy, undefined, 'OpenSSL 3 sends it in every TLS 1.2 hello');
});

t.test('generated entries', async (t) => {
  t.same(suiteByIana('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'), {
    code: 0xc02f,
    iana: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    openssl: 'ECDHE-RSA-AES128-GCM-SHA256',
    kx: 'ECDHE',
    au: 'RSA',
    enc: 'AESGCM',
    bits: 128,
    mac: 'AEAD',
  });
  t.equal(suiteByOpenssl('TLS_AES_128_GCM_SHA256')?.tls13, true);
  t.equal(suiteByCode(0x1303)?.enc, 'CHACHA20/POLY1305');
  t.equal(suiteByCode(0x0034)?.kx, 'DHE', 'ADH-AES128-SHA is anonymous ephemeral DH');
  t.equal(suiteByCode(0x0034)?.au, 'None');
  t.equal(suiteByCode(0xccac)?.kx, 'ECDHEPSK');
  t.equal(suiteByCode(0xc01e)?.kx, 'SRP');
  t.equal(suiteByCode(0x0001)?.enc, 'None');
});

t.test('suiteName and suiteCodeText', async (t) => {
  t.equal(suiteName(0x1301), 'TLS_AES_128_GCM_SHA256');
  t.equal(suiteName(0x0a0b), '0x0A,0x0B');
  t.equal(suiteName(0xfefe), '0xFE,0xFE');
  t.equal(suiteCodeText(0x0005), '0x00,0x05');
  t.equal(suiteByCode(0x0a0b), undefined);
  t.equal(suiteByIana('TLS_NOPE'), undefined);
});

t.test('isGrease: the 16 RFC 8701 values and nothing else', async (t) => {
  const grease: number[] = [];
  for (let code = 0; code <= 0xffff; code += 1) if (isGrease(code)) grease.push(code);
  t.same(grease, [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa]);
  t.equal(isGrease(0x1a0a), false);
  t.equal(isGrease(-1), false);
  t.equal(isGrease(0x10a0a), false);
});

// The small registries live beside the suite table: names for the other code points a hello carries.

t.test('registry: versions', async (t) => {
  t.equal(versionName(0x0002), 'SSLv2');
  t.equal(versionName(0x0300), 'SSLv3');
  t.equal(versionName(0x0301), 'TLSv1');
  t.equal(versionName(0x0302), 'TLSv1.1');
  t.equal(versionName(0x0303), 'TLSv1.2');
  t.equal(versionName(0x0304), 'TLSv1.3');
  t.equal(versionName(0x7f1c), 'TLSv1.3-draft28');
  t.equal(versionName(0x0305), '0x0305');
  t.equal(versionCode('TLSv1.2'), 0x0303);
  t.equal(versionCode('TLSv9'), undefined);
  t.equal(hex16(0x2b), '0x002b');
});

t.test('registry: groups, signature schemes, extensions', async (t) => {
  t.equal(groupName(29), 'X25519');
  t.equal(groupName(23), 'P-256');
  t.equal(groupName(24), 'P-384');
  t.equal(groupName(25), 'P-521');
  t.equal(groupName(30), 'X448');
  t.equal(groupName(0x0100), 'ffdhe2048');
  t.equal(groupName(0x0104), 'ffdhe8192');
  t.equal(groupName(26), 'brainpoolP256r1');
  t.equal(groupName(0x11ec), 'X25519MLKEM768');
  t.equal(groupName(0x6399), 'X25519Kyber768Draft00');
  t.equal(groupName(0x4242), '0x4242');

  t.equal(signatureSchemeName(0x0401), 'rsa_pkcs1_sha256');
  t.equal(signatureSchemeName(0x0201), 'rsa_pkcs1_sha1');
  t.equal(signatureSchemeName(0x0203), 'ecdsa_sha1');
  t.equal(signatureSchemeName(0x0804), 'rsa_pss_rsae_sha256');
  t.equal(signatureSchemeName(0x0807), 'ed25519');
  t.equal(signatureSchemeName(0x0301), 'rsa_pkcs1_sha224');
  t.equal(signatureSchemeName(0x0402), 'dsa_sha256');
  t.equal(signatureSchemeName(0x0204), '0x0204', 'unknown signature algorithm 4');
  t.equal(signatureSchemeName(0x0901), '0x0901', 'unknown hash 9');

  t.equal(extensionName(0), 'server_name');
  t.equal(extensionName(16), 'application_layer_protocol_negotiation');
  t.equal(extensionName(43), 'supported_versions');
  t.equal(extensionName(51), 'key_share');
  t.equal(extensionName(0xff01), 'renegotiation_info');
  t.equal(extensionName(0xfe0d), 'encrypted_client_hello');
  t.equal(extensionName(0x0a0a), '0x0a0a');
});

t.test('registry: alerts, content types, handshake types, SSLv2 kinds', async (t) => {
  t.equal(alertName(0), 'close_notify');
  t.equal(alertName(40), 'handshake_failure');
  t.equal(alertName(70), 'protocol_version');
  t.equal(alertName(71), 'insufficient_security');
  t.equal(alertName(86), 'inappropriate_fallback');
  t.equal(alertName(112), 'unrecognized_name');
  t.equal(alertName(200), '0xc8');
  t.equal(alertCode('protocol_version'), 70);
  t.equal(alertCode('nope'), undefined);
  t.equal(alertLevelName(1), 'warning');
  t.equal(alertLevelName(2), 'fatal');
  t.equal(alertLevelName(9), 'level 9');
  t.equal(contentTypeName(21), 'alert');
  t.equal(contentTypeName(99), 'unknown');
  t.equal(handshakeTypeName(1), 'ClientHello');
  t.equal(handshakeTypeName(77), 'unknown');
  t.equal(ssl2CipherKindName(0x0700c0), 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5');
  t.equal(ssl2CipherKindName(0x080080), '0x08,0x00,0x80');
});
