#!/usr/bin/env node
'use strict';
/**
 * Renders a bench report's charts to a PNG (for the README):
 *   node scripts/report-png.js docs/bench-small/report.html docs/bench-small/charts.png
 * Needs Debian's chromium (/usr/bin/chromium); playwright-core drives it.
 */
const path = require('path');
const { chromium } = require('playwright-core');

async function main([html, png]) {
  if (!html || !png) throw new Error('usage: node scripts/report-png.js REPORT.html OUT.png');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(`file://${path.resolve(html)}`);
    const charts = await page.$$('figure.chart');
    if (charts.length === 0) throw new Error(`${html}: no charts (figure.chart) on the page`);
    const boxes = await Promise.all(charts.map((c) => c.boundingBox()));
    const top = Math.min(...boxes.map((b) => b.y));
    const bottom = Math.max(...boxes.map((b) => b.y + b.height));
    await page.setViewportSize({ width: 1100, height: Math.ceil(bottom) + 10 });
    await page.screenshot({ path: png, clip: { x: 0, y: top, width: 1100, height: bottom - top } });
    console.log(`wrote ${png}`);
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
