// Loads a corpus for the CLI: the prepared Moby-Dick split from public/data (prepared on demand),
// or a user's text file split 90/10.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { splitText, type Corpus } from '../data/corpus';

export function loadCorpus(name: string): Corpus {
  if (name === 'moby-dick') {
    const dir = join(process.cwd(), 'public', 'data');
    if (!existsSync(join(dir, 'moby-dick.val.txt')))
      execFileSync('node', ['scripts/prepare-data.mjs'], { stdio: 'inherit' });
    return {
      train: readFileSync(join(dir, 'moby-dick.train.txt'), 'utf8'),
      val: readFileSync(join(dir, 'moby-dick.val.txt'), 'utf8'),
    };
  }
  if (!existsSync(name))
    throw new Error(`--data "${name}": no such file. Use "moby-dick" or the path of a text file.`);
  const text = readFileSync(name, 'utf8');
  return splitText(text, `--data "${name}"`);
}
