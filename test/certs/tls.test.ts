import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import t from 'tap';
import type { ChainMaterial, ChainSpec } from '../../src/certs/chain-spec.js';
import { getChain } from '../../src/certs/factory.js';
import { RSA2048, labChain, leaf, link } from './fixtures/helpers.js';

interface Outcome {
  readonly authorized: boolean;
  readonly error: string | undefined;
  readonly peerChainLength: number;
}

/** Serves `chain` with SECLEVEL=0 (as the lab's legacy peers do) and connects a client that trusts `ca`. */
async function handshake(chain: ChainMaterial, ca: string): Promise<Outcome> {
  const server = tls.createServer({ key: chain.key, cert: chain.cert, ciphers: 'DEFAULT@SECLEVEL=0' }, (socket) => socket.end());
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<Outcome>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'mx.test', ca, rejectUnauthorized: false }, () => {
        let length = 0;
        for (let c = socket.getPeerCertificate(true); c?.raw && length < 10; c = c.issuerCertificate === c ? (undefined as never) : c.issuerCertificate) length++;
        resolve({ authorized: socket.authorized, error: socket.authorizationError?.toString(), peerChainLength: length });
        socket.end();
      });
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

t.test('a node client that trusts the lab CA accepts the sha256 chain', async (t) => {
  const dir = t.testdir();
  const chain = await getChain(labChain({ intermediates: [link('mxlab Issuing CA', 'sha256', { key: RSA2048 })], leaf: leaf('sha256', { key: RSA2048 }) }), { dir });
  const outcome = await handshake(chain, chain.root);
  t.same(outcome, { authorized: true, error: undefined, peerChainLength: 3 });

  // Strict (rejectUnauthorized default) too, with the name checked.
  const server = tls.createServer({ key: chain.key, cert: chain.cert, ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const protocol = await new Promise<string | null>((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'mx.test', ca: chain.root }, () => {
      resolve(socket.getProtocol());
      socket.end();
    });
    socket.on('error', reject);
  });
  server.close();
  t.equal(protocol, 'TLSv1.3');
});

t.test('each broken personality fails verification with the code the lab expects', async (t) => {
  const dir = t.testdir();
  const cases: readonly [string, ChainSpec, string][] = [
    ['self-signed', { root: 'none', intermediates: [], leaf: leaf() }, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['expired', labChain({ leaf: leaf('sha256', { validity: { fromDays: -90, toDays: -1 } }) }), 'CERT_HAS_EXPIRED'],
    ['untrusted root', { ...labChain(), root: 'private' }, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
    ['missing intermediate', labChain({ omitIntermediates: true }), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['md5 intermediate', labChain({ intermediates: [link('MD5 CA', 'md5')] }), 'UNSPECIFIED'],
    ['ec leaf', labChain({ leaf: leaf('sha256', { key: { type: 'ec' } }) }), ''],
  ];
  const lab = (await getChain(labChain(), { dir })).root;
  for (const [name, spec, code] of cases) {
    const chain = await getChain(spec, { dir, name });
    const outcome = await handshake(chain, lab);
    t.equal(outcome.error ?? '', code, name);
  }
});
