import type { Command } from 'commander';

// Placeholder until the issue that owns this subcommand lands.
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('(not implemented yet)')
    .action(() => {
      process.stderr.write('serve: not implemented yet\n');
      process.exit(2);
    });
}
