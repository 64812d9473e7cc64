from .db import query_one


def unread_count(uid):
    if uid is None:
        return 0
    row = query_one("SELECT COUNT(*) AS n FROM messages WHERE recipient = ? AND read_at IS NULL", (uid,))
    return row["n"]
