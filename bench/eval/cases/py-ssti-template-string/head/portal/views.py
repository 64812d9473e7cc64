from flask import Flask, render_template, render_template_string, request, session

from .inbox import unread_count

app = Flask(__name__)
app.config.from_envvar("PORTAL_SETTINGS")


@app.get("/")
def home():
    return render_template("home.html", unread=unread_count(session.get("uid")))


@app.get("/welcome")
def welcome():
    # campaign landing page: /welcome?name=Ada greets the visitor by name
    name = request.args.get("name", "there")
    page = (
        "{% extends 'base.html' %}{% block content %}"
        "<h1>Welcome, " + name + "!</h1>"
        "<p>Your dashboard is ready.</p>{% endblock %}"
    )
    return render_template_string(page)
