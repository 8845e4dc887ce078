"""Work report sealing, chain verification and PDF rendering speed (reports/ only).

Run: PYTHONPATH=. python benchmarks/report_bench.py [--reports N] [--pdfs P]
Seals N reports into one chain, verifies the whole chain, renders P PDFs.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

from dispatch.demo_data.reporting import signature_png
from reports.document import report_from_payload
from reports.keys import Keyring, generate_signing_key
from reports.pdf import render_pdf
from reports.sealing import GENESIS_HASH, seal_report, verify_chain

PAYLOAD = {
    "arrived_at": "2026-11-26T10:05:00+09:00", "departed_at": "2026-11-26T11:20:00+09:00",
    "work_done": "定着器ユニットを交換し、テスト印刷で正常動作を確認しました。",
    "result": "resolved",
    "parts": [{"part_no": "44472603", "qty": 1, "condition": "new", "removed_returned": True}],
    "technical_changes": ["ファームウェア更新"], "data_initialized": False,
    "counter_reading": 48210, "attendee_name": "佐藤 花子",
}


def _report(n: int):
    return report_from_payload(
        PAYLOAD, report_id=str(n), visit_id=str(n), call_id=str(n), device_serial=f"AK{n:08d}",
        device_model="COREFIDO C844dnw", site_name="本社 総務部", site_address="東京都千代田区",
        customer_name="株式会社丸の内商事", support_pack_id=f"SP{n:08d}",
        technician_name="鈴木 一郎")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--pdfs", type=int, default=20)
    args = parser.parse_args()
    key, png = generate_signing_key(), signature_png()
    start_at = datetime(2026, 11, 26, tzinfo=UTC)
    entries, prev = [], GENESIS_HASH
    t0 = time.perf_counter()
    for n in range(args.reports):
        content, seal = seal_report(_report(n), "佐藤 花子", png, key, prev,
                                    start_at + timedelta(seconds=n))
        entries.append((content, png, seal))
        prev = seal.seal_hash
    sealed = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = verify_chain(entries, Keyring([key.public_key]))
    verified = time.perf_counter() - t0
    assert all(r.valid for r in results)
    t0 = time.perf_counter()
    for content, _, seal in entries[: args.pdfs]:
        render_pdf(content.report, seal, png, "https://example.jp/verify", signer_name="佐藤 花子")
    rendered = time.perf_counter() - t0
    print(f"sealed   {args.reports} reports: {args.reports / sealed:,.0f}/s")
    print(f"verified {args.reports} reports (whole chain): {args.reports / verified:,.0f}/s")
    print(f"rendered {args.pdfs} PDFs: {1000 * rendered / args.pdfs:.1f} ms each")


if __name__ == "__main__":
    main()
