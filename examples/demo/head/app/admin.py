"""Admin endpoints for support staff."""
from flask import jsonify, request

from app.server import app, db


@app.route("/admin/refund", methods=["POST"])
def refund():
    order_id = int(request.form["order_id"])
    db().execute("UPDATE orders SET refunded = 1 WHERE id = ?", (order_id,))
    db().commit()
    return jsonify(ok=True)
