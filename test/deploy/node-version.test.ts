// The tests run on the Node the image ships: `npm test` runs them with the `node` devDependency
// (Node 24 LTS, the Dockerfile's base), and package.json's engines admits only versions every
// dependency supports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const major = (range: string) => Number(/(\d+)/.exec(range)![1]);

test('npm scripts run on the node devDependency, the major the image ships', { skip: process.env.npm_lifecycle_event === undefined && 'not run through npm' }, () => {
  const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
  const imageMajor = Number(/^FROM node:(\d+)-/m.exec(dockerfile)![1]);
  assert.equal(major(pkg.devDependencies['node']!), imageMajor);
  assert.equal(Number(process.versions.node.split('.')[0]), imageMajor, `npm test ran on ${process.version}`);
});

test('engines admits no Node older than the dependencies need, and this Node satisfies it', () => {
  assert.equal(pkg.engines.node, '>=22.19.0');
  const floors: string[] = [];
  for (const name of ['undici', 'cookie']) {
    const dep = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { engines?: { node?: string } };
    if (dep.engines?.node) floors.push(`${name} ${dep.engines.node}`);
  }
  // Each floor is at or below 22.19.0 (">=22.19.0", ">=22").
  for (const floor of floors) {
    const [, maj, min = '0'] = /(\d+)(?:\.(\d+))?/.exec(floor.split(' ')[1]!)!;
    assert.ok(Number(maj) < 22 || (Number(maj) === 22 && Number(min) <= 19), floor);
  }
  const [maj, min] = process.versions.node.split('.').map(Number) as [number, number];
  assert.ok(maj > 22 || (maj === 22 && min >= 19), process.version);
});
