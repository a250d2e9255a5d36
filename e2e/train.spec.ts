// Drives the real app in Chromium with WebGPU: the adapter badge names the adapter, a tiny run of the
// default Transformer trains in the Worker, the loss falls, the chart draws, a sample appears, the
// main thread stays responsive (no long task over 100 ms while training), Pause holds a run and Resume
// finishes it, Stop ends a run early, and a synthetic task (MQAR) trains from the data picker.
// One page for all steps: the second run reuses the compiled pipelines, which on SwiftShader saves
// most of the startup time.
import { expect, test, type Page } from '@playwright/test';

/** A run small enough for SwiftShader: 8 steps of 4 × 16 characters, a log row every step. */
const TINY = {
  steps: 8,
  seed: 1,
  contextLength: 16,
  batchSize: 4,
  warmup: 2,
  logEvery: 1,
  evalEvery: 4,
  evalBatches: 1,
  sampleEvery: 4,
  sampleLength: 24,
};
const query = (o: Record<string, number>) =>
  '/?' + new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)]));

interface LongTask {
  start: number;
  duration: number;
}

async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
}

const pageNow = (page: Page) => page.evaluate(() => performance.now());
const longTasks = (page: Page) =>
  page.evaluate(() => (window as unknown as { __longTasks: LongTask[] }).__longTasks.slice());

test('trains a tiny Transformer in the worker: badge, loss, chart, sample, Stop', async ({ page }) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await watchLongTasks(page);
  await page.goto(query(TINY));
  const panel = page.getByTestId('train-panel');

  await test.step('the adapter badge names the adapter and flags software adapters', async () => {
    const badge = page.getByTestId('adapter-badge');
    await expect(badge).not.toHaveAttribute('data-backend', 'probing');
    const backend = await badge.getAttribute('data-backend');
    const [vendor, arch] = [
      await badge.getAttribute('data-vendor'),
      await badge.getAttribute('data-architecture'),
    ];
    console.log(
      `adapter: ${backend} ${vendor} ${arch} (software: ${await badge.getAttribute('data-software')})`,
    );
    if (backend === 'webgpu') {
      await expect(badge).toContainText('WebGPU');
      await expect(badge).toHaveAttribute('data-vendor', /\S/);
      if ((await badge.getAttribute('data-software')) === 'true') {
        await expect(badge).toHaveClass(/badge-warn/);
        await expect(page.getByTestId('engine-warning')).toContainText(/software adapter/i);
      }
    } else {
      await expect(badge).toHaveClass(/badge-danger/);
      await expect(page.getByTestId('engine-warning')).toContainText('CPU reference backend');
    }
    await expect(page.getByTestId('steps-input')).toHaveValue(String(TINY.steps));
    await expect(page.getByTestId('overrides')).toContainText(`contextLength=${TINY.contextLength}`);
  });

  await test.step('the preset picker lists the gallery; every preset is trainable', async () => {
    const select = page.getByTestId('preset-select');
    await expect(select).toBeEnabled();
    await expect(select).toHaveValue('transformer');
    const options = select.locator('option');
    await expect(options).toHaveCount(9);
    const values = await options.evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    expect(values).toEqual([
      'transformer',
      'mamba',
      'mamba2',
      'striped-hyena',
      'rwkv7',
      'retnet',
      'olmo-hybrid',
      'jamba',
      'samba',
    ]);
    // Every preset of LAYERS.md trains: none is disabled.
    for (const name of values) await expect(select.locator(`option[value="${name}"]`)).toBeEnabled();
    await expect(page.getByTestId('preset-paper')).toContainText('Vaswani et al. 2017');

    // Choosing Mamba shows its description and paper; the form below does not move.
    const formTop = async () => (await page.getByTestId('steps-input').boundingBox())?.y;
    const before = await formTop();
    await select.selectOption('mamba');
    await expect(page.getByTestId('preset-description')).toContainText('selective state-space');
    await expect(page.getByTestId('preset-paper')).toContainText('Gu, Dao 2023');
    await expect(page.getByTestId('preset-paper')).toContainText('Mamba: Linear-Time Sequence Modeling');
    await expect(page.getByTestId('train-button')).toBeEnabled();
    expect(await formTop()).toBe(before);
    expect(new URL(page.url()).searchParams.get('preset')).toBe('mamba');
    await page.screenshot({ path: 'test-results/strata-presets.png', fullPage: true });

    // Back to the Transformer for the runs below (a Mamba run is too slow on SwiftShader).
    await select.selectOption('transformer');
    await expect(page.getByTestId('preset-description')).toContainText('attention + SwiGLU');
  });

  await test.step('a tiny run trains: the loss falls, the chart draws, a sample appears', async () => {
    const t0 = await pageNow(page);
    await page.getByTestId('train-button').click();
    await expect(panel).toHaveAttribute('data-status', /starting|training|done/);
    await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
    const t1 = await pageNow(page);
    await expect(page.getByTestId('run-error')).toHaveCount(0);

    // First and last train loss of the run, read from the chart's data attributes.
    const chart = page.getByTestId('loss-chart');
    await expect(chart).toHaveAttribute('data-points', String(TINY.steps));
    const first = Number(await chart.getAttribute('data-first-loss'));
    const last = Number(await chart.getAttribute('data-last-loss'));
    console.log(`loss ${first.toFixed(3)} → ${last.toFixed(3)} in ${((t1 - t0) / 1000).toFixed(1)} s`);
    expect(Number.isFinite(first) && Number.isFinite(last)).toBe(true);
    expect(last).toBeLessThan(first);
    expect(Number(await page.getByTestId('stat-val-loss').getAttribute('data-value'))).toBeGreaterThan(0);
    expect(Number(await page.getByTestId('stat-tokens').getAttribute('data-value'))).toBeGreaterThan(0);
    await expect(page.getByTestId('run-summary')).toContainText(`${TINY.steps} steps`);

    // The chart drew: recharts' line path exists and has geometry.
    const curve = chart.locator('path.recharts-curve').first();
    await expect(curve).toBeVisible();
    expect((await curve.getAttribute('d'))?.length ?? 0).toBeGreaterThan(20);

    // A sample appeared: the last one, after the final step.
    const sample = page.getByTestId('sample-text');
    await expect(sample).toHaveAttribute('data-step', String(TINY.steps));
    expect((await sample.textContent())?.length ?? 0).toBeGreaterThan(0);

    await page.screenshot({ path: 'test-results/strata-trained.png', fullPage: true });

    // The worker did the work: no main-thread task over 100 ms while training.
    const during = (await longTasks(page)).filter((t) => t.start >= t0 && t.start <= t1);
    const shown = during.map((t) => `${Math.round(t.duration)} ms at +${Math.round(t.start - t0)} ms`);
    console.log(`long tasks while training: ${shown.join(', ') || 'none'}`);
    expect(during.filter((t) => t.duration > 100)).toEqual([]);
  });

  await test.step('Pause holds a run still; Resume finishes it', async () => {
    const steps = 30;
    const progress = page.getByTestId('progress');
    const insideRun = () =>
      page
        .getByTestId('inside-views')
        .getAttribute('data-run', { timeout: 500 })
        .catch(() => null);
    const inspectedBefore = await insideRun();
    await page.getByTestId('steps-input').fill(String(steps));
    await page.getByTestId('train-button').click();
    await expect(progress).toHaveAttribute('data-step', /^[2-9]|^[1-9]\d/, { timeout: 60_000 });
    await page.getByTestId('pause-button').click();
    await expect(panel).toHaveAttribute('data-status', 'paused');
    await expect(progress).toContainText('Paused at step');
    await expect(page.getByTestId('pause-button')).toHaveText('Resume');
    // The step in flight when Pause was pressed may still report; after that nothing moves.
    await page.waitForTimeout(1000);
    const held = Number(await progress.getAttribute('data-step'));
    const eta = await page.getByTestId('eta').textContent();
    await page.waitForTimeout(1000);
    expect(Number(await progress.getAttribute('data-step'))).toBe(held);
    expect(await page.getByTestId('eta').textContent()).toBe(eta);
    expect(held).toBeLessThan(steps);
    await page.getByTestId('pause-button').click();
    await expect(panel).toHaveAttribute('data-status', /training|done/);
    await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
    await expect(progress).toHaveAttribute('data-step', String(steps));
    await expect(page.getByTestId('run-summary')).toContainText(`Done. ${steps} steps`);
    // The inside views inspect each finished run at once; the worker refuses a run meanwhile.
    await expect.poll(insideRun, { timeout: 60_000 }).not.toBe(inspectedBefore);
  });

  await test.step('Stop ends a longer run early and says so', async () => {
    await page.getByTestId('steps-input').fill('500');
    await page.getByTestId('train-button').click();
    await expect(page.getByTestId('progress')).toHaveAttribute('data-step', /^[1-9]/, { timeout: 60_000 });
    await page.getByTestId('stop-button').click();
    await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('run-summary')).toContainText('Stopped');
    await expect(page.getByTestId('train-button')).toBeEnabled();
  });

  await test.step('trains on a text file of the user; a too-short file is refused with a message', async () => {
    const file = page.getByTestId('data-file');
    await file.setInputFiles({ name: 'short.txt', mimeType: 'text/plain', buffer: Buffer.from('too short') });
    await expect(page.getByTestId('data-problem')).toContainText('"short.txt" has 9 characters');
    const text = 'It was a bright cold day in April. '.repeat(100);
    await file.setInputFiles({ name: 'april.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await expect(page.getByTestId('data-note')).toContainText('3,500 characters');
    await expect(page.getByTestId('data-problem')).toHaveCount(0);
    await expect(panel).toContainText('april.txt · characters');
    await page.getByTestId('steps-input').fill('4');
    await page.getByTestId('train-button').click();
    await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    // The model's vocabulary is the file's characters, so its sample uses only those.
    const sample = (await page.getByTestId('sample-text').textContent()) ?? '';
    expect(sample.length).toBeGreaterThan(0);
    expect([...sample].filter((ch) => !text.includes(ch))).toEqual([]);
  });

  await test.step('the dark theme applies', async () => {
    await page.getByRole('radio', { name: 'Dark' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.screenshot({ path: 'test-results/strata-dark.png', fullPage: true });
  });

  await test.step('?preset=mamba preselects Mamba', async () => {
    await page.goto(query(TINY).replace('/?', '/?preset=mamba&'));
    await expect(page.getByTestId('preset-select')).toHaveValue('mamba');
    await expect(page.getByTestId('preset-paper')).toContainText('Gu, Dao 2023');
    await expect(page.getByTestId('train-button')).toBeEnabled();
  });

  expect(consoleErrors).toEqual([]);
});

test('trains 3 steps on the MQAR task from the data picker and shows its accuracy', async ({ page }) => {
  await page.goto(query({ ...TINY, steps: 3 }));
  const panel = page.getByTestId('train-panel');
  await page.getByTestId('data-task-mqar').click();
  await expect(page.getByTestId('data-task-mqar')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('data-note')).toContainText('associative recall');
  await expect(panel).toContainText('mqar task · tokens');
  expect(new URL(page.url()).searchParams.get('task')).toBe('mqar');
  await page.getByTestId('train-button').click();
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect(page.getByTestId('run-summary')).toContainText('3 steps');
  const accuracy = Number(await page.getByTestId('stat-accuracy').getAttribute('data-value'));
  console.log(`MQAR accuracy after 3 steps: ${accuracy}`);
  expect(accuracy).toBeGreaterThanOrEqual(0);
  expect(accuracy).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('stat-accuracy')).toContainText('%');
  // The choice survives a reload through the address bar.
  await page.reload();
  await expect(page.getByTestId('data-task-mqar')).toHaveAttribute('aria-pressed', 'true');
});
