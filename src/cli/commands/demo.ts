// `eso-vault-guard demo`: README's first command. The demo lives in demo/ (beside bench/), because
// it embeds the test suite's Vault double; it is loaded only when asked for, so the container image,
// which holds src/ alone, runs every other command without it.
import type { Command } from 'commander';
import type { CliExit, CliIo } from '../io.js';

export interface DemoOutput {
  line(text: string, style?: 'heading' | 'warning' | 'error' | 'ok' | 'dim'): void;
}

interface DemoModule {
  exampleFolders(): string[];
  runDemo(folders: string[], out: DemoOutput): Promise<unknown>;
}

interface SandboxModule {
  DEFAULT_SANDBOX_EXAMPLE: string;
  runSandbox(example: string, port: number, out: DemoOutput): Promise<void>;
}

/** Resolved at run time from dist/src/cli/commands/ to dist/demo/ (not a compile-time import). */
async function loadDemo<T = DemoModule>(file = 'run-demo.js'): Promise<T> {
  const url = new URL(`../../../demo/${file}`, import.meta.url);
  try {
    return (await import(url.href)) as T;
  } catch (err) {
    throw new Error(`the demo is not installed here (${url.pathname}): run it from a clone of the repository with npm run demo (${err instanceof Error ? err.message : String(err)})`);
  }
}

const STYLE: Record<string, [string, string]> = {
  heading: ['\u001b[1m', '\u001b[22m'],
  warning: ['\u001b[33m', '\u001b[39m'],
  error: ['\u001b[31m', '\u001b[39m'],
  ok: ['\u001b[32m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
};

function stdoutOutput(io: CliIo, allowColour: boolean): DemoOutput {
  const colour = allowColour && io.stdout.isTTY === true && !io.env['NO_COLOR'];
  return {
    line(text, style) {
      const [open, close] = colour && style ? (STYLE[style] ?? ['', '']) : ['', ''];
      io.stdout.write(`${open}${text}${close}\n`);
    },
  };
}

export function registerDemo(program: Command, io: CliIo, exit: CliExit): void {
  program
    .command('demo')
    .description('replay examples/ through the real webhook over HTTPS against an embedded Vault, printed as kubectl apply prints it')
    .option('--example <name>', 'only this folder of examples/')
    .option('--serve', 'instead of replaying: keep the webhook (serve) running against the embedded Vault of one example (--example, default kv-dev-kubernetes-auth), print its URL and a curl command that posts an AdmissionReview, until Ctrl-C')
    .option('--port <n>', 'with --serve: the webhook\'s port on 127.0.0.1 (0: any free port)', '8443')
    .option('--no-color', 'no colour (also when NO_COLOR is set, or stdout is not a terminal)')
    .action(async (flags: { example?: string; color?: boolean; serve?: boolean; port: string }) => {
      const { exampleFolders, runDemo } = await loadDemo();
      const all = exampleFolders();
      if (flags.example !== undefined && !all.includes(flags.example)) {
        io.stderr.write(`demo: no example "${flags.example}"; choose one of: ${all.join(', ')}\n`);
        Object.assign(exit, { code: 2, now: true });
        return;
      }
      if (flags.serve) {
        const port = Number(flags.port);
        if (!/^\d+$/.test(flags.port) || port > 65535) {
          io.stderr.write(`demo: --port must be a port number (0-65535), got "${flags.port}"\n`);
          Object.assign(exit, { code: 2, now: true });
          return;
        }
        const { DEFAULT_SANDBOX_EXAMPLE, runSandbox } = await loadDemo<SandboxModule>('serve-sandbox.js');
        await runSandbox(flags.example ?? DEFAULT_SANDBOX_EXAMPLE, port, stdoutOutput(io, flags.color !== false));
        // Idle keep-alive sockets (the webhook's Vault client) would hold the process open.
        Object.assign(exit, { code: 0, now: true });
        return;
      }
      if (flags.port !== '8443') {
        io.stderr.write('demo: --port needs --serve\n');
        Object.assign(exit, { code: 2, now: true });
        return;
      }
      await runDemo(flags.example ? [flags.example] : all, stdoutOutput(io, flags.color !== false));
    });
}
