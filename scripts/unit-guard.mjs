// Preloaded by `npm run test:unit` (node --import): a unit test that opens a network connection or
// a server fails. Child processes and worker threads are refused by Node's permission model
// (--permission without --allow-child-process / --allow-worker); sockets by this subscriber to Node's
// diagnostics channels (no built-in module is patched).
import diagnostics from 'node:diagnostics_channel';

function refuse(what) {
  return () => {
    throw new Error(`test:unit: ${what}; a unit test runs without network (move this test out of the unit set in scripts/run-tests.mjs)`);
  };
}
diagnostics.subscribe('net.client.socket', refuse('a network connection was opened'));
diagnostics.subscribe('net.server.socket', refuse('a server accepted a connection'));
