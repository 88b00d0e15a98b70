// Opens a page `redocly build-docs --inlineBundle` wrote (self-contained, no CDN) in Debian's
// headless Chromium through playwright-core, and prints as one JSON line what a reader sees:
// the sidebar's labels under each tag, and the type shown for the body's `event` of the last
// webhook. Usage: node redoc.cjs FILE.html TAG...
'use strict';

const { chromium } = require('playwright-core');

const [file, ...tags] = process.argv.slice(2);

async function main() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // The page alone: nothing is fetched from the network (its icons come from a CDN).
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(`file://${file}`, { waitUntil: 'domcontentloaded' });
  const menu = page.locator('[data-component-name="Menu/Menu"]').first();
  await menu.waitFor({ timeout: 20000 });
  // Each tag opened in turn (a closed tag shows only its name); the labels are what appears.
  const labels = [];
  for (const tag of tags) {
    await menu.locator('[data-component-name="Menu/MenuItem"]', { hasText: new RegExp(`^${tag}$`) }).first().click();
    await page.waitForTimeout(150);
    for (const line of (await menu.innerText()).split('\n')) {
      if (line.trim() && line !== 'POST' && line !== 'TitanCard webhooks' && !tags.includes(line) && !labels.includes(line)) {
        labels.push(line);
      }
    }
  }
  // The last webhook's page (its tag was opened last), and the type its body's `event` has.
  await menu.getByText(labels[labels.length - 1], { exact: true }).first().click({ timeout: 10000 });
  await page.waitForTimeout(500);
  const text = await page.evaluate(() => document.body.innerText);
  const shown = /\nevent\n([^\n]+)\nrequired/.exec(text);
  process.stdout.write(`${JSON.stringify({ labels: [...labels], event_type: shown ? shown[1] : null })}\n`);
  await browser.close();
}

main().catch((err) => {
  process.stdout.write(`${JSON.stringify({ error: String(err && err.stack || err) })}\n`);
  process.exit(1);
});
