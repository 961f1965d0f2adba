"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from cxaudit import config as config_module
from cxaudit.extensions import babel, csrf, db
from cxaudit.i18n import check_ui_languages, select_locale
from cxaudit.paths import TRANSLATIONS_DIR
from cxaudit.plugins import PluginRegistry

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the cxaudit application.

    Settings are applied in this order, later ones winning: built-in
    defaults, ``instance/config.py``, ``CXAUDIT_*`` environment variables and
    the ``config`` argument (used by tests).
    """
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    app.config.from_mapping(config_module.default_config(Path(app.instance_path)))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.settings_from_environment())
    if config:
        app.config.from_mapping(config)
    _apply_derived_settings(app)
    _trust_proxies(app)

    _init_extensions(app)
    _init_plugins(app)
    _register_template_helpers(app)
    _register_blueprints(app)
    # Services log their starts, stops and scans at INFO for operators. The
    # command line configures logging before it creates the app, so there this
    # call changes nothing.
    configure_logging(logging.INFO)
    return app


def _apply_derived_settings(app: Flask) -> None:
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    # A PostgreSQL connection closed by a restart is replaced before use; a
    # SQLite file cannot close a connection, so checking it is a wasted query.
    is_sqlite = app.config["DATABASE_URL"].startswith("sqlite")
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": not is_sqlite})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.load_secret_key(Path(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]
    check_ui_languages(app.config["LANGUAGES"])


def _trust_proxies(app: Flask) -> None:
    """Take the client address from ``X-Forwarded-For`` when cxaudit runs
    behind PROXY_FIX_X_FOR trusted reverse proxies.

    Each trusted proxy appends the address it received the request from, so
    the n-th entry from the right is the real client. Without this, rate
    limits would count every visitor as the proxy's one address. The same
    proxies' ``X-Forwarded-Proto`` tells cxaudit.security that the visitor
    used HTTPS, so HSTS is sent.
    """
    proxies = app.config.get("PROXY_FIX_X_FOR", 0)
    if type(proxies) is not int or proxies < 0:
        raise ValueError(
            _l(
                "CXAUDIT_PROXY_FIX_X_FOR is %(value)r. Set it to the number of reverse proxies in front of "
                "cxaudit, such as 1, or to 0 when clients connect directly.",
                value=proxies,
            )
        )
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)


def _init_extensions(app: Flask) -> None:
    from cxaudit import auth, errors, jobs, retention, security, sqlite

    db.init_app(app)
    sqlite.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    auth.init_app(app)
    jobs.init_app(app)
    retention.init_app(app)
    errors.init_app(app)
    security.init_app(app)


def _init_plugins(app: Flask) -> None:
    registry = PluginRegistry(enabled=app.config.get("ENABLED_PLUGINS"))
    registry.load_entry_points()
    app.extensions["cxaudit_plugins"] = registry


def _register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from cxaudit.rule_help import rule_help

    app.jinja_env.globals["current_language"] = lambda: str(get_locale() or app.config["DEFAULT_LANGUAGE"])
    app.jinja_env.globals["rule_help"] = rule_help


def _register_blueprints(app: Flask) -> None:
    from cxaudit.admin import bp as admin_bp
    from cxaudit.api import bp as api_bp
    from cxaudit.api.scans import bp as api_scans_bp
    from cxaudit.api.openapi import bp as openapi_bp
    from cxaudit.scorecard.views import bp as scorecard_bp
    from cxaudit.widget import bp as widget_bp

    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_scans_bp)
    app.register_blueprint(openapi_bp)
    app.register_blueprint(widget_bp)
    app.register_blueprint(scorecard_bp)


def configure_logging(level: int) -> None:
    """Log to stderr from ``level`` up, unless the host configured a handler already, as Flask itself does."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=level, format=LOG_FORMAT)
