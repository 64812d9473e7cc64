import functools

from flask import abort, g, request

from .models import ApiToken


def load_user():
    """Runs before every request: g.user is the owner of a valid bearer token, else None."""
    g.user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = ApiToken.lookup(header[len("Bearer "):])
        if token is not None and not token.revoked and not token.user.disabled:
            g.user = token.user


def require_role(role):
    """Rejects the request unless the signed-in user has `role`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                abort(401)
            if role not in g.user.roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
