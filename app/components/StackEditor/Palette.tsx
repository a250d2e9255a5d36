// The palette: every mixer and channel kind. Drag one onto the stack with the mouse or a finger, or
// press it (Enter / Space / click) to add it after the selected block (a mixer) or to give the
// selected block that channel.
import { useDraggable } from '@dnd-kit/core';
import type { ChannelKind, MixerKind } from '../../../src/models/spec';
import { MIXER_KINDS } from '../../../src/models/spec-fields';
import { CHANNEL_CHOICES, CHANNEL_CONTENT, MIXER_CONTENT } from '../../content/layers';
import { addMixer, setChannel } from './actions';

export type PaletteItem =
  | { type: 'palette'; part: 'mixer'; kind: MixerKind }
  | { type: 'palette'; part: 'channel'; kind: ChannelKind | 'none' };

export function Palette() {
  return (
    <div className="palette" data-testid="palette">
      <div className="palette-section">
        <h3 className="palette-title" id="palette-mixers">
          Mixers <span className="palette-hint">mix tokens</span>
        </h3>
        <div className="palette-items" role="group" aria-labelledby="palette-mixers">
          {MIXER_KINDS.map((k) => (
            <Chip
              key={k}
              item={{ type: 'palette', part: 'mixer', kind: k }}
              name={MIXER_CONTENT[k].name}
              tagline={MIXER_CONTENT[k].tagline}
              family={MIXER_CONTENT[k].family}
            />
          ))}
        </div>
      </div>
      <div className="palette-section">
        <h3 className="palette-title" id="palette-channels">
          Channels <span className="palette-hint">mix features</span>
        </h3>
        <div className="palette-items" role="group" aria-labelledby="palette-channels">
          {CHANNEL_CHOICES.map((k) => (
            <Chip
              key={k}
              item={{ type: 'palette', part: 'channel', kind: k }}
              name={k === 'none' ? 'None' : CHANNEL_CONTENT[k].name}
              tagline={k === 'none' ? 'mixer only' : CHANNEL_CONTENT[k].tagline}
              family="channel"
            />
          ))}
        </div>
      </div>
    </div>
  );
}

function Chip(props: { item: PaletteItem; name: string; tagline: string; family: string }) {
  const { item } = props;
  const id = `palette:${item.part}:${item.kind}`;
  const { setNodeRef, listeners, isDragging } = useDraggable({ id, data: item });
  const label =
    item.part === 'mixer'
      ? `Add a ${props.name} block after the selected block`
      : `Set the selected block's channel to ${props.name}`;
  return (
    <button
      ref={setNodeRef}
      type="button"
      className={`chip-block fam-${props.family}${isDragging ? ' chip-dragging' : ''}`}
      data-testid={`palette-${item.part}-${item.kind}`}
      aria-label={label}
      title={`${props.tagline} — drag onto the stack or press to add`}
      // Only the pointer starts a drag here: from the keyboard, pressing adds (blocks then move with
      // their own keyboard-draggable handle).
      onPointerDown={listeners?.onPointerDown as React.PointerEventHandler | undefined}
      onClick={() => (item.part === 'mixer' ? addMixer(item.kind) : setChannel(item.kind))}
    >
      <span className="chip-swatch" aria-hidden="true" />
      <span className="chip-name">{props.name}</span>
    </button>
  );
}
