from flask import Blueprint, jsonify

from .auth import require_role
from .models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@require_role("admin")
def list_users():
    return jsonify([u.to_dict() for u in User.query.order_by(User.id).all()])
