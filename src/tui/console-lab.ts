import type { PeerChange, PeerInfo } from '../lab/lab.js';
import type { StoreSource } from './store.js';

/** The Lab commands the console acts through (a Lab is one; tests may pass a lab as it is). */
export interface ConsoleLab extends StoreSource {
  stopPeer(name: string): Promise<PeerInfo>;
  startPeer(name: string): Promise<PeerInfo>;
  reconfigurePeer(name: string, change: PeerChange): Promise<PeerInfo>;
  /** Where the lab's certificates (and its CA) are. */
  readonly certsDir: string;
}
