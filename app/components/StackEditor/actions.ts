// Editor actions that combine a stack operation with the selection: what the palette, the drag and
// drop handler and the block cards call. Each is one undo step.
import type { ChannelKind, MixerKind } from '../../../src/models/spec';
import { MIXER_CONTENT } from '../../content/layers';
import { useStore } from '../../store';
import { findBlock, makeBlock } from '../../stack/edit-spec';
import * as ops from '../../stack/ops';

const store = () => useStore.getState();

/** A new block of this mixer with its usual channel, at `target` (default: after the selected block). */
export function addMixer(kind: MixerKind, target?: ops.Target): void {
  const s = store();
  const block = makeBlock(kind, MIXER_CONTENT[kind].defaultChannel);
  const at = s.selectedBlock ? findBlock(s.stack, s.selectedBlock) : null;
  const where: ops.Target =
    target ?? (at ? { groupId: s.stack.stack[at.gi].id, index: at.bi + 1 } : { newGroup: true });
  s.editStack((e) => ops.insertBlock(e, block, where));
  s.selectBlock(block.id);
}

/** Sets the channel of a block (default: the selected one); "none" removes it. */
export function setChannel(kind: ChannelKind | 'none', blockId?: string): void {
  const s = store();
  const id = blockId ?? s.selectedBlock;
  if (!id) return;
  const channel = kind === 'none' ? null : kind;
  s.editStack((e) =>
    ops.updateBlock(e, id, (b) => (b.channel === channel ? b : { ...b, channel, channelFields: {} })),
  );
  s.selectBlock(id);
}

export function duplicateBlock(id: string): void {
  store().editStack((e) => ops.duplicateBlock(e, id));
}

export function removeBlock(id: string): void {
  const s = store();
  const at = findBlock(s.stack, id);
  s.editStack((e) => ops.removeBlock(e, id));
  if (s.selectedBlock === id) {
    // Select a neighbour, so the inspector keeps showing something nearby.
    const after = store().stack;
    const g = at ? after.stack[Math.min(at.gi, after.stack.length - 1)] : undefined;
    s.selectBlock(g?.blocks[Math.min(at?.bi ?? 0, g.blocks.length - 1)]?.id ?? null);
  }
}

export function clearStack(): void {
  const s = store();
  s.editStack((e) => ({ ...e, stack: [] }));
  s.selectBlock(null);
}
