// Activation memory of one training step, by the static graph's rule: every intermediate of the
// forward math (LAYERS.md) stays alive through the backward, each with a gradient of the same size.
import { gdnChunking } from '../kernels/gdn';
import { scanChunking } from '../kernels/selective-scan-plan';
import type { Channel, Mixer, ModelSpec, NormKind } from '../models/spec';

/**
 * Floats a layer keeps for a training step at context T, split by how they scale:
 * `grad` per token, kept with a same-size gradient; `stat` per token without one (norm rstd/mean,
 * attention logsumexp); `sequence` per sequence (chunk-boundary states of a chunked scan, no
 * gradient); `position` per position shared by the whole batch, with a gradient (Hyena's filter);
 * `positionStat` the same without one; `step` once per step, gradients included (the loss; tensors
 * computed from a layer's parameters alone, e.g. Mamba's A = −exp(A_log)). Kernel-internal scratch
 * (tiles, FFT buffers) is not counted.
 */
export interface ActivationTerms {
  grad: number;
  stat: number;
  sequence: number;
  position: number;
  positionStat: number;
  step: number;
}

const terms = (t: Partial<ActivationTerms>): ActivationTerms => ({
  grad: 0,
  stat: 0,
  sequence: 0,
  position: 0,
  positionStat: 0,
  step: 0,
  ...t,
});

/** Floats kept by one norm + residual wrapper around a sublayer: norm output, sum, statistics. */
export function sublayerTerms(D: number, norm: NormKind): ActivationTerms {
  return terms({ grad: 2 * D, stat: norm === 'layernorm' ? 2 : 1 });
}

/** `chunk`: how many tokens a chunked scan walks between stored states (its state is kept per chunk). */
export function mixerTerms(D: number, m: Mixer, T: number, chunk: number, first: boolean): ActivationTerms {
  const chunks = Math.ceil(T / chunk);
  switch (m.kind) {
    case 'attention': {
      const kv = m.kvHeads * (D / m.heads);
      const rope = m.rope ? D + kv : 0; // rotated q, k
      const qk = m.qkNorm ? D + kv : 0; // normalised q, k
      const convs = m.convSize > 0 ? D + 2 * kv : 0; // Primer's convs of q, k, v
      // q, k, v; attention output; o_proj output. Statistics: logsumexp per head, q/k norm rstd.
      return terms({ grad: 3 * D + 2 * kv + convs + rope + qk, stat: m.heads + (m.qkNorm ? 2 : 0) });
    }
    case 'mamba': {
      const [di, R, N] = [m.expand * D, m.dtRank, m.dState];
      // As the layer allocates (layers/mamba.ts): in_proj 2di, its x and z slices 2di, conv, silu;
      // x_proj R+2N and its Δ, B, C slices R+2N; dt_proj, + bias, softplus; scan y; y⊙silu(z);
      // out_proj D. The scan keeps its own chunk-start states (selective-scan-plan's chunking, not
      // `chunk`). Once per step: A = −exp(A_log), two (di, N) tensors with gradients.
      return terms({
        grad: 11 * di + 2 * (R + 2 * N) + D,
        sequence: scanChunking({ T, N }).nChunks * di * N,
        step: 4 * di * N,
      });
    }
    case 'mamba2': {
      const di = m.expand * D;
      const H = di / m.headDim;
      const convDim = di + 2 * m.groups * m.dState;
      // in_proj; conv, silu over x|B|C; Δ; y; silu(z); gated; gated RMSNorm; out_proj D.
      const grad = convDim + di + H + 2 * convDim + H + 4 * di + D;
      return terms({ grad, stat: m.groups, sequence: chunks * di * m.dState });
    }
    case 'gdn': {
      const dv = m.valueExpand * m.headDim;
      const [H, Dk, K, V] = [m.heads, m.headDim, m.heads * m.headDim, m.heads * dv];
      // As the layer allocates (layers/gdn.ts): q, k, v projections, short convs, silu (3·(2K + V));
      // L2-normalised q, k (2K); b_proj, σ, (2σ with negative eigenvalues), a_proj, + dt_bias,
      // softplus, ⊙(−A) (6H or 7H); o, o_norm, g_proj, gated (4V); o_proj D. Statistics: q, k L2 and
      // o_norm rstd (3H), and the backward's dlogDecay⊙dt product for dA (H, training only). The
      // recurrence keeps its own chunk-start states (gdn's chunking, not `chunk`). Once per step:
      // −exp(A_log) (2H, with gradients); the L2 norms' constant weights (2Dk) and, in the backward,
      // their discarded weight gradients (2Dk).
      const gates = m.negativeEigenvalues ? 7 : 6;
      return terms({
        grad: 3 * (2 * K + V) + 2 * K + gates * H + 4 * V + D,
        stat: 4 * H,
        sequence: gdnChunking({ T }).nChunks * H * Dk * dv,
        step: 4 * H + 4 * Dk,
      });
    }
    case 'retnet': {
      const [K, V] = [m.keyExpand * D, m.valueExpand * D];
      const dk = K / m.heads;
      const dv = V / m.heads;
      // q, k, v; o; group norm; g_proj; gated; o_proj D.
      return terms({ grad: 2 * K + 5 * V + D, stat: m.heads, sequence: chunks * m.heads * dk * dv });
    }
    case 'rwkv7': {
      const H = D / m.headSize;
      // Width-D tensors: token shift; 6 mixes; r, k, v; w (2); a (2); g; κ (2); adjusted k; wkv output;
      // ln_x; bonus; y⊙g; output = 23, plus 3 for the value residual (v2 output, σ, mixed v).
      // LoRA hidden tensors: tanh(x W_w1) and its input, x W_a1, x W_g1 and σ, x W_v1.
      const ranks = 2 * m.decayRank + m.aRank + 2 * m.gateRank + (first ? 0 : m.valueRank);
      const grad = (first ? 23 : 26) * D + ranks;
      return terms({ grad, stat: 2 * H, sequence: chunks * H * m.headSize * m.headSize });
    }
    case 'hyena': {
      const [o, W] = [m.order, m.filterWidth];
      // in_proj, short conv ((o+1)D each); per long convolution its input product and output (2D);
      // the final gate x₀ ⊙ (D); out_proj (D). Filter per position: FFN hidden (4W), raw and
      // modulated filters; positional features without a gradient.
      return terms({
        grad: 2 * (o + 1) * D + 2 * (o - 1) * D + 2 * D,
        position: 4 * W + 2 * (o - 1) * D,
        positionStat: 1 + 2 * m.filterBands,
      });
    }
  }
}

export function channelTerms(D: number, c: Channel): ActivationTerms {
  const F = c.hidden;
  switch (c.kind) {
    case 'swiglu':
      return terms({ grad: 3 * F + D }); // gate, up, silu(gate)⊙up, down
    case 'mlp':
      return terms({ grad: 2 * F + D }); // up, gelu, down
    case 'rwkv-cmix':
      return terms({ grad: 3 * D + 2 * F }); // shift, mix, key, relu², value
  }
}

/**
 * Embedding and head: embedding output (+ ln0), final norm, logits (V), per-row loss and
 * logsumexp, the token and target ids (i32, also 4 bytes); the loss (mean, count) once per step.
 */
export function outerTerms(spec: ModelSpec): ActivationTerms {
  const D = spec.width;
  const n = sublayerTerms(D, spec.norm).stat;
  const embedNorm = spec.embedNorm ? D : 0;
  return terms({ grad: D + embedNorm + D + spec.vocab, stat: (spec.embedNorm ? n : 0) + n + 4, step: 2 });
}

/** Bytes of f32 activations (and their gradients) for a batch of B sequences of T tokens. */
export function activationBytes(t: ActivationTerms, B: number, T: number): number {
  const perStep = B * T * (2 * t.grad + t.stat) + B * t.sequence + T * (2 * t.position + t.positionStat);
  return 4 * (perStep + t.step);
}
