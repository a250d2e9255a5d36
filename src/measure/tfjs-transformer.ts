// The peer for the training benchmark: the Transformer preset written in TensorFlow.js (tfjs-core
// ops on its WebGPU backend, on our device: tfjs-peer.ts), the way a TF.js user would write it —
// attention materialises the (B, H, T, T) scores, autodiff through tf.variableGrads — doing the same
// work as a Strata training step: same spec, same starting weights, global-norm clipping and AdamW
// with decoupled weight decay on the same parameters. Its loss is checked against Strata's in tests.
import type { NamedTensor } from '../models/safetensors';
import type { TrainConfig } from '../models/overrides';
import { specLayers, type ModelSpec } from '../models/spec';
import type { TfjsPeer } from './tfjs-peer';

type Tf = TfjsPeer['tf'];
type T2 = import('@tensorflow/tfjs-core').Tensor;
type Var = import('@tensorflow/tfjs-core').Variable;

export interface TfjsTrainer {
  /** Forward, backward, clipped AdamW update at learning rate lr (step t, 1-based): submitted, not awaited. */
  step(inputs: Int32Array, targets: Int32Array, lr: number, t: number): void;
  /** Mean cross-entropy of a batch (forward only). */
  loss(inputs: Int32Array, targets: Int32Array): Promise<number>;
  /** The parameters' current values, by name. */
  read(name: string): Promise<Float32Array>;
  dispose(): void;
}

/** Throws unless the spec is a pre-norm RMSNorm Transformer (attention + SwiGLU/MLP blocks, RoPE, no QK-norm, no convs). */
function checkTransformer(spec: ModelSpec): void {
  const ok =
    spec.norm === 'rmsnorm' &&
    !spec.embedNorm &&
    specLayers(spec).every(
      (l) =>
        l.mixer.kind === 'attention' &&
        !l.mixer.qkNorm &&
        !l.mixer.postNorm &&
        l.mixer.convSize === 0 &&
        (l.channel === null || l.channel.kind === 'swiglu' || l.channel.kind === 'mlp'),
    );
  if (!ok)
    throw new Error(
      'The TensorFlow.js peer implements pre-norm RMSNorm Transformers (attention without QK-norm, post-norm or Primer convs, SwiGLU or MLP channels) only.',
    );
}

/**
 * The Transformer of `spec` in TensorFlow.js, starting from `params` (Strata's names, values and
 * weight-decay flags), training with `train`'s AdamW settings at batch size B.
 */
export function tfjsTransformer(
  tf: Tf,
  spec: ModelSpec,
  params: (NamedTensor & { decay: boolean })[],
  train: TrainConfig,
  B: number,
): TfjsTrainer {
  checkTransformer(spec);
  const [D, T, V] = [spec.width, spec.contextLength, spec.vocab];
  const vars = new Map<string, Var>(
    params.map((p) => [p.name, tf.variable(tf.tensor(p.data, p.shape, 'float32'), true, p.name)]),
  );
  const decayed = new Set(params.filter((p) => p.decay).map((p) => p.name));
  const moments = new Map(
    params.map((p) => [p.name, { m: tf.variable(tf.zeros(p.shape)), v: tf.variable(tf.zeros(p.shape)) }]),
  );
  const W = (name: string): T2 => {
    const v = vars.get(name);
    if (!v) throw new Error(`The TensorFlow.js peer has no parameter "${name}".`);
    return v;
  };
  const linear = (x: T2, name: string) => tf.matMul(x, W(`${name}.weight`), false, true);
  const rms = (x: T2, name: string) =>
    tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), spec.normEps))), W(`${name}.weight`));

  /** cos and sin of RoPE (HF rotate_half convention), shaped (1, T, 1, Dh) for each head size. */
  const ropeTables = new Map<string, [T2, T2]>();
  const ropeTable = (Dh: number, base: number): [T2, T2] => {
    const key = `${Dh}/${base}`;
    let t = ropeTables.get(key);
    if (!t) {
      const cos = new Float32Array(T * Dh);
      const sin = new Float32Array(T * Dh);
      for (let p = 0; p < T; p++)
        for (let i = 0; i < Dh; i++) {
          const angle = p * base ** ((-2 * (i % (Dh / 2))) / Dh);
          cos[p * Dh + i] = Math.cos(angle);
          sin[p * Dh + i] = Math.sin(angle);
        }
      // Kept: made inside the first step's tidy, reused by every later one.
      t = [tf.keep(tf.tensor(cos, [1, T, 1, Dh])), tf.keep(tf.tensor(sin, [1, T, 1, Dh]))];
      ropeTables.set(key, t);
    }
    return t;
  };
  const rope = (x: T2, Dh: number, base: number) => {
    const [cos, sin] = ropeTable(Dh, base);
    const half = Dh / 2;
    const x1 = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
    const x2 = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, half]);
    return tf.add(tf.mul(x, cos), tf.mul(tf.concat([tf.neg(x2), x1], -1), sin));
  };
  /** Additive causal (and sliding-window) mask, (T, T): 0 where attended, −1e9 elsewhere. */
  const masks = new Map<number, T2>();
  const mask = (window: number) => {
    let m = masks.get(window);
    if (!m) {
      const a = new Float32Array(T * T);
      for (let t = 0; t < T; t++)
        for (let j = 0; j < T; j++) a[t * T + j] = j <= t && (window === 0 || t - j < window) ? 0 : -1e9;
      m = tf.keep(tf.tensor(a, [T, T]));
      masks.set(window, m);
    }
    return m;
  };

  const forward = (ids: T2): T2 => {
    let x = tf.gather(W('model.embed_tokens.weight'), ids); // (B·T, D)
    for (const l of specLayers(spec)) {
      const p = `model.layers.${l.index}`;
      const m = l.mixer;
      if (m.kind !== 'attention') throw new Error('unreachable: checked by checkTransformer');
      const [H, Hkv, Dh] = [m.heads, m.kvHeads, D / m.heads];
      const h = rms(x, `${p}.input_layernorm`);
      let q = tf.reshape(linear(h, `${p}.self_attn.q_proj`), [B, T, H, Dh]);
      let k = tf.reshape(linear(h, `${p}.self_attn.k_proj`), [B, T, Hkv, Dh]);
      let v = tf.reshape(linear(h, `${p}.self_attn.v_proj`), [B, T, Hkv, Dh]);
      if (m.rope) {
        q = rope(q, Dh, m.ropeBase);
        k = rope(k, Dh, m.ropeBase);
      }
      if (Hkv < H) {
        // GQA: each kv head serves H/Hkv consecutive query heads (a gather: tfjs-webgpu's rank-5 tile reads back to the CPU).
        const heads = tf.tensor1d(
          Array.from({ length: H }, (_, h) => Math.floor(h / (H / Hkv))),
          'int32',
        );
        const rep = (t: T2) => tf.gather(t, heads, 2);
        k = rep(k);
        v = rep(v);
      }
      const [qh, kh, vh] = [q, k, v].map((t) => tf.transpose(t, [0, 2, 1, 3])); // (B, H, T, Dh)
      const scores = tf.add(tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(Dh)), mask(m.window));
      const o = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), vh), [0, 2, 1, 3]), [B * T, D]);
      x = tf.add(x, linear(o, `${p}.self_attn.o_proj`));
      if (!l.channel) continue;
      const c = rms(x, `${p}.post_attention_layernorm`);
      const hidden =
        l.channel.kind === 'swiglu'
          ? tf.mul(
              tf.mul(linear(c, `${p}.mlp.gate_proj`), tf.sigmoid(linear(c, `${p}.mlp.gate_proj`))),
              linear(c, `${p}.mlp.up_proj`),
            )
          : gelu(tf, linear(c, `${p}.mlp.up_proj`));
      x = tf.add(x, linear(hidden, `${p}.mlp.down_proj`));
    }
    x = rms(x, 'model.norm');
    return tf.matMul(x, W(spec.tiedEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight'), false, true); // (B·T, V)
  };
  const lossOf = (inputs: Int32Array, targets: Int32Array) => {
    const logits = forward(tf.tensor1d(inputs, 'int32'));
    return tf.losses.softmaxCrossEntropy(
      tf.oneHot(tf.tensor1d(targets, 'int32'), V),
      logits,
    ) as import('@tensorflow/tfjs-core').Scalar;
  };
  const names = [...vars.keys()];

  return {
    step(inputs, targets, lr, t) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => lossOf(inputs, targets),
          names.map((n) => vars.get(n)!),
        );
        // A chain of adds: tfjs-webgpu's addN binds every input at once, past the 12-buffer limit.
        const norm = tf.sqrt(names.map((n) => tf.sum(tf.square(grads[n]))).reduce((a, b) => tf.add(a, b)));
        const scale = tf.minimum(1, tf.div(train.clip, tf.add(norm, 1e-6)));
        const [bc1, bc2] = [1 - train.beta1 ** t, 1 - train.beta2 ** t];
        for (const n of names) {
          const g = tf.mul(grads[n], scale);
          const { m, v } = moments.get(n)!;
          m.assign(tf.add(tf.mul(m, train.beta1), tf.mul(g, 1 - train.beta1)));
          v.assign(tf.add(tf.mul(v, train.beta2), tf.mul(tf.square(g), 1 - train.beta2)));
          const p = vars.get(n)!;
          const kept = decayed.has(n) ? tf.mul(p, 1 - lr * train.weightDecay) : p;
          p.assign(tf.sub(kept, tf.div(tf.mul(tf.div(m, bc1), lr), tf.add(tf.sqrt(tf.div(v, bc2)), 1e-8))));
        }
      });
    },
    async loss(inputs, targets) {
      const l = tf.tidy(() => lossOf(inputs, targets));
      const value = (await l.data())[0];
      l.dispose();
      return value;
    },
    async read(name) {
      return (await W(name).data()) as Float32Array;
    },
    dispose() {
      for (const v of vars.values()) v.dispose();
      for (const { m, v } of moments.values()) [m, v].forEach((t) => t.dispose());
      for (const [c, s] of ropeTables.values()) [c, s].forEach((t) => t.dispose());
      for (const m of masks.values()) m.dispose();
    },
  };
}

/** GELU, tanh approximation (GPT-2's, as Strata's gelu kernel). */
function gelu(tf: Tf, x: T2): T2 {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}
