'use strict';

const express = require('express');
const multer = require('multer');
const path = require('path');

const UPLOAD_DIR = process.env.UPLOAD_DIR || '/srv/media/uploads';
const THUMB_DIR = process.env.THUMB_DIR || '/srv/media/thumbs';

const app = express();
const upload = multer({ dest: UPLOAD_DIR, limits: { fileSize: 10 * 1024 * 1024 } });

app.post('/api/uploads', upload.single('image'), (req, res) => {
  if (!req.file) return res.status(400).json({ error: 'no image' });
  res.status(201).json({ file: req.file.filename, size: req.file.size });
});

app.use('/thumbs', express.static(THUMB_DIR, { fallthrough: false }));

app.listen(process.env.PORT || 8080);
