// Benchmarks of the viewer (docs/performance.md, section 11): `lazyscribe serve` and its page on
// 1,000, 10,000 and 100,000 experiments, and `lazyscribe report` against the report from before
// the viewer (the CLI as of commit b813376) on 20,000. Plain Node 18+ (no npm packages); the
// browser is Debian's headless chromium, driven by tests/viewer/cdp.mjs.
//
//   nice node benchmarks/bench-viewer.mjs --cli NEW/lazyscribe --old OLD/lazyscribe \
//        --read /tmp/bench_viewer_read [--sizes 1000,10000,100000] [--report-size 20000] \
//        [--runs 3] [--work DIR] [--markdown] [--json FILE]
//
// Build both programs in Release (a Debug build is several times slower); bench_viewer_read is
// benchmarks/bench_viewer_read.cpp. --old is optional (no report comparison without it).
//
// Projects: written here, byte for byte as Python lazyscribe writes them (json.dump(sort_keys=True,
// indent=4)); each experiment has 4 metrics, 5 parameters (one nested object with a list), 2 tags,
// no tests, no artifacts: the shape of benchmarks/cli_list_100k.sh's project.
//
// serve, per size (each measurement --runs times, medians reported):
//   lib project / read_summary  bench_viewer_read PROJECT (the same run): opening the file with
//                               lazyscribe::project and with lazyscribe::read_summary, best of 3
//                               and the first in a fresh process (as a server's start is)
//   start                       spawn `lazyscribe serve PROJECT --port 0` until its "serving" line:
//                               the server opens the project and builds the /api/runs document
//   GET /api/runs               one request from Node, until the last byte (and its size)
//   page: first paint, FCP      performance 'paint' entries of a fresh headless chromium tab
//   page: data-ready            body data-ready="1" (a MutationObserver installed before the page's
//                               own script), and the next frame after it ("ready painted")
//   JS heap                     Performance.getMetrics JSHeapUsedSize after a garbage collection
//   server peak RSS             VmHWM of /proc/PID/status, after start and after the page loaded
// report: the same page timings for the file:// report of the new and the old program (the old
// one's readiness marker is <html data-ready="1">, set at the end of its script), the time
// `report` takes and the file's size.
//
// Times are wall clock on whatever machine this runs on; compare ratios within one run.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const { launch, track, killChild, sleep, withTimeout } = await import(join(HERE, '..', 'tests', 'viewer', 'cdp.mjs'));

// ---------------------------------------------------------------------------------------------
// Arguments.

function parseArgs(argv) {
    const o = {
        cli: null, old: null, read: null, sizes: [1000, 10000, 100000], reportSize: 20000, runs: 3,
        work: join(os.tmpdir(), 'lazyscribe-bench-viewer'), markdown: false, json: null, keep: false,
    };
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        const next = () => {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            return argv[++i];
        };
        if (a === '--cli') o.cli = resolve(next());
        else if (a === '--old') o.old = resolve(next());
        else if (a === '--read') o.read = resolve(next());
        else if (a === '--sizes') o.sizes = next().split(',').filter(Boolean).map(Number);
        else if (a === '--report-size') o.reportSize = Number(next());
        else if (a === '--runs') o.runs = Math.max(1, Number(next()));
        else if (a === '--work') o.work = resolve(next());
        else if (a === '--markdown') o.markdown = true;
        else if (a === '--json') o.json = resolve(next());
        else if (a === '--keep') o.keep = true;
        else usage(`unknown argument ${a}`);
    }
    if (!o.cli) usage('--cli is required');
    for (const [k, v] of [['--cli', o.cli], ['--old', o.old], ['--read', o.read]]) {
        if (v && !existsSync(v)) usage(`${k}: no program at ${v}`);
    }
    return o;
}

function usage(msg) {
    process.stderr.write(`bench-viewer: ${msg}\nusage: node benchmarks/bench-viewer.mjs --cli LAZYSCRIBE [--old OLD_LAZYSCRIBE] [--read BENCH_VIEWER_READ] [--sizes 1000,10000,100000] [--report-size 20000] [--runs 3] [--work DIR] [--markdown] [--json FILE] [--keep]\n`);
    process.exit(2);
}

const log = (s) => process.stderr.write(`bench-viewer: ${s}\n`);

// ---------------------------------------------------------------------------------------------
// The projects.

function stamp(minutes) {
    return new Date(Date.UTC(2024, 0, 1) + minutes * 60000).toISOString().slice(0, 19);
}

// Deterministic numbers in [0, 1): a 32-bit LCG, printed with at most 6 decimals (as repr would).
function rng(seed) {
    let s = seed >>> 0;
    return () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 4294967296;
    };
}
const num = (x) => {
    const v = Math.round(x * 1e6) / 1e6;
    return Number.isInteger(v) ? v.toFixed(1) : String(v);
};

function experimentText(i, rand) {
    const t = stamp(i);
    const compact = t.replace(/[-T:]/g, '');
    const who = ['alice', 'bob', 'carol'][i % 3];
    return `    {
        "artifacts": [],
        "author": "${who}",
        "created_at": "${t}",
        "dependencies": [],
        "last_updated": "${t}",
        "last_updated_by": "${who}",
        "metrics": {
            "accuracy": ${num(0.5 + rand() / 2)},
            "f1": ${num(0.4 + rand() / 2)},
            "loss": ${num(0.001 + rand())},
            "n_trees": ${50 + Math.floor(rand() * 450)}
        },
        "name": "Experiment ${i}",
        "parameters": {
            "early_stopping": ${i % 2 ? 'true' : 'false'},
            "learning_rate": ${num(0.001 + Math.round(rand() * 1000) / 10000)},
            "max_depth": ${2 + (i % 10)},
            "notes": "run ${i} of the sweep",
            "optimizer": {
                "betas": [
                    0.9,
                    0.999
                ],
                "name": "adam"
            }
        },
        "short_slug": "experiment-${i}",
        "slug": "experiment-${i}-${compact}",
        "tags": [
            "sweep",
            "batch-${i % 100}"
        ],
        "tests": []
    }`;
}

function writeProject(dir, n) {
    const path = join(dir, 'project.json');
    if (existsSync(path) && existsSync(path + '.done')) return path;
    mkdirSync(dir, { recursive: true });
    const rand = rng(42);
    const fd = openSync(path, 'w');
    let chunk = [];
    writeSync(fd, n === 0 ? '[]' : '[\n');
    for (let i = 0; i < n; ++i) {
        chunk.push(experimentText(i, rand));
        if (chunk.length === 2000 || i === n - 1) {
            writeSync(fd, chunk.join(',\n') + (i === n - 1 ? '\n]' : ',\n'));
            chunk = [];
        }
    }
    closeSync(fd);
    closeSync(openSync(path + '.done', 'w'));
    return path;
}

// ---------------------------------------------------------------------------------------------
// Measuring.

const median = (xs) => {
    const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
    if (!v.length) return NaN;
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

function procStatusMB(pid) {
    try {
        const text = readFileSync(`/proc/${pid}/status`, 'utf8');
        const get = (key) => {
            const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
            return m ? Number(m[1]) / 1024 : NaN;
        };
        return { hwm: get('VmHWM'), rss: get('VmRSS') };
    } catch {
        return { hwm: NaN, rss: NaN };
    }
}

// bench_viewer_read twice: project first (its first open is a fresh process's, as a server's
// start), then read_summary first; the best-of-3 times and peaks of the first run.
function runLibraryBaseline(read, project) {
    const once = (order) => {
        const r = spawnSync(read, [project, '3', order], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`bench_viewer_read ${project}: exit ${r.status}: ${r.stderr}`);
        const out = {};
        for (const line of r.stdout.split('\n')) {
            const [k, v] = line.trim().split(/\s+/);
            if (k) out[k] = Number(v);
        }
        return out;
    };
    const a = once('project-first');
    const b = once('summary-first');
    return { ...a, read_summary_first_ms: b.read_summary_first_ms };
}

// Installed before any of the page's scripts: readiness by MutationObserver (data-ready="1" on
// <body> or <html>), the next frame after it, and the largest contentful paint.
const INSTRUMENT = `(() => {
    const b = window.__bench = { ready: null, readyFrame: null, readyPainted: null, lcp: null };
    const check = () => {
        if (b.ready !== null) return;
        const html = document.documentElement, body = document.body;
        if ((body && body.getAttribute('data-ready') === '1') || (html && html.getAttribute('data-ready') === '1')) {
            b.ready = performance.now();
            requestAnimationFrame(() => { b.readyFrame = performance.now(); setTimeout(() => { b.readyPainted = performance.now(); }, 0); });
        }
    };
    new MutationObserver(check).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
    try {
        new PerformanceObserver((l) => { for (const e of l.getEntries()) b.lcp = e.startTime; })
            .observe({ type: 'largest-contentful-paint', buffered: true });
    } catch (e) { /* older chromium */ }
})();`;

const COLLECT = `(() => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    const nav = performance.getEntriesByType('navigation')[0] || {};
    const b = window.__bench;
    return { fp: paint['first-paint'] ?? null, fcp: paint['first-contentful-paint'] ?? null,
             ready: b.ready, readyPainted: b.readyPainted, lcp: b.lcp,
             domContentLoaded: nav.domContentLoadedEventEnd ?? null, load: nav.loadEventEnd ?? null,
             rows: document.querySelectorAll('tr').length,
             error: document.body ? document.body.dataset.error ?? null : null };
})()`;

// The private memory (RssAnon) of the largest renderer process of the browser (of its process
// group; chromium rewrites its command line, "--type=renderer" stays in it): the page's whole
// memory, DOM and layout included, which the JS heap is not. Shared pages (the program's own
// code) are left out; the other renderers (the first blank tab, a spare) are small.
function rendererMB(browser) {
    let largest = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        try {
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
            if (pgrp !== browser.child.pid) continue;
            if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
            const m = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
            if (m) largest = Math.max(largest, Number(m[1]) / 1024);
        } catch {
            /* gone */
        }
    }
    return largest;
}

// Loads url in a fresh browser (no cache, no other tab) and returns the page's timings and heap.
async function measurePage(url, { timeoutMs = 300000 } = {}) {
    const browser = await launch({ commandTimeoutMs: timeoutMs });
    try {
        const page = await browser.newPage(null, { beforeLoad: INSTRUMENT });
        await page.send('Network.enable').catch(() => {});
        await page.send('Network.setCacheDisabled', { cacheDisabled: true }).catch(() => {});
        await page.goto(url, timeoutMs);
        await page.waitFor('window.__bench && window.__bench.readyPainted !== null', timeoutMs, { intervalMs: 50, what: `data-ready of ${url}` });
        const t = await page.evaluate(COLLECT);
        if (t.error) throw new Error(`the page says: ${t.error}`);
        const mem = await page.memory({ collect: true });
        const renderer = rendererMB(browser);
        return { ...t, jsHeapMB: mem.usedJSHeap / 1048576, nodes: mem.nodes, rendererAnonMB: renderer };
    } finally {
        browser.close();
    }
}

// Starts `lazyscribe serve`; resolves with {child, url, startMs} when it has printed its line.
function startServer(cli, project) {
    const t0 = performance.now();
    const child = spawn(cli, ['serve', project, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    return withTimeout(
        new Promise((resolveStart, reject) => {
            child.stdout.on('data', (d) => {
                out += d;
                const m = /serving (\d+) experiments? of \d+ projects? at (http:\/\/[^/\s]+\/)/.exec(out);
                if (m) resolveStart({ child, url: m[2], experiments: Number(m[1]), startMs: performance.now() - t0 });
            });
            child.once('exit', (code, signal) => reject(new Error(`lazyscribe serve exited (${code ?? signal}) before serving: ${err}`)));
        }),
        600000,
        'lazyscribe serve start',
    );
}

async function stopServer(child) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await withTimeout(gone, 10000, 'lazyscribe serve stop').catch(() => killChild(child, 'SIGKILL'));
}

// One GET with node:http (a new connection), until the last byte: {ms, bytes, status}.
function get(url) {
    return new Promise((resolveGet, reject) => {
        const t0 = performance.now();
        const req = http.get(url, { agent: false }, (res) => {
            let bytes = 0;
            res.on('data', (d) => (bytes += d.length));
            res.on('end', () => resolveGet({ ms: performance.now() - t0, bytes, status: res.statusCode }));
            res.on('error', reject);
        });
        req.on('error', reject);
    });
}

async function fetchRuns(url) {
    await get(url + 'api/none'); // a 404 first: the server's first connection and Node's own first use
    const r = await get(url + 'api/runs');
    if (r.status !== 200) throw new Error(`GET /api/runs: HTTP ${r.status}`);
    return r;
}

// The floor of any start: spawning the program to print its version.
function processFloorMs(cli, runs) {
    const times = [];
    for (let i = 0; i < runs; ++i) {
        const t0 = performance.now();
        const r = spawnSync(cli, ['--version'], { encoding: 'utf8' });
        times.push(performance.now() - t0);
        if (r.status !== 0) throw new Error(`${cli} --version: exit ${r.status}`);
    }
    return median(times);
}

async function benchServe(o, n) {
    const project = writeProject(join(o.work, `serve-${n}`), n);
    const fileMB = statSync(project).size / 1048576;
    log(`serve, ${n} experiments (${fileMB.toFixed(1)} MB)`);
    const lib = o.read ? runLibraryBaseline(o.read, project) : {};
    lib.floor_ms = processFloorMs(o.cli, o.runs);
    const reps = [];
    for (let i = 0; i < o.runs; ++i) {
        const s = await startServer(o.cli, project);
        try {
            if (s.experiments !== n) throw new Error(`serve says ${s.experiments} experiments, expected ${n}`);
            const atStart = procStatusMB(s.child.pid);
            const get = await fetchRuns(s.url);
            const page = await measurePage(s.url);
            const after = procStatusMB(s.child.pid);
            reps.push({ startMs: s.startMs, getMs: get.ms, runsBytes: get.bytes, startHwmMB: atStart.hwm, hwmMB: after.hwm, rssMB: after.rss, ...page });
            log(`  run ${i + 1}: start ${s.startMs.toFixed(0)} ms, GET /api/runs ${get.ms.toFixed(0)} ms (${(get.bytes / 1048576).toFixed(1)} MB), ` +
                `first paint ${page.fp?.toFixed(0)} ms, data-ready ${page.ready.toFixed(0)} ms, heap ${page.jsHeapMB.toFixed(1)} MB, server VmHWM ${after.hwm.toFixed(0)} MB`);
        } finally {
            await stopServer(s.child);
        }
    }
    return { n, fileMB, lib, reps, med: medians(reps) };
}

function medians(reps) {
    const out = {};
    for (const k of Object.keys(reps[0] ?? {})) out[k] = median(reps.map((r) => r[k]));
    return out;
}

async function benchReport(o, which, cli, project) {
    const dir = join(o.work, `report-${o.reportSize}`);
    const html = join(dir, `report-${which}.html`);
    const reps = [];
    for (let i = 0; i < o.runs; ++i) {
        rmSync(html, { force: true });
        const t0 = performance.now();
        const r = spawnSync(cli, ['report', project, '-o', html], { encoding: 'utf8', maxBuffer: 16 << 20 });
        const writeMs = performance.now() - t0;
        if (r.status !== 0) throw new Error(`${which} report: exit ${r.status}: ${r.stderr}`);
        const bytes = statSync(html).size;
        const page = await measurePage(pathToFileURL(html).href);
        reps.push({ writeMs, bytes, ...page });
        log(`  ${which} run ${i + 1}: report ${writeMs.toFixed(0)} ms, ${(bytes / 1048576).toFixed(1)} MB, first paint ${page.fp?.toFixed(0)} ms, ` +
            `data-ready ${page.ready.toFixed(0)} ms, heap ${page.jsHeapMB.toFixed(1)} MB, ${page.nodes} DOM nodes`);
    }
    return { which, reps, med: medians(reps) };
}

// ---------------------------------------------------------------------------------------------
// Tables.

const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '–');

function table(headers, rows, markdown) {
    if (markdown) {
        const line = (cells) => `| ${cells.join(' | ')} |`;
        return [line(headers), line(headers.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
    }
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
    const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
    return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function printServe(results, md) {
    const cols = results.map((r) => `${r.n.toLocaleString('en-US')}`);
    const row = (label, fn) => [label, ...results.map(fn)];
    const rows = [
        row('project file (MB)', (r) => f1(r.fileMB)),
        row('library: lazyscribe::project open, fresh process (ms)', (r) => f0(r.lib.project_first_ms)),
        row('library: lazyscribe::project open, best of 3 (ms)', (r) => f0(r.lib.project_ms)),
        row('library: read_summary, fresh process (ms)', (r) => f0(r.lib.read_summary_first_ms)),
        row('library: read_summary, best of 3 (ms)', (r) => f0(r.lib.read_summary_ms)),
        row('`lazyscribe --version`, spawn to exit (ms)', (r) => f0(r.lib.floor_ms)),
        row('serve start: open + /api/runs document (ms)', (r) => f0(r.med.startMs)),
        row('GET /api/runs, from Node (ms)', (r) => f0(r.med.getMs)),
        row('/api/runs size (MB)', (r) => f1(r.med.runsBytes / 1048576)),
        row('page: first paint (ms)', (r) => f0(r.med.fp)),
        row('page: first contentful paint (ms)', (r) => f0(r.med.fcp)),
        row('page: data-ready (ms)', (r) => f0(r.med.ready)),
        row('page: data-ready, next frame (ms)', (r) => f0(r.med.readyPainted)),
        row('page: JS heap after GC (MB)', (r) => f1(r.med.jsHeapMB)),
        row('page: DOM nodes', (r) => f0(r.med.nodes)),
        row('page: renderer private memory, RssAnon (MB)', (r) => f0(r.med.rendererAnonMB)),
        row('server VmHWM after start (MB)', (r) => f0(r.med.startHwmMB)),
        row('server VmHWM after the page (MB)', (r) => f0(r.med.hwmMB)),
        row('library: project open, VmHWM (MB)', (r) => f0(r.lib.project_peak_rss_mb)),
        row('library: read_summary, VmHWM (MB)', (r) => f0(r.lib.read_summary_peak_rss_mb)),
        row('serve start / project open (fresh process)', (r) => ratio(r.med.startMs, r.lib.project_first_ms)),
        row('serve start / project open (best of 3)', (r) => ratio(r.med.startMs, r.lib.project_ms)),
        row('serve start / read_summary (fresh process)', (r) => ratio(r.med.startMs, r.lib.read_summary_first_ms)),
        row('serve start / read_summary (best of 3)', (r) => ratio(r.med.startMs, r.lib.read_summary_ms)),
        row('(start + GET /api/runs) / project open (fresh)', (r) => ratio(r.med.startMs + r.med.getMs, r.lib.project_first_ms)),
        row('GET /api/runs / read_summary (best of 3)', (r) => ratio(r.med.getMs, r.lib.read_summary_ms)),
        row('server VmHWM / project open VmHWM', (r) => ratio(r.med.hwmMB, r.lib.project_peak_rss_mb)),
    ];
    console.log(`\nserve (median of ${results[0]?.reps.length ?? 0} runs; library: bench_viewer_read, first and best of 3)\n`);
    console.log(table(['experiments', ...cols], rows, md));
}

function printReport(n, results, md) {
    const [a, b] = results; // new, old
    const rows = [];
    const row = (label, fn, fmt) => rows.push([label, ...results.map((r) => fmt(fn(r.med))), b ? ratio(fn(a.med), fn(b.med)) : '–']);
    row('report command (ms)', (m) => m.writeMs, f0);
    row('file size (MB)', (m) => m.bytes / 1048576, f1);
    row('first paint (ms)', (m) => m.fp, f0);
    row('first contentful paint (ms)', (m) => m.fcp, f0);
    row('data-ready (ms)', (m) => m.ready, f0);
    row('data-ready, next frame (ms)', (m) => m.readyPainted, f0);
    row('load event end (ms)', (m) => m.load, f0);
    row('JS heap after GC (MB)', (m) => m.jsHeapMB, f1);
    row('renderer private memory, RssAnon (MB)', (m) => m.rendererAnonMB, f0);
    row('DOM nodes', (m) => m.nodes, f0);
    row('table rows in the DOM', (m) => m.rows, f0);
    console.log(`\nreport, ${n.toLocaleString('en-US')} experiments (median of ${a.reps.length} runs)\n`);
    console.log(table(['', ...results.map((r) => r.which), 'new / old'], rows, md));
}

// ---------------------------------------------------------------------------------------------

const o = parseArgs(process.argv.slice(2));
mkdirSync(o.work, { recursive: true });
const began = performance.now();
const all = { machine: { cpus: os.cpus().length, load: os.loadavg(), node: process.version }, serve: [], report: [] };

for (const n of o.sizes) all.serve.push(await benchServe(o, n));
if (o.reportSize > 0) {
    const project = writeProject(join(o.work, `report-${o.reportSize}`), o.reportSize);
    log(`report, ${o.reportSize} experiments (${(statSync(project).size / 1048576).toFixed(1)} MB)`);
    all.report.push(await benchReport(o, 'new', o.cli, project));
    if (o.old) all.report.push(await benchReport(o, 'old', o.old, project));
}
all.machine.loadAfter = os.loadavg();

if (all.serve.length) printServe(all.serve, o.markdown);
if (all.report.length) printReport(o.reportSize, all.report, o.markdown);
console.log(`\nload average ${all.machine.load.map((x) => x.toFixed(1)).join(' ')} at the start, ${all.machine.loadAfter.map((x) => x.toFixed(1)).join(' ')} at the end; ${((performance.now() - began) / 1000).toFixed(0)} s in all`);
if (o.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(o.json, JSON.stringify(all, null, 2));
}
if (!o.keep) rmSync(o.work, { recursive: true, force: true });
process.exit(0);
