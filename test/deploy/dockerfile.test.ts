import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; devDependencies: Record<string, string> };

interface Instruction { op: string; args: string }
interface Stage { name: string; base: string; instructions: Instruction[] }

/** The Dockerfile as stages of instructions (comments dropped, continuation lines joined). */
function stages(text: string): Stage[] {
  const out: Stage[] = [];
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const [, op, args] = m as unknown as [string, string, string];
    if (op === 'FROM') {
      const [base, , name] = args.trim().split(/\s+/);
      out.push({ base: base!, name: name ?? String(out.length), instructions: [] });
    } else out.at(-1)?.instructions.push({ op, args: args.trim() });
  }
  return out;
}

const all = stages(dockerfile);
const runtime = all.at(-1)!;
const stageNamed = (name: string) => all.find((s) => s.name === name);
/** `COPY [--from=x] a b dest` of the runtime stage: where from, what, where to. */
const runtimeCopies = runtime.instructions
  .filter((i) => i.op === 'COPY')
  .map((i) => {
    const parts = i.args.split(/\s+/);
    const from = parts[0]!.startsWith('--from=') ? parts.shift()!.slice('--from='.length) : undefined;
    return { from, sources: parts.slice(0, -1), dest: parts.at(-1)! };
  });

test('Dockerfile: the runtime is its own last stage, on Node 24 without a shell, and runs as a non-root user', () => {
  assert.ok(all.length >= 2, 'a build stage and a runtime stage');
  assert.match(runtime.base, /distroless\/nodejs24/, 'the image\'s Node is the major the tests run on (package.json devDependency node)');
  assert.match(pkg.devDependencies['node'] ?? '', /^\^?24\./);
  assert.ok(!runtime.instructions.some((i) => i.op === 'RUN'), 'nothing is installed or built in the runtime stage');
  const users = runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args);
  assert.equal(users.length, 1);
  const [uid, gid] = users[0]!.split(':');
  assert.ok(/^\d+$/.test(uid!) && Number(uid) > 0 && (gid === undefined || Number(gid) > 0), `USER ${users[0]} is a numeric non-root id (runAsNonRoot can verify it)`);
});

test('Dockerfile: the runtime gets only the compiled product (dist/src), production dependencies, package.json and bin', () => {
  for (const copy of runtimeCopies) {
    if (copy.from === undefined) {
      for (const src of copy.sources) {
        assert.ok(['package.json', 'bin'].includes(src), `COPY ${src} from the context: only package.json and bin`);
        assert.ok(existsSync(join(REPO_ROOT, src)), `COPY source ${src} exists`);
      }
      continue;
    }
    const from = stageNamed(copy.from);
    assert.ok(from, `stage ${copy.from} exists`);
    for (const src of copy.sources) {
      if (src.endsWith('node_modules')) {
        // No devDependency: the stage installed with --omit=dev, and never the build stage's modules.
        assert.ok(from.instructions.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)), `node_modules come from a stage that ran npm ci --omit=dev, not ${copy.from}`);
      } else {
        assert.match(src, /\/dist\/src$/, `only dist/src is copied from ${copy.from}, not ${src}`);
        assert.ok(from.instructions.some((i) => i.op === 'RUN' && /typescript\/bin\/tsc|\btsc\b/.test(i.args)), `${copy.from} compiles`);
        // What it compiles: the product's sources only (tests, benchmarks and demo stay out).
        const contextCopies: string[] = from.instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1));
        assert.deepEqual(contextCopies.filter((c) => !['package.json', 'package-lock.json', 'tsconfig.json'].includes(c)), ['src']);
      }
    }
  }
  assert.ok(runtimeCopies.some((c) => c.sources.some((s) => s.endsWith('node_modules'))), 'dependencies are copied');
  assert.ok(runtimeCopies.some((c) => c.sources.some((s) => s.endsWith('dist/src'))), 'the product is copied');
  const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
  for (const needed of ['src', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json']) assert.ok(!ignore.includes(needed), `${needed} is not ignored`);
});

test('Dockerfile: the command starts what the build emits, and the ports are the configuration\'s defaults', async () => {
  const cmd = JSON.parse(runtime.instructions.find((i) => i.op === 'CMD')!.args) as string[];
  assert.match(cmd[0]!, /^dist\/src\/(.+)\.js$/);
  assert.ok(existsSync(join(REPO_ROOT, cmd[0]!.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), `${cmd[0]} is compiled from a source under src/`);
  assert.ok(Object.values(pkg.bin).some((b) => existsSync(join(REPO_ROOT, b))));
  const { configDefaults } = await import('../../src/config/options.js');
  const server = configDefaults()['server'] as { port: number; metricsPort: number };
  const exposed = runtime.instructions.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/)).map(Number);
  assert.deepEqual(exposed.sort(), [server.port, server.metricsPort].sort());
});

test('Deployment args match the image command', () => {
  const text = readFileSync(join(REPO_ROOT, 'deploy/base/deployment.yaml'), 'utf8');
  const deployment = parseAllDocuments(text)[0]!.toJS() as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  const cmd = JSON.parse(runtime.instructions.find((i) => i.op === 'CMD')!.args) as string[];
  assert.deepEqual(deployment.spec.template.spec.containers[0]!.args.slice(0, cmd.length), cmd);
});

test('the image compiles src/ alone: no module under src imports from test/, bench/ or demo/', async () => {
  const { readdirSync } = await import('node:fs');
  const { dirname, relative, resolve } = await import('node:path');
  const files = (readdirSync(join(REPO_ROOT, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(REPO_ROOT, 'src', f));
  assert.ok(files.length > 50);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.{1,2}\/[^']+)'/g)) {
      const target = relative(join(REPO_ROOT, 'src'), resolve(dirname(file), m[1]!));
      assert.ok(!target.startsWith('..'), `${relative(REPO_ROOT, file)} imports ${m[1]} outside src/`);
    }
  }
});
