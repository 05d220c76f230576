"""`python -m dagster_project report --data-dir DIR`: DIR/report.html from DIR/marts.duckdb.

One self-contained HTML file (inline CSS and SVG, no script, no external address), so it
opens offline and can be mailed: monthly commissions by tier, top recruiters by lifetime
tier-2 commission, the funnel by month, data quality by log date, and the referral tree of
the top recruiters. Every figure is read from the published marts; each money cell carries
its exact value in `data-value` (the test reads them back).
"""

from __future__ import annotations

import html
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb

TOP_RECRUITERS = 10
TREE_RECRUITERS = 5
TREE_MAX_NODES = 60

CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px 32px; color: #1d2733; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.meta { color: #5b6b7c; margin-bottom: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 8px 32px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #e3e8ee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f6f9; font-weight: 600; }
.bad { color: #b42318; font-weight: 600; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 18px;
  border-left: 1px dotted #b8c4d0; }
ul.tree { border-left: none; padding-left: 0; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; }
svg text { font: 11px system-ui, sans-serif; fill: #3a4856; }
"""
TIER_COLORS = ("#2f6fb0", "#e39b2d")


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def usd(value: Decimal | None) -> str:
    if value is None:
        return "<td>–</td>"
    cls = ' class="bad"' if value < 0 else ""
    return f'<td data-value="{value}"{cls}>{value:,.2f}</td>'


def count(value: int | None, flag: bool = False) -> str:
    cls = ' class="bad"' if flag and value else ""
    return f'<td data-value="{value}"{cls}>{(value or 0):,}</td>'


def table(headers: list[str], rows: list[str], table_id: str) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return f'<table id="{table_id}"><tr>{head}</tr>{"".join(rows)}</table>'


def bar_chart(labels: list[str], series: list[list[Decimal]], colors, height=220) -> str:
    """Stacked bars (one stack per label; negative parts go below the axis)."""
    width = max(360, 46 * len(labels) + 60)
    tops = [sum((max(v, 0) for v in col), Decimal(0)) for col in zip(*series, strict=True)]
    bottoms = [sum((min(v, 0) for v in col), Decimal(0)) for col in zip(*series, strict=True)]
    high = max(tops + [Decimal(1)])
    low = min(bottoms + [Decimal(0)])
    scale = (height - 40) / float(high - low)
    axis = 10 + float(high) * scale
    parts = [f'<svg width="{width}" height="{height}" role="img">']
    parts.append(f'<line x1="50" x2="{width}" y1="{axis:.1f}" y2="{axis:.1f}" stroke="#8796a5"/>')
    parts.append(f'<text x="4" y="16">{float(high):,.0f}</text>')
    for i, label in enumerate(labels):
        x = 56 + 46 * i
        up, down = axis, axis
        for values, color in zip(series, colors, strict=True):
            v = float(values[i])
            h = abs(v) * scale
            if v >= 0:
                up -= h
                y = up
            else:
                y = down
                down += h
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="34" height="{h:.1f}" fill="{color}">'
                f"<title>{esc(label)}: {values[i]:,.2f}</title></rect>"
            )
        parts.append(f'<text x="{x}" y="{height - 6}">{esc(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def hbar_chart(labels: list[str], values: list[Decimal], color: str) -> str:
    height = 22 * len(labels) + 10
    high = max([float(v) for v in values] + [1.0])
    parts = [f'<svg width="560" height="{height}" role="img">']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 6 + 22 * i
        w = max(0.0, float(value)) / high * 380
        parts.append(f'<text x="0" y="{y + 13}">{esc(label)}</text>')
        parts.append(f'<rect x="80" y="{y}" width="{w:.1f}" height="16" fill="{color}"/>')
        parts.append(f'<text x="{86 + w:.1f}" y="{y + 13}">{value:,.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def referral_trees(con: duckdb.DuckDBPyConnection, roots: list[str]) -> str:
    partners = con.execute(
        "SELECT p.partner_id, p.recruiter_partner_id, p.program, p.current_status,"
        " coalesce(l.commission_usd, 0) FROM dim_partners p"
        " LEFT JOIN second_tier_lifetime l ON l.recruit_partner_id = p.partner_id"
        " ORDER BY p.partner_id"
    ).fetchall()
    children: dict[str, list[tuple]] = defaultdict(list)
    for row in partners:
        if row[1] is not None:
            children[row[1]].append(row)
    out = []
    for root in roots:
        shown = 0

        def render(partner_id: str, depth: int) -> str:
            nonlocal shown
            items = []
            for child_id, _, program, status, earned in children.get(partner_id, []):
                if shown >= TREE_MAX_NODES:
                    items.append("<li>…</li>")
                    break
                shown += 1
                note = f"{program}, {status}"
                if depth == 0:  # the root's direct recruits: what it earned from each
                    note += f", tier 2 to {partner_id}: {earned:,.2f}"
                items.append(
                    f"<li>{esc(child_id)} <small>({esc(note)})</small>"
                    f"{render(child_id, depth + 1)}</li>"
                )
            return f"<ul>{''.join(items)}</ul>" if items else ""

        out.append(f'<ul class="tree"><li><b>{esc(root)}</b>{render(root, 0)}</li></ul>')
    return "".join(out)


def build_report(marts_path: Path) -> str:
    with duckdb.connect(str(marts_path), read_only=True) as con:
        info = con.execute(
            "SELECT as_of_date, published_at, first_log_date, last_log_date FROM run_info"
        ).fetchone()
        monthly = con.execute(
            "SELECT strftime(month, '%Y-%m'), sum(tier1_net_usd), sum(tier2_net_usd),"
            " sum(total_usd), sum(payable_usd), sum(pending_usd)"
            " FROM partner_monthly_statement GROUP BY ALL ORDER BY 1"
        ).fetchall()
        recruiters = con.execute(
            "SELECT recruiter_partner_id, count(*), sum(sales_count), sum(sales_usd),"
            " sum(commission_usd) FROM second_tier_lifetime GROUP BY ALL"
            " ORDER BY 5 DESC, 1 LIMIT ?",
            [TOP_RECRUITERS],
        ).fetchall()
        funnel = con.execute(
            "SELECT strftime(month, '%Y-%m'), sum(clicks), sum(visitors), sum(customer_signups),"
            " sum(partner_signups), sum(first_charges), sum(sales_usd), sum(commission_usd)"
            " FROM partner_funnel_monthly GROUP BY ALL ORDER BY 1"
        ).fetchall()
        quality = con.execute(
            "SELECT strftime(log_date, '%Y-%m-%d'), sum(raw_lines), sum(staged), sum(rejected),"
            " sum(duplicates) FROM data_quality_by_log_date GROUP BY ALL ORDER BY 1"
        ).fetchall()
        trees = referral_trees(con, [r[0] for r in recruiters[:TREE_RECRUITERS]])

    as_of, published_at, first, last = info
    monthly_rows = [
        f"<tr><td>{m}</td>{usd(t1)}{usd(t2)}{usd(total)}{usd(pay)}{usd(pend)}</tr>"
        for m, t1, t2, total, pay, pend in monthly
    ]
    recruiter_rows = [
        f"<tr><td>{esc(p)}</td>{count(n)}{count(s)}{usd(sales)}{usd(c)}</tr>"
        for p, n, s, sales, c in recruiters
    ]
    funnel_rows = []
    for m, clicks, visitors, cust, part, first_charges, sales, commission in funnel:
        epc = f"{commission / clicks:,.4f}" if clicks else "–"
        funnel_rows.append(
            f"<tr><td>{m}</td>{count(clicks)}{count(visitors)}{count(cust)}{count(part)}"
            f"{count(first_charges)}{usd(sales)}{usd(commission)}<td>{epc}</td></tr>"
        )
    quality_rows = [
        f"<tr><td>{d}</td>{count(raw)}{count(staged)}{count(rej, flag=True)}{count(dup)}</tr>"
        for d, raw, staged, rej, dup in quality
    ]
    months = [m[0] for m in monthly]
    chart = bar_chart(
        [m[2:] for m in months], [[m[1] for m in monthly], [m[2] for m in monthly]], TIER_COLORS
    )
    legend = (
        f'<div class="legend"><span style="background:{TIER_COLORS[0]}"></span>tier 1 (net)'
        f'<span style="background:{TIER_COLORS[1]}"></span>tier 2 (net)</div>'
    )
    top_chart = hbar_chart([r[0] for r in recruiters], [r[4] for r in recruiters], "#e39b2d")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Partner commissions as of {as_of}</title>
<style>{CSS}</style></head><body>
<h1>Partner commissions</h1>
<div class="meta">As of <b id="as-of">{as_of}</b> · log dates {first} … {last} ·
published {published_at:%Y-%m-%d %H:%M} UTC · amounts in USD</div>
<h2>Monthly commissions by tier</h2>
<div class="grid"><div>{chart}{legend}</div>
<div>{
        table(
            ["month", "tier 1 net", "tier 2 net", "total", "payable", "pending"],
            monthly_rows,
            "monthly",
        )
    }</div></div>
<h2>Top recruiters by lifetime tier-2 commission</h2>
<div class="grid"><div>{top_chart}</div>
<div>{
        table(
            ["recruiter", "recruits", "recruit sales", "recruit sales USD", "tier 2 lifetime"],
            recruiter_rows,
            "recruiters",
        )
    }</div></div>
<h2>Funnel by month</h2>
{
        table(
            [
                "month",
                "clicks",
                "visitors",
                "customer signups",
                "partner signups",
                "first charges",
                "sales USD",
                "commission",
                "EPC",
            ],
            funnel_rows,
            "funnel",
        )
    }
<h2>Data quality by log date</h2>
{table(["log date", "raw lines", "staged", "rejected", "duplicates"], quality_rows, "quality")}
<h2>Referral tree of the top recruiters</h2>
{trees}
</body></html>
"""


def write_report(data_dir: Path) -> Path:
    from dagster_project.core.paths import published_marts_path

    marts = published_marts_path(data_dir.resolve())
    if not marts.exists():
        raise FileNotFoundError(f"{marts} does not exist: run `python -m dagster_project run`")
    target = marts.with_name("report.html")
    tmp = target.with_name(".report.html.tmp")
    tmp.write_text(build_report(marts), encoding="utf-8")
    tmp.replace(target)
    return target
