// The editor's operations on a stack, as pure functions: each returns a new EditSpec (the store keeps
// the old ones for undo). Emptied groups disappear, so every group always has a block.
import { newId, type EditBlock, type EditGroup, type EditSpec, type ModelSettings } from './edit-spec';

/** Where a block goes: a position in a group, or a new group at the end of the stack. */
export type Target = { groupId: string; index: number } | { newGroup: true };

const withStack = (e: EditSpec, stack: EditGroup[]): EditSpec => ({
  ...e,
  stack: stack.filter((g) => g.blocks.length > 0),
});

export function insertBlock(e: EditSpec, block: EditBlock, target: Target): EditSpec {
  if ('newGroup' in target) return withStack(e, [...e.stack, { id: newId('g'), repeat: 1, blocks: [block] }]);
  return withStack(
    e,
    e.stack.map((g) => {
      if (g.id !== target.groupId) return g;
      const blocks = g.blocks.slice();
      blocks.splice(Math.max(0, Math.min(target.index, blocks.length)), 0, block);
      return { ...g, blocks };
    }),
  );
}

export function removeBlock(e: EditSpec, id: string): EditSpec {
  return withStack(
    e,
    e.stack.map((g) => ({ ...g, blocks: g.blocks.filter((b) => b.id !== id) })),
  );
}

/** Moves a block; `target.index` is its index in the target group once it has left its old place. */
export function moveBlock(e: EditSpec, id: string, target: Target): EditSpec {
  const block = e.stack.flatMap((g) => g.blocks).find((b) => b.id === id);
  if (!block) return e;
  const without = {
    ...e,
    stack: e.stack.map((g) => ({ ...g, blocks: g.blocks.filter((b) => b.id !== id) })),
  };
  return insertBlock(without, block, target);
}

export function duplicateBlock(e: EditSpec, id: string): EditSpec {
  return withStack(
    e,
    e.stack.map((g) => {
      const i = g.blocks.findIndex((b) => b.id === id);
      if (i < 0) return g;
      const b = g.blocks[i];
      const copy = {
        ...b,
        id: newId('b'),
        mixerFields: { ...b.mixerFields },
        channelFields: { ...b.channelFields },
      };
      return { ...g, blocks: [...g.blocks.slice(0, i + 1), copy, ...g.blocks.slice(i + 1)] };
    }),
  );
}

export function updateBlock(e: EditSpec, id: string, fn: (b: EditBlock) => EditBlock): EditSpec {
  return {
    ...e,
    stack: e.stack.map((g) => ({ ...g, blocks: g.blocks.map((b) => (b.id === id ? fn(b) : b)) })),
  };
}

export function updateGroup(e: EditSpec, id: string, fn: (g: EditGroup) => EditGroup): EditSpec {
  return withStack(
    e,
    e.stack.map((g) => (g.id === id ? fn(g) : g)),
  );
}

export function duplicateGroup(e: EditSpec, id: string): EditSpec {
  const i = e.stack.findIndex((g) => g.id === id);
  if (i < 0) return e;
  const g = e.stack[i];
  const copy: EditGroup = {
    ...g,
    id: newId('g'),
    blocks: g.blocks.map((b) => ({
      ...b,
      id: newId('b'),
      mixerFields: { ...b.mixerFields },
      channelFields: { ...b.channelFields },
    })),
  };
  return withStack(e, [...e.stack.slice(0, i + 1), copy, ...e.stack.slice(i + 1)]);
}

export function removeGroup(e: EditSpec, id: string): EditSpec {
  return withStack(
    e,
    e.stack.filter((g) => g.id !== id),
  );
}

/** Sets a mixer or channel setting; undefined returns it to its default. */
export function setField(
  e: EditSpec,
  id: string,
  part: 'mixer' | 'channel',
  key: string,
  value: number | boolean | undefined,
): EditSpec {
  return updateBlock(e, id, (b) => {
    const fields = { ...(part === 'mixer' ? b.mixerFields : b.channelFields) };
    if (value === undefined) delete fields[key];
    else fields[key] = value;
    return part === 'mixer' ? { ...b, mixerFields: fields } : { ...b, channelFields: fields };
  });
}

export function setModel(e: EditSpec, patch: Partial<ModelSettings>): EditSpec {
  return { ...e, ...patch };
}
