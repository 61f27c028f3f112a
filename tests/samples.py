"""Plain sample data for investigations (teams, minutes, meeting attendees), shared by every
test that drives an accident through its investigation. No Flask and no database, so the pure
workflow tests may use it too."""

PROVINCE_TEAM = [
    {"name": "Trần Thanh Tra", "organisation": "inspectorate", "role": "head"},
    {"name": "Lê Công Đoàn", "organisation": "union", "role": "member"},
    {"name": "Phạm Y Tế", "organisation": "health", "role": "member"},
]
ENTERPRISE_TEAM = [
    {"name": "Nguyễn Giám Đốc", "organisation": "employer", "role": "head"},
    {"name": "Lê Công Đoàn", "organisation": "union", "role": "member"},
]
MINUTES = {
    "is_work_accident": True,
    "causes": ["Không sử dụng phương tiện bảo vệ cá nhân"],
    "worker_at_fault": False,
    "responsibilities": "Người sử dụng lao động chưa huấn luyện an toàn",
    "measures": ["Huấn luyện lại", "Kiểm tra thiết bị"],
}
ATTENDEES = [
    {"name": "Trần Thanh Tra", "organisation": "inspectorate"},
    {"name": "Nguyễn Giám Đốc", "organisation": "employer"},
]
FATAL_ATTENDEES = ATTENDEES + [
    {"name": "Đại úy Công An", "organisation": "police"},
    {"name": "Kiểm sát viên Vũ", "organisation": "procuracy"},
]
