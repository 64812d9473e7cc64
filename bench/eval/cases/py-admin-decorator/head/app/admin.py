from flask import Blueprint, jsonify

from .auth import require_role
from .models import ApiToken, User, db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@require_role("admin")
def list_users():
    return jsonify([u.to_dict() for u in User.query.order_by(User.id).all()])


@bp.post("/users/<int:user_id>/disable")
@require_role("admin")
def disable_user(user_id):
    user = User.query.get_or_404(user_id)
    user.disabled = True
    ApiToken.query.filter_by(user_id=user.id).update({"revoked": True})
    db.session.commit()
    return jsonify(id=user.id, disabled=True)


@bp.delete("/users/<int:user_id>")
@require_role("admin")
def delete_user(user_id):
    user = User.query.get_or_404(user_id)
    db.session.delete(user)
    db.session.commit()
    return "", 204
