// Replays every recording of test/contract/ (made from the real OpenBao/Vault and kube-apiserver by
// `npm run contracts:record`) against the Vault double and the Kubernetes double: same requests in
// the same order, and each answer must have the recorded status and body shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';
import { startVaultDouble, type VaultDouble } from '../support/vault-double.js';
import { startKubeDouble, type KubeDouble } from '../support/kube-double.js';
import { dig, fill, shapeDiff, shapeOf, type ContractFile, type ContractStep } from './shape.js';
import { withoutTolerated } from './tolerances.js';
import { kubeRequest } from './kube-request.js';

const same = (recorded: unknown, replayed: unknown) => shapeDiff(withoutTolerated(recorded), withoutTolerated(shapeOf(replayed)));

const DIR = join(REPO_ROOT, 'test', 'contract');
const WATCH_MS_PER_SECOND = 250;
const files = readdirSync(DIR).filter((f) => f.endsWith('.json') && f !== 'vault-state.json').sort();

test('at least 20 contract recordings, each naming the real server and version it came from', () => {
  assert.ok(files.length >= 20, `${files.length} recordings`);
  for (const f of files) {
    const c = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as ContractFile;
    assert.ok(c.server.name && c.server.version, f);
    assert.ok(c.steps.some((s) => s.response), f);
  }
});

async function vaultAnswer(double: VaultDouble, tokens: { admin: string; limited: string }, step: ContractStep): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { ...(step.headers ?? {}) };
  if (step.auth === 'admin') headers['X-Vault-Token'] = tokens.admin;
  if (step.auth === 'limited') headers['X-Vault-Token'] = tokens.limited;
  const qs = step.query ? `?${new URLSearchParams(step.query).toString()}` : '';
  const res = await fetch(`${double.url}/v1/${step.path}${qs}`, { method: step.method, headers: { ...headers, ...(step.body ? { 'content-type': 'application/json' } : {}) }, ...(step.body ? { body: JSON.stringify(step.body) } : {}) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

function kubeAnswer(double: KubeDouble, step: ContractStep): Promise<{ status: number; body: unknown }> {
  return kubeRequest({ url: double.url, caPem: double.caPem, token: double.token }, step);
}

for (const f of files) {
  test(`contract ${f} replays against the double`, async () => {
    const contract = JSON.parse(readFileSync(join(DIR, f), 'utf8')) as ContractFile;
    const problems: string[] = [];
    if (contract.server.kind === 'vault') {
      const double = await startVaultDouble({ state: join(DIR, 'vault-state.json'), flavour: contract.server.name === 'OpenBao' ? 'openbao' : 'vault' });
      try {
        const tokens = { admin: double.issueToken(['root']), limited: double.issueToken(['eso-read', 'default'], 3600) };
        for (const step of contract.steps) {
          if (step.action === 'seal') { double.seal(); continue; }
          const got = await vaultAnswer(double, tokens, step);
          if (got.status !== step.response!.status) problems.push(`${step.title}: status real ${step.response!.status} vs double ${got.status}`);
          else problems.push(...same(step.response!.body, got.body).map((d) => `${step.title}: ${d}`));
        }
      } finally {
        await double.close();
      }
    } else {
      const ns = `c-${f.replace(/^kube-apiserver-|\.json$/g, '')}`;
      // The recorded watches' clock (timeoutSeconds, the bookmark 2 s before it, a `during` request
      // 1 s in) runs four times faster here: the same order of events, 2.5 s of waiting instead of 10.
      const double = await startKubeDouble({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }], watchMsPerSecond: WATCH_MS_PER_SECOND });
      try {
        const vars: Record<string, string> = { ns };
        for (const raw of contract.steps) {
          // install-crd: the double serves ESO's kinds from its start (its "watch cache" starts then too).
          if (raw.action === 'install-crd') continue;
          const step = fill(raw, vars);
          // A `during` request goes out while this one (a watch) streams, as it was recorded.
          const during = step.during;
          const [got, gotDuring] = await Promise.all([
            kubeAnswer(double, step),
            during ? new Promise<{ status: number; body: unknown }>((resolve, reject) => { setTimeout(() => kubeAnswer(double, during).then(resolve, reject), ((step.duringAfterMs ?? 1000) / 1000) * WATCH_MS_PER_SECOND); }) : Promise.resolve(undefined),
          ]);
          for (const [name, path] of Object.entries(raw.capture ?? {})) {
            const value = dig(got.body, path);
            if (value !== undefined) vars[name] = value;
          }
          const compare = (title: string, recorded: NonNullable<ContractStep['response']>, answer: { status: number; body: unknown }) => {
            if (answer.status !== recorded.status) problems.push(`${title}: status real ${recorded.status} vs double ${answer.status}`);
            else problems.push(...same(recorded.body, answer.body).map((d) => `${title}: ${d}`));
          };
          compare(raw.title, raw.response!, got);
          if (raw.during?.response && gotDuring) compare(`${raw.title} / ${raw.during.title}`, raw.during.response, gotDuring);
        }
      } finally {
        await double.close();
      }
    }
    assert.deepEqual(problems, [], `${contract.server.name} ${contract.server.version} vs the double:\n${problems.join('\n')}`);
  });
}
