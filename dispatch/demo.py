"""Realistic demo data: service bases across Japan, technicians, customers with Japanese
names and addresses, devices, packs in every lifecycle state and today's calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta

from sqlalchemy import select

from dispatch import clock
from dispatch.demo_data import day as demo_day
from dispatch.demo_data import intake as demo_intake
from dispatch.demo_data import registration as demo_registration
from dispatch.demo_data import reporting as demo_reporting
from dispatch.demo_data import trust as demo_trust
from dispatch.domain.roles import Role
from dispatch.extensions import db
from dispatch.models import User
from dispatch.services.accounts import users
from dispatch.services.catalog import records
from dispatch.services.trust.audit import Actor
from dispatch.services.unit_of_work import unit_of_work

DEMO = Actor(label="demo")
DEMO_PASSWORD = "demo-password-2026"

SEVEN_YEAR_PACKS = "std1 std3 std4 std5 std6 std7 ext1 ext2"
FIVE_YEAR_PACKS = "std1 std3 std4 std5 ext1 ext2"
MODELS = [
    # code, name, series, lifetime years, warranty months, print limit, packs offered
    ("C844dnw", "COREFIDO C844dnw", "COREFIDO", 7, 84, 600_000, SEVEN_YEAR_PACKS),
    ("C835dnw", "COREFIDO C835dnw", "COREFIDO", 7, 84, 500_000, SEVEN_YEAR_PACKS),
    ("B432dnw", "COREFIDO B432dnw", "COREFIDO", 5, 60, 300_000, FIVE_YEAR_PACKS),
    ("C941dn", "VINCI C941dn", "VINCI", 5, 60, 1_000_000, FIVE_YEAR_PACKS),
    ("ML5440", "MICROLINE 5440", "other", 5, 6, None, FIVE_YEAR_PACKS),
]
OPTION_MODELS = [("TRY-C8", "増設トレイ (C800シリーズ)", "COREFIDO", 7, 84)]

BASES = [
    # code, name, lat, lon, service radius km, same-day radius km
    ("SPR", "札幌サービスセンター", 43.0687, 141.3508, 250, 60),
    ("SND", "仙台サービスセンター", 38.2682, 140.8694, 200, 70),
    ("TKY", "東京サービスセンター", 35.6812, 139.7671, 150, 60),
    ("NGY", "名古屋サービスセンター", 35.1709, 136.8815, 150, 60),
    ("OSA", "大阪サービスセンター", 34.7025, 135.4959, 150, 60),
    ("HRS", "広島サービスセンター", 34.3978, 132.4753, 180, 60),
    ("FUK", "福岡サービスセンター", 33.5902, 130.4207, 200, 70),
    ("NAH", "那覇サービスセンター", 26.2125, 127.6811, 80, 40),
]

TECHNICIANS = [
    # name, e-mail local part, base, skills
    ("鈴木 一郎", "suzuki", "TKY", "COREFIDO VINCI other"),
    ("高橋 健太", "takahashi", "TKY", "COREFIDO other"),
    ("田中 美咲", "tanaka", "TKY", "VINCI"),
    ("伊藤 大輔", "ito", "OSA", "COREFIDO VINCI other"),
    ("渡辺 翔", "watanabe", "OSA", "COREFIDO"),
    ("山本 直樹", "yamamoto", "NGY", "COREFIDO VINCI other"),
    ("中村 亮", "nakamura", "FUK", "COREFIDO other"),
    ("小林 拓也", "kobayashi", "SPR", "COREFIDO VINCI"),
    ("加藤 誠", "kato", "SND", "COREFIDO other"),
    ("吉田 悠", "yoshida", "HRS", "COREFIDO VINCI other"),
    ("比嘉 勇", "higa", "NAH", "COREFIDO other"),
]

CUSTOMERS = [
    # customer, site name, address, postal code, lat, lon, manager, manager e-mail local part
    ("株式会社丸の内商事", "本社 総務部", "東京都千代田区丸の内2-7-2", "100-0005",
     35.6798, 139.7645, "佐藤 花子", "sato"),
    ("新宿法律事務所", "事務所", "東京都新宿区西新宿2-8-1", "163-8001",
     35.6896, 139.6921, "松本 恵", "matsumoto"),
    ("横浜みなと病院", "医事課", "神奈川県横浜市中区新港2-1-1", "231-0001",
     35.4545, 139.6406, "井上 修", "inoue"),
    ("なにわ精機株式会社", "大阪工場 品質管理課", "大阪府大阪市北区梅田3-1-1", "530-0001",
     34.7024, 135.4959, "木村 浩二", "kimura"),
    ("名古屋中央会計", "本店", "愛知県名古屋市中村区名駅1-1-4", "450-0002",
     35.1706, 136.8816, "林 由美", "hayashi"),
    ("博多物流株式会社", "倉庫管理棟", "福岡県福岡市博多区博多駅中央街1-1", "812-0012",
     33.5897, 130.4207, "清水 大樹", "shimizu"),
    ("佐渡観光協会", "両津案内所", "新潟県佐渡市両津湊353", "952-0014",
     38.0803, 138.4378, "山口 聡", "yamaguchi"),
    ("石垣島リゾート", "フロント", "沖縄県石垣市美崎町1", "907-0012",
     24.3386, 124.1572, "金城 さくら", "kinjo"),
]


def load_demo(today: date | None = None) -> Iterator[str]:
    """Load the demo data once (idempotent) and yield lines describing the logins."""
    today = today or clock.today_tokyo()
    if db.session.scalar(select(User.id).limit(1)) is None:
        with unit_of_work():
            _load_catalogue()
            _load_people()
            _load_installed_base(today)
        # Each area seeds its own demo data through its own services, in workflow order.
        demo_registration.load(today)
        demo_intake.load(today)
        demo_day.load(today)
        demo_reporting.load(today)
        demo_trust.load(today)
    yield "demo database ready; logins (password: " + DEMO_PASSWORD + "):"
    seen: set[str] = set()
    for user in db.session.scalars(select(User).order_by(User.id)):
        if user.role not in seen:  # one login per role is enough to get started
            seen.add(user.role)
            yield f"  {user.role:<13} {user.email}"


def _load_catalogue() -> None:
    for code, name, series, life, warranty, limit, packs in MODELS:
        records.create_model({"code": code, "name": name, "series": series, "kind": "printer",
                              "lifetime_years": life, "warranty_months": warranty,
                              "print_limit": limit, "packs_offered": packs.split()}, DEMO)
    for code, name, series, life, warranty in OPTION_MODELS:
        records.create_model({"code": code, "name": name, "series": series, "kind": "option",
                              "lifetime_years": life, "warranty_months": warranty,
                              "print_limit": None, "packs_offered": ["std1", "std3", "std5",
                                                                     "std7"]}, DEMO)
    for code, name, lat, lon, radius, same_day in BASES:
        records.create_base({"code": code, "name": name, "lat": lat, "lon": lon,
                             "service_radius_km": radius, "same_day_radius_km": same_day}, DEMO)


def _load_people() -> None:
    users.add_user("admin@oxt.example.jp", Role.ADMIN, DEMO_PASSWORD, DEMO, name="管理者")
    users.add_user("coordinator@oxt.example.jp", Role.COORDINATOR, DEMO_PASSWORD, DEMO,
                      name="受付 太郎")
    for name, local, base, skills in TECHNICIANS:
        email = f"{local}@oxt.example.jp"
        records.create_technician({"name": name, "email": email, "base_code": base,
                                   "shift_start": time(8, 30), "shift_end": time(17, 30),
                                   "skills": skills.split()}, DEMO)
        users.add_user(email, Role.TECHNICIAN, DEMO_PASSWORD, DEMO, name=name)


def _load_installed_base(today: date) -> None:
    model_codes = [m[0] for m in MODELS]
    for i, (cust, site_name, address, postal, lat, lon, manager, local) in enumerate(CUSTOMERS):
        customer = records.create_customer({"name": cust, "email": None, "phone": None}, DEMO)
        manager_email = f"{local}@customer.example.jp"
        site = records.create_site({"customer_id": customer.id, "name": site_name,
                                    "address": address, "postal_code": postal, "lat": lat,
                                    "lon": lon, "manager_name": manager,
                                    "manager_email": manager_email}, DEMO)
        if i < 2:
            users.add_user(manager_email, Role.SITE_MANAGER, DEMO_PASSWORD, DEMO, name=manager)
        records.create_device({"serial": f"AK{2026000 + i:08d}", "model_code":
                               model_codes[i % len(model_codes)], "site_id": site.id,
                               "purchase_date": today - timedelta(days=40 + 90 * i),
                               "print_count": 12_000 * (i + 1),
                               "print_count_on": today - timedelta(days=1)}, DEMO)
