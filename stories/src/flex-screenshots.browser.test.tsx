import { FLEX_SAMPLES } from '@omniflow/nodes';
import { MessagePreview } from '@omniflow/studio/cards';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { page } from 'vitest/browser';

// Screenshot tests of the Flex renderer on the five showcase samples, against the committed baselines
// in __screenshots__/ (Debian Chromium, fonts-noto-cjk + fonts-noto-color-emoji). Update them after an
// intended rendering change with `npm run test:stories -- --update` and review the PNGs in the diff.

let root: Root | undefined;
afterEach(() => {
  root?.unmount();
  root = undefined;
  document.body.innerHTML = '';
});

describe('LINE Flex renderer screenshots', () => {
  it.each(FLEX_SAMPLES.map((s) => [s.id, s] as const))('%s', async (id, sample) => {
    const host = document.createElement('div');
    host.dataset.testid = `flex-${id}`;
    host.style.cssText = 'display:inline-block;padding:8px;background:#8cabd9;max-width:none';
    document.body.append(host);
    root = createRoot(host);
    root.render(
      <MessagePreview
        nodeType="message.line_flex"
        channel="line"
        config={{ altText: sample.altText, contents: structuredClone(sample.contents), trackClicks: true }}
        loadImages={false}
        chrome={false}
      />,
    );
    const el = page.getByTestId(`flex-${id}`);
    await expect.element(el.getByText(/./).first()).toBeVisible();
    await document.fonts.ready;
    await expect.element(el).toMatchScreenshot(`flex-${id}`, {
      comparatorName: 'pixelmatch',
      comparatorOptions: { threshold: 0.2, allowedMismatchedPixelRatio: 0.002 },
    });
  });
});
