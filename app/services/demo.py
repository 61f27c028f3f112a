"""A believable Hải Phòng for demos: communes, enterprises, one user per role.

Demo users all have the password ``safecase-demo`` (documented in the README); the
seed refuses to run twice so it never overwrites real data.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Commune, User
from app.services.parties import DEMO_COMMUNES, add_enterprise, import_communes_file
from app.services.users import add_user

DEMO_PASSWORD = "safecase-demo"

ENTERPRISES = (
    # tax code, name, commune, workers, female workers, VSIC industry
    ("0201234567", "Công ty TNHH Cơ khí Hồng Bàng", "11311", 250, 80, "C25"),
    ("0200456789", "Công ty CP Đóng tàu Bạch Đằng", "11411", 1500, 120, "C30"),
    ("0201987654", "Công ty TNHH Xây dựng Lê Chân", "11383", 320, 40, "F41"),
    ("0202345678", "Công ty CP Cảng Đình Vũ", "11443", 900, 150, "H52"),
    ("0800112233", "Công ty TNHH May mặc Hải Dương", "10533", 2100, 1700, "C14"),
)

USERS = (
    # username, role, enterprise tax code, commune, full name, email
    ("dn_cokhi", "enterprise", "0201234567", None, "Trần Thị Hoa", "hoa@cokhihb.example.vn"),
    ("dn_dongtau", "enterprise", "0200456789", None, "Phạm Văn Dũng", "dung@bachdang.example.vn"),
    ("thanhtra1", "inspector", None, None, "Nguyễn Văn Thanh", "thanh@snv.haiphong.example.vn"),
    ("thanhtra2", "inspector", None, None, "Lê Thị Mai", "mai@snv.haiphong.example.vn"),
    ("congdoan", "union", None, None, "Đỗ Minh Tuấn", "tuan@ldld.haiphong.example.vn"),
    ("cd_cokhi", "union", "0201234567", None, "Vũ Thị Lan", "lan@cokhihb.example.vn"),
    ("xa_hongbang", "commune", None, "11311", "Hoàng Văn Nam", "nam@hongbang.example.vn"),
    ("bhxh1", "insurance", None, None, "Bùi Thị Thu", "thu@bhxh.haiphong.example.vn"),
    ("quantri", "admin", None, None, "Quản trị viên", "admin@safecase.example.vn"),
)


def seed_demo_data() -> str:
    """Create the demo data when the database has no users; say what was done.

    Each piece goes through the ordinary services (one unit of work each), so the demo
    obeys the same validation as real input.
    """
    if db.session.scalar(select(func.count()).select_from(User)):
        return "Cơ sở dữ liệu đã có dữ liệu; bỏ qua dữ liệu mẫu."
    if not db.session.scalar(select(func.count()).select_from(Commune)):
        import_communes_file(DEMO_COMMUNES)
    for tax_code, name, commune, workers, female, industry in ENTERPRISES:
        add_enterprise(
            tax_code=tax_code,
            name=name,
            commune_code=commune,
            workers=workers,
            female_workers=female,
            industry_code=industry,
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
    return (
        f"Đã tạo dữ liệu mẫu: {len(ENTERPRISES)} doanh nghiệp, {len(USERS)} người dùng "
        f"(mật khẩu {DEMO_PASSWORD})."
    )
