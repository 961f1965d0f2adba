"""Serves the widget JavaScript."""

from flask import Blueprint

bp = Blueprint("widget", __name__, url_prefix="/widget")
