// Every example folder of examples/, decided as its expected.json says over HTTPS (the real
// webhook, the real Vault facts layer, the Vault double); an object not listed must be allowed
// with no error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { FINDING_CODES, findingSpec } from '../../src/checks/finding-codes.js';
import { runExampleOverHttps } from './support/example-harness.js';
import { exampleDirs, loadExpected } from '../support/examples.js';

const allFolders = exampleDirs();
const producedCodes = new Set<string>();

for (const dir of allFolders) {
  test(`example ${dir.split('/').slice(-2).join('/')}`, async () => {
    const run = await runExampleOverHttps(dir);
    try {
      const expected = loadExpected(dir);
      for (const o of run.outcomes) {
        o.codes.forEach((c) => producedCodes.add(c));
        const want = expected.find((e) => e.kind === o.kind && e.name === o.name && (e.namespace ?? null) === o.namespace);
        const label = `${o.kind} ${o.namespace ?? ''}/${o.name}`;
        const detail = `\n  message: ${o.message ?? '(none)'}\n  warnings: ${o.warnings.join(' | ')}`;
        if (!want) {
          assert.equal(o.allowed, true, `${label} is not listed, so it must be allowed${detail}`);
          assert.deepEqual(o.errorCodes, [], `${label} is not listed, so it must have no error${detail}`);
          continue;
        }
        assert.equal(o.allowed ? 'allow' : 'deny', want.decision, `${label}: decision${detail}`);
        for (const code of want.codes) assert.ok(o.codes.includes(code), `${label}: expected code ${code}, got [${o.codes.join(', ')}]${detail}`);
        // Errors beyond the expected ones would be false denials.
        for (const code of o.errorCodes) assert.ok(want.codes.includes(code), `${label}: unexpected error ${code}${detail}`);
        // Our own examples list every code, so a correct twin shows none of its sibling's codes.
        if (dir.startsWith(OWN_EXAMPLES_DIR)) assert.deepEqual([...new Set(o.codes)].sort(), [...want.codes].sort(), `${label}: codes${detail}`);
      }
      for (const e of expected) {
        assert.ok(
          run.outcomes.some((o) => o.kind === e.kind && o.name === e.name && o.namespace === (e.namespace ?? null)),
          `${e.kind} ${e.namespace ?? ''}/${e.name} from expected.json is not in manifests.yaml`,
        );
      }
    } finally {
      await run.close();
    }
  });
}

// Codes no example folder can produce name the test that does in the registry (producedBy.test),
// e.g. the TLS-trust codes, which need certificates generated at test time.
test('every finding code is produced by some example object, unless the registry names the test producing it', () => {
  assert.deepEqual(FINDING_CODES.filter((c) => !producedCodes.has(c) && !('test' in findingSpec(c).producedBy)), []);
});
