// The inside views in the real app: the KV-cache-versus-state illustration follows the stack at once
// (Transformer → Mamba → Samba), and after a tiny Samba run (Mamba + sliding-window attention) the
// attention map and the state heatmap of a sample sentence render with values. Screenshots of each
// view (light and dark) go to the test's output directory.
import { expect, test, type Locator, type Page } from '@playwright/test';

/** A run small enough for SwiftShader (as train.spec.ts): 6 steps of 2 × 16 characters. */
const TINY = {
  steps: 6,
  seed: 1,
  contextLength: 16,
  batchSize: 2,
  warmup: 2,
  logEvery: 2,
  evalEvery: 6,
  evalBatches: 1,
  sampleEvery: 6,
  sampleLength: 8,
};
const query = (preset: string, o: Record<string, number>) =>
  `/?preset=${preset}&` + new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)]));

const shot = async (target: Locator | Page, name: string) =>
  target.screenshot({ path: test.info().outputPath(`${name}.png`) });

const memory = (page: Page) => page.getByTestId('memory-view');
const layerKinds = async (page: Page) =>
  page
    .getByTestId('memory-layers')
    .locator('li')
    .evaluateAll((lis) =>
      lis.map((li) => `${li.getAttribute('data-kind')}:${li.getAttribute('data-grows')}`),
    );

test('inside views: memory per layer follows the stack; a tiny run shows attention and state', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(query('samba', TINY));
  const panel = page.getByTestId('inside-panel');
  await panel.scrollIntoViewIfNeeded();

  await test.step('the KV-vs-state illustration updates when the stack changes', async () => {
    const select = page.getByTestId('preset-select');
    await expect(select).toBeEnabled();
    // Samba: Mamba's fixed state and a sliding window's capped cache.
    expect(await layerKinds(page)).toEqual(expect.arrayContaining(['mamba:false', 'attention:true']));
    await select.selectOption('transformer');
    await expect.poll(() => layerKinds(page)).toEqual(['attention:true']);
    const slider = page.getByTestId('memory-slider');
    await slider.fill('14'); // T = 16k
    await expect(memory(page)).toHaveAttribute('data-t', '16384');
    const transformer16k = Number(await memory(page).getAttribute('data-total'));
    await expect(page.getByTestId('memory-summary')).toContainText('growing cache');
    await expect(page.getByTestId('memory-summary')).toContainText('per token');
    await shot(panel.getByTestId('memory-view'), 'memory-transformer');

    await select.selectOption('mamba');
    await expect.poll(() => layerKinds(page)).toEqual(['mamba:false']);
    await expect(page.getByTestId('memory-summary')).toContainText('the same at any length');
    const mamba16k = Number(await memory(page).getAttribute('data-total'));
    await slider.fill('0'); // T = 1
    await expect(memory(page)).toHaveAttribute('data-t', '1');
    expect(Number(await memory(page).getAttribute('data-total'))).toBe(mamba16k);
    expect(transformer16k).toBeGreaterThan(100 * mamba16k);
    await shot(panel.getByTestId('memory-view'), 'memory-mamba');
    // Back to the tiny Samba of the address bar (its context of 16 keeps the run short).
    await page.goto(query('samba', TINY));
    await expect(page.getByTestId('preset-select')).toBeEnabled();
  });

  await test.step('a tiny run: the attention map and the state heatmap render with values', async () => {
    await page.getByTestId('train-button').click();
    await expect(page.getByTestId('train-panel')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
    const views = page.getByTestId('inside-views');
    await expect(views).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('inside-error')).toHaveCount(0);
    const map = page.getByTestId('attention-map');
    // The sentence is clipped to the training context of 16 tokens.
    await expect(map).toHaveAttribute('data-tokens', '16');
    await expect(page.getByTestId('attention-caption')).toContainText('softmax(q·k/√d)');
    const state = page.getByTestId('state-heatmap');
    await expect(state).toHaveAttribute('data-tokens', '16');
    expect(Number(await state.getAttribute('data-max'))).toBeGreaterThan(0);
    expect(Number(await state.getAttribute('data-rows'))).toBeGreaterThan(0);
    // Hovering a cell reads its weight out.
    await map.scrollIntoViewIfNeeded();
    const box = (await map.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6);
    await expect(page.getByTestId('attention-caption')).toContainText(
      /gives \d+\.\d% of its attention|cannot see/,
    );
    await shot(page.getByTestId('inside-model'), 'inside-light');
    await page.getByRole('radio', { name: 'Dark' }).click();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.7);
    await shot(page.getByTestId('inside-model'), 'inside-dark');
    await shot(panel.getByTestId('memory-view'), 'memory-samba-dark');
    await shot(panel, 'inside-panel-dark');
  });
  expect(errors).toEqual([]);
});
