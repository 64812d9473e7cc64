"""A small orders service: the demo repository's base version."""
import sqlite3

from flask import Flask, abort, g, jsonify, request

app = Flask(__name__)


def db():
    if "db" not in g:
        g.db = sqlite3.connect("orders.db")
    return g.db


@app.route("/orders/<int:order_id>")
def get_order(order_id):
    user = request.headers.get("X-User")
    row = db().execute(
        "SELECT id, item, owner FROM orders WHERE id = ? AND owner = ?",
        (order_id, user),
    ).fetchone()
    if row is None:
        abort(404)
    return jsonify(id=row[0], item=row[1])


if __name__ == "__main__":
    app.run()
