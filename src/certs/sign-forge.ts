import { createPublicKey, randomBytes, sign } from 'node:crypto';
import forge from 'node-forge';
import type { SignatureHash } from './chain-spec.js';
import { extensionsFor, signingKey, type LinkRequest } from './link-request.js';
import { derToPem, pemToDer } from './pem.js';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const RSA_SIGNATURE_OIDS: Readonly<Record<SignatureHash, string>> = {
  md5: '1.2.840.113549.1.1.4',
  sha1: '1.2.840.113549.1.1.5',
  sha256: '1.2.840.113549.1.1.11',
  sha384: '1.2.840.113549.1.1.12',
  sha512: '1.2.840.113549.1.1.13',
};

const ECDSA_SIGNATURE_OIDS: Readonly<Partial<Record<SignatureHash, string>>> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};

// Positions in TBSCertificate; forge always writes the [0] version, so these are fixed.
const TBS_SIGNATURE = 2;
const TBS_ISSUER = 3;
const TBS_SUBJECT = 5;
const TBS_SPKI = 6;

/** RSA algorithm identifiers carry NULL parameters; ECDSA ones must have none (RFC 5758). */
function algorithmIdentifier(req: LinkRequest): Asn1 {
  const signer = signingKey(req);
  const oid = signer.type === 'rsa' ? RSA_SIGNATURE_OIDS[req.hash] : ECDSA_SIGNATURE_OIDS[req.hash];
  if (!oid) throw new Error(`no signature algorithm for ${signer.type.toUpperCase()} with ${req.hash}`);
  const parts: Asn1[] = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes())];
  if (signer.type === 'rsa') parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, parts);
}

/**
 * The string type @peculiar/x509 (selfsigned) picks: PrintableString when the value fits, else
 * UTF8String. Matching it keeps a selfsigned child's issuer byte-identical to a forge parent's subject,
 * which strict verifiers compare byte for byte.
 */
function stringType(value: string): number {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value) ? asn1.Type.PRINTABLESTRING : asn1.Type.UTF8;
}

function derOf(pem: string): Asn1 {
  const der = pemToDer(pem);
  if (!der) throw new Error('issuer certificate is not PEM');
  return asn1.fromDer(der.toString('binary'));
}

function children(node: Asn1): Asn1[] {
  if (!Array.isArray(node.value)) throw new Error('unexpected primitive in certificate structure');
  return node.value;
}

/** A positive serial of 16 random bytes (RFC 5280 allows up to 20 octets). */
function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/**
 * Signs what selfsigned cannot: md5 signatures, and links whose issuer key type differs from the
 * subject's (an EC leaf under the RSA lab CA). forge builds the TBSCertificate (names, validity,
 * extensions); the subject key, issuer name and algorithm identifier are spliced in as DER, and node's
 * crypto makes the signature — forge itself can neither hold an EC key nor sign with one.
 */
export async function signWithForge(req: LinkRequest): Promise<string> {
  const ext = extensionsFor(req);
  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = req.notBefore;
  cert.validity.notAfter = req.notAfter;
  const subject = [
    { name: 'organizationName', value: req.org, valueTagClass: stringType(req.org) },
    { name: 'commonName', value: req.cn, valueTagClass: stringType(req.cn) },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject); // replaced below by the issuer's exact subject bytes
  // Placeholders so forge can serialise; both are replaced in the TBS below.
  cert.publicKey = forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger('3'), new forge.jsbn.BigInteger('3'));
  cert.siginfo.algorithmOid = RSA_SIGNATURE_OIDS.sha256;
  cert.signatureOid = RSA_SIGNATURE_OIDS.sha256;
  const extensions: object[] = [
    { name: 'basicConstraints', cA: ext.ca, critical: true },
    { name: 'keyUsage', ...ext.keyUsage, critical: true },
  ];
  if (ext.extKeyUsage) extensions.push({ name: 'extKeyUsage', serverAuth: true, clientAuth: true });
  const altNames = [
    ...ext.dnsNames.map((value) => ({ type: 2, value })),
    ...ext.ipAddresses.map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);

  const tbs = children(forge.pki.certificateToAsn1(cert))[0];
  if (!tbs) throw new Error('forge produced no TBSCertificate');
  const fields = children(tbs);
  const algorithm = algorithmIdentifier(req);
  fields[TBS_SIGNATURE] = algorithm;
  if (req.issuer) {
    const issuerTbs = children(derOf(req.issuer.cert))[0];
    const issuerSubject = issuerTbs && children(issuerTbs)[TBS_SUBJECT];
    if (!issuerSubject) throw new Error('issuer certificate has no subject');
    fields[TBS_ISSUER] = issuerSubject;
  } else {
    fields[TBS_ISSUER] = fields[TBS_SUBJECT] as Asn1;
  }
  const spki = createPublicKey(req.key.publicKey).export({ type: 'spki', format: 'der' });
  fields[TBS_SPKI] = asn1.fromDer(spki.toString('binary'));

  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign(req.hash, tbsDer, signingKey(req).privateKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(req),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature.toString('binary')),
  ]);
  return derToPem(Buffer.from(asn1.toDer(certificate).getBytes(), 'binary'));
}
