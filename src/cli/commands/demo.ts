// `eso-vault-guard demo`: README's first command. See src/cli/demo/run-demo.ts.
import type { Command } from 'commander';
import { exampleFolders, runDemo, type DemoOutput } from '../demo/run-demo.js';

const STYLE: Record<string, [string, string]> = {
  heading: ['\u001b[1m', '\u001b[22m'],
  warning: ['\u001b[33m', '\u001b[39m'],
  error: ['\u001b[31m', '\u001b[39m'],
  ok: ['\u001b[32m', '\u001b[39m'],
  dim: ['\u001b[2m', '\u001b[22m'],
};

function stdoutOutput(): DemoOutput {
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
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
    .action(async (flags: { example?: string }) => {
      const all = exampleFolders();
      if (flags.example !== undefined && !all.includes(flags.example)) {
        process.stderr.write(`demo: no example "${flags.example}"; choose one of: ${all.join(', ')}\n`);
        process.exit(2);
      }
      await runDemo(flags.example ? [flags.example] : all, stdoutOutput());
    });
}
