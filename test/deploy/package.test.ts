// The npm package as a CI job installs it: `npm pack`'s tarball holds the compiled CLI and what it
// reads at run time, nothing from the tests, and runs with production dependencies only. The real
// install (it needs the registry) runs when ESO_GUARD_TEST_PACK_INSTALL=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

interface Pkg {
  name: string;
  version: string;
  private?: boolean;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Pkg;

/** `npm pack --dry-run`: the tarball's file list, without building (the tests run after tsc). */
function packedFiles(): string[] {
  const res = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.status, 0, res.stderr);
  const [entry] = JSON.parse(res.stdout) as { files: { path: string }[] }[];
  return entry!.files.map((f) => f.path).sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

test('package: publishable, with a bin the tarball carries', () => {
  assert.equal(pkg.private, undefined, 'not "private": true');
  const files = packedFiles();
  for (const bin of Object.values(pkg.bin)) assert.ok(files.includes(bin.replace(/^\.\//, '')), `${bin} is packed`);
  for (const f of ['package.json', 'README.md', 'dist/src/cli/main.js', 'bin/eso-vault-guard.js', 'deploy/base/kustomization.yaml', 'deploy/helm/eso-vault-guard/Chart.yaml']) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  // Every module the compiled CLI can load is in the tarball.
  const shipped = walk(join(REPO_ROOT, 'dist', 'src')).filter((f) => f.endsWith('.js')).map((f) => relative(REPO_ROOT, f).split('\\').join('/'));
  assert.ok(shipped.length > 50);
  for (const f of shipped) assert.ok(files.includes(f), `${f} is packed`);
  // Nothing from the tests, benchmarks, TypeScript sources or source maps.
  const stray = files.filter((f) => /^(test|bench|demo|scripts|src)\//.test(f) || f.startsWith('dist/test') || f.endsWith('.map') || f.endsWith('.ts') || f.includes('node_modules'));
  assert.deepEqual(stray, []);
});

test('package: the compiled CLI imports only Node built-ins, its own files and production dependencies', () => {
  const deps = new Set(Object.keys(pkg.dependencies));
  const builtins = new Set(builtinModules);
  const missing = new Set<string>();
  for (const file of walk(join(REPO_ROOT, 'dist', 'src')).filter((f) => f.endsWith('.js'))) {
    const js = readFileSync(file, 'utf8');
    for (const m of js.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      if (!deps.has(name)) missing.add(`${name} (${relative(REPO_ROOT, file)})`);
    }
  }
  assert.deepEqual([...missing], []);
});

test('package: installing the tarball runs no build; prepare builds only clones and git URLs', () => {
  // npm runs `prepare` for git dependencies and local folders, never for a tarball; no install hook may build.
  for (const hook of ['preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts[hook], undefined, `no ${hook} script`);
  assert.match(pkg.scripts['prepare'] ?? '', /^tsc -p tsconfig\.json$/);
  const launcher = readFileSync(join(REPO_ROOT, 'bin', 'eso-vault-guard.js'), 'utf8');
  assert.match(launcher, /^#!\/usr\/bin\/env node\n/);
  assert.match(launcher, /import '\.\.\/dist\/src\/cli\/main\.js';/);
});

test('package: the packed tarball installs in an empty folder and `eso-vault-guard --help` runs there', {
  skip: process.env.ESO_GUARD_TEST_PACK_INSTALL === '1' ? false : 'set ESO_GUARD_TEST_PACK_INSTALL=1 (needs the npm registry)',
  timeout: 300_000,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'evg-pack-'));
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
  assert.equal(pack.status, 0, pack.stderr);
  const [{ filename }] = JSON.parse(pack.stdout) as { filename: string }[];
  const app = join(dir, 'app');
  spawnSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}\n');
  const install = spawnSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(dir, filename)], { cwd: app, encoding: 'utf8', timeout: 240_000 });
  assert.equal(install.status, 0, install.stderr);
  // The bin link, run by the Node that runs the tests (the engines floor).
  const help = spawnSync(process.execPath, [join(app, 'node_modules', '.bin', 'eso-vault-guard'), '--help'], { cwd: app, encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: eso-vault-guard/);
  for (const command of ['check', 'explain', 'serve']) assert.match(help.stdout, new RegExp(`\\n  ${command} `));
  const version = spawnSync(process.execPath, [join(app, 'node_modules', '.bin', 'eso-vault-guard'), '--version'], { cwd: app, encoding: 'utf8' });
  assert.equal(version.stdout.trim(), pkg.version);
});
