from flask import Flask, render_template, request, session

from .inbox import unread_count

app = Flask(__name__)
app.config.from_envvar("PORTAL_SETTINGS")


@app.get("/")
def home():
    return render_template("home.html", unread=unread_count(session.get("uid")))
