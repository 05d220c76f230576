"""What each feed's lines hold: the JSON fields in line order, the id, and the malformations.

The malformed lines (~0.1 % per kind and feed, see :mod:`.lines`) are copies of valid events
with one or more fields overridden. The overrides are small SQL expressions over the event's
``f_<field>`` columns (JSON value texts), kept here as data beside the kind they illustrate.
"""

from __future__ import annotations

from dataclasses import dataclass

BAD_TS = ["q('2026-13-45T25:61:00Z')", "q('yesterday')", "q('31/10/2026 10:00:00')", "q('')"]
TS_AS_NUMBER = "CAST(ts AS VARCHAR)"
TRUNCATE = "__truncate__"


@dataclass(frozen=True)
class FeedSpec:
    name: str
    fields: tuple[str, ...]  # in line order
    id_field: str | None
    id_expr: str | None  # SQL for the id's JSON text given new seq `nseq`
    # malformation kind -> list of variants; a variant maps field -> SQL (None = drop field),
    # or {TRUNCATE: ...} to cut the rendered line.
    malformations: dict[str, list[dict[str, str | None]]]


def _common(required: list[str], wrong: list[dict[str, str | None]], ts: str = "ts"):
    bad_time = [{ts: b} for b in BAD_TS]
    return {
        "invalid_json": [{TRUNCATE: "half"}, {TRUNCATE: "brace"}],
        "missing_field": [{f: None} for f in required],
        "wrong_type": wrong,
        "bad_timestamp": bad_time,
    }


FEEDS: dict[str, FeedSpec] = {
    "clicks": FeedSpec(
        "clicks",
        ("click_id", "ts", "partner_id", "visitor_id", "landing", "url", "ip", "user_agent"),
        "click_id",
        "q('clk_' || lpad(CAST(nseq AS VARCHAR), 9, '0'))",
        {
            **_common(
                ["click_id", "ts", "partner_id"],
                [{"ts": TS_AS_NUMBER}, {"partner_id": "'12'"}, {"click_id": "'true'"}],
            ),
            "bad_landing": [{"landing": "q('home')"}],
            "invalid_utf8": [{"user_agent": "q('Mozilla/5.0 (Caf@@E9@@ Browser)')"}],
        },
    ),
    "signups": FeedSpec(
        "signups",
        (
            "signup_id",
            "ts",
            "kind",
            "account_id",
            "visitor_id",
            "ref_partner_id",
            "program",
            "email_hash",
        ),
        "signup_id",
        "q('sgn_' || lpad(CAST(nseq AS VARCHAR), 7, '0'))",
        {
            **_common(
                ["signup_id", "ts", "kind", "account_id"],
                [{"ts": TS_AS_NUMBER}, {"account_id": "'123'"}, {"kind": "'false'"}],
            ),
            "bad_kind": [{"kind": "q('vendor')"}],
            "bad_program": [{"kind": "q('partner')", "program": "q('reseller')"}],
        },
    ),
    "sales": FeedSpec(
        "sales",
        ("sale_id", "ts", "customer_id", "type", "amount", "currency", "refers_to"),
        "sale_id",
        "q('sal_' || lpad(CAST(nseq AS VARCHAR), 8, '0'))",
        {
            **_common(
                ["sale_id", "ts", "customer_id", "type", "amount", "currency"],
                [
                    {"amount": "'{\"value\":' || q(amt_num(amount)) || '}'"},
                    {"amount": "'true'"},
                    {"ts": TS_AS_NUMBER},
                    {"customer_id": "'123'"},
                    {"amount": "'[' || amt_num(amount) || ']'"},
                ],
            ),
            "amount_not_positive": [
                {"amount": "'0'"},
                {"amount": "q('0.00')"},
                {"amount": "'-' || amt_num(amount)"},
                {"amount": "q('-' || amt_num(amount))"},
            ],
            "amount_too_precise": [
                {"amount": "'12.34567'"},
                {"amount": "q(CAST(CAST(amount AS DECIMAL(18, 2)) AS VARCHAR) || '001')"},
            ],
            "bad_type": [{"type": "q('gift')"}],
            "bad_currency": [
                {"currency": "q('EURO')"},
                {"currency": "q('US$')"},
                {"currency": "q('E')"},
            ],
            "not_a_number": [{"amount": "q('12,50')"}, {"amount": "q('ten')"}],
        },
    ),
    "partner_status": FeedSpec(
        "partner_status",
        ("event_id", "ts", "partner_id", "status"),
        "event_id",
        "q('pst_' || lpad(CAST(nseq AS VARCHAR), 6, '0'))",
        {
            **_common(
                ["event_id", "ts", "partner_id", "status"],
                [{"ts": TS_AS_NUMBER}, {"partner_id": "'7'"}, {"status": "'1'"}],
            ),
            "bad_status": [{"status": "q('paused')"}],
        },
    ),
    "fx_rates": FeedSpec(
        "fx_rates",
        ("date", "currency", "usd_per_unit"),
        None,
        None,
        {
            **_common(
                ["date", "currency", "usd_per_unit"],
                [
                    {"usd_per_unit": "'true'"},
                    {"usd_per_unit": "'{\"rate\":' || amt_num(rate) || '}'"},
                    {"date": "'20261001'"},
                ],
                ts="date",
            ),
            "bad_currency": [{"currency": "q('EURO')"}, {"currency": "q('usd ')"}],
            "rate_not_positive": [{"usd_per_unit": "'0'"}, {"usd_per_unit": "q('-1.084')"}],
        },
    ),
}
# fx dates are calendar dates: swap in unparseable dates.
FEEDS["fx_rates"].malformations["bad_timestamp"][:] = [
    {"date": "q('2026-02-30')"},
    {"date": "q('tomorrow')"},
    {"date": "q('31.10.2026')"},
]
