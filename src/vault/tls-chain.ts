// The certificate chain a Vault server presents, as the webhook sees it at its configured address.
// One TLS handshake per server (cached with the other facts), apart from node-vault's pool: axios
// does not hand out the peer certificate. Only public certificates are kept; nothing is sent.
import tls from 'node:tls';
import { isIP } from 'node:net';
import { X509Certificate } from 'node:crypto';

export interface PresentedChainFact {
  /** Where the webhook connected (`https://host:port`, or the plain-HTTP address it uses). */
  address: string;
  /** The webhook's connection is plain HTTP: it sees no certificate at all. */
  plainHttp: boolean;
  /** PEM certificates as the server sent them, leaf first (empty when plainHttp). */
  certificates: string[];
  /**
   * The CA certificates of the webhook's own `caFile` for this server (public PEMs): when the
   * server does not send its root, they name the CA to trust, with its fingerprint.
   */
  webhookCas: string[];
}

export type ChainFetch =
  | { kind: 'chain'; certificates: string[] }
  | { kind: 'timeout'; detail: string }
  | { kind: 'connection'; detail: string };

type PeerCertificate = tls.DetailedPeerCertificate;

/** The chain from getPeerCertificate(true), leaf first, each certificate once. */
function chainOf(peer: PeerCertificate): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let cur: PeerCertificate | undefined = peer;
  while (cur && cur.raw && !seen.has(cur.fingerprint256)) {
    seen.add(cur.fingerprint256);
    out.push(new X509Certificate(cur.raw).toString());
    cur = cur.issuerCertificate && cur.issuerCertificate !== cur ? cur.issuerCertificate : undefined;
  }
  return out;
}

/**
 * Handshake with `address` sending `serverName` as SNI (the host ESO dials, so a server with
 * several certificates picks the one ESO gets). Verification is off on purpose: this connection
 * only looks at what is presented; the rules judge it against ESO's CA set.
 */
export function fetchPresentedChain(address: URL, serverName: string, timeoutMs: number): Promise<ChainFetch> {
  return new Promise((resolve) => {
    const host = address.hostname.replace(/^\[|\]$/g, '');
    const port = Number(address.port || '443');
    let settled = false;
    const done = (r: ChainFetch) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = tls.connect({
      host,
      port,
      rejectUnauthorized: false,
      ...(isIP(serverName) === 0 && serverName !== '' ? { servername: serverName } : {}),
    });
    const timer = setTimeout(() => done({ kind: 'timeout', detail: `no TLS handshake within ${timeoutMs} ms` }), Math.max(1, timeoutMs));
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate(true);
      const certificates = peer && peer.raw ? chainOf(peer) : [];
      done(certificates.length > 0 ? { kind: 'chain', certificates } : { kind: 'connection', detail: 'the server presented no certificate' });
    });
    socket.once('error', (err: NodeJS.ErrnoException) => done({ kind: 'connection', detail: err.code ? `${err.code}: ${err.message}` : err.message }));
  });
}
