// The in-browser benchmark page runs the suite's code (bench-suite.ts) in a worker on the page's own
// WebGPU adapter, TensorFlow.js peer included, and shows each ratio with the adapter flagged.
import { expect, test } from '@playwright/test';

test('benchmark page: matmul and a training step against TensorFlow.js on this adapter', async ({
  page,
}, info) => {
  test.setTimeout(240_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/bench.html?only=matmul,train');
  const adapter = page.getByTestId('bench-adapter');
  await expect(adapter).toContainText('Adapter:', { timeout: 30_000 });
  await expect(adapter).toContainText('software adapter'); // SwiftShader here: flagged as such
  await page.getByRole('button', { name: 'Run the suite' }).click();
  await expect(page.getByRole('progressbar')).toBeVisible();
  const matmul = page.getByTestId('bench-matmul');
  const train = page.getByTestId('bench-train');
  await expect(matmul.getByTestId('bench-ratio')).toHaveCount(2, { timeout: 180_000 });
  await expect(train.getByTestId('bench-ratio')).toHaveCount(1, { timeout: 180_000 });
  await expect(page.getByRole('progressbar')).toContainText('Done in');
  for (const cell of await page.getByTestId('bench-ratio').allTextContents())
    expect(Number(cell.match(/([\d.]+)×/)?.[1])).toBeGreaterThan(0);
  await expect(train).toContainText('tokens/s');
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(errors).toEqual([]);
  await page.screenshot({ path: info.outputPath('bench-page.png'), fullPage: true });
});
