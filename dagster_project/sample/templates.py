"""Load and render the SQL templates in ``sql/`` (one file per table or fragment built).

Placeholders are ``${name}`` only (``string.Template`` with a stricter pattern), so DuckDB's
own ``$1`` parameters pass through. The values are numbers and ISO dates derived from the
profile, days and seed (``Params.template_values``), or SQL fragments generated from the fixed
feed specs (:mod:`.lines`); never data read from anywhere. A missing value raises ``KeyError``.
"""

from __future__ import annotations

import string
from functools import cache
from importlib.resources import files


class SqlTemplate(string.Template):
    """``${name}`` placeholders; a bare ``$`` is left alone, a malformed ``${`` is an error."""

    pattern = r"""
    \$(?:
        (?P<escaped>(?!)) |
        (?P<named>(?!)) |
        \{(?P<braced>[a-z_][a-z0-9_]*)\} |
        (?P<invalid>\{)
    )
    """


@cache
def template(name: str) -> SqlTemplate:
    """``sql/<name>.sql`` (UTF-8) as a template."""
    text = files(__package__).joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
    return SqlTemplate(text)


def render(name: str, values: dict[str, int | str]) -> str:
    """The SQL of ``sql/<name>.sql`` with every ``${name}`` replaced from ``values``.

    A file may hold several statements separated by ``;`` (DuckDB executes them in order).
    """
    for key, value in values.items():
        if not isinstance(value, int | str) or isinstance(value, bool):
            raise TypeError(f"SQL template value {key}={value!r} is neither int nor str")
    return template(name).substitute(values)
