import re

import requests
from flask import Blueprint, g, jsonify, request

from .auth import login_required
from .store import save_message

bp = Blueprint("messages", __name__)


@bp.post("/api/channels/<int:channel_id>/messages")
@login_required
def post_message(channel_id):
    text = (request.get_json(silent=True) or {}).get("text", "").strip()
    if not text or len(text) > 4000:
        return jsonify(error="text must hold 1 to 4000 characters"), 400
    msg = save_message(channel_id, g.user.id, text)
    return jsonify(msg.to_dict()), 201
