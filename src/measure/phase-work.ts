// The work one measurement times, built once for a preset at its context length T: a prefill (the
// static forward graph over B·T tokens), one decode step at position T − 1 (Decoder: KV caches and
// recurrent states sized for T), or one training step. Curves time the ops as one submit; the
// profiler times them one by one.
import type { Backend, Op } from '../kernels/backend';
import { Graph } from '../autograd/graph';
import type { Rng } from '../data/rng';
import { ParamStore } from '../models/params';
import type { Preset } from '../models/presets';
import { defineModelParams, modelForward } from '../models/model';
import { Decoder } from '../models/decode';
import { Trainer } from '../models/trainer';

export type Phase = 'prefill' | 'decode' | 'training';
export const PHASES: readonly Phase[] = ['prefill', 'decode', 'training'];

export interface PhaseWork {
  /** The ops of one run, in order. */
  ops: readonly Op[];
  /** Tokens one run processes (for tokens/s). */
  tokens: number;
  /** Decode only: bytes of the decoder's states. */
  stateBytes?: number;
  dispose(): void;
}

const randomIds = (rng: Rng, n: number, vocab: number) =>
  Int32Array.from({ length: n }, () => rng.int(vocab));

function prefillWork(backend: Backend, p: Preset, B: number, rng: Rng): PhaseWork {
  const { spec } = p;
  const T = spec.contextLength;
  const params = new ParamStore(backend, rng);
  const g = new Graph(backend);
  try {
    defineModelParams(params, spec);
    const tokens = g.tensor([B * T], 'tokens', 'i32');
    backend.write(tokens, randomIds(rng, B * T, spec.vocab));
    modelForward(g, params, spec, tokens, B, T);
  } catch (e) {
    g.dispose();
    params.dispose();
    throw e;
  }
  return {
    ops: g.forwardOps,
    tokens: B * T,
    dispose: () => {
      g.dispose();
      params.dispose();
    },
  };
}

/** One decode step at position T − 1 of zeroed states (their contents do not change the work). */
function decodeWork(backend: Backend, p: Preset, B: number, rng: Rng): PhaseWork {
  const { spec } = p;
  const T = spec.contextLength;
  const params = new ParamStore(backend, rng);
  let dec: Decoder | undefined;
  try {
    defineModelParams(params, spec);
    dec = new Decoder(backend, params, spec, { batch: B, capacity: T });
    dec.step(randomIds(rng, B, spec.vocab), T - 1);
  } catch (e) {
    dec?.dispose();
    params.dispose();
    throw e;
  }
  const d = dec;
  return {
    ops: d.graph.forwardOps,
    tokens: B,
    stateBytes: d.stateBytes().total,
    dispose: () => {
      d.dispose();
      params.dispose();
    },
  };
}

function trainingWork(backend: Backend, p: Preset, rng: Rng, seed: number): PhaseWork {
  const trainer = new Trainer(backend, p, seed);
  const n = trainer.tokensPerStep;
  const dispose = () => {
    trainer.dispose();
    trainer.params.dispose();
  };
  try {
    trainer.feed({ inputs: randomIds(rng, n, p.spec.vocab), targets: randomIds(rng, n, p.spec.vocab) });
    trainer.optimizer.prepare(0, p.train.lr);
  } catch (e) {
    dispose();
    throw e;
  }
  return { ops: trainer.stepOps, tokens: n, dispose };
}

/** Builds one run's work of `phase` for the preset at its context length (B sequences). */
export function phaseWork(
  backend: Backend,
  p: Preset,
  phase: Phase,
  B: number,
  rng: Rng,
  seed: number,
): PhaseWork {
  if (phase === 'prefill') return prefillWork(backend, p, B, rng);
  if (phase === 'decode') return decodeWork(backend, p, B, rng);
  return trainingWork(backend, p, rng, seed);
}
