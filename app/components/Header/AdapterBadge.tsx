// The adapter badge: vendor and architecture of the WebGPU adapter, in a warning style when it is
// a software adapter (e.g. SwiftShader) or when the engine fell back to the CPU reference backend.
import { adapterLabel } from '../../../src/gpu/device';
import { useStore } from '../../store';
import { WarnIcon } from './WarnIcon';

export function AdapterBadge() {
  const backend = useStore((s) => s.backend);
  const adapter = useStore((s) => s.adapter);
  const warning = useStore((s) => s.engineWarning);

  let tone: 'probing' | 'ok' | 'warn' | 'danger';
  let title: string;
  let detail: string;
  if (backend === 'probing') {
    [tone, title, detail] = ['probing', 'Detecting adapter…', ''];
  } else if (backend === 'failed') {
    [tone, title, detail] = ['danger', 'Engine failed', ''];
  } else if (backend === 'cpu' || !adapter) {
    [tone, title, detail] = ['danger', 'CPU fallback', 'no WebGPU'];
  } else {
    const name = [adapter.vendor, adapter.architecture]
      .filter((s) => s && !s.startsWith('unknown'))
      .join(' ');
    tone = adapter.isSoftware ? 'warn' : 'ok';
    title = `WebGPU · ${name || 'adapter'}`;
    detail = adapter.isSoftware ? 'software' : '';
  }
  const tooltip = warning ?? (adapter ? adapterLabel(adapter) : title);

  return (
    <div
      className={`badge badge-${tone}`}
      title={tooltip}
      data-testid="adapter-badge"
      data-backend={backend}
      data-software={adapter?.isSoftware ? 'true' : 'false'}
      data-vendor={adapter?.vendor ?? ''}
      data-architecture={adapter?.architecture ?? ''}
    >
      {tone === 'warn' || tone === 'danger' ? (
        <WarnIcon />
      ) : (
        <span className="badge-dot" aria-hidden="true" />
      )}
      <span className="badge-title">{title}</span>
      {detail && (
        <>
          {' '}
          <span className="badge-detail">{detail}</span>
        </>
      )}
    </div>
  );
}
