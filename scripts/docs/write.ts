// `npm run docs`: rewrites the generated parts of the docs from the code (see render.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFindingCodes, withConfigBlock, withExamplesBlock } from './render.js';

const root = process.cwd();
writeFileSync(join(root, 'docs', 'finding-codes.md'), renderFindingCodes());
const configPage = join(root, 'docs', 'configuration.md');
writeFileSync(configPage, withConfigBlock(readFileSync(configPage, 'utf8')));
const examplesPage = join(root, 'examples', 'README.md');
writeFileSync(examplesPage, withExamplesBlock(readFileSync(examplesPage, 'utf8')));
console.log('docs/finding-codes.md, docs/configuration.md and the table in examples/README.md regenerated');
