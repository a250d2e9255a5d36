// Bundles the CLI (src/cli.ts, WGSL inlined) into one ESM file for machines without the project's
// npm install, e.g. a GPU box: run it there with Node 20 and the `webgpu` package's dawn.node beside it.
//   node scripts/bundle-cli.mjs dist/cli   →   dist/cli/cli.mjs + dist/cli/node_modules/webgpu
import { build } from 'esbuild';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'cli'));

/** `import code from './op.wgsl?raw'` → the file's text, as Vite does. */
const rawImports = {
  name: 'raw',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (a) => ({
      path: join(a.resolveDir, a.path.slice(0, -4)),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, async (a) => ({
      contents: `export default ${JSON.stringify(await readFile(a.path, 'utf8'))};`,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [join(root, 'src', 'cli.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: join(out, 'cli.mjs'),
  external: ['webgpu'],
  plugins: [rawImports],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const webgpu = join(root, 'node_modules', 'webgpu');
const target = join(out, 'node_modules', 'webgpu');
await mkdir(join(target, 'dist'), { recursive: true });
for (const f of ['index.js', 'package.json']) await cp(join(webgpu, f), join(target, f));
await cp(
  join(webgpu, 'dist', `${process.platform}-${process.arch}`),
  join(target, 'dist', `${process.platform}-${process.arch}`),
  {
    recursive: true,
  },
);
console.log(
  `bundled the CLI into ${out} (run: node ${join(out, 'cli.mjs')} <command>, from the repository root for its data)`,
);
