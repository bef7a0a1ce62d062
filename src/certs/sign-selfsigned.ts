import { generate } from 'selfsigned';
import { extensionsFor, type LinkRequest } from './link-request.js';
import { withNewline } from './pem.js';

/** RFC 4514 escaping: selfsigned joins attributes into a "O=…, CN=…" string that @peculiar/x509 parses. */
function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, '\\$&')
    .replace(/^[ #]/, '\\$&')
    .replace(/ $/, '\\ ');
}

type SelfsignedOptions = NonNullable<Parameters<typeof generate>[1]>;
type SelfsignedExtension = NonNullable<SelfsignedOptions['extensions']>[number];

function selfsignedExtensions(req: LinkRequest): SelfsignedExtension[] {
  const ext = extensionsFor(req);
  const list: SelfsignedExtension[] = [
    { name: 'basicConstraints', cA: ext.ca, critical: true },
    { name: 'keyUsage', ...ext.keyUsage, critical: true },
  ];
  if (ext.extKeyUsage) list.push({ name: 'extKeyUsage', serverAuth: true, clientAuth: true });
  const altNames = [
    ...ext.dnsNames.map((value) => ({ type: 2 as const, value })),
    ...ext.ipAddresses.map((ip) => ({ type: 7 as const, ip })),
  ];
  if (altNames.length > 0) list.push({ name: 'subjectAltName', altNames });
  return list;
}

/**
 * Signs with selfsigned (webcrypto). It can only sign sha1/sha256/sha384/sha512, and only when the
 * issuer's key type equals the subject's: it imports the CA key with the subject's key type.
 * sign-link.ts routes everything else to the forge signer.
 */
export async function signWithSelfsigned(req: LinkRequest): Promise<string> {
  const attrs = [
    // O first, CN last: the usual DER order, so openssl prints "O = mxlab, CN = …".
    { name: 'organizationName', value: escapeDnValue(req.org) },
    { name: 'commonName', value: escapeDnValue(req.cn) },
  ];
  const options: SelfsignedOptions = {
    keyPair: { privateKey: req.key.privateKey, publicKey: req.key.publicKey },
    keyType: req.key.type,
    // Always explicit: selfsigned's default is sha1 and it maps unknown names to sha1 silently.
    algorithm: req.hash,
    notBeforeDate: req.notBefore,
    notAfterDate: req.notAfter,
    extensions: selfsignedExtensions(req),
  };
  if (req.key.curve) options.curve = req.key.curve;
  if (req.issuer) options.ca = { key: req.issuer.key.privateKey, cert: req.issuer.cert };
  const result = await generate(attrs, options);
  return withNewline(result.cert);
}
