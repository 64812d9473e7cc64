'use strict';

const express = require('express');
const { mergePreferences } = require('../lib/merge');
const { loadPreferences, savePreferences } = require('../store');

const router = express.Router();

router.get('/api/preferences', async (req, res) => {
  res.json(await loadPreferences(req.user.id));
});

router.patch('/api/preferences', express.json(), async (req, res) => {
  const prefs = await loadPreferences(req.user.id);
  mergePreferences(prefs, req.body);
  await savePreferences(req.user.id, prefs);
  res.json(prefs);
});

module.exports = router;
