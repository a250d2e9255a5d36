// The preset stacks of LAYERS.md as specs, tiny by default (width 64, context 64, 2–8 layers), each
// with a one-line description and its papers, for the gallery, the CLI and the tests.
import type { ModelSpec, SpecInput } from './spec';
import { resolveSpec } from './spec-validate';

export interface Paper {
  authors: string;
  year: number;
  title: string;
}

export interface SpecPreset {
  name: string;
  title: string;
  description: string;
  /** The paper the stack comes from first, then any others it draws on. */
  papers: Paper[];
  spec: SpecInput;
}

/** The vocabulary size of Moby-Dick's characters: presets use it until a tokenizer sets the real one (training does). */
export const PRESET_VOCAB = 80;

const tiny = { width: 64, vocab: PRESET_VOCAB, contextLength: 64 };

const MAMBA: Paper = {
  authors: 'Gu, Dao',
  year: 2023,
  title: 'Mamba: Linear-Time Sequence Modeling with Selective State Spaces',
};

const list: SpecPreset[] = [
  {
    name: 'transformer',
    title: 'Transformer',
    description: '[attention + SwiGLU] × L with RoPE and RMSNorm (LLaMA style), tied embeddings',
    papers: [
      { authors: 'Vaswani et al.', year: 2017, title: 'Attention Is All You Need' },
      {
        authors: 'Touvron et al.',
        year: 2023,
        title: 'LLaMA: Open and Efficient Foundation Language Models',
      },
    ],
    spec: {
      ...tiny,
      stack: [{ blocks: [{ mixer: { kind: 'attention', heads: 4 }, channel: 'swiglu' }], repeat: 2 }],
    },
  },
  {
    name: 'mamba',
    title: 'Mamba',
    description: '[Mamba] × L: selective state-space blocks with no channel sublayer, as in the paper',
    papers: [MAMBA],
    spec: { ...tiny, stack: [{ blocks: [{ mixer: 'mamba' }], repeat: 4 }] },
  },
  {
    name: 'mamba2',
    title: 'Mamba-2',
    description: '[Mamba-2] × L: state-space duality, a scalar decay per head, chunked scan',
    papers: [
      {
        authors: 'Dao, Gu',
        year: 2024,
        title:
          'Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured State Space Duality',
      },
    ],
    spec: { ...tiny, stack: [{ blocks: [{ mixer: 'mamba2' }], repeat: 4 }] },
  },
  {
    name: 'striped-hyena',
    title: 'StripedHyena',
    description: '[Hyena + SwiGLU, attention + SwiGLU] × L/2: long convolutions striped with attention',
    papers: [
      {
        authors: 'Poli et al.',
        year: 2023,
        title: 'Hyena Hierarchy: Towards Larger Convolutional Language Models',
      },
    ],
    spec: {
      ...tiny,
      stack: [
        {
          blocks: [
            { mixer: 'hyena', channel: 'swiglu' },
            { mixer: 'attention', channel: 'swiglu' },
          ],
          repeat: 1,
        },
      ],
    },
  },
  {
    name: 'rwkv7',
    title: 'RWKV-7',
    description:
      '[time-mix + channel-mix] × L: a generalised delta-rule state, LayerNorm, ln0 after the embedding',
    papers: [
      {
        authors: 'Peng et al.',
        year: 2025,
        title: 'RWKV-7 "Goose" with Expressive Dynamic State Evolution',
      },
    ],
    spec: {
      ...tiny,
      norm: 'layernorm',
      embedNorm: true,
      tiedEmbeddings: false,
      stack: [{ blocks: [{ mixer: 'rwkv7', channel: 'rwkv-cmix' }], repeat: 2 }],
    },
  },
  {
    name: 'retnet',
    title: 'RetNet',
    description: '[retention + SwiGLU] × L: linear attention with a fixed decay per head',
    papers: [
      {
        authors: 'Sun et al.',
        year: 2023,
        title: 'Retentive Network: A Successor to Transformer for Large Language Models',
      },
    ],
    spec: { ...tiny, stack: [{ blocks: [{ mixer: 'retnet', channel: 'swiglu' }], repeat: 2 }] },
  },
  {
    name: 'olmo-hybrid',
    title: 'OLMo Hybrid',
    description: '3 × [Gated DeltaNet + SwiGLU], 1 × [attention (post-norm, QK-norm) + SwiGLU], repeated',
    papers: [
      {
        authors: 'Yang, Kautz, Hatamizadeh',
        year: 2024,
        title: 'Gated Delta Networks: Improving Mamba2 with Delta Rule',
      },
      { authors: 'Team OLMo (Walsh et al.)', year: 2024, title: '2 OLMo 2 Furious' },
    ],
    spec: {
      ...tiny,
      stack: [
        {
          blocks: [
            { mixer: 'gdn', channel: 'swiglu', repeat: 3 },
            { mixer: { kind: 'attention', qkNorm: true, postNorm: true }, channel: 'swiglu' },
          ],
          repeat: 2,
        },
      ],
    },
  },
  {
    name: 'jamba',
    title: 'Jamba-style',
    description:
      '7 × [Mamba + MLP], 1 × [attention (GQA, no RoPE) + MLP]: mostly state space, one attention layer',
    papers: [
      { authors: 'Lieber et al.', year: 2024, title: 'Jamba: A Hybrid Transformer-Mamba Language Model' },
      MAMBA,
    ],
    spec: {
      ...tiny,
      stack: [
        {
          blocks: [
            { mixer: 'mamba', channel: 'mlp', repeat: 7 },
            { mixer: { kind: 'attention', kvHeads: 2, rope: false }, channel: 'mlp' },
          ],
          repeat: 1,
        },
      ],
    },
  },
  {
    name: 'samba',
    title: 'Samba-style',
    description:
      '[Mamba + MLP, sliding-window attention + MLP] × L/2: recurrence for the long range, a window for recall',
    papers: [
      {
        authors: 'Ren et al.',
        year: 2024,
        title: 'Samba: Simple Hybrid State Space Models for Efficient Unlimited Context Language Modeling',
      },
      MAMBA,
    ],
    spec: {
      ...tiny,
      stack: [
        {
          blocks: [
            { mixer: 'mamba', channel: 'mlp' },
            { mixer: { kind: 'attention', window: 32 }, channel: 'mlp' },
          ],
          repeat: 2,
        },
      ],
    },
  },
];

/** Every preset by name, in gallery order. */
export const SPEC_PRESETS: Record<string, SpecPreset> = Object.fromEntries(list.map((p) => [p.name, p]));

/** A preset's resolved spec; an unknown name is an error that lists the presets. */
export function presetSpec(name: string): ModelSpec {
  const p = SPEC_PRESETS[name];
  if (!p) throw new Error(`Unknown preset "${name}". Presets: ${Object.keys(SPEC_PRESETS).join(', ')}.`);
  return resolveSpec(p.spec);
}
