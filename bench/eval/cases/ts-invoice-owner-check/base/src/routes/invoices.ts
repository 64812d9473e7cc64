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
