// Strata from Node: the same engine and kernels as the browser, on Dawn (GPU or SwiftShader).
//   npm run cli -- train --preset transformer --data moby-dick --steps 300 --seed 1 --json
//   npm run bench -- matmul --json
//   npm run cli -- train --task mqar --steps 300 --json
//   npm run cli -- eval --checkpoint model.safetensors --data moby-dick --json
import { trainCommand } from './cli/train';
import { benchCommand } from './cli/bench';
import { profileCommand } from './cli/profile';
import { curvesCommand } from './cli/curves';
import { evalCommand } from './cli/eval';
import { layerCommand } from './cli/layer';

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  train: trainCommand,
  bench: benchCommand,
  profile: profileCommand,
  curves: curvesCommand,
  eval: evalCommand,
  layer: layerCommand,
};

async function main(): Promise<void> {
  const [name, ...rest] = process.argv.slice(2);
  const cmd = COMMANDS[name ?? ''];
  if (!cmd) {
    console.error(`Usage: cli <${Object.keys(COMMANDS).join('|')}> [flags]`);
    process.exitCode = 2;
    return;
  }
  await cmd(rest);
}

main().then(
  () => process.exit(),
  (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
