// Issue 14 item 14 (names echoed in messages): bidirectional controls (U+202A–U+202E, U+2066–U+2069)
// and other control characters in a name an author writes never reach a message, a warning or a
// finding's JSON, so a reviewer sees the name as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { checkObject, type CheckContext } from '../../src/checks/engine.js';
import { decide } from '../../src/checks/decide.js';
import { displayText, safeText } from '../../src/checks/display-text.js';
import { DEFAULT_AUDIENCES, loadManifests, manifestLookup, startFacts, type Obj } from '../checks/support/example-harness.js';

const PLATFORM = join(OWN_EXAMPLES_DIR, 'platform-team-templated');
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

test('displayText and safeText drop bidi controls and neutralise control characters', () => {
  assert.equal(displayText('pass\u202Eword\u2066x\u2069'), 'passwordx');
  assert.equal(displayText('a\u0007b\nc\u009bd'), 'a b c d');
  assert.equal(safeText('line one\nline\u202E two\u0000'), 'line one\nline two ');
});

test('a property and a key with bidi and control characters are echoed without them', async () => {
  const { double, facts } = await startFacts(join(PLATFORM, 'vault-state.json'));
  try {
    const ctx: CheckContext = { facts, lookup: manifestLookup(loadManifests(PLATFORM)), deadlineAtMs: Date.now() + 10_000, audience: { defaultAudiences: DEFAULT_AUDIENCES }, trust: 'store-identity' };
    const obj = (key: string, property: string): Obj => ({
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'x', namespace: 'team-a' },
      spec: { secretStoreRef: { name: 'vault', kind: 'SecretStore' }, target: { name: 'x' }, data: [{ secretKey: 'v', remoteRef: { key, property } }] },
    });
    for (const [key, property] of [['team-a/db', 'pass\u202Edrow\u202C'], ['team-a/db', 'user\u2067name\u2069\u0007'], ['team-b/\u202Edb', 'password'], ['team-a/d\u2066b', 'password']]) {
      const result = await checkObject(obj(key as string, property as string), ctx);
      assert.ok(result.findings.length > 0, `${JSON.stringify(key)} ${JSON.stringify(property)}`);
      for (const f of result.findings) assert.doesNotMatch(`${f.field}${f.message}${f.hint ?? ''}`.replace(/\n/g, ''), UNSAFE);
      const decision = decide(result, { mode: 'enforce', failureMode: 'failOpen' });
      const shown = [decision.allowed ? '' : decision.message, ...decision.warnings].join('\n');
      assert.doesNotMatch(shown.replace(/\n/g, ''), UNSAFE, shown);
    }
  } finally {
    await facts.close();
    await double.close();
  }
});
