// Serves uploaded invoices.
const express = require('express');
const path = require('path');

const router = express.Router();
const ROOT = '/srv/invoices';

router.get('/invoice', (req, res) => {
  const name = String(req.query.name || '');
  res.sendFile(path.join(ROOT, name));
});

module.exports = router;
