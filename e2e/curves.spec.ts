// The charts against T, the runs table and persistence, in Chromium with WebGPU (SwiftShader here):
// the cost model's memory curves of two presets overlaid at once; measured throughput points streaming
// in with a progress bar (tiny contexts); a finished run kept across a reload (IndexedDB); and a share
// link reproducing the experiment in a fresh browser context. Each step saves a screenshot.
import { expect, test, type Page } from '@playwright/test';

/** A tiny stack and run, small enough for SwiftShader. */
const TINY =
  '/?width=32&contextLength=16&steps=4&seed=3&batchSize=2&warmup=1&logEvery=1&evalEvery=4&evalBatches=1&sampleEvery=4&sampleLength=8';

const attr = async (page: Page, id: string, name: string) =>
  Number(await page.getByTestId(id).getAttribute(`data-${name}`));

test('charts against T, runs kept across a reload, and a share link', async ({ page, browser }, testInfo) => {
  test.setTimeout(150_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(TINY);
  await expect(page.getByTestId('adapter-badge')).not.toHaveAttribute('data-backend', 'probing');
  const software = (await page.getByTestId('adapter-badge').getAttribute('data-software')) === 'true';
  const memory = page.getByTestId('memory-chart');

  await test.step('analytic memory curves of two presets overlay at once', async () => {
    await page.getByTestId('pin-mamba').click();
    await expect(page.getByTestId('pin-mamba')).toHaveAttribute('aria-pressed', 'true');
    const box = memory.locator('.curve-box');
    await expect(box).toHaveAttribute('data-series', '2');
    await expect(box).toHaveAttribute('data-lines', '2');
    // Two specs × three quantities of analytic lines, drawn as SVG paths.
    await expect(memory.locator('.recharts-line-curve')).toHaveCount(6);
    await expect(memory.locator('.curve-legend').first()).toContainText('Mamba');
    expect(page.url()).toContain('compare=mamba');
    await memory.screenshot({ path: testInfo.outputPath('memory-two-presets.png') });
    await page.getByTestId('pin-mamba').click(); // measure the current stack only (time)
    await expect(box).toHaveAttribute('data-series', '1');
  });

  await test.step('measured throughput points stream in with a progress bar', async () => {
    await page.getByTestId('measure-grid').selectOption('tiny');
    await page.getByTestId('measure-button').click();
    // The progress bar shows while the rows stream in (row by row: its value counts them).
    await expect(page.getByTestId('measure-progress')).toBeVisible();
    await expect(page.getByTestId('measure-text')).toContainText('of 3 rows');
    const throughput = page.getByTestId('throughput-chart');
    const box = throughput.locator('.curve-box');
    await expect(box).toHaveAttribute('data-points', '3', { timeout: 60_000 });
    await expect(page.getByTestId('measure-button')).toBeVisible();
    await expect(page.getByTestId('measure-error')).toHaveCount(0);
    await expect(throughput.locator('.recharts-line-dots circle').first()).toBeVisible();
    // The fitted slopes of the measured rows (T 16 and 32: the upper half of 8, 16, 32), per phase.
    await expect(page.getByTestId('throughput-slopes')).toContainText(
      /prefill T-?\d\.\d\d \(FLOPs T\d\.\d\d\) · decode T-?\d\.\d\d/,
    );
    // Memory gets measured points beside its analytic lines.
    await expect(memory.locator('.curve-box')).toHaveAttribute('data-points', '3');
    const adapter = page.getByTestId('throughput-chart-adapter');
    await expect(adapter).toContainText('Measured on');
    await expect(adapter).toHaveAttribute('data-software', String(software));
    if (software) await expect(adapter).toContainText('not GPU timings');
    await page
      .getByTestId('curves-panel')
      .screenshot({ path: testInfo.outputPath('throughput-measured.png') });
  });

  await test.step('a finished run is listed and kept across a reload', async () => {
    await page.getByTestId('train-button').click();
    await expect(page.getByTestId('train-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('run-row')).toHaveCount(1);
    const row = page.getByTestId('run-row').first();
    await expect(row).toContainText('Transformer');
    await expect(row.getByTestId('run-overlay')).toBeChecked();
    // Its weights are still in the worker: perplexity by position and by context.
    const perplexity = page.getByTestId('perplexity-chart');
    await perplexity.getByTestId('perplexity-measure').click();
    await expect(perplexity.locator('.curve-box')).toHaveAttribute('data-runs', '1', { timeout: 60_000 });
    // By position, and by context beyond the training length (16 → 32, 64); within it only c = T = 16,
    // a single point with no line.
    await expect(perplexity.locator('.recharts-line-curve')).toHaveCount(2);
    await expect(perplexity.locator('circle[fill="var(--surface)"]')).toHaveCount(2);
    await perplexity.screenshot({ path: testInfo.outputPath('perplexity.png') });
    await page.reload();
    await expect(page.getByTestId('runs-panel')).toHaveAttribute('data-loaded', 'true');
    await expect(page.getByTestId('run-row')).toHaveCount(1);
    await expect(page.getByTestId('run-row').first()).toContainText('4 steps');
    // The measured curves came back too.
    await expect(page.getByTestId('throughput-chart').locator('.curve-box')).toHaveAttribute(
      'data-points',
      '3',
    );
    await page.getByTestId('runs-panel').scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath('runs-after-reload.png'), fullPage: true });
  });

  await test.step('a share link reproduces the experiment in a fresh page', async () => {
    await page.getByTestId('seed-input').fill('7');
    await page.getByTestId('steps-input').fill('5');
    await page.getByTestId('pin-retnet').click();
    const params = await attr(page, 'total-params', 'value');
    const layers = await attr(page, 'total-layers', 'value');
    await page.getByTestId('share-button').click();
    const url = await page.getByTestId('share-url').inputValue();
    expect(url).toContain('seed=7');
    const fresh = await browser.newContext({ colorScheme: 'dark' }); // and the dark theme
    const other = await fresh.newPage();
    await other.goto(url);
    await expect(other.getByTestId('seed-input')).toHaveValue('7');
    await expect(other.getByTestId('steps-input')).toHaveValue('5');
    await expect(other.getByTestId('total-params')).toHaveAttribute('data-value', String(params));
    await expect(other.getByTestId('total-layers')).toHaveAttribute('data-value', String(layers));
    await expect(other.getByTestId('pin-retnet')).toHaveAttribute('aria-pressed', 'true');
    await expect(other.getByTestId('memory-chart').locator('.curve-box')).toHaveAttribute('data-series', '2');
    // A fresh context has its own IndexedDB: no runs there.
    await expect(other.getByTestId('runs-panel')).toHaveAttribute('data-loaded', 'true');
    await expect(other.getByTestId('run-row')).toHaveCount(0);
    await other.getByTestId('curves-panel').screenshot({ path: testInfo.outputPath('share-fresh-page.png') });
    await fresh.close();
  });

  expect(errors).toEqual([]);
});
