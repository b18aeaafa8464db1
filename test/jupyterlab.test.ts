// What a JupyterLab user sees, in a real Lab (4.6, from .venv-lab) and a real browser
// (Debian's chromium, headless, driven by playwright-core). If set-up could not provide
// Lab or Chromium, these tests fail with the reason; they are never skipped.
// Screenshots go to docs/screenshots/ (the README shows them).
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { REPO } from './support/client';
import { labMissing, launchBrowser, LabNotebook, startLab, writeNotebook, type Lab } from './support/lab';

jest.setTimeout(180_000);

const SCREENSHOTS = path.join(REPO, 'docs', 'screenshots');

let lab: Lab;
let browser: Browser;

beforeAll(async () => {
  const missing = labMissing();
  if (missing) throw new Error(`the JupyterLab test cannot run: ${missing}`);
  lab = await startLab();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
});

test('a Lab user runs cells: result, Vega chart, progress, error with the Kiln stack, input, interrupt, completion', async () => {
  writeNotebook(lab.root, 'tour.ipynb', [
    { source: 'let a = 20\nfn divide(x: int, y: int) -> int {\n    return x / y\n}\n6 * 7' },
    { source: 'plot([1.0, 2.0, 3.0, 4.0], [1.0, 4.0, 9.0, 16.0], "squares")' },
    { source: 'for i in 1..101 {\n    progress(i, 100)\n}' },
    { source: 'divide(a, 0)' },
    { source: 'let name = input("name? ")\nprint("hello", name)' },
    { source: 'while true { }' },
    { source: 'a + 1' },
    { source: 'pri' },
    { source: 'latex("\\\\frac{1}{2}")' },
  ]);
  const nb = await LabNotebook.open(browser, lab, 'tour.ipynb');
  const page = nb.page;

  for (let i = 0; i < 4; i++) {
    await nb.run(i);
    await nb.waitDone(i);
  }
  expect(await nb.outputText(0)).toBe('[1]:\n42');
  // JupyterLab draws the Vega-Lite bundle itself (a canvas inside .vega-embed).
  await nb.cell(1).locator('.vega-embed canvas, .vega-embed svg').first().waitFor();
  await nb.cell(2).locator('progress[value="100"]').waitFor();
  expect(await nb.outputText(2)).toMatch(/^100% done in \d+\.\ds$/);
  expect(await nb.outputText(3)).toBe(
    'Traceback (most recent call last):\n  cell 4, line 1, in <cell>\n  cell 1, line 3, in divide\nZeroDivisionError: integer division or modulo by zero',
  );

  // input(): Lab shows a text box under the cell; the answer goes back to the kernel.
  await nb.run(4);
  await page.locator('.jp-Stdin-input').waitFor();
  expect((await page.locator('.jp-Stdin-prompt').innerText()).trim()).toBe('name?');
  await page.locator('.jp-Stdin-input').fill('Ada');
  await page.keyboard.press('Enter');
  await nb.waitDone(4);
  expect(await nb.outputText(4)).toContain('hello Ada');

  // Interrupt from the toolbar; the next cell proves the session was kept.
  await nb.run(5);
  await page.waitForFunction(() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'busy');
  await page.locator('[data-command="notebook:interrupt-kernel"]').first().click();
  await nb.waitDone(5);
  expect(await nb.outputText(5)).toBe('Traceback (most recent call last):\n  cell 6, line 1, in <cell>\nKeyboardInterrupt: interrupted');
  await nb.run(6);
  await nb.waitDone(6);
  expect(await nb.outputText(6)).toBe('[7]:\n21');

  // Tab completion in the last cell (`pri`) offers `print`.
  await nb.editAtEnd(7);
  await page.keyboard.press('Tab');
  // The completer's list holds `print` (Lab may keep the list hidden while it has one item).
  await page.locator('.jp-Completer-item[data-value="print"]').waitFor({ state: 'attached' });
  await page.keyboard.press('Escape');

  // latex() without math delimiters is sent as display math, which Lab typesets (MathJax).
  await nb.run(8);
  await nb.waitDone(8);
  await nb.cell(8).locator('.jp-RenderedLatex mjx-container').first().waitFor();
  await nb.screenshot(path.join(SCREENSHOTS, 'lab-tour.png'));
});

test('Run All stops at an error: the skipped cells show an empty prompt', async () => {
  writeNotebook(lab.root, 'run-all.ipynb', [{ source: 'let a = 1\n1 / 0' }, { source: '6 * 7' }, { source: 'a + 1' }]);
  const nb = await LabNotebook.open(browser, lab, 'run-all.ipynb');
  await nb.page.locator('.lm-MenuBar-item', { hasText: /^Run$/ }).click();
  await nb.page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click();
  await nb.waitDone(0);
  await nb.page.waitForFunction(() => document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle');
  expect(await nb.outputText(0)).toMatch(/ZeroDivisionError: integer division or modulo by zero$/);
  expect(await nb.prompts()).toEqual(['[1]:', '[ ]:', '[ ]:']);
  expect([await nb.outputText(1), await nb.outputText(2)]).toEqual(['', '']);
  await nb.screenshot(path.join(SCREENSHOTS, 'lab-run-all.png'));
});

test('Kiln cells are highlighted by the Kiln syntax mode: keywords, types, literals, comments, the magic line', async () => {
  writeNotebook(lab.root, 'syntax.ipynb', [{ source: '%time\n/// the answer\nlet x: int = 1 + 0x2a // one\nlet s = "a\\"b"\nlet ok = true' }]);
  const nb = await LabNotebook.open(browser, lab, 'syntax.ipynb');
  // The editor's spans with the colour Lab's highlight style gave each, named by the theme
  // variables it resolves to (the light theme gives keyword and builtin the same green;
  // Lab's style makes keywords and operators bold).
  const styled = await nb.cell(0).locator('.cm-content').evaluate((content) => {
    const roles = ['meta', 'keyword', 'builtin', 'number', 'operator', 'comment', 'string', 'atom'];
    const probe = document.body.appendChild(document.createElement('span'));
    const colours = roles.map((role) => {
      probe.style.color = `var(--jp-mirror-editor-${role}-color)`;
      return getComputedStyle(probe).color;
    });
    probe.remove();
    return [...content.querySelectorAll('.cm-line span')].map((span) => {
      const style = getComputedStyle(span);
      const role = roles.filter((_, i) => colours[i] === style.color).join('/') || 'plain';
      return `${span.textContent} ${role}${Number(style.fontWeight) >= 700 ? ' bold' : ''}`;
    });
  });
  expect(styled).toEqual([
    '%time meta',
    '/// the answer comment',
    'let keyword/builtin bold', 'int keyword/builtin', '= operator bold', '1 number', '+ operator bold', '0x2a number', '// one comment',
    'let keyword/builtin bold', '= operator bold', '"a\\"b" string',
    'let keyword/builtin bold', '= operator bold', 'true atom',
  ]);
});
