// RoPE with the position read from an i32 tensor (decode): GPU vs CPU, and the same rotation as posOffset.
import { describe, it } from 'vitest';
import { Rng } from '../data/rng';
import { rope, ropeBackward, ropeRef, type RopeArgs, type RopeBackwardArgs } from './rope';
import { CpuBackend } from './cpu-backend';
import { compareBackends, expectClose, randn, type Case } from './testing';

function shape(rng: Rng, c: number) {
  return {
    B: 1 + rng.int(3),
    T: c % 2 === 0 ? 1 : 1 + rng.int(5),
    nHeads: 1 + rng.int(4),
    Dh: [2, 6, 16, 64][c % 4],
    base: 10000,
    posOffset: c % 3 === 0 ? rng.int(50) : 0,
  };
}

describe('rope at a position read from a tensor', () => {
  const rng = new Rng(5);

  it('matches the CPU reference, forward and backward', async () => {
    const at = Array.from({ length: 12 }, (_, c) => ({ s: shape(rng, c), pos: rng.int(30000) }));
    const data = at.map(({ s, pos }) => ({
      x: randn(rng, s.B * s.T * s.nHeads * s.Dh),
      pos: Int32Array.of(pos),
    }));
    const fwd: Case<RopeArgs>[] = at.map(({ s }, c) => ({
      label: JSON.stringify(at[c]),
      inputs: data[c],
      outputs: { y: randn(rng, data[c].x.length) },
      args: (t) => ({ out: t.y, x: t.x, pos: t.pos, ...s }),
    }));
    await compareBackends(rope, fwd);
    const bwd: Case<RopeBackwardArgs>[] = at.map(({ s }, c) => ({
      label: JSON.stringify(at[c]),
      inputs: data[c],
      outputs: { dx: randn(rng, data[c].x.length) },
      args: (t) => ({ dx: t.dx, dy: t.x, pos: t.pos, accumulate: c % 2 === 0, ...s }),
    }));
    await compareBackends(ropeBackward, bwd);
  });

  it('turns by the same angle as posOffset', () => {
    const cpu = new CpuBackend();
    for (let c = 0; c < 6; c++) {
      const s = shape(rng, c);
      const p = rng.int(5000);
      const x = randn(rng, s.B * s.T * s.nHeads * s.Dh);
      const want = new Float32Array(x.length);
      ropeRef(want, x, { ...s, posOffset: (s.posOffset ?? 0) + p });
      const pos = cpu.alloc([1], 'pos', 'i32');
      cpu.write(pos, Int32Array.of(p));
      const got = new Float32Array(x.length);
      ropeRef(got, x, { ...s, pos });
      expectClose(got, want, { rtol: 0, atol: 0, label: `case ${c}` });
    }
  });
});
