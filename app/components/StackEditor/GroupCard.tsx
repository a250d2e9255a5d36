// A group of blocks repeated as a whole ("× 2"): its header with the repeat count and the layers it
// expands to, duplicate and delete, and its blocks in a sortable list that also accepts drops.
import { useDroppable } from '@dnd-kit/core';
import { SortableContext, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { useStore } from '../../store';
import type { EditGroup } from '../../stack/edit-spec';
import * as ops from '../../stack/ops';
import { BlockCard, IconButton } from './BlockCard';
import { RepeatInput } from './RepeatInput';

export function GroupCard({ group, gi }: { group: EditGroup; gi: number }) {
  const editStack = useStore((s) => s.editStack);
  const problems = useStore((s) => s.analysis.problems);
  const repeatProblems = problems.filter(
    (p) => p.path === `stack[${gi}].repeat` || p.path === `stack[${gi}].blocks`,
  );
  const { setNodeRef, isOver } = useDroppable({
    id: `group:${group.id}`,
    data: { type: 'group', groupId: group.id },
  });
  const perPass = group.blocks.reduce((n, b) => n + (Number.isFinite(b.repeat) ? b.repeat : 0), 0);
  const layers = perPass * (Number.isFinite(group.repeat) ? group.repeat : 0);

  return (
    <section
      ref={setNodeRef}
      className={`group${isOver ? ' group-over' : ''}`}
      data-testid="stack-group"
      data-repeat={group.repeat}
      aria-label={`Group ${gi + 1}`}
    >
      <header className="group-head">
        <span className="group-title">Group {gi + 1}</span>
        <RepeatInput
          value={group.repeat}
          label={`Repeat count of group ${gi + 1}`}
          testId="group-repeat"
          invalid={repeatProblems.length > 0}
          onChange={(v) =>
            editStack((e) => ops.updateGroup(e, group.id, (g) => ({ ...g, repeat: v })), `${group.id}.repeat`)
          }
        />
        <span className="group-layers num">
          {layers} layer{layers === 1 ? '' : 's'}
        </span>
        <span className="group-tools">
          <IconButton
            label={`Duplicate group ${gi + 1}`}
            testId="group-duplicate"
            onClick={() => editStack((e) => ops.duplicateGroup(e, group.id))}
          >
            <path d="M7 3h9a2 2 0 0 1 2 2v9M4 7h9a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z" />
          </IconButton>
          <IconButton
            label={`Delete group ${gi + 1}`}
            testId="group-delete"
            onClick={() => editStack((e) => ops.removeGroup(e, group.id))}
          >
            <path d="M4 6h13M8 6V4h5v2M6 6l1 12h7l1-12" />
          </IconButton>
        </span>
      </header>
      {repeatProblems.length > 0 && (
        <p className="group-error" role="alert">
          {repeatProblems.map((p) => p.message).join(' · ')}
        </p>
      )}
      <SortableContext items={group.blocks.map((b) => b.id)} strategy={verticalListSortingStrategy}>
        <ol className="blocks">
          {group.blocks.map((b, bi) => (
            <BlockCard key={b.id} block={b} gi={gi} bi={bi} groupId={group.id} />
          ))}
        </ol>
      </SortableContext>
    </section>
  );
}
