// Test helper of the decode tests: parameters whose every layer moves the logits.
import { Rng } from '../data/rng';
import type { Backend } from '../kernels/backend';
import { randn } from '../kernels/testing';
import { defineModelParams } from './model';
import { ParamStore } from './params';
import type { ModelSpec } from './spec';
import { specParams } from './spec-params';

/**
 * The model's parameters with every linear (and filter-MLP) weight redrawn at std 1/√in (the default
 * init's output projections are near zero, which would hide a wrong mixer step within the tolerance).
 */
export function lively(backend: Backend, spec: ModelSpec, seed: number): ParamStore {
  const p = new ParamStore(backend, new Rng(seed));
  defineModelParams(p, spec);
  redrawWeights(backend, p, spec, seed + 1);
  return p;
}

/** Writes new random values (std 1/√in) into every linear and filter-MLP weight of `p`, in place. */
export function redrawWeights(backend: Backend, p: ParamStore, spec: ModelSpec, seed: number): void {
  const rng = new Rng(seed);
  for (const s of specParams(spec))
    if (s.role === 'linear' || s.role === 'filter')
      backend.write(p.get(s.name), randn(rng, s.size, 1 / Math.sqrt(s.shape[1])));
}
