// The page header: product name, the adapter badge (which backend really runs), the theme switch,
// and below it the engine's warning for software adapters or the CPU fallback.
import { useStore } from '../../store';
import { AdapterBadge } from './AdapterBadge';
import { ThemeSwitch } from './ThemeSwitch';
import { WarnIcon } from './WarnIcon';
import './header.css';

export function Header() {
  return (
    <>
      <header className="header">
        <div className="header-inner">
          <div className="brand">
            <Logo />
            <span className="brand-name">Strata</span>
            <span className="brand-tag">sequence models, trained in your browser on WebGPU</span>
          </div>
          <div className="header-tools">
            <AdapterBadge />
            <ThemeSwitch />
          </div>
        </div>
      </header>
      <EngineNotice />
    </>
  );
}

function EngineNotice() {
  const warning = useStore((s) => s.engineWarning);
  const backend = useStore((s) => s.backend);
  if (!warning) return null;
  return (
    <div
      className={`notice notice-${backend === 'webgpu' ? 'warn' : 'danger'}`}
      role="status"
      data-testid="engine-warning"
    >
      <div className="notice-inner">
        <WarnIcon />
        <span>{warning}</span>
      </div>
    </div>
  );
}

function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="var(--accent)" />
      <rect x="6" y="7" width="20" height="4" rx="2" fill="#ffffff" opacity="0.55" />
      <rect x="6" y="14" width="20" height="4" rx="2" fill="#ffffff" opacity="0.8" />
      <rect x="6" y="21" width="20" height="4" rx="2" fill="#f5a742" />
    </svg>
  );
}
