// What the editor shows about a stack, recomputed on every edit: the validation problems (with their
// paths) and, for a valid spec, the instant cost model at its context length, totalled per block.
import type { ModelSpec, SpecInput, SpecProblem } from '../../src/models/spec';
import { resolveSpec, validateSpec } from '../../src/models/spec-validate';
import { modelCost, type ModelCost } from '../../src/measure/cost-model';
import { toInput, type EditSpec } from './edit-spec';

/** One block of the spec, over all its copies (block and group repeats). */
export interface BlockCost {
  /** Layers this block expands to. */
  layers: number;
  /** Parameters of one layer. */
  params: number;
  /** Decode state of one layer at the context length, bytes. */
  stateBytes: number;
  /** Prefill FLOPs per token of one layer. */
  flopsPerToken: number;
}

export interface Analysis {
  input: SpecInput;
  problems: SpecProblem[];
  spec: ModelSpec | null;
  cost: ModelCost | null;
  /** By block path ("stack[0].blocks[1]"). */
  blocks: Record<string, BlockCost>;
}

export function analyze(e: EditSpec, batch: number): Analysis {
  const input = toInput(e);
  const problems = validateSpec(input);
  if (problems.length) return { input, problems, spec: null, cost: null, blocks: {} };
  const spec = resolveSpec(input);
  const cost = modelCost(spec, spec.contextLength, { batch });
  const blocks: Record<string, BlockCost> = {};
  for (const l of cost.layers) {
    const b = blocks[l.path];
    if (b) b.layers += 1;
    else
      blocks[l.path] = {
        layers: 1,
        params: l.params,
        stateBytes: l.decodeStateBytes,
        flopsPerToken: l.flopsPerToken.prefill,
      };
  }
  return { input, problems, spec, cost, blocks };
}

/** The problems at a path or below it ("stack[0].blocks[1]" matches "stack[0].blocks[1].mixer.heads"). */
export function problemsUnder(problems: readonly SpecProblem[], path: string): SpecProblem[] {
  return problems.filter(
    (p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`),
  );
}
