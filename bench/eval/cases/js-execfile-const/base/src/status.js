'use strict';

const express = require('express');
const os = require('os');

const router = express.Router();
const started = Date.now();

router.get('/healthz', (req, res) => {
  res.json({ ok: true, uptime_s: Math.round((Date.now() - started) / 1000) });
});

router.get('/status', (req, res) => {
  res.json({ host: os.hostname(), load: os.loadavg(), node: process.version });
});

module.exports = router;
