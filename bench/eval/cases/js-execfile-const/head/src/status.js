'use strict';

const { execFile } = require('child_process');
const express = require('express');
const os = require('os');

const router = express.Router();
const started = Date.now();
const REPO_DIR = process.env.APP_ROOT || __dirname;

router.get('/healthz', (req, res) => {
  res.json({ ok: true, uptime_s: Math.round((Date.now() - started) / 1000) });
});

router.get('/status', (req, res) => {
  res.json({ host: os.hostname(), load: os.loadavg(), node: process.version });
});

router.get('/status/version', (req, res) => {
  const verbose = req.query.verbose === '1';
  const args = verbose ? ['log', '-1', '--format=%H %cI %s'] : ['rev-parse', '--short', 'HEAD'];
  execFile('git', args, { cwd: REPO_DIR, timeout: 2000 }, (err, stdout) => {
    if (err) return res.status(503).json({ error: 'version unavailable' });
    res.json({ version: stdout.trim(), node: process.version });
  });
});

module.exports = router;
