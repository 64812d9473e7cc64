import re

import requests
from flask import Blueprint, g, jsonify, request

from .auth import login_required
from .store import save_message

bp = Blueprint("messages", __name__)
TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@bp.post("/api/channels/<int:channel_id>/messages")
@login_required
def post_message(channel_id):
    text = (request.get_json(silent=True) or {}).get("text", "").strip()
    if not text or len(text) > 4000:
        return jsonify(error="text must hold 1 to 4000 characters"), 400
    msg = save_message(channel_id, g.user.id, text)
    return jsonify(msg.to_dict()), 201


@bp.post("/api/link-preview")
@login_required
def link_preview():
    url = (request.get_json(silent=True) or {}).get("url", "")
    if not url.startswith(("http://", "https://")):
        return jsonify(error="only http and https links have previews"), 400
    resp = requests.get(url, timeout=5, allow_redirects=True)
    match = TITLE_RE.search(resp.text[:65536])
    return jsonify(
        url=url,
        status=resp.status_code,
        title=match.group(1).strip() if match else None,
        snippet=resp.text[:300],
    )
