// Issue 14.2, performed as a pull request author would: `check` runs in CI with the CI job's Vault
// token, and the PR's store names a server of the author's choosing. The credential must go only
// to addresses the operator named (--vault-addr, --vault-map, --config's vault.servers), never over
// plain http:// unless --allow-insecure-http says so, and never into a file that could outlive the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { servingPair, testCa } from '../support/test-certificates.js';
import { MAIN, runCli, seededVault, type JsonReport } from '../cli/check-support.js';

const KV_DEV = join(OWN_EXAMPLES_DIR, 'kv-dev-kubernetes-auth');
const STORE_SERVER = (JSON.parse(readFileSync(join(KV_DEV, 'vault-state.json'), 'utf8')) as { server: string }).server;

interface Attacker {
  url: string;
  /** TCP connections accepted and request headers received. */
  connections: number;
  headers: http.IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A listening server that records everything it is sent. */
async function attacker(tls: boolean): Promise<Attacker> {
  const state: Attacker = { url: '', connections: 0, headers: [], close: async () => undefined };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    state.headers.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"data":{"ttl":0}}');
  };
  let server: http.Server | https.Server;
  if (tls) {
    const pair = await servingPair(await testCa(), 'localhost');
    server = https.createServer({ key: pair.key, cert: pair.cert }, onRequest);
  } else {
    server = http.createServer(onRequest);
  }
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as { port: number }).port}`;
  state.close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return state;
}

/** The example's manifests with every store pointing at `server`. */
function manifestsNaming(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'check-attack-'));
  const file = join(dir, 'pr.yaml');
  writeFileSync(file, readFileSync(join(KV_DEV, 'manifests.yaml'), 'utf8').split(STORE_SERVER).join(server));
  return file;
}

for (const tls of [false, true]) {
  test(`a store naming an ${tls ? 'https' : 'http'} server only the input names receives no credential`, async () => {
    const evil = await attacker(tls);
    const vault = await seededVault(KV_DEV);
    try {
      const file = manifestsNaming(evil.url);
      const token = vault.double.webhookToken;
      const runs = await Promise.all([
        // The token alone: no server is named, so nothing is dialled.
        runCli([file, '--format', 'json'], { env: { VAULT_TOKEN: token } }),
        runCli([file, '--format', 'json', '--vault-token', token, '--allow-insecure-http']),
        // The operator named another server; the manifest's stays unnamed.
        runCli([file, '--format', 'json', '--vault-map', `${STORE_SERVER}=${vault.double.url}`, '--allow-insecure-http'], { env: { VAULT_TOKEN: token } }),
        // The config file's servers are named by the operator; the manifest's is not among them.
        runCli([file, '--format', 'json', '--config', vault.configFile, '--allow-insecure-http'], { env: { VAULT_TOKEN: token } }),
      ]);
      for (const r of runs) {
        assert.equal(r.code, 2, r.stderr);
        const report = JSON.parse(r.stdout) as JsonReport;
        const unavailable = report.findings.filter((f) => f.code === 'VaultUnavailable');
        assert.ok(unavailable.length > 0, r.stdout);
        // The hint speaks to a check user: flags, not the webhook's configuration.
        assert.ok(unavailable.every((f) => /--vault-map/.test(f.hint) && !/webhook's Vault configuration/.test(f.hint)), JSON.stringify(unavailable[0]));
        assert.ok(!r.stderr.includes(token) && !r.stdout.includes(token));
      }
      assert.equal(evil.connections, 0, `the attacker was dialled: ${JSON.stringify(evil.headers)}`);
      assert.deepEqual(evil.headers, []);

      // With --vault-addr every store's traffic (and the token) goes to that address, never the store's own.
      const viaAddr = await runCli([file, '--format', 'json', '--vault-addr', vault.double.url, '--allow-insecure-http'], { env: { VAULT_TOKEN: token } });
      assert.equal(viaAddr.code, 1, viaAddr.stderr);
      assert.equal(evil.connections, 0);
      assert.ok(vault.double.requests.length > 0);
    } finally {
      await Promise.all([evil.close(), vault.close()]);
    }
  });
}

test('plain http:// carries no credential without --allow-insecure-http', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    const token = vault.double.webhookToken;
    const cases: string[][] = [
      [join(KV_DEV, 'manifests.yaml'), '--vault-addr', vault.double.url],
      [join(KV_DEV, 'manifests.yaml'), '--vault-map', `${STORE_SERVER}=${vault.double.url}`],
      [join(KV_DEV, 'manifests.yaml'), '--config', vault.configFile],
    ];
    for (const args of cases) {
      const r = await runCli(args, { env: { VAULT_TOKEN: token } });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /plain http:\/\/ .*--allow-insecure-http/);
      assert.match(r.stderr, new RegExp(vault.double.url.replace(/[.:/]/g, '\\$&')));
    }
    assert.deepEqual(vault.double.requests, [], 'nothing was sent');
  } finally {
    await vault.close();
  }
});

test('--vault-token writes no token file: a run killed with SIGKILL leaves nothing behind', async () => {
  const vault = await seededVault(KV_DEV);
  try {
    vault.double.setLatencyMs(5_000);
    const tmp = mkdtempSync(join(tmpdir(), 'check-tmpdir-'));
    const env: NodeJS.ProcessEnv = { ...process.env, VAULT_TOKEN: vault.double.webhookToken, TMPDIR: tmp, TMP: tmp, TEMP: tmp };
    delete env['ESO_GUARD_CONFIG'];
    const child = spawn(process.execPath, [MAIN, 'check', join(KV_DEV, 'manifests.yaml'), '--vault-addr', vault.double.url, '--allow-insecure-http'], { env, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    // Killed while its first request to Vault is pending: the token is in use.
    while (vault.double.requests.length === 0) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    assert.deepEqual(readdirSync(tmp), []);
  } finally {
    await vault.close();
  }
});
