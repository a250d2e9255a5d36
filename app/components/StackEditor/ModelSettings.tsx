// Model-wide settings: width, context length, norm, tied embeddings, a norm after the embedding. Each
// shows its validation problems under it.
import { NORM_KINDS, type NormKind } from '../../../src/models/spec';
import { useStore } from '../../store';
import * as ops from '../../stack/ops';
import { BoolInput, NumberInput, SelectInput } from './FieldInput';

const NORM_LABELS: Record<NormKind, string> = { rmsnorm: 'RMSNorm', layernorm: 'LayerNorm' };

export function ModelSettingsForm() {
  const width = useStore((s) => s.stack.width);
  const contextLength = useStore((s) => s.stack.contextLength);
  const norm = useStore((s) => s.stack.norm);
  const tied = useStore((s) => s.stack.tiedEmbeddings);
  const embedNorm = useStore((s) => s.stack.embedNorm);
  const problems = useStore((s) => s.analysis.problems);
  const editStack = useStore((s) => s.editStack);
  const at = (path: string) => problems.filter((p) => p.path === path);
  const set = (patch: Parameters<typeof ops.setModel>[1], key?: string) =>
    editStack((e) => ops.setModel(e, patch), key);

  return (
    <fieldset className="model-settings" data-testid="model-settings">
      <legend className="sr-only">Model-wide settings</legend>
      <NumberInput
        label="Width"
        help="D, the residual stream"
        testId="model-width"
        value={width}
        problems={at('width')}
        onChange={(v) => set({ width: v ?? NaN }, 'width')}
      />
      <NumberInput
        label="Context"
        help="tokens per sequence, T"
        testId="model-context"
        value={contextLength}
        problems={at('contextLength')}
        onChange={(v) => set({ contextLength: v ?? NaN }, 'contextLength')}
      />
      <SelectInput
        label="Norm"
        help="before each sublayer"
        testId="model-norm"
        value={norm}
        options={NORM_KINDS.map((k) => ({ value: k, label: NORM_LABELS[k] }))}
        problems={at('norm')}
        onChange={(v) => set({ norm: v })}
      />
      <div className="model-flags" role="group" aria-label="Embedding options">
        <BoolInput
          label="Tied embeddings"
          testId="model-tied"
          value={tied}
          problems={at('tiedEmbeddings')}
          onChange={(v) => set({ tiedEmbeddings: v })}
        />
        <BoolInput
          label="Norm after embedding"
          testId="model-embed-norm"
          value={embedNorm}
          problems={at('embedNorm')}
          onChange={(v) => set({ embedNorm: v })}
        />
      </div>
    </fieldset>
  );
}
