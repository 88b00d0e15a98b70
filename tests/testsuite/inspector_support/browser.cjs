// Drives the inspector's page in Debian's headless Chromium for tests/inspector.rs, through
// playwright-core (from the peers' node_modules; it brings no browser of its own).
// Usage: node browser.cjs URL PROFILE_DIR; then one JSON command a line on stdin, one JSON
// answer a line on stdout ({"error": "..."} when a command fails).
'use strict';

const readline = require('readline');
const { chromium } = require('playwright-core');

const [url, profile] = process.argv.slice(2);
const say = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

// What the list shows, row by row, newest first.
function rows(page) {
  return page.$$eval('#rows tr', (trs) => trs.map((tr) => ({
    id: Number(tr.dataset.id),
    verdict: tr.dataset.verdict,
    hidden: tr.hidden,
    badges: [...tr.querySelectorAll('.badge')].map((b) => b.textContent),
    status: tr.querySelector('.status') ? tr.querySelector('.status').textContent : null,
    reason: tr.querySelector('.reason') ? tr.querySelector('.reason').textContent : null,
    text: tr.textContent,
  })));
}

const commands = {
  async rows(page) { return { rows: await rows(page) }; },
  async wait_rows(page, { count }) {
    await page.waitForFunction((n) => document.querySelectorAll('#rows tr').length >= n, count, { timeout: 15000 });
    return { rows: await rows(page) };
  },
  async click_row(page, { id }) {
    await page.click(`#rows tr[data-id="${id}"]`);
    await page.waitForSelector('#detail:not([hidden]) .actions', { timeout: 15000 });
    await page.waitForFunction((n) => document.querySelector('#detail .sub')?.textContent.startsWith(`#${n} `), id);
    return { detail: await page.textContent('#detail') };
  },
  async click(page, { selector }) {
    await page.click(selector);
    return {};
  },
  async wait_for(page, { selector }) {
    await page.waitForSelector(selector, { timeout: 15000 });
    return { text: await page.textContent(selector) };
  },
  async filter(page, { text }) {
    await page.fill('#filter', text);
    await page.waitForTimeout(250);
    return { visible: (await rows(page)).filter((r) => !r.hidden).map((r) => r.id) };
  },
  async eval(page, { js }) {
    return { value: await page.evaluate(js) };
  },
  async viewport(page, { width, height }) {
    await page.setViewportSize({ width, height });
    await page.waitForTimeout(100);
    return {};
  },
  // What does not fit: a horizontal scrollbar on the page, the list or the detail pane, and
  // every cell of the list (or a box in one) whose content is wider than the box shows.
  async layout(page) {
    return page.evaluate(() => {
      const wide = (node) => node.scrollWidth > node.clientWidth + 1;
      const scrollbars = [['page', document.documentElement], ['list', document.querySelector('.list')],
        ['detail', document.querySelector('#detail')]]
        .filter(([, node]) => node && !node.hidden && wide(node))
        .map(([name, node]) => `${name}: ${node.scrollWidth} > ${node.clientWidth}`);
      const clipped = [];
      for (const node of document.querySelectorAll('thead th, #rows tr:not([hidden]) td, #rows tr:not([hidden]) td *')) {
        // Inline boxes have no client width of their own; their cell is measured.
        if (node.clientWidth === 0) continue;
        if (wide(node)) {
          const row = node.closest('tr');
          clipped.push(`${row.dataset.id ? `#${row.dataset.id}` : 'head'} ${node.className || node.tagName}: "${node.textContent}" needs ${node.scrollWidth}px, has ${node.clientWidth}px`);
        }
      }
      return { scrollbars, clipped };
    });
  },
  // A picture of the page; `texts` replaces what varies from run to run (ports, temp paths).
  async screenshot(page, { path, texts }) {
    await page.evaluate((replace) => {
      for (const [selector, text] of Object.entries(replace || {})) {
        document.querySelectorAll(selector).forEach((node) => { node.textContent = text; });
      }
      document.querySelectorAll('.fresh').forEach((node) => node.classList.remove('fresh'));
      document.activeElement && document.activeElement.blur();
    }, texts);
    await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    return {};
  },
};

async function main() {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 860 },
    deviceScaleFactor: 1,
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const page = context.pages()[0] || (await context.newPage());
  const problems = [];
  page.on('pageerror', (err) => problems.push(String(err)));
  await page.goto(url);
  await page.waitForSelector('#state.live', { timeout: 15000 });
  say({ ready: true });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = JSON.parse(line);
    if (command.do === 'quit') break;
    try {
      const answer = await commands[command.do](page, command);
      say({ ...answer, problems, error: null });
    } catch (err) {
      say({ error: String(err && err.stack || err), problems });
    }
  }
  await context.close();
}

main().catch((err) => { say({ error: String(err && err.stack || err) }); process.exit(1); });
