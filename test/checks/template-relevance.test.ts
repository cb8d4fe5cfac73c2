import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_DEFAULT_POLICY, compileAcl, evaluateAcl } from '../../src/vault/acl/index.js';
import { relevantUnresolvedTemplates } from '../../src/checks/template-relevance.js';

const TEMPLATED = 'path "secret/data/{{identity.entity.aliases.acc.name}}/*" {\n  capabilities = ["read"]\n}\n';

test('the default policy\'s entity templates never make a KV denial uncertain', () => {
  const sources = [{ name: 'default', text: BUILTIN_DEFAULT_POLICY }];
  const acl = compileAcl(sources, { entity: { aliases: [] } });
  const evaluation = evaluateAcl(acl, 'secret/data/app');
  assert.ok(evaluation.unresolvedTemplates.length > 0, 'the built-in default policy has entity templates');
  assert.deepEqual(relevantUnresolvedTemplates(evaluation, sources, 'secret/data/app'), []);
});

test('an unresolved template in a stanza that could match the path is relevant', () => {
  const sources = [{ name: 't', text: TEMPLATED }];
  const evaluation = evaluateAcl(compileAcl(sources, { entity: { aliases: [] } }), 'secret/data/x/app');
  assert.equal(relevantUnresolvedTemplates(evaluation, sources, 'secret/data/x/app').length, 1);
  assert.deepEqual(relevantUnresolvedTemplates(evaluation, sources, 'other/data/x/app'), []);
});
