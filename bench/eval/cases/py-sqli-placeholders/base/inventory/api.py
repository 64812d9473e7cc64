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
