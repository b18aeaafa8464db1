// JupyterLab for the browser test: the project-local Lab (.venv-lab, made by set-up) started
// on 127.0.0.1 with a token, a temporary root holding the notebooks, temporary settings and
// workspaces, and the Kiln kernelspec installed into a temporary prefix; Debian's chromium
// driven by playwright-core.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort, REPO } from './client';

export const JUPYTER_LAB = path.join(REPO, '.venv-lab', 'bin', 'jupyter-lab');
export const CHROMIUM = '/usr/bin/chromium';
/** The flags a root user's headless Chromium needs on this machine kind (no sandbox, no background traffic). */
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser test cannot run here, or undefined when it can. */
export function labMissing(): string | undefined {
  if (!existsSync(JUPYTER_LAB)) return `${JUPYTER_LAB} is missing: run scripts/setup.sh (it installs JupyterLab into .venv-lab)`;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)`;
  return undefined;
}

export interface Lab {
  url: string;
  token: string;
  root: string;
  log: () => string;
  stop: () => Promise<void>;
}

export interface NotebookCell {
  source: string;
}

export function writeNotebook(root: string, name: string, cells: NotebookCell[]): void {
  const notebook = {
    cells: cells.map((c, i) => ({ cell_type: 'code', id: `c${i}`, execution_count: null, metadata: {}, outputs: [], source: c.source })),
    metadata: { kernelspec: { name: 'kiln', display_name: 'Kiln', language: 'kiln' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(path.join(root, name), JSON.stringify(notebook));
}

export async function startLab(): Promise<Lab> {
  const base = mkdtempSync(path.join(tmpdir(), 'kiln-lab-'));
  const dir = (name: string) => {
    mkdirSync(path.join(base, name), { recursive: true });
    return path.join(base, name);
  };
  const root = dir('root');
  const prefix = dir('prefix');
  execFileSync(process.execPath, [path.join(REPO, 'dist', 'kernel', 'install.js'), '--prefix', prefix]);
  // Render every cell (Lab 4 otherwise renders only the cells in view).
  writeFileSync(path.join(dir('settings/@jupyterlab/notebook-extension'), 'tracker.jupyterlab-settings'), '{"windowingMode": "none"}');
  // No "get notified about Jupyter news?" toast over the page.
  writeFileSync(path.join(dir('settings/@jupyterlab/apputils-extension'), 'notification.jupyterlab-settings'), '{"fetchNews": "false"}');
  const port = await freePort();
  const token = `kiln-${process.pid}-${port}`;
  let output = '';
  const server: ChildProcess = spawn(
    JUPYTER_LAB,
    [
      '--allow-root', '--no-browser', '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
      `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${root}`,
      '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.news_url=None', '--LabApp.extension_manager=readonly',
    ],
    {
      env: {
        ...process.env,
        JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
        JUPYTER_CONFIG_DIR: dir('config'),
        JUPYTER_RUNTIME_DIR: dir('runtime'),
        JUPYTERLAB_SETTINGS_DIR: path.join(base, 'settings'),
        JUPYTERLAB_WORKSPACES_DIR: dir('workspaces'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`jupyter lab exited with ${server.exitCode}:\n${output}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`jupyter lab did not answer within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM'); // Lab shuts its kernels down on SIGTERM
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  };
  return { url, token, root, log: () => output, stop };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** A notebook open in Lab, driven as a user drives it: keyboard, toolbar, the page's text. */
export class LabNotebook {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, lab: Lab, name: string): Promise<LabNotebook> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1300 } });
    // A loaded CI machine: a minute for each wait rather than playwright's 30 s.
    page.setDefaultTimeout(60_000);
    await page.goto(`${lab.url}/lab/tree/${name}?token=${lab.token}&reset`);
    await page.waitForSelector('.jp-Notebook .jp-Cell');
    // The status bar says "Kiln | Idle" once the kernel is started and connected.
    await page.getByText('Kiln | Idle').waitFor({ timeout: 60_000 });
    return new LabNotebook(page);
  }

  cell(i: number) {
    return this.page.locator('.jp-Notebook .jp-Cell').nth(i);
  }

  /** Selects cell i (a click on its prompt) and runs it with Shift+Enter. */
  async run(i: number): Promise<void> {
    await this.cell(i).locator('.jp-InputArea-prompt').click();
    await this.page.keyboard.press('Shift+Enter');
  }

  /** Puts the cursor at the end of cell i's text (edit mode). */
  async editAtEnd(i: number): Promise<void> {
    await this.cell(i).locator('.cm-content').click();
    await this.page.keyboard.press('Control+End');
  }

  /** Waits until cell i's prompt shows an execution count (`[N]:`): it ran and its reply came. */
  async waitDone(i: number, timeout = 60_000): Promise<void> {
    try {
      await this.page.waitForFunction(
        (i) => /^\[\d+\]:$/.test(document.querySelectorAll('.jp-Notebook .jp-Cell')[i]?.querySelector('.jp-InputPrompt')?.textContent?.trim() ?? ''),
        i,
        { timeout },
      );
    } catch {
      const outputs = await this.page.locator('.jp-Notebook .jp-Cell .jp-OutputArea').allInnerTexts();
      throw new Error(`cell ${i} did not finish: prompts ${JSON.stringify(await this.prompts())}, outputs ${JSON.stringify(outputs)}`);
    }
  }

  async prompts(): Promise<string[]> {
    return (await this.page.locator('.jp-Notebook .jp-Cell .jp-InputPrompt').allInnerTexts()).map((p) => p.trim());
  }

  async outputText(i: number): Promise<string> {
    return (await this.cell(i).locator('.jp-OutputArea').innerText()).trim();
  }

  async screenshot(file: string): Promise<void> {
    mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file, fullPage: true });
  }
}
