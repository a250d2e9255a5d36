// The Transformer baseline: embedding → [RMSNorm → attention (RoPE) → + → RMSNorm → SwiGLU → +] × L
// → RMSNorm → tied lm_head. Parameter names follow HF LLaMA (LAYERS.md).
// Dimension letters: B batch, T time, D width, H heads, Hkv kv heads, Dh head size, F SwiGLU width, V vocab.
import type { Graph } from '../autograd/graph';
import * as op from '../autograd/ops';
import type { Tensor } from '../kernels/tensor';
import type { ParamStore } from './params';
import type { ModelConfig } from './presets';

export function swigluWidth(D: number): number {
  return Math.ceil((8 * D) / 3 / 8) * 8;
}

export function defineTransformerParams(p: ParamStore, m: ModelConfig, V: number): void {
  const D = m.width;
  const Dh = D / m.heads;
  const F = swigluWidth(D);
  const std = 0.02;
  const outStd = std / Math.sqrt(2 * m.layers);
  p.add('model.embed_tokens.weight', [V, D], { kind: 'normal', std }, false);
  for (let i = 0; i < m.layers; i++) {
    const l = `model.layers.${i}`;
    p.add(`${l}.input_layernorm.weight`, [D], { kind: 'const', value: 1 }, false);
    p.add(`${l}.self_attn.q_proj.weight`, [D, D], { kind: 'normal', std });
    p.add(`${l}.self_attn.k_proj.weight`, [m.kvHeads * Dh, D], { kind: 'normal', std });
    p.add(`${l}.self_attn.v_proj.weight`, [m.kvHeads * Dh, D], { kind: 'normal', std });
    p.add(`${l}.self_attn.o_proj.weight`, [D, D], { kind: 'normal', std: outStd });
    p.add(`${l}.post_attention_layernorm.weight`, [D], { kind: 'const', value: 1 }, false);
    p.add(`${l}.mlp.gate_proj.weight`, [F, D], { kind: 'normal', std });
    p.add(`${l}.mlp.up_proj.weight`, [F, D], { kind: 'normal', std });
    p.add(`${l}.mlp.down_proj.weight`, [D, F], { kind: 'normal', std: outStd });
  }
  p.add('model.norm.weight', [D], { kind: 'const', value: 1 }, false);
}

/** Records the forward pass for token ids (B·T) and returns the logits (B·T, V). */
export function transformerForward(
  g: Graph,
  p: ParamStore,
  m: ModelConfig,
  tokens: Tensor,
  B: number,
  T: number,
): Tensor {
  const D = m.width;
  const H = m.heads;
  const Hkv = m.kvHeads;
  const Dh = D / H;
  const F = swigluWidth(D);
  const R = B * T;
  const w = (name: string) => p.get(name);
  const E = w('model.embed_tokens.weight'); // (V, D)
  const V = E.shape[0];
  let x = op.embedding(g, E, tokens, R, D); // (R, D)
  for (let i = 0; i < m.layers; i++) {
    const l = `model.layers.${i}`;
    let h = op.rmsnorm(g, x, w(`${l}.input_layernorm.weight`), R, D, m.normEps);
    let q = op.linear(g, h, w(`${l}.self_attn.q_proj.weight`), R, D, D); // (B, T, H, Dh)
    let k = op.linear(g, h, w(`${l}.self_attn.k_proj.weight`), R, D, Hkv * Dh); // (B, T, Hkv, Dh)
    const v = op.linear(g, h, w(`${l}.self_attn.v_proj.weight`), R, D, Hkv * Dh); // (B, T, Hkv, Dh)
    q = op.rope(g, q, B, T, H, Dh, m.ropeBase);
    k = op.rope(g, k, B, T, Hkv, Dh, m.ropeBase);
    const a = op.attention(g, q, k, v, { B, T, H, Hkv, Dh, window: 0 }); // (B, T, H, Dh)
    x = op.add(g, x, op.linear(g, a, w(`${l}.self_attn.o_proj.weight`), R, D, D));
    h = op.rmsnorm(g, x, w(`${l}.post_attention_layernorm.weight`), R, D, m.normEps);
    const gate = op.linear(g, h, w(`${l}.mlp.gate_proj.weight`), R, D, F); // (R, F)
    const up = op.linear(g, h, w(`${l}.mlp.up_proj.weight`), R, D, F); // (R, F)
    x = op.add(g, x, op.linear(g, op.swiglu(g, gate, up), w(`${l}.mlp.down_proj.weight`), R, F, D));
  }
  x = op.rmsnorm(g, x, w('model.norm.weight'), R, D, m.normEps);
  return op.linear(g, x, E, R, D, V); // tied lm_head: (R, V)
}
