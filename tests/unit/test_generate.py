"""The sample-log generator: determinism, SPEC §2 layout and fields, and the realistic shape.

The checks parse the files with an independent validator (not the generator's own labels).
"""

from __future__ import annotations

import collections
import gzip
import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest

from dagster_project.sample import END_DATE, FEED_NAMES, generate

DAYS = 40
SEED = 7

ID_RE = {
    "clicks": ("click_id", re.compile(r"^clk_\d{9}$")),
    "signups": ("signup_id", re.compile(r"^sgn_\d{7}$")),
    "sales": ("sale_id", re.compile(r"^sal_\d{8}$")),
    "partner_status": ("event_id", re.compile(r"^pst_\d{6}$")),
}
PARTNER_RE = re.compile(r"^P\d{5}$")
CUSTOMER_RE = re.compile(r"^C\d{6,}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$")
FILE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$")

REQUIRED = {
    "clicks": ("click_id", "ts", "partner_id"),
    "signups": ("signup_id", "ts", "kind", "account_id"),
    "sales": ("sale_id", "ts", "customer_id", "type", "amount", "currency"),
    "partner_status": ("event_id", "ts", "partner_id", "status"),
    "fx_rates": ("date", "currency", "usd_per_unit"),
}
OPTIONAL = {
    "clicks": ("visitor_id", "landing", "url", "ip", "user_agent"),
    "signups": ("visitor_id", "ref_partner_id", "program", "email_hash"),
    "sales": ("refers_to",),
    "partner_status": (),
    "fx_rates": (),
}
DOMAINS = {
    "landing": {"product", "partner_program"},
    "kind": {"customer", "partner"},
    "program": {"affiliate", "solution"},
    "type": {"charge", "refund", "chargeback"},
    "status": {"active", "suspended", "terminated"},
}
DECIMALS = {"amount", "usd_per_unit"}


def parse_ts(s: str) -> datetime:
    dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def classify(feed: str, raw: bytes) -> tuple[str | None, dict | None]:
    """(reason, record): reason None means the line is valid per SPEC §2."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "invalid_utf8", None
    try:
        obj = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError:
        return "invalid_json", None
    if not isinstance(obj, dict):
        return "wrong_type", None
    for f in REQUIRED[feed]:
        if obj.get(f) is None:
            return "missing_field", obj
    for f in REQUIRED[feed] + OPTIONAL[feed]:
        v = obj.get(f)
        if v is None:
            continue
        if f in DECIMALS:
            if isinstance(v, bool) or not isinstance(v, str | int | Decimal):
                return "wrong_type", obj
        elif not isinstance(v, str):
            return "wrong_type", obj
    for f in REQUIRED[feed] + OPTIONAL[feed]:
        v = obj.get(f)
        if v is None:
            continue
        if f == "ts":
            if not TS_RE.match(v):
                return "bad_timestamp", obj
            try:
                parse_ts(v)
            except ValueError:
                return "bad_timestamp", obj
        elif f == "date":
            try:
                date.fromisoformat(v)
            except ValueError:
                return "bad_timestamp", obj
            if not re.match(r"^\d{4}-\d{2}-\d{2}$", v):
                return "bad_timestamp", obj
        elif f in DOMAINS and v not in DOMAINS[f]:
            return f"domain:{f}", obj
        elif f == "currency" and not re.match(r"^[A-Z]{3}$", v):
            return "domain:currency", obj
        elif f in DECIMALS:
            try:
                d = Decimal(v) if isinstance(v, str) else Decimal(v)
            except ArithmeticError:
                return "domain:not_a_number", obj
            if not d.is_finite() or (isinstance(v, str) and not re.match(r"^-?\d+(\.\d+)?$", v)):
                return "domain:not_a_number", obj
            if d <= 0:
                return f"domain:{f}<=0", obj
            if f == "amount" and d.as_tuple().exponent < -4:
                return "domain:amount_decimals", obj
    return None, obj


def read_raw(data_dir: Path) -> dict[str, list[tuple[str, int, bytes]]]:
    out: dict[str, list[tuple[str, int, bytes]]] = {}
    for feed in FEED_NAMES:
        rows = []
        for f in sorted((data_dir / "raw" / feed).iterdir()):
            data = f.read_bytes()
            if f.name.endswith(".gz"):
                data = gzip.decompress(data)
            assert data.endswith(b"\n"), f
            for i, line in enumerate(data[:-1].split(b"\n"), start=1):
                rows.append((f.name, i, line))
        out[feed] = rows
    return out


def file_hashes(data_dir: Path) -> dict[str, str]:
    return {
        str(f.relative_to(data_dir)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(data_dir.rglob("*"))
        if f.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen_a")
    messages: list[str] = []
    summary = generate(d, "small", days=DAYS, seed=SEED, progress=messages.append)
    raw = read_raw(d)
    parsed = {
        feed: [(name, n, *classify(feed, line)) for name, n, line in rows]
        for feed, rows in raw.items()
    }
    return {"dir": d, "summary": summary, "messages": messages, "raw": raw, "parsed": parsed}


def valid(sample, feed) -> list[tuple[str, dict]]:
    return [(name, obj) for name, _n, reason, obj in sample["parsed"][feed] if reason is None]


def first_by_id(sample, feed) -> dict[str, tuple[str, dict]]:
    out: dict[str, tuple[str, dict]] = {}
    for name, obj in sorted(valid(sample, feed), key=lambda r: r[0]):
        out.setdefault(obj[ID_RE[feed][0]], (name, obj))
    return out


def log_date(name: str) -> date:
    return date.fromisoformat(name[:10])


# ---------------------------------------------------------------------------------------


def test_deterministic(sample, tmp_path):
    again = tmp_path / "again"
    generate(again, "small", days=DAYS, seed=SEED, progress=None)
    assert file_hashes(again) == file_hashes(sample["dir"])
    other = tmp_path / "other"
    generate(other, "small", days=DAYS, seed=SEED + 1, progress=None)
    assert file_hashes(other) != file_hashes(sample["dir"])


def test_refuses_to_overwrite(sample):
    with pytest.raises(FileExistsError):
        generate(sample["dir"], "small", days=DAYS, seed=SEED, progress=None)


def test_layout_and_summary(sample):
    d, summary = sample["dir"], sample["summary"]
    assert sorted(p.name for p in (d / "raw").iterdir()) == sorted(FEED_NAMES)
    first = END_DATE - timedelta(days=DAYS - 1)
    old_dates = set()
    for feed in FEED_NAMES:
        files = sorted((d / "raw" / feed).iterdir())
        assert files, feed
        for f in files:
            m = FILE_RE.match(f.name)
            assert m, f
            ld = date.fromisoformat(m.group(1))
            if ld < first:
                old_dates.add((feed, ld))
            else:
                assert ld <= END_DATE
        s = summary["feeds"][feed]
        assert s["files"] == len(files)
        assert s["bytes"] == sum(f.stat().st_size for f in files)
        assert s["lines"] == len(sample["raw"][feed])
    clicks = [f.name for f in (d / "raw" / "clicks").iterdir()]
    assert any(n.endswith(".jsonl.gz") for n in clicks) and any(
        n.endswith(".jsonl") for n in clicks
    )
    assert len(clicks) == DAYS  # one clicks file per log date
    # exactly one old log-date file, about a year before the rest
    assert len(old_dates) == 1
    ((_feed, old),) = old_dates
    assert 300 <= (first - old).days <= 400
    assert summary["last_log_date"] == END_DATE.isoformat() == "2026-10-31"
    assert summary["seconds"] >= 0 and len(sample["messages"]) >= len(FEED_NAMES)


def test_valid_lines_follow_spec(sample):
    for feed in FEED_NAMES:
        rows = valid(sample, feed)
        total = len(sample["parsed"][feed])
        assert len(rows) >= 0.5 * total, feed
        for _name, obj in rows:
            assert set(obj) <= set(REQUIRED[feed] + OPTIONAL[feed]), obj
            if feed in ID_RE:
                field, rx = ID_RE[feed]
                assert rx.match(obj[field]), obj
    assert len(valid(sample, "clicks")) >= 0.97 * len(sample["parsed"]["clicks"])
    for _n, c in valid(sample, "clicks"):
        assert PARTNER_RE.match(c["partner_id"])
        if "url" in c:
            assert c["url"].startswith("https://") and c["partner_id"] in c["url"]
    for _n, s in valid(sample, "signups"):
        rx = PARTNER_RE if s["kind"] == "partner" else CUSTOMER_RE
        assert rx.match(s["account_id"]), s
        if s["kind"] == "customer":
            assert "program" not in s
    for _n, s in valid(sample, "sales"):
        assert CUSTOMER_RE.match(s["customer_id"])
        if s["type"] == "charge":
            assert "refers_to" not in s
    assert {o["currency"] for _n, o in valid(sample, "fx_rates")} >= {"EUR", "GBP", "JPY"}
    assert "USD" not in {o["currency"] for _n, o in valid(sample, "fx_rates")}


def test_every_malformation_kind_is_present(sample):
    reasons = {
        feed: collections.Counter(r for _f, _n, r, _o in rows if r is not None)
        for feed, rows in sample["parsed"].items()
    }
    for feed in FEED_NAMES:
        for kind in ("invalid_json", "missing_field", "wrong_type", "bad_timestamp"):
            assert reasons[feed][kind] >= 1, (feed, kind, reasons[feed])
    assert reasons["clicks"]["invalid_utf8"] >= 1
    assert reasons["clicks"]["domain:landing"] >= 1
    assert reasons["signups"]["domain:kind"] >= 1
    assert reasons["signups"]["domain:program"] >= 1
    assert reasons["sales"]["domain:type"] >= 1
    assert reasons["sales"]["domain:currency"] >= 1
    assert reasons["sales"]["domain:amount<=0"] >= 1
    assert reasons["sales"]["domain:amount_decimals"] >= 1
    assert reasons["partner_status"]["domain:status"] >= 1
    assert reasons["fx_rates"]["domain:usd_per_unit<=0"] >= 1
    assert reasons["fx_rates"]["domain:currency"] >= 1
    # about 0.1 % of each kind in the big feed
    n = len(sample["parsed"]["clicks"])
    for kind in ("invalid_json", "invalid_utf8", "missing_field", "domain:landing"):
        assert 0.0005 * n <= reasons["clicks"][kind] <= 0.003 * n, kind
    # specific malformations named by the issue
    lines = {feed: [raw for _f, _n, raw in rows] for feed, rows in sample["raw"].items()}
    assert any(b'"ts":1' in x for x in lines["clicks"])  # ts as a JSON number
    assert any(b'"amount":{' in x or b'"amount":true' in x for x in lines["sales"])
    assert any(b'"currency":"EURO"' in x for x in lines["sales"])
    assert any(b'"landing":"home"' in x for x in lines["clicks"])
    assert any(b'"status":"paused"' in x for x in lines["partner_status"])
    assert any(b'"kind":"vendor"' in x for x in lines["signups"])
    assert any(b'"type":"gift"' in x for x in lines["sales"])


def test_timestamps_late_events_and_redelivery(sample):
    offsets = collections.Counter()
    late_days = []
    for feed in ("clicks", "signups", "sales", "partner_status"):
        for name, obj in valid(sample, feed):
            ts = obj["ts"]
            offsets[
                "+02:00" if ts.endswith("+02:00") else "Z" if ts.endswith("Z") else "other"
            ] += 1
            if re.search(r":\d{2}(\.\d+)?$", ts):
                offsets["none"] += 1
            lag = (log_date(name) - parse_ts(ts).date()).days
            if lag > 0:
                late_days.append(lag)
    assert offsets["+02:00"] >= 5 and offsets["none"] >= 5
    assert len(late_days) >= 50 and max(late_days) >= 14  # some late by weeks
    for feed in ("clicks", "signups", "sales"):
        seen = collections.defaultdict(list)
        for name, obj in valid(sample, feed):
            seen[obj[ID_RE[feed][0]]].append(name)
        dups = [files for files in seen.values() if len(files) > 1]
        assert dups, feed
        if feed == "clicks":
            assert any(len(set(f)) == 1 for f in dups)  # again in the same file
            assert any(len(set(f)) > 1 for f in dups)  # again in a later file
            assert 0.002 <= len(dups) / len(seen) <= 0.01


def test_sales_fx_and_status(sample):
    sales = {sid: obj for sid, (_n, obj) in first_by_id(sample, "sales").items()}
    charges = {k: v for k, v in sales.items() if v["type"] == "charge"}
    reversals = [v for v in sales.values() if v["type"] != "charge"]
    assert {v["currency"] for v in charges.values()} >= {"USD", "EUR", "GBP", "JPY"}
    kinds = {type(v["amount"]) for v in sales.values()}
    assert str in kinds and (int in kinds or Decimal in kinds)
    assert any(Decimal(str(v["amount"])).as_tuple().exponent == -4 for v in charges.values())
    per_customer = collections.Counter(v["customer_id"] for v in charges.values())
    assert max(per_customer.values()) >= 2  # monthly charges
    # about 30 days apart
    times = collections.defaultdict(list)
    for v in charges.values():
        times[v["customer_id"]].append(parse_ts(v["ts"]))
    gaps = [(b - a).days for t in times.values() for a, b in pairwise(sorted(t))]
    assert gaps and all(28 <= g <= 31 for g in gaps)
    full = partial = chargebacks = orphans = 0
    for r in reversals:
        ch = charges.get(r.get("refers_to"))
        if ch is None:
            orphans += 1
            continue
        assert ch["customer_id"] == r["customer_id"] and ch["currency"] == r["currency"]
        a, b = Decimal(str(r["amount"])), Decimal(str(ch["amount"]))
        assert a <= b
        if r["type"] == "chargeback":
            chargebacks += 1
        elif a == b:
            full += 1
        else:
            partial += 1
    assert full and partial and chargebacks and orphans
    assert any("refers_to" not in r for r in reversals)
    # fx: one currency has a gap > 7 days; some GBP sale then has no usable rate
    fx = collections.defaultdict(set)
    for _n, o in valid(sample, "fx_rates"):
        fx[o["currency"]].add(date.fromisoformat(o["date"]))
    gap = max((b - a).days for a, b in pairwise(sorted(fx["GBP"])))
    assert gap > 7
    no_rate = 0
    for v in charges.values():
        if v["currency"] == "GBP":
            day = parse_ts(v["ts"]).date()
            if not any(day - timedelta(days=k) in fx["GBP"] for k in range(8)):
                no_rate += 1
    assert no_rate >= 1
    statuses = collections.Counter(o["status"] for _n, o in valid(sample, "partner_status"))
    assert statuses["suspended"] and statuses["active"] and statuses["terminated"]


def test_referral_tree_and_attribution(sample):
    """SPEC §3 attribution over the valid lines: both paths, unattributed, self-referrals."""
    signups = sorted(
        (o for _n, (_f, o) in first_by_id(sample, "signups").items()),
        key=lambda o: (parse_ts(o["ts"]), o["signup_id"]),
    )
    partners: dict[str, dict] = {}
    for s in signups:
        if s["kind"] == "partner":
            partners.setdefault(s["account_id"], s)
    clicks_by_visitor = collections.defaultdict(list)
    for _id, (_f, c) in first_by_id(sample, "clicks").items():
        if c.get("visitor_id"):
            clicks_by_visitor[c["visitor_id"]].append(c)
    n_clicks = len(first_by_id(sample, "clicks"))
    assert 40 <= n_clicks / len(signups) <= 60  # ~50 clicks per signup

    def exists(pid: str, at: datetime) -> bool:
        return pid in partners and parse_ts(partners[pid]["ts"]) <= at

    result = collections.Counter()
    recruiter: dict[str, str] = {}
    seen_accounts = set()
    for s in signups:
        if s["account_id"] in seen_accounts:
            result["resignup"] += 1
            continue
        seen_accounts.add(s["account_id"])
        at = parse_ts(s["ts"])

        def ok(pid: str, s=s) -> bool:
            if pid == s["account_id"]:
                result["self_id"] += 1
                return False
            email = partners[pid].get("email_hash")
            if email and email == s.get("email_hash"):
                result["self_email"] += 1
                return False
            return True

        got = None
        ref = s.get("ref_partner_id")
        if ref and exists(ref, at) and ok(ref):
            got = ("parameter", ref)
        else:
            cands = [
                c
                for c in clicks_by_visitor.get(s.get("visitor_id") or "", [])
                if at - timedelta(days=120) < parse_ts(c["ts"]) <= at
                and exists(c["partner_id"], parse_ts(c["ts"]))
            ]
            if cands:
                best = max(cands, key=lambda c: (parse_ts(c["ts"]), c["click_id"]))
                if ok(best["partner_id"]):
                    got = ("cookie", best["partner_id"])
        result[(s["kind"], got[0] if got else "none")] += 1
        if got and s["kind"] == "partner":
            recruiter[s["account_id"]] = got[1]
            if got[0] == "cookie":
                assert best["landing"] in ("partner_program", "product")
    for kind in ("partner", "customer"):
        for how in ("parameter", "cookie", "none"):
            assert result[(kind, how)] >= 2, (kind, how, result)
    assert result["self_id"] >= 1 and result["self_email"] >= 1 and result["resignup"] >= 1
    roots = [p for p in partners if p not in recruiter]
    assert len(roots) > len(partners) / 2  # most partners are roots

    def depth(p: str) -> int:
        return 0 if p not in recruiter else 1 + depth(recruiter[p])

    assert max(depth(p) for p in partners) >= 3
    assert max(collections.Counter(recruiter.values()).values()) >= 4  # a few recruit many
