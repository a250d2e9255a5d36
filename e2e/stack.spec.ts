// The stack editor in the real app: OLMo Hybrid built from the palette by dragging (3 × [GDN + SwiGLU],
// 1 × [attention with post-norm and QK-norm + SwiGLU], repeated twice) with the totals changing at
// each step and matching the preset's at the end; the address bar round-trips the edited stack; undo
// and redo; an invalid head count shows its error at the field and disables Train; and an edited
// stack trains in the worker with exactly the parameters the editor counted. Screenshots (light and
// dark) go to the test's output folder.
import { expect, test, type Locator, type Page } from '@playwright/test';

/** Drags with real pointer moves (dnd-kit's pointer sensor needs a few), dropping at `at` of the target's height. */
async function drag(page: Page, source: Locator, target: Locator, at = 0.5): Promise<void> {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  if (!from || !to) throw new Error('drag: source or target is not visible');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + from.height / 2 + 12, { steps: 3 });
  const x = to.x + to.width / 2;
  const y = to.y + to.height * at;
  await page.mouse.move(x, y, { steps: 8 });
  await page.mouse.move(x, y + 1);
  await page.mouse.up();
}

const total = async (page: Page, id: string) => Number(await page.getByTestId(id).getAttribute('data-value'));

test('builds OLMo Hybrid by dragging, validates in place, round-trips the URL, trains an edit', async ({
  page,
}, testInfo) => {
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto('/?steps=3&batchSize=2&logEvery=1&evalEvery=3&evalBatches=1&sampleEvery=3&sampleLength=8');
  await expect(page.getByTestId('preset-select')).toBeEnabled();
  const blocks = page.getByTestId('stack-block');
  const train = page.getByTestId('train-button');

  await test.step('the Transformer preset is in the editor, with totals', async () => {
    await expect(blocks).toHaveCount(1);
    await expect(blocks.first()).toHaveAttribute('data-mixer', 'attention');
    await expect(page.getByTestId('total-layers')).toHaveAttribute('data-value', '2');
    expect(await total(page, 'total-params')).toBeGreaterThan(10_000);
    await expect(page.getByTestId('inspector-block')).toHaveAttribute('data-mixer', 'attention');
    await page.getByTestId('inspector-tab-math').click();
    await expect(page.getByTestId('inspector').locator('.katex').first()).toBeVisible();
    await page.getByTestId('inspector-tab-shapes').click();
    await expect(page.getByTestId('inspector-shapes')).toContainText('q_proj.weight');
    await page.getByTestId('inspector-tab-settings').click();
    await expect(train).toBeEnabled();
  });

  const seen: number[] = [];
  const paramsChanged = async () => {
    await expect.poll(() => total(page, 'total-params')).not.toBe(seen[seen.length - 1] ?? NaN);
    seen.push(await total(page, 'total-params'));
  };

  await test.step('build OLMo Hybrid from the palette by dragging', async () => {
    await page.getByTestId('clear-stack').click();
    await expect(blocks).toHaveCount(0);
    await expect(page.getByTestId('stack-error')).toContainText('the stack is empty');
    await expect(train).toBeDisabled();

    // A GDN mixer into a new group: a GDN + SwiGLU block.
    await drag(page, page.getByTestId('palette-mixer-gdn'), page.getByTestId('new-group'));
    await expect(blocks).toHaveCount(1);
    await expect(blocks.first()).toHaveAttribute('data-mixer', 'gdn');
    await expect(blocks.first()).toHaveAttribute('data-channel', 'swiglu');
    await paramsChanged();

    // Attention dropped on the lower half of the GDN block lands after it, in the same group.
    await drag(page, page.getByTestId('palette-mixer-attention'), blocks.first(), 0.8);
    await expect(blocks).toHaveCount(2);
    await expect(page.getByTestId('stack-group')).toHaveCount(1);
    await expect(blocks.nth(1)).toHaveAttribute('data-mixer', 'attention');
    await paramsChanged();

    // Channels drop onto a block: MLP, then back to SwiGLU.
    await drag(page, page.getByTestId('palette-channel-mlp'), blocks.nth(1));
    await expect(blocks.nth(1)).toHaveAttribute('data-channel', 'mlp');
    await paramsChanged();
    await drag(page, page.getByTestId('palette-channel-swiglu'), blocks.nth(1));
    await expect(blocks.nth(1)).toHaveAttribute('data-channel', 'swiglu');
    await paramsChanged();

    // Three GDN blocks, then post-norm and QK-norm on the attention block, then the group twice.
    await blocks.first().getByTestId('block-repeat').fill('3');
    await expect(page.getByTestId('total-layers')).toHaveAttribute('data-value', '4');
    await paramsChanged();
    await blocks.nth(1).getByTestId('block-select').click();
    await expect(page.getByTestId('inspector-block')).toHaveAttribute('data-mixer', 'attention');
    await page.getByTestId('field-mixer-qkNorm').check();
    await paramsChanged(); // q_norm and k_norm weights
    await page.getByTestId('field-mixer-postNorm').check();
    await page.getByTestId('group-repeat').fill('2');
    await expect(page.getByTestId('total-layers')).toHaveAttribute('data-value', '8');
    await paramsChanged();
    console.log(`params while building: ${seen.join(' → ')}`);
    await expect(page.getByTestId('preset-edited')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('stack-olmo-hybrid.png'), fullPage: true });
  });

  const built = {
    params: await total(page, 'total-params'),
    flops: await total(page, 'total-flops'),
    state: await total(page, 'total-state'),
  };

  await test.step('the address bar holds the stack; a reload restores it', async () => {
    const url = page.url();
    expect(decodeURIComponent(url)).toContain('stack=(gdn.swiglu*3,attention[qkNorm;postNorm].swiglu)x2');
    await page.goto(url);
    await expect(blocks).toHaveCount(2);
    await expect(page.getByTestId('total-params')).toHaveAttribute('data-value', String(built.params));
  });

  await test.step('the built stack costs exactly what the OLMo Hybrid preset costs', async () => {
    await page.getByTestId('preset-select').selectOption('olmo-hybrid');
    await expect(page.getByTestId('total-layers')).toHaveAttribute('data-value', '8');
    expect(await total(page, 'total-params')).toBe(built.params);
    expect(await total(page, 'total-flops')).toBe(built.flops);
    expect(await total(page, 'total-state')).toBe(built.state);
    // The preset unedited: no "edited" mark, and the address bar drops the stack again.
    await expect(page.getByTestId('preset-edited')).toHaveCount(0);
    expect(new URL(page.url()).searchParams.get('stack')).toBeNull();
    // Undo returns to the stack before the preset was loaded; redo loads it again.
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('total-layers')).toHaveAttribute('data-value', '8');
    await expect(blocks.first()).toHaveAttribute('data-repeat', '3');
    await page.getByTestId('redo').click();
    await expect(blocks.first()).toHaveAttribute('data-repeat', '3');
  });

  await test.step('blocks move from the keyboard: Space lifts, arrows move, Space drops', async () => {
    const handle = blocks.nth(1).getByRole('button', { name: /^Move the Attention/ });
    const live = page.locator('[id^="DndLiveRegion"]');
    await handle.focus();
    await page.keyboard.press('Space');
    await expect(handle).toHaveAttribute('aria-pressed', 'true');
    // dnd-kit may spend an arrow press scrolling the page first; press until it is over the GDN block.
    await expect(async () => {
      await page.keyboard.press('ArrowUp');
      await expect(live).toContainText('is over the Gated DeltaNet + SwiGLU block', { timeout: 1000 });
    }).toPass({ timeout: 10_000 });
    await page.keyboard.press('Space');
    await expect(blocks.first()).toHaveAttribute('data-mixer', 'attention');
    expect(await total(page, 'total-params')).toBe(built.params); // same layers, another order
    await page.keyboard.press('Control+z');
    await expect(blocks.first()).toHaveAttribute('data-mixer', 'gdn');
  });

  await test.step('an invalid head count shows its error at the field and disables Train', async () => {
    await blocks.nth(1).getByTestId('block-select').click();
    const heads = page.getByTestId('field-mixer-heads');
    await heads.fill('5');
    await expect(page.getByTestId('field-mixer-heads-error')).toContainText(
      'heads (5) must divide width (64)',
    );
    await expect(heads).toHaveAttribute('aria-invalid', 'true');
    await expect(blocks.nth(1)).toHaveClass(/block-invalid/);
    await expect(train).toBeDisabled();
    await expect(page.getByTestId('train-blocked')).toContainText('Fix the');
    await expect(page.getByTestId('total-params')).toHaveAttribute('data-value', '');
    await page.screenshot({ path: testInfo.outputPath('stack-invalid.png'), fullPage: true });
    await page.getByRole('radio', { name: 'Dark' }).click();
    await page.screenshot({ path: testInfo.outputPath('stack-invalid-dark.png'), fullPage: true });
    await heads.fill('4');
    await expect(page.getByTestId('field-mixer-heads-error')).toHaveCount(0);
    await expect(page.getByTestId('total-params')).toHaveAttribute('data-value', String(built.params));
  });

  await test.step('an edited stack trains: the run has the parameters the editor counted', async () => {
    // A small edit SwiftShader trains in seconds: one attention + MLP block at width 32, context 16.
    await page.getByTestId('preset-select').selectOption('transformer');
    await page.getByTestId('model-width').fill('32');
    await page.getByTestId('model-context').fill('16');
    await page.getByTestId('field-channel-kind').selectOption('mlp');
    await page.getByTestId('group-repeat').fill('1');
    await expect(page.getByTestId('total-layers')).toHaveAttribute('data-value', '1');
    const params = await total(page, 'total-params');
    await expect(train).toBeEnabled();
    await train.click();
    await expect(page.getByTestId('train-panel')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    await expect(page.getByTestId('run-error')).toHaveCount(0);
    await expect(page.getByTestId('run-summary')).toContainText('3 steps');
    const summary = (await page.getByTestId('run-summary').textContent()) ?? '';
    console.log(`edited stack trained: ${summary}`);
    // Moby-Dick's vocabulary is the editor's (PRESET_VOCAB), so the counts agree exactly.
    expect(summary).toContain(`${(params / 1000).toFixed(1)}k parameters`);
    await page.screenshot({ path: testInfo.outputPath('stack-trained-dark.png'), fullPage: true });
  });

  await test.step('a model too large for the device is refused with needed vs available bytes', async () => {
    await page.getByTestId('model-width').fill('4096');
    await page.getByTestId('model-context').fill('65536');
    await expect(page.getByTestId('fit')).toHaveAttribute('data-ok', 'false');
    await expect(page.getByTestId('fit-note')).toContainText(/needs [\d.]+ GB .* but [\d.]+ GB is available/);
    await expect(train).toBeDisabled();
    await expect(page.getByTestId('train-blocked')).toContainText('Too large for this device');
  });

  expect(consoleErrors).toEqual([]);
});
