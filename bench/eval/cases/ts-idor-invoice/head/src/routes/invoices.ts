import { Router } from 'express';

import { db } from '../db';
import { requireUser } from '../middleware/auth';

export const invoices = Router();
invoices.use(requireUser);

// GET /api/invoices: the signed-in account's invoices, newest first
invoices.get('/', async (req, res) => {
  const result = await db.query(
    'SELECT id, number, total_cents, status, issued_at FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC',
    [req.user.accountId],
  );
  res.json(result.rows);
});

// GET /api/invoices/:id/pdf: download one invoice as PDF
invoices.get('/:id/pdf', async (req, res) => {
  const id = Number.parseInt(req.params.id, 10);
  if (!Number.isSafeInteger(id)) return res.status(400).json({ error: 'bad invoice id' });
  const result = await db.query('SELECT id, number, pdf_path FROM invoices WHERE id = $1', [id]);
  const invoice = result.rows[0];
  if (!invoice) return res.status(404).json({ error: 'invoice not found' });
  res.download(invoice.pdf_path, `invoice-${invoice.number}.pdf`);
});
