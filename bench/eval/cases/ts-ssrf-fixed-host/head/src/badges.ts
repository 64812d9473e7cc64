import { Router } from 'express';

import { renderBadge } from './svg';

export const badges = Router();

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

// GET /badges/static/:label/:value.svg
badges.get('/static/:label/:value.svg', (req, res) => {
  res.type('image/svg+xml').send(renderBadge(req.params.label.slice(0, 40), req.params.value.slice(0, 40)));
});

// GET /badges/github/:owner/:repo/stars.svg: a repository's star count from the GitHub API
badges.get('/github/:owner/:repo/stars.svg', async (req, res) => {
  const { owner, repo } = req.params;
  if (!OWNER.test(owner) || !REPO.test(repo)) {
    return res.status(400).type('text/plain').send('invalid repository name');
  }
  const url = new URL(`/repos/${owner}/${repo}`, 'https://api.github.com');
  const upstream = await fetch(url, {
    headers: { Accept: 'application/vnd.github+json', 'User-Agent': 'badge-service' },
    redirect: 'error',
    signal: AbortSignal.timeout(3000),
  });
  if (!upstream.ok) return res.status(502).type('text/plain').send('upstream error');
  const body = (await upstream.json()) as { stargazers_count?: number };
  res.type('image/svg+xml').send(renderBadge('stars', String(body.stargazers_count ?? '?')));
});
