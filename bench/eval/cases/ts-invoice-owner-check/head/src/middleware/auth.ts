import type { NextFunction, Request, Response } from 'express';

import { sessions } from '../sessions';

// Sets req.user from the session cookie, or answers 401.
export async function requireUser(req: Request, res: Response, next: NextFunction) {
  const session = await sessions.lookup(req.cookies?.sid);
  if (!session) return res.status(401).json({ error: 'sign in first' });
  req.user = { id: session.userId, accountId: session.accountId };
  next();
}
