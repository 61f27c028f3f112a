"""A believable Hải Phòng for demos: communes, enterprises, one user per role, two years.

Demo users all have the password ``safecase-demo`` (documented in the README); the
seed refuses to run twice so it never overwrites real data. Besides a few cases of the last
days (``seed_demo_cases``), ``app.services.demo_history`` plays two years of cases through the
real services with the clock set back (``seed_demo_history``).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.clock import VN_TZ, now
from app.extensions import db
from app.models import Case, Commune, User
from app.services.declarations import declare
from app.services.demo_history import seed_demo_history
from app.services.parties import DEMO_COMMUNES, add_enterprise, import_communes_file
from app.services.users import add_user
from app.services.workflow_engine import fire_transition

DEMO_PASSWORD = "safecase-demo"

ENTERPRISES = (
    # tax code, name, commune, workers, female workers, VSIC industry, type of ownership
    ("0201234567", "Công ty TNHH Cơ khí Hồng Bàng", "11311", 250, 80, "C25", "non_state"),
    ("0200456789", "Công ty CP Đóng tàu Bạch Đằng", "11411", 1500, 120, "C30", "state"),
    ("0201987654", "Công ty TNHH Xây dựng Lê Chân", "11383", 320, 40, "F41", "non_state"),
    ("0202345678", "Công ty CP Cảng Đình Vũ", "11443", 900, 150, "H52", "state"),
    ("0800112233", "Công ty TNHH May mặc Hải Dương", "10533", 2100, 1700, "C14", "foreign"),
    ("0203456781", "Công ty TNHH Vận tải Hải An", "11411", 180, 20, "H49", "non_state"),
    ("0204567812", "Hợp tác xã Thủy sản Cát Hải", "12077", 60, 25, "A03", "cooperative"),
)

USERS = (
    # username, role, enterprise tax code, commune, full name, email
    ("dn_cokhi", "enterprise", "0201234567", None, "Trần Thị Hoa", "hoa@cokhihb.example.vn"),
    ("dn_dongtau", "enterprise", "0200456789", None, "Phạm Văn Dũng", "dung@bachdang.example.vn"),
    ("dn_xaydung", "enterprise", "0201987654", None, "Ngô Văn Sơn", "son@xdlechan.example.vn"),
    ("dn_cang", "enterprise", "0202345678", None, "Đặng Thị Hạnh", "hanh@dinhvu.example.vn"),
    ("dn_maymac", "enterprise", "0800112233", None, "Park Ji-won", "jiwon@maymachd.example.vn"),
    ("dn_vantai", "enterprise", "0203456781", None, "Bùi Văn Long", "long@vantaiha.example.vn"),
    ("dn_thuysan", "enterprise", "0204567812", None, "Phan Thị Yến", "yen@htxcathai.example.vn"),
    ("thanhtra1", "inspector", None, None, "Nguyễn Văn Thanh", "thanh@snv.haiphong.example.vn"),
    ("thanhtra2", "inspector", None, None, "Lê Thị Mai", "mai@snv.haiphong.example.vn"),
    ("congdoan", "union", None, None, "Đỗ Minh Tuấn", "tuan@ldld.haiphong.example.vn"),
    ("cd_cokhi", "union", "0201234567", None, "Vũ Thị Lan", "lan@cokhihb.example.vn"),
    ("xa_hongbang", "commune", None, "11311", "Hoàng Văn Nam", "nam@hongbang.example.vn"),
    ("xa_kienthuy", "commune", None, "11824", "Vũ Văn Thắng", "thang@kienthuy.example.vn"),
    ("bhxh1", "insurance", None, None, "Bùi Thị Thu", "thu@bhxh.haiphong.example.vn"),
    ("quantri", "admin", None, None, "Quản trị viên", "admin@safecase.example.vn"),
)


def seed_demo_data() -> str:
    """Create the demo data when the database has no users; say what was done.

    Each piece goes through the ordinary services (one unit of work each), so the demo
    obeys the same validation as real input.
    """
    if db.session.scalar(select(func.count()).select_from(User)):
        if not db.session.scalar(select(func.count()).select_from(Case)):
            # Accounts but no case: an earlier demo stopped half-way (or an empty install).
            return (
                "Cơ sở dữ liệu đã có tài khoản nhưng chưa có vụ việc nào; bỏ qua dữ liệu mẫu. "
                "Nếu lần tạo dữ liệu mẫu trước bị lỗi: xoá instance/safecase.db rồi chạy lại."
            )
        return "Cơ sở dữ liệu đã có dữ liệu; bỏ qua dữ liệu mẫu."
    if not db.session.scalar(select(func.count()).select_from(Commune)):
        import_communes_file(DEMO_COMMUNES)
    for tax_code, name, commune, workers, female, industry, ownership in ENTERPRISES:
        add_enterprise(
            tax_code=tax_code,
            name=name,
            commune_code=commune,
            workers=workers,
            female_workers=female,
            industry_code=industry,
            ownership=ownership,
        )
    for username, role, tax_code, commune, full_name, email in USERS:
        add_user(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            enterprise_tax_code=tax_code,
            commune_code=commune,
            email=email,
            full_name=full_name,
        )
    history = seed_demo_history()
    cases = seed_demo_cases()
    return (
        f"Đã tạo dữ liệu mẫu: {len(ENTERPRISES)} doanh nghiệp, {len(USERS)} người dùng "
        f"(mật khẩu {DEMO_PASSWORD}), {cases + history.cases} vụ việc trong hai năm, "
        f"{history.reports} báo cáo định kỳ ({history.filed} đã nộp)."
    )


def _victim(
    name,
    born,
    gender,
    national_id,
    occupation,
    outcome,
    wage,
    si_number=None,
    years=None,
    injury="",
):
    return {
        "full_name": name,
        "birth_date": born,
        "gender": gender,
        "national_id": national_id,
        "occupation": occupation,
        "outcome": outcome,
        "monthly_wage_vnd": wage,
        "si_number": si_number,
        "si_years": years,
        "injury_description": injury,
    }


def _ago(days: int) -> str:
    return (now() - timedelta(days=days)).astimezone(VN_TZ).replace(microsecond=0).isoformat()


def seed_demo_cases() -> int:
    """A few accidents at different points of their lifecycle, driven through the engine,
    and the serious technical incident the fatal one came from (its casualties' accident)."""
    users = {u.username: u for u in db.session.scalars(select(User))}
    scaffold = declare(
        users["dn_dongtau"],
        {
            "kind": "incident",
            "occurred_at": _ago(3),
            "commune_code": "11411",
            "location": "Ụ khô số 1, phân xưởng vỏ tàu",
            "description": "Sập giàn giáo bên mạn tàu trong ca hàn phân đoạn.",
            "equipment": "Giàn giáo thép bên mạn tàu (cao 8 m)",
            "failure": "Gãy chân giằng, sàn thao tác sập",
            "damage": "Hư hỏng 12 m giàn giáo và phân đoạn vỏ tàu đang hàn",
            "casualties": 2,
        },
    )
    fatal = declare(
        users["dn_dongtau"],
        {
            "kind": "accident",
            "incident_code": scaffold.code,
            "occurred_at": _ago(3),
            "commune_code": "11411",
            "location": "Ụ khô số 1, phân xưởng vỏ tàu",
            "description": (
                "Giàn giáo bên mạn tàu bị sập khi đang hàn phân đoạn; "
                "hai công nhân rơi từ độ cao 8 m."
            ),
            "labour_relation": True,
            "victims": [
                _victim(
                    "Nguyễn Văn Hùng",
                    "1985-03-12",
                    "male",
                    "031085004321",
                    "Thợ hàn",
                    "death",
                    12_500_000,
                    "3108543210",
                    14,
                    "Chấn thương sọ não",
                ),
                _victim(
                    "Trần Văn Bình",
                    "1994-07-30",
                    "male",
                    "031094007788",
                    "Thợ lắp ráp",
                    "serious",
                    9_800_000,
                    "3109477880",
                    6,
                    "Gãy xương đùi trái",
                ),
            ],
        },
    )
    inspector = users["thanhtra1"]
    steps = (
        (
            "open_investigation",
            {
                "team": [
                    {"name": "Nguyễn Văn Thanh", "organisation": "inspectorate", "role": "head"},
                    {"name": "Lê Thị Mai", "organisation": "inspectorate", "role": "member"},
                    {"name": "Đỗ Minh Tuấn", "organisation": "union", "role": "member"},
                    {"name": "BS. Phạm Thu Hà", "organisation": "health", "role": "member"},
                ],
                "needs_technical_exam": False,
            },
        ),
        (
            "conclude",
            {
                "is_work_accident": True,
                "causes": [
                    "Giàn giáo không được kiểm định trước khi sử dụng",
                    "Không sử dụng dây an toàn khi làm việc trên cao",
                ],
                "worker_at_fault": False,
                "responsibilities": (
                    "Quản đốc phân xưởng vỏ tàu không kiểm tra giàn giáo trước ca làm việc."
                ),
                "measures": [
                    "Kiểm định toàn bộ giàn giáo",
                    "Huấn luyện lại an toàn làm việc trên cao",
                ],
            },
        ),
        (
            "announce",
            {
                "meeting_at": now().isoformat(),
                "attendees": [
                    {"name": "Nguyễn Văn Thanh", "organisation": "inspectorate"},
                    {"name": "Đại úy Vũ Văn Long", "organisation": "police"},
                    {"name": "Kiểm sát viên Hoàng Thị Lan", "organisation": "procuracy"},
                    {"name": "Đỗ Minh Tuấn", "organisation": "union"},
                    {"name": "Phạm Văn Dũng", "organisation": "employer"},
                ],
            },
        ),
    )
    for trigger, payload in steps:
        fire_transition(fatal.id, trigger, inspector, {"version": fatal.version, **payload})
        db.session.refresh(fatal)
    declare(
        users["dn_cokhi"],
        {
            "kind": "accident",
            "occurred_at": _ago(1),
            "commune_code": "11311",
            "location": "Xưởng cơ khí số 2",
            "description": "Công nhân bị máy dập kẹp ngón tay.",
            "labour_relation": True,
            "victims": [
                _victim(
                    "Lê Thị Thu",
                    "1998-11-02",
                    "female",
                    "031198002468",
                    "Công nhân dập",
                    "serious",
                    8_200_000,
                    "3119824680",
                    4,
                    "Dập nát đốt ngón tay trỏ phải",
                )
            ],
        },
    )
    declare(
        users["xa_hongbang"],
        {
            "kind": "accident",
            "occurred_at": _ago(2),
            "commune_code": "11311",
            "location": "Công trình nhà ở số 14 phố Hạ Lý",
            "description": "Thợ xây tự do ngã từ tầng 2 khi trát tường ngoài.",
            "labour_relation": False,
            "victims": [
                _victim(
                    "Phạm Văn Tư",
                    "1979-05-20",
                    "male",
                    "031079001357",
                    "Thợ xây",
                    "serious",
                    None,
                    injury="Gãy cột sống thắt lưng",
                )
            ],
        },
    )
    return 4
