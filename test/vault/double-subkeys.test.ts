// The double's KV v2 `subkeys` endpoint answers as OpenBao's builtin/logical/kv path_subkeys.go
// (and Vault >= 1.10's plugin) does: non-empty maps walked (to `depth`, 0 = no limit), every other
// value (scalars, arrays, empty maps) null; metadata of the version; 404 `{"errors":[]}` for a
// missing secret or version; 404 with the full envelope (subkeys null) for a deleted or destroyed
// version; 400 for a `version`/`depth` that is not an integer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startVaultDouble } from '../support/vault-double.js';

test('subkeys: key tree with null leaves, depth, version, deleted/destroyed/missing, bad parameters', async () => {
  const double = await startVaultDouble({
    state: {
      mounts: { 'secret/': { type: 'kv', options: { version: '2' } } }, auth: {}, policies: {},
      secrets: {
        'secret/app': {
          versions: [
            { data: { old: 'x' } },
            { data: { s: 'v', n: 1, b: true, nil: null, arr: [1, { a: 1 }], empty: {}, m: { k: 'v', deeper: { z: 'v' } } } },
            { data: { gone: 'x' }, deleted: true },
            { data: { burnt: 'x' }, destroyed: true },
          ],
          custom_metadata: { owner: 'team-a' },
        },
      },
    },
  });
  const token = double.issueToken(['root']);
  const get = async (path: string) => {
    const res = await fetch(`${double.url}/v1/${path}`, { headers: { 'X-Vault-Token': token } });
    return { status: res.status, body: (await res.json()) as { data?: { subkeys: unknown; metadata: Record<string, unknown> } | null; errors?: string[] } };
  };
  try {
    const v2 = await get('secret/subkeys/app?version=2');
    assert.equal(v2.status, 200);
    assert.deepEqual(v2.body.data?.subkeys, { s: null, n: null, b: null, nil: null, arr: null, empty: null, m: { k: null, deeper: { z: null } } });
    assert.deepEqual(Object.keys(v2.body.data?.metadata ?? {}).sort(), ['created_time', 'custom_metadata', 'deletion_time', 'destroyed', 'version']);
    assert.equal(v2.body.data?.metadata.version, 2);
    assert.deepEqual(v2.body.data?.metadata.custom_metadata, { owner: 'team-a' });

    const depth1 = await get('secret/subkeys/app?version=2&depth=1');
    assert.deepEqual(depth1.body.data?.subkeys, { s: null, n: null, b: null, nil: null, arr: null, empty: null, m: null });
    const depth2 = await get('secret/subkeys/app?version=2&depth=2');
    assert.deepEqual(depth2.body.data?.subkeys, { s: null, n: null, b: null, nil: null, arr: null, empty: null, m: { k: null, deeper: null } });

    const negative = await get('secret/subkeys/app?version=2&depth=-1');
    assert.deepEqual(negative.body.data?.subkeys, { s: null, n: null, b: null, nil: null, arr: null, empty: null, m: null }, 'a negative depth stops at the top (removeValues compares depth <= maxDepth)');

    const current = await get('secret/subkeys/app');
    assert.equal(current.status, 404, 'the current version (4) is destroyed');
    assert.equal(current.body.data?.subkeys, null);
    assert.equal(current.body.data?.metadata.destroyed, true);
    const deleted = await get('secret/subkeys/app?version=3');
    assert.equal(deleted.status, 404);
    assert.notEqual(deleted.body.data?.metadata.deletion_time, '');
    const zero = await get('secret/subkeys/app?version=0');
    assert.equal(zero.status, 404, 'version 0 means the current version');

    assert.deepEqual(await get('secret/subkeys/app?version=9'), { status: 404, body: { errors: [] } });
    assert.deepEqual(await get('secret/subkeys/nope'), { status: 404, body: { errors: [] } });
    assert.equal((await get('secret/subkeys/app?version=abc')).status, 400);
    assert.equal((await get('secret/subkeys/app?depth=x')).status, 400);
  } finally {
    await double.close();
  }
});
