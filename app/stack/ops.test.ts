// The editor's stack operations: moves keep the sortable list's order, emptied groups disappear,
// copies get fresh ids, and the edited stack costs what the same spec written by hand costs.
import { describe, expect, it } from 'vitest';
import { SPEC_PRESETS } from '../../src/models/spec-presets';
import { encodeStack } from './stack-codec';
import { analyze } from './analysis';
import { fromInput, makeBlock, toInput, type EditSpec } from './edit-spec';
import * as ops from './ops';

const olmo = () => fromInput(SPEC_PRESETS['olmo-hybrid'].spec);
const text = (e: EditSpec) => encodeStack(toInput(e).stack);

describe('stack ops', () => {
  it('moves a block within its group like arrayMove, and into a new group', () => {
    const e = olmo();
    const [gdn, attn] = e.stack[0].blocks;
    expect(text(ops.moveBlock(e, attn.id, { groupId: e.stack[0].id, index: 0 }))).toBe(
      '(attention[qkNorm;postNorm].swiglu,gdn.swiglu*3)x2',
    );
    const split = ops.moveBlock(e, gdn.id, { newGroup: true });
    expect(text(split)).toBe('(attention[qkNorm;postNorm].swiglu)x2(gdn.swiglu*3)');
    // Moving the last block out of a group removes the group.
    expect(ops.moveBlock(split, attn.id, { groupId: split.stack[1].id, index: 1 }).stack).toHaveLength(1);
  });

  it('duplicates with fresh ids and removes emptied groups', () => {
    const e = olmo();
    const gdn = e.stack[0].blocks[0];
    const dup = ops.duplicateBlock(e, gdn.id);
    expect(dup.stack[0].blocks).toHaveLength(3);
    expect(dup.stack[0].blocks[1].id).not.toBe(gdn.id);
    const twice = ops.duplicateGroup(e, e.stack[0].id);
    expect(new Set(twice.stack.flatMap((g) => g.blocks.map((b) => b.id))).size).toBe(4);
    const gone = ops.removeBlock(ops.removeBlock(e, gdn.id), e.stack[0].blocks[1].id);
    expect(gone.stack).toEqual([]);
  });

  it('builds OLMo Hybrid from nothing with exactly the preset cost', () => {
    let e: EditSpec = { ...olmo(), stack: [] };
    e = ops.insertBlock(e, makeBlock('gdn', 'swiglu'), { newGroup: true });
    const g = e.stack[0].id;
    e = ops.insertBlock(e, makeBlock('attention', 'swiglu'), { groupId: g, index: 1 });
    const [gdn, attn] = e.stack[0].blocks;
    e = ops.updateBlock(e, gdn.id, (b) => ({ ...b, repeat: 3 }));
    e = ops.setField(ops.setField(e, attn.id, 'mixer', 'qkNorm', true), attn.id, 'mixer', 'postNorm', true);
    e = ops.updateGroup(e, g, (x) => ({ ...x, repeat: 2 }));
    const built = analyze(e, 16).cost;
    const preset = analyze(olmo(), 16).cost;
    expect(built?.params.total).toBe(preset?.params.total);
    expect(built?.training.total).toBe(preset?.training.total);
    // A setting back to its default leaves the shorthand as the preset writes it.
    expect(text(ops.setField(e, attn.id, 'mixer', 'heads', undefined))).toBe(text(olmo()));
  });

  it('reports invalid settings at their path', () => {
    const e = olmo();
    const attn = e.stack[0].blocks[1];
    const bad = analyze(ops.setField(e, attn.id, 'mixer', 'heads', 5), 16);
    expect(bad.cost).toBeNull();
    expect(bad.problems.map((p) => p.path)).toContain('stack[0].blocks[1].mixer.heads');
  });
});
