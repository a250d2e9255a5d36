// Drag and drop for the stack: what may land where, and what a drop does. Palette mixers become new
// blocks (before or after the block under them, at the end of a group, or in a new group); palette
// channels set the channel of the block under them; blocks move within and between groups.
import {
  closestCenter,
  pointerWithin,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
} from '@dnd-kit/core';
import { useStore } from '../../store';
import { findBlock } from '../../stack/edit-spec';
import * as ops from '../../stack/ops';
import { MIXER_CONTENT } from '../../content/layers';
import { addMixer, setChannel } from './actions';
import { blockName } from './BlockCard';
import type { PaletteItem } from './Palette';

type Over =
  { type: 'block'; id: string; groupId: string } | { type: 'group'; groupId: string } | { type: 'new-group' };
type Active = PaletteItem | { type: 'block'; id: string; groupId: string };

/**
 * The pointer's innermost target (a block over its group); from the keyboard, which has no pointer,
 * the nearest block or the new-group zone.
 */
export const collision: CollisionDetection = (args) => {
  if (args.pointerCoordinates) {
    const within = pointerWithin(args);
    const block = within.find((c) => c.data?.droppableContainer?.data.current?.type === 'block');
    return block ? [block] : within.slice(0, 1);
  }
  const containers = args.droppableContainers.filter((c) => c.data.current?.type !== 'group');
  return closestCenter({ ...args, droppableContainers: containers });
};

export function onDragEnd({ active, over }: DragEndEvent): void {
  const a = active.data.current as Active | undefined;
  const o = over?.data.current as Over | undefined;
  if (!a || !o || !over) return;
  const s = useStore.getState();
  // Below the middle of the block under it, a drop lands after that block.
  const box = active.rect.current.translated;
  const after = !!box && box.top + box.height / 2 > over.rect.top + over.rect.height / 2;
  const targetAt = (): ops.Target | null => {
    if (o.type === 'new-group') return { newGroup: true };
    const group = s.stack.stack.find((g) => g.id === o.groupId);
    if (!group) return null;
    if (o.type === 'group') return { groupId: group.id, index: group.blocks.length };
    const index = group.blocks.findIndex((b) => b.id === o.id);
    return { groupId: group.id, index: index + (after ? 1 : 0) };
  };
  if (a.type === 'palette') {
    if (a.part === 'channel') {
      if (o.type === 'block') setChannel(a.kind, o.id);
      return;
    }
    const target = targetAt();
    if (target) addMixer(a.kind, target);
    return;
  }
  if (o.type === 'block' && o.id === a.id) return;
  let target = targetAt();
  if (!target) return;
  if (o.type === 'block' && o.groupId === a.groupId && 'groupId' in target) {
    // Within a group, the sortable list's order: the block takes the place of the one it is over.
    const from = findBlock(s.stack, a.id);
    const to = findBlock(s.stack, o.id);
    if (!from || !to) return;
    target = { groupId: o.groupId, index: to.bi };
  }
  s.editStack((e) => ops.moveBlock(e, a.id, target));
  s.selectBlock(a.id);
}

/** What a screen reader hears while dragging: block names and positions, not ids. */
function describe(id: string | number | undefined): string {
  if (id === undefined) return 'nothing';
  const text = String(id);
  if (text.startsWith('palette:')) {
    const [, part, kind] = text.split(':');
    return part === 'mixer'
      ? `a new ${MIXER_CONTENT[kind as keyof typeof MIXER_CONTENT].name} block`
      : `the ${kind} channel`;
  }
  if (text === 'new-group') return 'a new group at the end of the stack';
  const e = useStore.getState().stack;
  if (text.startsWith('group:')) {
    const gi = e.stack.findIndex((g) => `group:${g.id}` === text);
    return `the end of group ${gi + 1}`;
  }
  const at = findBlock(e, text);
  return at ? `the ${blockName(at.block)} block, position ${at.bi + 1} of group ${at.gi + 1}` : 'a block';
}

export const announcements: Announcements = {
  onDragStart: ({ active }) => `Picked up ${describe(active.id)}.`,
  onDragOver: ({ active, over }) => `${describe(active.id)} is over ${describe(over?.id)}.`,
  onDragEnd: ({ active, over }) =>
    over ? `Dropped ${describe(active.id)} on ${describe(over.id)}.` : `Dropped ${describe(active.id)}.`,
  onDragCancel: ({ active }) => `Cancelled moving ${describe(active.id)}.`,
};
