import type { Command } from 'commander';

// Placeholder until the issue that owns this subcommand lands.
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('explain: not implemented yet\n');
      process.exit(2);
    });
}
