/** PDF and screenshots of the HTML report through Chromium (playwright-core), when Chromium is present. */
import { existsSync } from 'node:fs';
import { HeguiError } from '../../engine/errors.js';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export function chromiumPath(): string | undefined {
  const candidates = [
    process.env.HEGUI_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

async function withPage<T>(
  html: string,
  width: number,
  work: (page: import('playwright-core').Page) => Promise<T>,
): Promise<T> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new HeguiError('usage', 'Chromium not found (set HEGUI_CHROMIUM to its path)');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.setContent(html, { waitUntil: 'load' });
    return await work(page);
  } finally {
    await browser.close();
  }
}

export function htmlToPdf(html: string, path: string): Promise<void> {
  return withPage(html, 1100, async (page) => {
    await page.pdf({
      path,
      format: 'A4',
      printBackground: true,
      margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' },
    });
  });
}

/** A PNG of the page; `english` clicks the language switch first. */
export function screenshot(
  html: string,
  path: string,
  options: { english?: boolean; fullPage?: boolean } = {},
): Promise<void> {
  return withPage(html, 1100, async (page) => {
    if (options.english) await page.click('button.switch');
    await page.screenshot({ path, fullPage: options.fullPage ?? true });
  });
}
