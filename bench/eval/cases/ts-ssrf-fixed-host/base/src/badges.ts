import { Router } from 'express';

import { renderBadge } from './svg';

export const badges = Router();

// GET /badges/static/:label/:value.svg
badges.get('/static/:label/:value.svg', (req, res) => {
  res.type('image/svg+xml').send(renderBadge(req.params.label.slice(0, 40), req.params.value.slice(0, 40)));
});
