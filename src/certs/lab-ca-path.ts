import { join, resolve } from 'node:path';
import { projectPath } from '../project-root.js';

/**
 * Where the lab CA lives and how to recognise what it issued, without loading the certificate
 * factory (the scanner's fast start-up reads `--ca lab` too).
 */

/** The project's certs/ folder: generated material is cached there (git-ignored). */
export const PROJECT_CERTS_DIR = `${projectPath('certs')}/`;
/** The lab CA lives in `<dir>/lab-ca/`, shared by every 'lab' chain in that dir. */
export const LAB_CA_FOLDER = 'lab-ca';
export const LAB_CA_CN = 'mxlab Lab Root CA';
export const LAB_CA_CERT_FILE = 'ca.pem';

/** The lab root's certificate file under `dir`. */
export function labCaCertPath(dir: string = PROJECT_CERTS_DIR): string {
  return join(resolve(dir), LAB_CA_FOLDER, LAB_CA_CERT_FILE);
}

/** A link of the chain names the lab root as its issuer: the chain comes from mxlab's lab CA. */
export function issuedByLabCa(chain: readonly { readonly issuer: string }[]): boolean {
  return chain.some((c) => c.issuer.split(/,\s*/).includes(`CN=${LAB_CA_CN}`));
}

/**
 * The hint for an "unknown CA" verdict on a chain the lab CA issued, when the lab root was not among
 * the trust anchors: the chain is fine, the trust store does not know the lab.
 */
export function labCaHint(chain: readonly { readonly issuer: string }[] | undefined, chainValid: boolean, reason: string | undefined): string | undefined {
  if (chainValid || !chain || !issuedByLabCa(chain)) return undefined;
  if (!/local issuer|self-signed certificate in certificate chain|not trusted|unable to get issuer/i.test(reason ?? '')) return undefined;
  return 'this chain was issued by the mxlab lab CA, which the trust store does not hold: add --ca lab';
}
