import type { Command } from 'commander';

// Placeholder until the issue that owns this subcommand lands.
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('demo: not implemented yet\n');
      process.exit(2);
    });
}
