import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/paths.js';

const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; bin: Record<string, string> };

test('Dockerfile: Node 24 build, distroless non-root runtime, ports and command', () => {
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  assert.ok(froms.includes('node:24-bookworm-slim'));
  assert.equal(froms[froms.length - 1], 'gcr.io/distroless/nodejs24-debian12');
  assert.match(dockerfile, /^USER 65532:65532$/m);
  assert.match(dockerfile, /^EXPOSE 8443 8080$/m);
  assert.match(dockerfile, /^CMD \["dist\/src\/cli\/main.js", "serve"\]$/m);
  assert.match(dockerfile, /npm ci --omit=dev/);
});

test('Dockerfile: every copied path exists and the command is what the build emits', () => {
  for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)) {
    const parts = m[1]!.trim().split(/\s+/);
    for (const src of parts.slice(0, -1)) assert.ok(existsSync(join(REPO_ROOT, src)), `COPY source ${src} exists`);
  }
  assert.ok(existsSync(join(REPO_ROOT, 'src/cli/main.ts')), 'dist/src/cli/main.js comes from src/cli/main.ts');
  assert.ok(Object.values(pkg.bin).some((b) => existsSync(join(REPO_ROOT, b))));
  assert.ok('typescript' in ((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies));
  for (const dep of ['@kubernetes/client-node', 'selfsigned', 'fastify']) assert.ok(dep in pkg.dependencies, `${dep} is a production dependency`);
  const ignore = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
  for (const needed of ['src', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json']) assert.ok(!ignore.includes(needed), `${needed} is not ignored`);
});

test('Deployment args match the image command', () => {
  const text = readFileSync(join(REPO_ROOT, 'deploy/base/deployment.yaml'), 'utf8');
  const deployment = parseAllDocuments(text)[0]!.toJS() as { spec: { template: { spec: { containers: { args: string[] }[] } } } };
  const cmd = JSON.parse(/^CMD (.+)$/m.exec(dockerfile)![1]!) as string[];
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
