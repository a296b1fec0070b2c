#!/usr/bin/env node
// Headless-browser check of the GraphiQL playground:
//
//   node web/e2e/playground.mjs <url> [expectText]
//
// Opens <url> in Debian's Chromium (never a downloaded browser), refuses every request to a
// non-loopback host (the page must work offline), fails on page errors and CSP violations,
// runs the default tab and waits until the result pane holds "data" (and expectText),
// then opens the Docs panel and waits until it lists the schema's types.
// Success: one JSON line {"ok":true,"result":"<result pane text>","docTypes":[…]} on stdout, exit 0.
// Failure: one JSON line {"ok":false,"reason":"..."} on stdout, the reason on stderr, exit 1.
// Needs: Node 20+, web/build.sh run (playwright-core in web/node_modules), /usr/bin/chromium
// or $CHROMIUM.
const OVERALL_TIMEOUT_MS = 60_000;

const [url, expectText] = process.argv.slice(2);
if (!url) {
  console.error('usage: node web/e2e/playground.mjs <url> [expectText]');
  process.exit(2);
}

let browser;
let done = false;

async function finish(ok, payload, extra = {}) {
  if (done) return;
  done = true;
  const line = ok ? { ok: true, result: payload, ...extra } : { ok: false, reason: payload };
  process.stdout.write(JSON.stringify(line) + '\n');
  if (!ok) process.stderr.write(`playground check failed: ${payload}\n`);
  try {
    await browser?.close();
  } catch {
    // The verdict is already printed; a browser that will not close changes nothing.
  }
  process.exit(ok ? 0 : 1);
}

const overall = setTimeout(() => finish(false, `timed out after ${OVERALL_TIMEOUT_MS / 1000} s`), OVERALL_TIMEOUT_MS);
overall.unref();

// Loopback only: 127.0.0.0/8, ::1 and localhost. Everything else means the page reached for
// the internet (a CDN, fonts, telemetry).
function isLoopback(hostname) {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function checkURL(raw) {
  const u = new URL(raw);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return null;
  if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ws:' && u.protocol !== 'wss:') {
    return `request with scheme ${u.protocol} (${raw})`;
  }
  if (!isLoopback(u.hostname)) return `request to non-loopback host ${u.host} (${raw})`;
  return null;
}

async function main() {
  const bad = checkURL(url);
  if (bad) return finish(false, `target URL is not loopback: ${bad}`);

  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return finish(false, 'playwright-core is not installed in web/node_modules: run web/build.sh');
  }

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    timeout: 30_000,
  });
  const context = await browser.newContext();
  const problems = [];
  // A request off loopback or an uncaught exception is conclusive: fail now instead of
  // waiting for an editor that may never render.
  const fatal = (why) => {
    problems.push(why);
    finish(false, problems.join('; '));
  };

  await context.route('**/*', (route) => {
    const reqURL = route.request().url();
    const why = checkURL(reqURL);
    if (why) {
      fatal(why);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });

  // CSP violations are not page errors; surface them so a too-strict or broken policy fails
  // here rather than in a user's browser.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });

  const page = await context.newPage();
  page.on('pageerror', (err) => fatal(`page error: ${err.message}`));
  page.on('response', (res) => {
    const type = res.request().resourceType();
    if (res.status() >= 400 && (type === 'document' || type === 'script' || type === 'stylesheet')) {
      problems.push(`HTTP ${res.status()} for ${type} ${res.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    // Blocked requests are already reported by the route handler. A fetch the page
    // aborted itself (GraphiQL cancels a superseded schema fetch) is no failure.
    const why = req.failure()?.errorText;
    const cancelled = why === 'net::ERR_ABORTED' && ['fetch', 'xhr'].includes(req.resourceType());
    if (!checkURL(req.url()) && !cancelled) problems.push(`request failed: ${req.url()} (${why})`);
  });

  const failIfProblems = async () => {
    const csp = await page.evaluate(() => window.__cspViolations || []).catch(() => []);
    const all = problems.concat(csp.map((v) => `CSP violation: ${v}`));
    if (all.length) {
      await finish(false, all.join('; '));
      return true;
    }
    return false;
  };

  const res = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  if (!res || res.status() !== 200) {
    return finish(false, `GET ${url} answered ${res ? res.status() : 'nothing'}`);
  }

  // Stop waiting as soon as a CSP violation shows up: a blocked script means no editor.
  try {
    await page.waitForFunction(
      () => (window.__cspViolations || []).length > 0 || document.querySelector('.graphiql-query-editor .CodeMirror'),
      undefined,
      { timeout: 30_000, polling: 100 },
    );
  } catch {
    // Reported below.
  }
  if (await failIfProblems()) return;
  if (!(await page.locator('.graphiql-query-editor .CodeMirror').first().isVisible())) {
    return finish(false, 'the GraphiQL query editor never appeared');
  }

  await page.locator('button.graphiql-execute-button').first().click();

  // CodeMirror renders only the visible lines, so read the editor's value, not the DOM text.
  // With want === null it returns the text; otherwise the text once it holds "data" and want,
  // false before. (No eval here: the page's CSP forbids it.)
  const resultState = (want) => {
    const cm = document.querySelector('.result-window .CodeMirror');
    const win = document.querySelector('.result-window');
    const text = cm && cm.CodeMirror ? cm.CodeMirror.getValue() : win ? win.innerText : '';
    if (want === null) return text;
    return text.includes('"data"') && text.includes(want) ? text : false;
  };
  let result;
  try {
    const handle = await page.waitForFunction(resultState, expectText || '', { timeout: 30_000, polling: 100 });
    result = await handle.jsonValue();
  } catch {
    const got = await page.evaluate(resultState, null).catch(() => '');
    if (await failIfProblems()) return;
    const want = expectText ? `"data" and ${JSON.stringify(expectText)}` : '"data"';
    return finish(false, `result pane never contained ${want}; it shows: ${JSON.stringify(got.slice(0, 500))}`);
  }

  if (await failIfProblems()) return;

  // The Docs panel is built from the standard introspection query: it must list the
  // schema's types, not "Error fetching schema".
  await page.getByRole('button', { name: /Documentation Explorer/ }).first().click();
  const docsState = () => {
    const docs = document.querySelector('section[aria-label="Documentation Explorer"]');
    if (!docs) return false;
    const text = docs.innerText;
    if (text.includes('Error fetching schema')) return { error: text.slice(0, 300) };
    if (!text.includes('All Schema Types')) return false;
    return { types: Array.from(docs.querySelectorAll('.graphiql-doc-explorer-type-name')).map((a) => a.textContent) };
  };
  let docs;
  try {
    docs = await (await page.waitForFunction(docsState, undefined, { timeout: 30_000, polling: 100 })).jsonValue();
  } catch {
    return finish(false, 'the Docs panel never listed the schema types');
  }
  if (docs.error) return finish(false, `Docs panel: ${docs.error}`);
  if (await failIfProblems()) return;
  return finish(true, result, { docTypes: docs.types });
}

main().catch((err) => finish(false, err && err.message ? err.message.split('\n')[0] : String(err)));
