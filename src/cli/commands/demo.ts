// `eso-vault-guard demo`: README's first command. The demo lives in demo/ (beside bench/), because
// it embeds the test suite's Vault double; it is loaded only when asked for, so the container image,
// which holds src/ alone, runs every other command without it.
import type { Command } from 'commander';

export interface DemoOutput {
  line(text: string, style?: 'heading' | 'warning' | 'error' | 'ok' | 'dim'): void;
}

interface DemoModule {
  exampleFolders(): string[];
  runDemo(folders: string[], out: DemoOutput): Promise<unknown>;
}

/** Resolved at run time from dist/src/cli/commands/ to dist/demo/ (not a compile-time import). */
async function loadDemo(): Promise<DemoModule> {
  const url = new URL('../../../demo/run-demo.js', import.meta.url);
  try {
    return (await import(url.href)) as DemoModule;
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

function stdoutOutput(allowColour: boolean): DemoOutput {
  const colour = allowColour && process.stdout.isTTY === true && !process.env.NO_COLOR;
  return {
    line(text, style) {
      const [open, close] = colour && style ? (STYLE[style] ?? ['', '']) : ['', ''];
      process.stdout.write(`${open}${text}${close}\n`);
    },
  };
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('replay examples/ through the real webhook over HTTPS against an embedded Vault, printed as kubectl apply prints it')
    .option('--example <name>', 'only this folder of examples/')
    .option('--no-color', 'no colour (also when NO_COLOR is set, or stdout is not a terminal)')
    .action(async (flags: { example?: string; color?: boolean }) => {
      const { exampleFolders, runDemo } = await loadDemo();
      const all = exampleFolders();
      if (flags.example !== undefined && !all.includes(flags.example)) {
        process.stderr.write(`demo: no example "${flags.example}"; choose one of: ${all.join(', ')}\n`);
        process.exit(2);
      }
      await runDemo(flags.example ? [flags.example] : all, stdoutOutput(flags.color !== false));
    });
}
