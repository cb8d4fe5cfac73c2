// The facts service learns from sys/health whether it talks to Vault or OpenBao and says so; the
// store checks compile their ACLs with that server's rules (test/acl/flavour.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startVaultDouble, webhookVaultConfig } from '../support/vault-double.js';
import { OWN_EXAMPLES_DIR } from '../support/paths.js';
import { captureLogger, makeService } from './helpers.js';

for (const flavour of ['vault', 'openbao'] as const) {
  test(`the facts service tells ${flavour} from its sys/health answer`, async () => {
    const double = await startVaultDouble({ state: join(OWN_EXAMPLES_DIR, 'classic-mistakes', 'vault-state.json'), flavour });
    const captured = captureLogger();
    const { facts } = makeService(webhookVaultConfig(double), captured.logger);
    try {
      assert.equal(facts.flavour?.(double.url), 'vault', 'Vault\'s rules until the server has answered');
      await facts.start();
      assert.equal(facts.flavour?.(double.url), flavour);
      assert.equal(facts.flavour?.(double.state.server!), flavour, 'by the name stores use as well');
      assert.equal(captured.text().includes('"flavour":"openbao"'), flavour === 'openbao');
    } finally {
      await facts.close();
      await double.close();
    }
  });
}
