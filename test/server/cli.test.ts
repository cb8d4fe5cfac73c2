import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The compiled CLI next to this compiled test (works from any dist-* folder).
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

test('--help lists serve', () => {
  const res = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  assert.match(res.stdout, /^\s+serve \[options\]\s+run the admission webhook/m);
});

test('serve --help lists its flags', () => {
  const res = spawnSync(process.execPath, [MAIN, 'serve', '--help'], { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  for (const flag of ['--config <file>', '--port <n>', '--metrics-port <n>']) assert.ok(res.stdout.includes(flag), flag);
});

test('serve with a bad setting exits 2 naming the field', () => {
  const res = spawnSync(process.execPath, [MAIN, 'serve', '--port', '0'], {
    encoding: 'utf8',
    env: { ...process.env, ESO_GUARD_FAILURE_MODE: 'open', ESO_GUARD_CONFIG: '' },
  });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /admission\.failureMode must be one of failOpen, failClosed \(got "open"\); set by ESO_GUARD_FAILURE_MODE/);
});

test('serve starts, says where it listens, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--metrics-port', '0'], {
    env: { ...process.env, ESO_GUARD_HOST: '127.0.0.1', ESO_GUARD_CONFIG: '', ESO_GUARD_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const until = Date.now() + 10_000;
    while (!/webhook listening on https:\/\/127\.0\.0\.1:\d+/.test(out) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(out, /webhook listening on https:\/\/127\.0\.0\.1:\d+ \(\/validate, \/mutate\); health and metrics on http:\/\/127\.0\.0\.1:\d+/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /"msg":"stopped"/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
