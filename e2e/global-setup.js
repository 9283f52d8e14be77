// Starts what the browser tests talk to, and returns the teardown that stops it:
//   * the demo AgentOS (demo/server.py) on 127.0.0.1:API_PORT, security key "e2e-key",
//     a fresh temp data dir, CORS allowing only WEB_ORIGIN, with its fake LLM on LLM_PORT;
//   * dist/ on WEB_ORIGIN, at "/" and under the sub-path "/dashboard/";
//   * the same dist/ on OTHER_ORIGIN (127.0.0.2), an origin the demo does not allow.
// Processes left over by an aborted earlier run (recorded in e2e/.run/<API_PORT>/pids.json, or
// ours listening on our ports) are stopped first.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const env = require('./env');

const OUR_COMMANDS = ['demo/server.py', 'fake_llm.py', 'scripts/serve_static.py'];
const PIDS_FILE = path.join(env.RUN_DIR, 'pids.json');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null; // gone
  }
}

const isOurs = (cmd) => !!cmd && OUR_COMMANDS.some((c) => cmd.includes(c));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Stops a process we started (detached: it leads its own process group, which also
// holds its children, e.g. the demo's fake LLM).
async function stopGroup(pid, label) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  if (!alive(pid)) return;
  signal('SIGTERM');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
  if (alive(pid)) {
    console.warn(`[e2e] ${label} (pid ${pid}) ignored SIGTERM; killing it`);
    signal('SIGKILL');
  }
}

// PIDs listening on a TCP port (via `ss`; an empty list if ss is missing).
function listeners(port) {
  let out = '';
  try {
    out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

async function cleanStale() {
  if (fs.existsSync(PIDS_FILE)) {
    const old = JSON.parse(fs.readFileSync(PIDS_FILE, 'utf8'));
    for (const { pid, label } of old) {
      if (isOurs(cmdline(pid))) {
        console.log(`[e2e] stopping ${label} (pid ${pid}) left over from an earlier run`);
        await stopGroup(pid, label);
      }
    }
    fs.rmSync(PIDS_FILE, { force: true });
  }
  for (const port of [env.API_PORT, env.LLM_PORT, env.WEB_PORT, env.OTHER_PORT]) {
    for (const pid of listeners(port)) {
      const cmd = cmdline(pid);
      if (isOurs(cmd)) {
        console.log(`[e2e] stopping a stale server on port ${port}: pid ${pid} (${cmd})`);
        await stopGroup(pid, `port ${port}`);
      } else {
        throw new Error(
          `[e2e] port ${port} is in use by pid ${pid} (${cmd || 'unknown'}), which is not ours. ` +
            'Stop it, or move the e2e servers with E2E_API_PORT / E2E_LLM_PORT / E2E_WEB_PORT / E2E_OTHER_PORT.',
        );
      }
    }
  }
}

function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitHttp(url, { seconds, child, label, log }) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`[e2e] ${label} exited before answering ${url}. Its log (${log}):\n${tail(log)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  throw new Error(`[e2e] ${label} did not answer ${url} within ${seconds}s. Its log (${log}):\n${tail(log)}`);
}

module.exports = async function globalSetup() {
  const started = Date.now();
  const python = process.env.E2E_PYTHON || path.join(env.ROOT, '.venv', 'bin', 'python');
  if (!fs.existsSync(path.join(env.DIST, 'index.html'))) {
    throw new Error(`[e2e] ${env.DIST}/index.html not found: build first (trunk build --release --offline)`);
  }
  if (!fs.existsSync(python)) {
    throw new Error(`[e2e] ${python} not found: run ./scripts/setup.sh (it creates .venv for the demo server)`);
  }
  fs.mkdirSync(env.RUN_DIR, { recursive: true });
  await cleanStale();

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'agentos-e2e-'));
  const children = [];
  const record = () =>
    fs.writeFileSync(PIDS_FILE, JSON.stringify(children.map(({ child, label }) => ({ pid: child.pid, label }))));

  const start = (label, command, args, extraEnv = {}) => {
    const log = path.join(env.RUN_DIR, `${label}.log`);
    const fd = fs.openSync(log, 'w');
    const child = spawn(command, args, {
      cwd: env.ROOT,
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', fd, fd],
      detached: true, // its own process group: teardown stops it and its children together
    });
    fs.closeSync(fd);
    children.push({ child, label, log });
    record();
    return { child, label, log };
  };

  const teardown = async () => {
    for (const { child, label } of children.reverse()) await stopGroup(child.pid, label);
    fs.rmSync(PIDS_FILE, { force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const demo = start('demo', python, [
      'demo/server.py', '--port', String(env.API_PORT), '--llm-port', String(env.LLM_PORT), '--data-dir', dataDir,
    ], {
      OS_SECURITY_KEY: env.KEY,
      DEMO_CORS_ORIGINS: env.WEB_ORIGIN,
      DEMO_FAKE_LLM: '1',
      AGNO_TELEMETRY: 'false',
      PYTHONUNBUFFERED: '1',
    });
    const web = start('static-allowed', 'python3', [
      'scripts/serve_static.py', '--dir', env.DIST, '--host', '127.0.0.1', '--port', String(env.WEB_PORT),
      '--mount', '/', '--mount', '/dashboard/',
    ]);
    const other = start('static-other-origin', 'python3', [
      'scripts/serve_static.py', '--dir', env.DIST, '--host', env.OTHER_HOST, '--port', String(env.OTHER_PORT),
    ]);
    await waitHttp(`${env.WEB_ORIGIN}/`, { seconds: 15, ...web });
    await waitHttp(`${env.WEB_ORIGIN}/dashboard/`, { seconds: 5, ...web });
    await waitHttp(`${env.OTHER_ORIGIN}/`, { seconds: 15, ...other });
    await waitHttp(`${env.API}/health`, { seconds: 120, ...demo });
  } catch (err) {
    await teardown();
    throw err;
  }
  console.log(
    `[e2e] demo AgentOS ${env.API} (key required, CORS: ${env.WEB_ORIGIN}); dist/ on ${env.WEB_ORIGIN}/, ` +
      `${env.WEB_ORIGIN}/dashboard/ and ${env.OTHER_ORIGIN}/ (not allowed by CORS); ready in ` +
      `${((Date.now() - started) / 1000).toFixed(1)}s`,
  );
  return teardown;
};
