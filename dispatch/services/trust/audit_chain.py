"""The audit log as a hash chain, so an edited or removed row is found (rules.md §8).

Each row gets, when its unit of work commits:

- payload_hash = SHA-256 of the canonical JSON of the row's own fields (id, time, actor,
  action, entity, before, after);
- chain_index, its place in the chain (commit order, 1, 2, …, no gaps);
- chain_hash = SHA-256 of the canonical JSON of {index, payload_hash, prev}, prev being the
  chain_hash of the row before (64 zeros for the first).

Rows are chained at commit, under a lock held only for that moment (PostgreSQL: an advisory
lock; SQLite has one writer anyway), so concurrent units never fork the chain and no unit
waits on the lock while holding others. Removing the newest rows leaves a shorter but
consistent chain: the signed checkpoints outside the database (`checkpoints.py`) catch that.

A privacy erasure replaces personal values in old rows (rules.md §8). Such a row is marked
`scrubbed_at` and named in the erasure's own event; its payload is then not compared, but
its place in the chain still is, and a row marked scrubbed that no erasure names is a break.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session

from dispatch.models import AuditEvent
from reports.canonical import canonical_json, format_datetime, sha256_hex

GENESIS = "0" * 64
CHAIN_LOCK_KEY = 7_070_708  # pg_advisory_xact_lock id of the audit chain
PENDING = "audit_rows_pending"
ERASURE_ACTION = "privacy.erasure"
SCRUBBED_IDS = "scrubbed_audit_ids"


def payload_hash(row: AuditEvent) -> str:
    """The hash of what the row says (not where it stands in the chain)."""
    return sha256_hex(canonical_json({
        "id": row.id, "at": format_datetime(row.at), "actor_user_id": row.actor_user_id,
        "actor_label": row.actor_label, "action": row.action, "entity_type": row.entity_type,
        "entity_id": row.entity_id, "before": row.before, "after": row.after,
    }))


def link_hash(index: int, payload: str, prev: str) -> str:
    """The chain hash of the row at `index`."""
    return sha256_hex(canonical_json({"index": index, "payload_hash": payload, "prev": prev}))


def mark_pending(session: Session, row: AuditEvent) -> None:
    """Called by `record`: the unit added this row, to be chained when it commits."""
    session.info.setdefault(PENDING, []).append(row)


@event.listens_for(Session, "before_commit")
def _chain_at_commit(session: Session) -> None:
    rows = session.info.pop(PENDING, None)
    if rows:
        _chain_own(session, rows)


def _chain_own(session: Session, rows: list[AuditEvent]) -> None:
    # The unit's own rows are known, so no query looks for unchained rows while the lock is
    # held (every row is written by `record`; the checkpoint's chain_pending sweeps anyway).
    session.flush()
    # A row of a rolled-back unit is transient again: it was never stored.
    own = sorted((r for r in rows if inspect(r).persistent and r.chain_index is None),
                 key=lambda r: r.id)
    if own:
        _lock(session)
        _link(session, own)


def chain_pending(session: Session) -> int:
    """Chain every unchained row, oldest id first; returns how many were chained."""
    session.flush()
    _lock(session)
    rows = session.scalars(select(AuditEvent).where(AuditEvent.chain_index.is_(None))
                           .order_by(AuditEvent.id)).all()
    return _link(session, list(rows))


def _lock(session: Session) -> None:
    # Held until the transaction ends: the head read below stays the head until commit.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


def _link(session: Session, rows: list[AuditEvent]) -> int:
    # Two columns, not the row: this runs under the lock, on every audited commit.
    head = session.execute(select(AuditEvent.chain_index, AuditEvent.chain_hash)
                           .where(AuditEvent.chain_index.is_not(None))
                           .order_by(AuditEvent.chain_index.desc()).limit(1)).first()
    index, prev = (head.chain_index or 0, head.chain_hash or GENESIS) if head else (0, GENESIS)
    for row in rows:
        index += 1
        row.payload_hash = payload_hash(row)
        row.chain_index, row.chain_hash = index, link_hash(index, row.payload_hash, prev)
        prev = row.chain_hash
    session.flush()
    return len(rows)


@dataclass(frozen=True)
class AuditCheck:
    """Outcome of `verify`: `first_break` names the first broken row, None when intact."""

    rows: int
    head_hash: str
    first_break: str | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _chained(session: Session) -> Iterator[AuditEvent]:
    query = (select(AuditEvent).where(AuditEvent.chain_index.is_not(None))
             .order_by(AuditEvent.chain_index).execution_options(yield_per=1000))
    yield from session.scalars(query)


def _erased_ids(row: AuditEvent) -> set[int]:
    ids = (row.after or {}).get(SCRUBBED_IDS) if row.action == ERASURE_ACTION else None
    return {int(i) for i in ids if isinstance(i, int)} if isinstance(ids, list) else set()


def verify(session: Session) -> AuditCheck:
    """Recompute every link; the first break in chain order, or None."""
    breaks: list[tuple[int, str]] = []
    expected, prev = 1, GENESIS
    scrubbed: dict[int, int] = {}
    named: set[int] = set()
    for row in _chained(session):
        index = row.chain_index or 0
        if index != expected and not breaks:
            breaks.append((expected, f"audit row #{expected} is missing (before row id {row.id})"))
        if row.chain_hash != link_hash(index, row.payload_hash or "", prev):
            breaks.append((index, f"audit row id {row.id} (#{index}) was altered or moved"))
        elif row.scrubbed_at is None and payload_hash(row) != row.payload_hash:
            breaks.append((index, f"audit row id {row.id} (#{index}) was altered"))
        elif row.scrubbed_at is not None:
            scrubbed[row.id] = index
        named |= _erased_ids(row)
        expected, prev = index + 1, row.chain_hash or ""
    for row_id, index in scrubbed.items():
        if row_id not in named:
            breaks.append((index, f"audit row id {row_id} (#{index}) was altered "
                                  "(marked erased by no erasure)"))
    unchained = session.scalar(select(AuditEvent.id).where(AuditEvent.chain_index.is_(None))
                               .order_by(AuditEvent.id).limit(1))
    if unchained is not None:
        breaks.append((expected, f"audit row id {unchained} is not chained"))
    first = min(breaks)[1] if breaks else None
    return AuditCheck(rows=expected - 1, head_hash=prev, first_break=first)


def head(session: Session) -> tuple[int, str]:
    """(count, head hash) of the chain as stored: what a checkpoint records."""
    row = session.scalar(select(AuditEvent).where(AuditEvent.chain_index.is_not(None))
                         .order_by(AuditEvent.chain_index.desc()).limit(1))
    return (row.chain_index or 0, row.chain_hash or GENESIS) if row else (0, GENESIS)


def row_at(session: Session, index: int) -> AuditEvent | None:
    """The row at a chain position, for checking a checkpoint."""
    return session.scalar(select(AuditEvent).where(AuditEvent.chain_index == index))



