// `npm run docs`: rewrites the generated parts of docs/ from the code (see render.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFindingCodes, withConfigBlock } from './render.js';

const root = process.cwd();
writeFileSync(join(root, 'docs', 'finding-codes.md'), renderFindingCodes());
const configPage = join(root, 'docs', 'configuration.md');
writeFileSync(configPage, withConfigBlock(readFileSync(configPage, 'utf8')));
console.log('docs/finding-codes.md and docs/configuration.md regenerated');
