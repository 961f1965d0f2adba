from flask import Blueprint

bp = Blueprint("scorecard", __name__)
