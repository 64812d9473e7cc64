import sqlite3

from flask import Blueprint, current_app, jsonify, request

bp = Blueprint("inventory", __name__, url_prefix="/api/inventory")


def connect():
    conn = sqlite3.connect(current_app.config["INVENTORY_DB"])
    conn.row_factory = sqlite3.Row
    return conn


@bp.get("/items/<sku>")
def item(sku):
    row = connect().execute(
        "SELECT sku, name, quantity, warehouse FROM items WHERE sku = ?", (sku,)
    ).fetchone()
    if row is None:
        return jsonify(error="unknown sku"), 404
    return jsonify(dict(row))


@bp.post("/items/lookup")
def lookup_items():
    skus = (request.get_json(silent=True) or {}).get("skus")
    if not isinstance(skus, list) or not 1 <= len(skus) <= 200:
        return jsonify(error="skus must be a list of 1 to 200 values"), 400
    if not all(isinstance(s, str) for s in skus):
        return jsonify(error="every sku must be a string"), 400
    placeholders = ", ".join("?" for _ in skus)
    sql = f"SELECT sku, name, quantity, warehouse FROM items WHERE sku IN ({placeholders}) ORDER BY sku"
    rows = connect().execute(sql, skus).fetchall()
    return jsonify([dict(r) for r in rows])
