'use strict';

const express = require('express');
const { loadPreferences, savePreferences } = require('../store');

const router = express.Router();

router.get('/api/preferences', async (req, res) => {
  res.json(await loadPreferences(req.user.id));
});

router.put('/api/preferences/theme', express.json(), async (req, res) => {
  const prefs = await loadPreferences(req.user.id);
  if (!['light', 'dark', 'system'].includes(req.body.theme)) {
    return res.status(400).json({ error: 'unknown theme' });
  }
  prefs.theme = req.body.theme;
  await savePreferences(req.user.id, prefs);
  res.json(prefs);
});

module.exports = router;
