"""The SQL that turns ``<feed>_ev`` into lines: redelivered copies, malformed extras, files.

A line is the JSON object text ``{"field":<f_field>,...}`` rendered in SQL (an absent field,
a NULL ``f_<field>``, is left out). ``<feed>_extra`` holds the redelivered and malformed lines
(``ld``, ``ord``, ``tb``, ``kind``, ``line``); ``file_lines_sql`` merges them with the valid
lines into one file body per log date. The templates are ``sql/redelivered.sql``,
``sql/malformed.sql`` and ``sql/file_lines.sql``; this module builds the per-feed fragments
(the line expression, the CASE over malformation variants) from :data:`.feeds.FEEDS`.
"""

from __future__ import annotations

from .feeds import TRUNCATE, FeedSpec
from .params import Params
from .templates import render

# Feeds whose <feed>_ev is narrow: a template with the SELECT items of the f_<field> columns.
NARROW_FIELDS = {"clicks": "clicks_fields"}


def _field_selects(feed: str) -> str:
    """``, <f_field columns>`` for a narrow ``<feed>_ev``, else empty."""
    return ", " + render(NARROW_FIELDS[feed], {}) if feed in NARROW_FIELDS else ""


def _render_line(fields: tuple[str, ...], exprs: dict[str, str]) -> str:
    parts = ", ".join(f"""'"{f}":' || {exprs.get(f, "f_" + f)}""" for f in fields)
    return f"'{{' || concat_ws(',', {parts}) || '}}'"


def malformed_counts(p: Params, spec: FeedSpec, n_valid: int) -> dict[str, int]:
    """Extra malformed lines per kind: ~rate x valid lines, >= 1, every variant if n is large."""
    return {
        kind: max(
            p.malformed_min,
            round(n_valid * p.malformed_rate),
            min(len(variants), round(n_valid * 0.01)),
        )
        for kind, variants in spec.malformations.items()
    }


def redelivered_sql(p: Params, spec: FeedSpec, n_valid: int) -> str:
    """``CREATE TABLE <feed>_extra`` with the redelivered copies."""
    return render(
        "redelivered",
        {
            **p.template_values(),
            "feed": spec.name,
            "line": _render_line(spec.fields, {}),
            "field_selects": _field_selects(spec.name),
            "redelivered_seq": n_valid // 2 + 1,
        },
    )


def malformed_sql(p: Params, spec: FeedSpec, n_valid: int) -> str:
    """``INSERT INTO <feed>_extra`` the malformed lines of every kind and variant."""
    kinds = list(spec.malformations)
    counts = malformed_counts(p, spec, n_valid)
    rows, offset = [], n_valid + 1
    for ki, kind in enumerate(kinds):
        rows.append(f"({ki}, {counts[kind]}, {offset})")
        offset += counts[kind]
    # Per field: CASE over (kind, variant) overrides.
    exprs: dict[str, str] = {}
    for f in spec.fields:
        whens = []
        for ki, kind in enumerate(kinds):
            variants = spec.malformations[kind]
            for vi, var in enumerate(variants):
                if f in var:
                    val = var[f] if var[f] is not None else "NULL"
                    whens.append(f"WHEN kno = {ki} AND r % {len(variants)} = {vi} THEN {val}")
        default = spec.id_expr if f == spec.id_field else f"f_{f}"
        exprs[f] = f"CASE {' '.join(whens)} ELSE {default} END" if whens else default
    trunc_whens = []
    for ki, kind in enumerate(kinds):
        variants = spec.malformations[kind]
        for vi, var in enumerate(variants):
            if TRUNCATE in var:
                cut = "length(x.line) // 2" if var[TRUNCATE] == "half" else "length(x.line) - 1"
                trunc_whens.append(
                    f"WHEN kno = {ki} AND r % {len(variants)} = {vi} THEN left(x.line, {cut})"
                )
    return render(
        "malformed",
        {
            **p.template_values(),
            "feed": spec.name,
            "n_valid": n_valid,
            "kind_counts": ", ".join(rows),
            "max_count": max(counts.values()),
            "line": _render_line(spec.fields, exprs),
            "field_selects": _field_selects(spec.name),
            "kind_names": " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(kinds)),
            "cut_line": (
                f"CASE {' '.join(trunc_whens)} ELSE x.line END" if trunc_whens else "x.line"
            ),
        },
    )


def file_lines_sql(spec: FeedSpec) -> str:
    """Per log date in [$1, $2]: line count and the file body (lines in (ord, tb) order)."""
    return render(
        "file_lines",
        {
            "feed": spec.name,
            "line": _render_line(spec.fields, {}),
            "field_selects": _field_selects(spec.name),
        },
    )
