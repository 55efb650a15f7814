"""``rituals report``: one self-contained HTML page (inline SVG and CSS, no scripts, no network)."""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from datetime import date, timedelta

from voice.library.rituals import RitualLibrary, SystemPrompts
from voice.journal.store import Journal, SessionRow
from voice.core.journal_events import TurnEnd
from voice.review.counting import counted_sessions, silent_sessions, turn_spoke
from voice.review.invited import invitations_line
from voice.review.stats import RitualStats, days_ago, headline, local_day, plural, ritual_stats, streak_text

PALETTE = ["#d9576b", "#e08e45", "#6a9f58", "#4f86c6", "#8e6cc1", "#c9a227", "#3aa6a0", "#b56576", "#7d8597",
           "#e76f51", "#2a9d8f", "#9c6644"]
CSS = """
body{font-family:Georgia,'DejaVu Serif',serif;background:#fbf7f3;color:#3b2f2f;margin:0;padding:32px 48px}
h1{font-weight:normal;font-size:34px;margin:0 0 4px} h2{font-weight:normal;font-size:22px;margin:36px 0 12px}
.sub{color:#8a7b75;margin-bottom:24px} .cards{display:flex;flex-wrap:wrap;gap:14px}
.card{background:#fff;border-radius:14px;padding:14px 18px;box-shadow:0 1px 4px rgba(0,0,0,.08);min-width:190px}
.card .n{font-size:36px;color:#d9576b} .card .t{font-size:15px} .card .s{color:#8a7b75;font-size:13px}
.legend span{display:inline-block;margin-right:14px;font-size:13px} .legend i{display:inline-block;width:11px;
height:11px;border-radius:3px;margin-right:5px;vertical-align:-1px} svg text{font-family:sans-serif;font-size:11px;fill:#8a7b75}
"""


def _heatmap(counts: Counter[date], away: set[date], today: date, weeks: int = 26) -> str:
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    cell, gap = 15, 3
    parts = []
    for w in range(weeks):
        for d in range(7):
            day = start + timedelta(days=7 * w + d)
            if day > today:
                continue
            n = counts.get(day, 0)
            color = ("#f6dde1", "#eba3ae", "#d9576b", "#a8334a")[min(n, 3)] if n else (
                "#dfe7f1" if day in away else "#efe8e2")
            title = f"{day.isoformat()}: {plural(n, 'session')}" + (" (apart)" if day in away else "")
            parts.append(f'<rect x="{30 + w * (cell + gap)}" y="{d * (cell + gap)}" width="{cell}" height="{cell}" '
                         f'rx="3" fill="{color}"><title>{title}</title></rect>')
        if (start + timedelta(days=7 * w)).day <= 7:
            parts.append(f'<text x="{30 + w * (cell + gap)}" y="{7 * (cell + gap) + 12}">'
                         f'{(start + timedelta(days=7 * w)).strftime("%b")}</text>')
    for d, label in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        parts.append(f'<text x="0" y="{d * (cell + gap) + 12}">{label}</text>')
    return (f'<svg width="{30 + weeks * (cell + gap)}" height="{7 * (cell + gap) + 18}" role="img" '
            f'aria-label="calendar of sessions">{"".join(parts)}</svg>')


def _weekly_bars(per_week: dict[date, Counter[str]], colors: dict[str, str], today: date, weeks: int = 12) -> str:
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(days=7 * i) for i in range(weeks - 1, -1, -1)]
    top = max([sum(per_week.get(s, Counter()).values()) for s in starts] + [1])
    width, height, bar = 52, 160, 30
    parts = []
    for i, s in enumerate(starts):
        y = height
        for ritual, n in sorted(per_week.get(s, Counter()).items()):
            h = n / top * (height - 10)
            y -= h
            parts.append(f'<rect x="{40 + i * width}" y="{y:.1f}" width="{bar}" height="{h:.1f}" rx="3" '
                         f'fill="{colors[ritual]}"><title>{html.escape(ritual)}: {n}</title></rect>')
        parts.append(f'<text x="{40 + i * width}" y="{height + 16}">{s.strftime("%d %b")}</text>')
    parts.append(f'<text x="0" y="14">{top}</text><text x="0" y="{height}">0</text>')
    return f'<svg width="{40 + weeks * width}" height="{height + 24}" role="img" aria-label="sessions per week">{"".join(parts)}</svg>'


def _duration(seconds: float) -> str:
    """A talk time people read at a glance: seconds under a minute, else minutes (never "0.0 min")."""
    return f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def _turn_bars(turns: dict[int, list[float]], names: tuple[str, str]) -> str:
    """Each partner's mean time per spoken turn (silent turns are nobody's talk)."""
    if not turns:
        return "<p class='sub'>No turns yet.</p>"
    means = {partner: sum(v) / len(v) for partner, v in turns.items()}
    top = max(means.values())
    parts = []
    for i, partner in enumerate(sorted(turns)):
        w = means[partner] / top * 420 if top > 0 else 0.0
        parts.append(f'<text x="0" y="{i * 26 + 15}">{html.escape(names[partner])}</text>'
                     f'<rect x="190" y="{i * 26}" width="{w:.1f}" height="18" rx="4" fill="{PALETTE[partner]}"/>'
                     f'<text x="{196 + w:.1f}" y="{i * 26 + 14}">{_duration(means[partner])} a turn '
                     f'({plural(len(turns[partner]), "turn")})</text>')
    return f'<svg width="760" height="{len(turns) * 26 + 4}" role="img" aria-label="talk time per partner">{"".join(parts)}</svg>'


def _summary(sessions: list[SessionRow], counted: list[SessionRow], silent: set[int]) -> str:
    """Every session, then what became of them: the header counts all, not only the finished ones."""
    quiet = sum(1 for s in sessions if s.status == "completed" and s.id in silent)
    kinds = [(len(counted), "done together"), (sum(1 for s in sessions if s.status == "stopped"), "stopped early"),
             (sum(1 for s in sessions if s.status == "interrupted"), "interrupted"),
             (quiet, "with nobody speaking")]
    detail = ", ".join(f"{n} {what}" for n, what in kinds if n)
    return plural(len(sessions), "session") + (f" ({detail})" if detail else "")


def _card(st: RitualStats, system: SystemPrompts) -> str:
    count, counts_what = headline(st)
    lines = [streak_text(st), f"last done {days_ago(system, st.days_since_last or 0)}"]
    return (f'<div class="card"><div class="t">{html.escape(st.name)}</div><div class="n">{count}</div>'
            f'<div class="s">{html.escape(counts_what)}<br>{"<br>".join(html.escape(x) for x in lines if x)}'
            '</div></div>')


def render_report(journal: Journal, library: RitualLibrary, names: tuple[str, str], today: date) -> str:
    """The page for ``today`` (the couple's local date); ``names``: the partners, first and second."""
    sessions = journal.sessions()
    silent = silent_sessions(journal)
    done = counted_sessions(journal)
    # Rituals journaled but not in this library (another language's pack has fewer, a couple's copy
    # may leave one out) keep their bars, under their ids.
    shown = [*library.rituals, *sorted({s.ritual_id for s in done} - set(library.rituals))]
    colors = {rid: PALETTE[i % len(PALETTE)] for i, rid in enumerate(shown)}
    ritual_names = {rid: rid for rid in shown} | {rid: r.name for rid, r in library.rituals.items()}
    counts = Counter(local_day(s.started_at) for s in done)
    per_week: dict[date, Counter[str]] = defaultdict(Counter)
    for s in done:
        day = local_day(s.started_at)
        per_week[day - timedelta(days=day.weekday())][s.ritual_id] += 1
    turns: dict[int, list[float]] = defaultdict(list)
    for row in journal.events(kind=TurnEnd):
        if turn_spoke(row.event) and row.event.partner in (0, 1):
            turns[row.event.partner].append(float(row.event.seconds))
    cards = [_card(st, library.system) for st in ritual_stats(journal, library, today) if st.last_done is not None]
    legend = "".join(f'<span><i style="background:{colors[r]}"></i>{html.escape(ritual_names[r])}</span>'
                     for r in shown if any(r in c for c in per_week.values()))
    first = min((local_day(s.started_at) for s in sessions), default=today)
    invited = invitations_line(journal, today)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Our rituals</title><style>{CSS}</style></head>
<body>
<h1>Our rituals</h1>
<div class="sub">{_summary(sessions, done, silent)} since {first.strftime("%d %B %Y")} · made {today.strftime("%d %B %Y")}</div>
<h2>Streaks</h2><div class="cards">{"".join(cards) or "<p class='sub'>No completed sessions yet.</p>"}</div>
<h2>Every day we showed up</h2>{_heatmap(counts, {date.fromisoformat(d) for d in journal.away_days()}, today)}
<h2>Sessions per week</h2><div class="legend">{legend}</div>{_weekly_bars(per_week, colors, today)}
<h2>How long each of us talked</h2>{_turn_bars(turns, names)}
{f'<h2>Invitations</h2><p class="sub">{html.escape(invited)}</p>' if invited else ""}
</body></html>
"""
