"""SQL expressions that SQLite and PostgreSQL spell differently.

Each one renders without bound parameters, so the same expression can appear
in a SELECT list and a GROUP BY on PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import String, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer


class position_of(FunctionElement):  # noqa: N801 - named like the SQL functions it stands for
    """The 1-based position of the second argument in the first, 0 when it is absent."""

    type = Integer()
    name = "position_of"
    inherit_cache = True


@compiles(position_of)
def _position_sqlite(element, compiler, **kw) -> str:
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(position_of, "postgresql")
def _position_postgresql(element, compiler, **kw) -> str:
    return f"strpos({compiler.process(element.clauses, **kw)})"


def _text(value: str) -> ColumnElement:
    # Quoted inline rather than bound; the values are constants of this module.
    return literal_column("'" + value.replace("'", "''") + "'", String())


def _number(value: int) -> ColumnElement:
    return literal_column(str(int(value)), Integer())


def first_path_segment(url: ColumnElement) -> ColumnElement:
    """Return the first segment of an absolute URL's path: "wystawy" for https://host/wystawy/a.

    The home page and a URL without a path give "". Stored page URLs have no
    query string or fragment, so only "/" ends a segment.
    """
    slash = _text("/")
    after_scheme = func.substr(url, position_of(url, _text("://")) + _number(3))
    path = func.substr(after_scheme, position_of(after_scheme.concat(slash), slash) + _number(1))
    return func.substr(path, _number(1), position_of(path.concat(slash), slash) - _number(1))
