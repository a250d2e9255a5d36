// One compute pipeline per (shader, entry point, override constants), compiled once. WGSL errors
// come back with the op's name and the compiler's line/column messages.

export interface KernelSource {
  /** The op's name, used in error messages and labels. */
  name: string;
  code: string;
  entry?: string;
  constants?: Record<string, number>;
}

function keyOf(src: KernelSource): string {
  const c = src.constants ? JSON.stringify(Object.entries(src.constants).sort()) : '';
  return `${src.name}|${src.entry ?? 'main'}|${c}|${src.code}`;
}

export class PipelineCache {
  private pipelines = new Map<string, GPUComputePipeline>();
  private modules = new Map<string, GPUShaderModule>();
  compiles = 0;

  constructor(
    private device: GPUDevice,
    private report: (message: string) => void,
  ) {}

  private module(src: KernelSource): GPUShaderModule {
    let m = this.modules.get(src.code);
    if (!m) {
      m = this.device.createShaderModule({ code: src.code, label: src.name });
      this.modules.set(src.code, m);
      void m.getCompilationInfo().then((info) => {
        const errs = info.messages.filter((x) => x.type === 'error');
        if (errs.length) this.report(formatWgslErrors(src.name, errs));
      });
    }
    return m;
  }

  private descriptor(src: KernelSource): GPUComputePipelineDescriptor {
    return {
      label: src.name,
      layout: 'auto',
      compute: { module: this.module(src), entryPoint: src.entry ?? 'main', constants: src.constants },
    };
  }

  /** Compiles now (synchronously queued); errors are reported with the op's name. */
  get(src: KernelSource): GPUComputePipeline {
    const key = keyOf(src);
    let p = this.pipelines.get(key);
    if (!p) {
      this.device.pushErrorScope('validation');
      p = this.device.createComputePipeline(this.descriptor(src));
      void this.device.popErrorScope().then((e) => {
        if (e) this.report(`Kernel "${src.name}" failed to compile: ${e.message}`);
      });
      this.pipelines.set(key, p);
      this.compiles++;
    }
    return p;
  }

  /** Compiles asynchronously; rejects with the op's name and the WGSL messages. */
  async compile(src: KernelSource): Promise<GPUComputePipeline> {
    const key = keyOf(src);
    const have = this.pipelines.get(key);
    if (have) return have;
    try {
      const p = await this.device.createComputePipelineAsync(this.descriptor(src));
      this.pipelines.set(key, p);
      this.compiles++;
      return p;
    } catch (e) {
      const info = await this.module(src).getCompilationInfo();
      const errs = info.messages.filter((x) => x.type === 'error');
      throw new Error(errs.length ? formatWgslErrors(src.name, errs) : `Kernel "${src.name}": ${String(e)}`, {
        cause: e,
      });
    }
  }
}

function formatWgslErrors(name: string, errs: readonly GPUCompilationMessage[]): string {
  const lines = errs.map((m) => `  line ${m.lineNum}:${m.linePos} ${m.message}`);
  return `WGSL error in kernel "${name}":\n${lines.join('\n')}`;
}
