/** PEM helpers. selfsigned's PEM has no trailing newline, so everything here normalises to one. */

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]*?-----END CERTIFICATE-----/g;

/** Ensures the text ends in exactly one newline, so PEMs can be concatenated with ''. */
export function withNewline(pem: string): string {
  return pem.replace(/\s*$/, '') + '\n';
}

/** The certificate blocks of a PEM bundle, in order, each ending in a newline. No parsing. */
export function splitCertificates(bundle: string): string[] {
  return (bundle.match(CERT_BLOCK) ?? []).map(withNewline);
}

/** DER bytes of the first certificate block, or undefined when there is none. */
export function pemToDer(pem: string): Buffer | undefined {
  const block = pem.match(/-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/);
  if (!block?.[1]) return undefined;
  return Buffer.from(block[1].replace(/\s+/g, ''), 'base64');
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
