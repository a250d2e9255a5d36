// The stack editor: palette, the stack of groups and blocks (drag and drop, keyboard too), model-wide
// settings and live totals from the cost model; undo/redo with buttons and Ctrl+Z / Ctrl+Shift+Z.
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type DragStartEvent,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useEffect, useState } from 'react';
import { useStore } from '../../store';
import { clearStack } from './actions';
import { announcements, collision, onDragEnd } from './drag';
import { GroupCard } from './GroupCard';
import { ModelSettingsForm } from './ModelSettings';
import { Palette } from './Palette';
import { Totals } from './Totals';
import './stack-editor.css';

export function StackEditor() {
  const groups = useStore((s) => s.stack.stack);
  const problems = useStore((s) => s.analysis.problems);
  const stackProblems = problems.filter((p) => p.path === 'stack');
  const urlProblem = useStore((s) => s.stackUrlProblem);
  const [dragging, setDragging] = useState<string | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  useUndoKeys();

  return (
    <section className="card stack-editor" data-testid="stack-editor" aria-labelledby="stack-title">
      <div className="card-head">
        <h2 className="card-title" id="stack-title">
          Model
        </h2>
        <UndoRedo />
      </div>
      {urlProblem && (
        <p className="stack-note" role="status">
          {urlProblem}
        </p>
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        accessibility={{
          announcements,
          screenReaderInstructions: {
            draggable:
              'To move a block, press Space or Enter to lift it, use the arrow keys to move it, and press Space or Enter again to drop it. Press Escape to cancel.',
          },
        }}
        onDragStart={(e: DragStartEvent) => setDragging(String(e.active.id))}
        onDragEnd={(e) => {
          setDragging(null);
          onDragEnd(e);
        }}
        onDragCancel={() => setDragging(null)}
      >
        <div className="stack-body">
          <Palette />
          <div className="stack-col">
            <div className="stack-list" data-testid="stack-list">
              {groups.map((g, gi) => (
                <GroupCard key={g.id} group={g} gi={gi} />
              ))}
              <NewGroupZone empty={groups.length === 0} />
            </div>
            {stackProblems.length > 0 && (
              <p className="stack-error" role="alert" data-testid="stack-error">
                {stackProblems.map((p) => p.message).join(' · ')}
              </p>
            )}
          </div>
        </div>
        <DragOverlay dropAnimation={null}>{dragging ? <DragPreview id={dragging} /> : null}</DragOverlay>
      </DndContext>
      <ModelSettingsForm />
      <Totals />
    </section>
  );
}

function NewGroupZone({ empty }: { empty: boolean }) {
  const { setNodeRef, isOver } = useDroppable({ id: 'new-group', data: { type: 'new-group' } });
  return (
    <div ref={setNodeRef} className={`new-group${isOver ? ' new-group-over' : ''}`} data-testid="new-group">
      {empty
        ? 'The stack is empty: drag a mixer here, or press one in the palette'
        : 'Drop here for a new group'}
    </div>
  );
}

function DragPreview({ id }: { id: string }) {
  const label = id.startsWith('palette:') ? id.split(':')[2] : 'block';
  return <div className="drag-preview">{label}</div>;
}

function UndoRedo() {
  const canUndo = useStore((s) => s.past.length > 0);
  const canRedo = useStore((s) => s.future.length > 0);
  const undo = useStore((s) => s.undo);
  const redo = useStore((s) => s.redo);
  const empty = useStore((s) => s.stack.stack.length === 0);
  return (
    <div className="toolbar" role="toolbar" aria-label="Edit history">
      <button
        type="button"
        className="btn btn-small"
        onClick={undo}
        disabled={!canUndo}
        data-testid="undo"
        aria-keyshortcuts="Control+Z"
        title="Undo (Ctrl+Z)"
      >
        Undo
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={redo}
        disabled={!canRedo}
        data-testid="redo"
        aria-keyshortcuts="Control+Shift+Z"
        title="Redo (Ctrl+Shift+Z)"
      >
        Redo
      </button>
      <button
        type="button"
        className="btn btn-small"
        onClick={clearStack}
        disabled={empty}
        data-testid="clear-stack"
        title="Remove every block (undoable)"
      >
        Clear
      </button>
    </div>
  );
}

/** Ctrl+Z / Ctrl+Shift+Z (⌘ on a Mac, Ctrl+Y too), except while typing in a field outside the editor. */
function useUndoKeys() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key !== 'z' && key !== 'y') return;
      const t = e.target as HTMLElement | null;
      const typing = t?.closest('input:not([type=checkbox]):not([type=radio]), textarea');
      if (typing && !t?.closest('.stack-editor, .inspector')) return;
      e.preventDefault();
      const s = useStore.getState();
      if (key === 'y' || e.shiftKey) s.redo();
      else s.undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
