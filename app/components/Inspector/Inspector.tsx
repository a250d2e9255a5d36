// The inspector: the selected block's settings (each with its validation problems beside it), its
// cost from the cost model, its math typeset with KaTeX, its parameters and their shapes, and in
// plain words what it does and what it costs.
import { useState } from 'react';
import type { Channel, ChannelKind, Mixer } from '../../../src/models/spec';
import { channelParams, mixerParams } from '../../../src/models/spec-params';
import { formatBytes } from '../../../src/measure/memory-fit';
import { CHANNEL_CHOICES, CHANNEL_CONTENT, MIXER_CONTENT } from '../../content/layers';
import { useStore } from '../../store';
import { problemsUnder } from '../../stack/analysis';
import { blockPath, findBlock, type EditBlock } from '../../stack/edit-spec';
import { fieldViews, type FieldView } from '../../stack/fields';
import * as ops from '../../stack/ops';
import { formatCount } from '../TrainPanel/format';
import { setChannel } from '../StackEditor/actions';
import { BoolInput, NumberInput, SelectInput } from '../StackEditor/FieldInput';
import { formatFlops } from '../StackEditor/Totals';
import { Formula } from './Formula';
import { InspectorTabs, type Tab } from './InspectorTabs';
import './inspector.css';

export function Inspector() {
  const selected = useStore((s) => s.selectedBlock);
  // The tab stays as the user left it when another block is selected.
  const [tab, setTab] = useState<Tab>('settings');
  const stack = useStore((s) => s.stack);
  const at = selected ? findBlock(stack, selected) : null;
  return (
    <section className="card inspector" data-testid="inspector" aria-labelledby="inspector-title">
      {at && selected ? (
        <BlockInspector block={at.block} gi={at.gi} bi={at.bi} tab={tab} onTab={setTab} />
      ) : (
        <>
          <div className="card-head">
            <h2 className="card-title" id="inspector-title">
              Inspector
            </h2>
          </div>
          <p className="inspector-empty">Select a block in the stack to see its math, shapes and costs.</p>
        </>
      )}
    </section>
  );
}

interface BlockProps {
  block: EditBlock;
  gi: number;
  bi: number;
  tab: Tab;
  onTab(t: Tab): void;
}

function BlockInspector({ block, gi, bi, tab, onTab }: BlockProps) {
  const path = blockPath(gi, bi);
  const D = useStore((s) => s.stack.width);
  const problems = useStore((s) => s.analysis.problems);
  const cost = useStore((s) => s.analysis.blocks[path]);
  const resolved = useStore((s) => s.analysis.spec?.stack[gi]?.blocks[bi]);
  const editStack = useStore((s) => s.editStack);
  const mine = problemsUnder(problems, path);
  const mixer = MIXER_CONTENT[block.mixer];
  const channel = block.channel ? CHANNEL_CONTENT[block.channel] : null;
  const fieldPath = (part: string, key: string) => `${path}.${part}.${key}`;
  const shown = new Set<string>();
  const fieldProblems = (part: string, key: string) => {
    const p = fieldPath(part, key);
    shown.add(p);
    return mine.filter((x) => x.path === p);
  };

  const renderField = (part: 'mixer' | 'channel', f: FieldView) => {
    const common = {
      label: f.key,
      help: f.help,
      testId: `field-${part}-${f.key}`,
      problems: fieldProblems(part, f.key),
      auto: {
        explicit: f.explicit,
        reset: () => editStack((e) => ops.setField(e, block.id, part, f.key, undefined)),
      },
    };
    return f.type === 'bool' ? (
      <BoolInput
        key={f.key}
        {...common}
        value={f.value as boolean}
        onChange={(v) => editStack((e) => ops.setField(e, block.id, part, f.key, v))}
      />
    ) : (
      <NumberInput
        key={`${block.id}.${f.key}`}
        {...common}
        value={f.value as number}
        onChange={(v) =>
          editStack((e) => ops.setField(e, block.id, part, f.key, v), `${block.id}.${part}.${f.key}`)
        }
      />
    );
  };

  const mixerFields = fieldViews('mixer', block.mixer, block.mixerFields, D).map((f) =>
    renderField('mixer', f),
  );
  const channelFields = block.channel
    ? fieldViews('channel', block.channel, block.channelFields, D).map((f) => renderField('channel', f))
    : [];
  const other = mine.filter((p) => !shown.has(p.path) && p.path !== `${path}.repeat`);

  return (
    <div
      className={`inspector-body fam-${mixer.family}`}
      data-testid="inspector-block"
      data-mixer={block.mixer}
    >
      <div className="card-head inspector-head">
        <h2 className="card-title" id="inspector-title">
          {mixer.name}
          {channel && <span className="inspector-plus"> + {channel.name}</span>}
        </h2>
        <span className="card-sub">
          group {gi + 1} · block {bi + 1}
          {cost && cost.layers > 1 ? ` · ${cost.layers} layers` : ''}
        </span>
      </div>

      <dl className="inspector-figures">
        <Figure
          label="Parameters"
          sub="per layer"
          value={cost ? formatCount(cost.params) : '—'}
          testId="inspector-params"
          raw={cost?.params}
        />
        <Figure
          label="Decode state"
          sub="per layer"
          value={cost ? formatBytes(cost.stateBytes) : '—'}
          testId="inspector-state"
          raw={cost?.stateBytes}
        />
        <Figure
          label="FLOPs / token"
          sub="per layer"
          value={cost ? formatFlops(cost.flopsPerToken) : '—'}
          testId="inspector-flops"
          raw={cost?.flopsPerToken}
        />
      </dl>

      {other.length > 0 && (
        <p className="inspector-problems" role="alert" data-testid="inspector-problems">
          {other.map((p) => p.message).join(' · ')}
        </p>
      )}

      <InspectorTabs tab={tab} onTab={onTab} problems={mine.length}>
        {tab === 'settings' ? (
          <>
            <div className="inspector-fields" data-testid="mixer-fields">
              {mixerFields}
            </div>
            <div className="inspector-fields inspector-channel">
              <SelectInput<ChannelKind | 'none'>
                label="channel"
                help="the sublayer after the mixer"
                testId="field-channel-kind"
                value={block.channel ?? 'none'}
                options={CHANNEL_CHOICES.map((k) => ({
                  value: k,
                  label: k === 'none' ? 'none' : CHANNEL_CONTENT[k].name,
                }))}
                problems={fieldProblems('channel', 'kind')}
                onChange={(v) => setChannel(v, block.id)}
              />
              {channelFields}
            </div>
          </>
        ) : tab === 'math' ? (
          <>
            {mixer.formulas.map((tex) => (
              <Formula key={tex} tex={tex} />
            ))}
            <p className="inspector-text">
              <strong>What it does.</strong> {mixer.does}
            </p>
            <p className="inspector-text">
              <strong>What it costs.</strong> {mixer.costs}
            </p>
            {channel && (
              <>
                <h3 className="inspector-h inspector-h-channel">{channel.name}</h3>
                {channel.formulas.map((tex) => (
                  <Formula key={tex} tex={tex} />
                ))}
                <p className="inspector-text">
                  {channel.does} {channel.costs}
                </p>
              </>
            )}
          </>
        ) : resolved ? (
          <>
            <Shapes D={D} mixer={resolved.mixer} channel={resolved.channel} />
            <p className="inspector-muted inspector-small">
              Per layer, named as in the reference implementations; PyTorch layout (out × in).
            </p>
          </>
        ) : (
          <p className="inspector-text inspector-muted">Shapes appear once the settings are valid.</p>
        )}
      </InspectorTabs>
    </div>
  );
}

function Shapes({ D, mixer, channel }: { D: number; mixer: Mixer; channel: Channel | null }) {
  const rows = [...mixerParams(D, mixer), ...(channel ? channelParams(D, channel) : [])];
  return (
    <table className="shapes" data-testid="inspector-shapes">
      <thead>
        <tr>
          <th scope="col">name</th>
          <th scope="col">shape</th>
          <th scope="col" className="shapes-num">
            size
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, shape]) => (
          <tr key={name}>
            <td className="shapes-name">{name}</td>
            <td className="num">{shape.join(' × ')}</td>
            <td className="num shapes-num">{formatCount(shape.reduce((a, b) => a * b, 1))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Figure(props: { label: string; sub: string; value: string; testId: string; raw?: number }) {
  return (
    <div className="figure" data-testid={props.testId} data-value={props.raw ?? ''}>
      <dt>
        {props.label} <span className="figure-sub">{props.sub}</span>
      </dt>
      <dd className="num">{props.value}</dd>
    </div>
  );
}
