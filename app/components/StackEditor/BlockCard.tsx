// One block of the stack: a drag handle (mouse, touch, or keyboard: Space to lift, arrows to move,
// Space to drop), the mixer and its channel, the repeat count, duplicate and delete, its cost in one
// line, and its validation problems in place. Clicking it shows it in the inspector.
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { formatBytes } from '../../../src/measure/memory-fit';
import { channelName, MIXER_CONTENT } from '../../content/layers';
import { useStore } from '../../store';
import { problemsUnder } from '../../stack/analysis';
import { blockPath, type EditBlock } from '../../stack/edit-spec';
import * as ops from '../../stack/ops';
import { formatCount } from '../TrainPanel/format';
import { duplicateBlock, removeBlock } from './actions';
import { RepeatInput } from './RepeatInput';

export function blockName(b: Pick<EditBlock, 'mixer' | 'channel'>): string {
  return b.channel
    ? `${MIXER_CONTENT[b.mixer].name} + ${channelName(b.channel)}`
    : MIXER_CONTENT[b.mixer].name;
}

export function BlockCard({
  block,
  gi,
  bi,
  groupId,
}: {
  block: EditBlock;
  gi: number;
  bi: number;
  groupId: string;
}) {
  const path = blockPath(gi, bi);
  const selected = useStore((s) => s.selectedBlock === block.id);
  const problems = useStore((s) => s.analysis.problems);
  const cost = useStore((s) => s.analysis.blocks[path]);
  const select = useStore((s) => s.selectBlock);
  const editStack = useStore((s) => s.editStack);
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } =
    useSortable({
      id: block.id,
      data: { type: 'block', id: block.id, groupId },
    });
  const mine = problemsUnder(problems, path);
  const repeatProblems = mine.filter((p) => p.path === `${path}.repeat`);
  const name = blockName(block);
  const content = MIXER_CONTENT[block.mixer];

  return (
    <li
      ref={setNodeRef}
      className={`block fam-${content.family}${selected ? ' block-selected' : ''}${mine.length ? ' block-invalid' : ''}${isDragging ? ' block-dragging' : ''}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      data-testid="stack-block"
      data-block-id={block.id}
      data-mixer={block.mixer}
      data-channel={block.channel ?? 'none'}
      data-repeat={block.repeat}
      data-path={path}
      onClick={() => select(block.id)}
    >
      <button
        ref={setActivatorNodeRef}
        type="button"
        className="block-handle"
        aria-label={`Move the ${name} block (Space to lift, arrow keys to move, Space to drop)`}
        {...attributes}
        {...listeners}
      >
        <svg viewBox="0 0 12 20" aria-hidden="true">
          {[4, 10, 16].map((y) => (
            <g key={y}>
              <circle cx="3" cy={y} r="1.6" />
              <circle cx="9" cy={y} r="1.6" />
            </g>
          ))}
        </svg>
      </button>
      <div className="block-main">
        <button
          type="button"
          className="block-title"
          aria-pressed={selected}
          aria-label={`Inspect the ${name} block`}
          data-testid="block-select"
          onClick={(e) => {
            e.stopPropagation();
            select(block.id);
          }}
        >
          <span className="block-mixer">{content.name}</span>
          <span className={`block-channel${block.channel ? '' : ' block-channel-none'}`}>
            {block.channel ? channelName(block.channel) : 'no channel'}
          </span>
        </button>
        <span className="block-cost num" data-testid="block-cost">
          {mine.length
            ? `${mine.length} problem${mine.length > 1 ? 's' : ''}: see the inspector`
            : cost
              ? `${formatCount(cost.params)} params · ${formatBytes(cost.stateBytes)} state`
              : '\u00a0'}
        </span>
      </div>
      <RepeatInput
        value={block.repeat}
        label={`Repeat count of the ${name} block`}
        testId="block-repeat"
        invalid={repeatProblems.length > 0}
        onChange={(v) =>
          editStack((e) => ops.updateBlock(e, block.id, (b) => ({ ...b, repeat: v })), `${block.id}.repeat`)
        }
      />
      <div className="block-tools">
        <IconButton
          label={`Duplicate the ${name} block`}
          testId="block-duplicate"
          onClick={() => duplicateBlock(block.id)}
        >
          <path d="M7 3h9a2 2 0 0 1 2 2v9M4 7h9a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z" />
        </IconButton>
        <IconButton
          label={`Delete the ${name} block`}
          testId="block-delete"
          onClick={() => removeBlock(block.id)}
        >
          <path d="M4 6h13M8 6V4h5v2M6 6l1 12h7l1-12" />
        </IconButton>
      </div>
    </li>
  );
}

export function IconButton(props: {
  label: string;
  testId: string;
  onClick(): void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      className="icon-btn"
      aria-label={props.label}
      title={props.label}
      data-testid={props.testId}
      onClick={(e) => {
        e.stopPropagation();
        props.onClick();
      }}
    >
      <svg viewBox="0 0 21 21" aria-hidden="true">
        {props.children}
      </svg>
    </button>
  );
}
