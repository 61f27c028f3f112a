"""Printable papers as PDF with fpdf2 and a vendored DejaVu Sans (full Vietnamese coverage).

fpdf2's core fonts are Latin-1 only; Vietnamese needs a Unicode TrueType font, so the
DejaVu Sans files ship in ``app/static/fonts`` (licence beside them) and every paper
uses ``VietnamesePDF``. Papers are built by plain functions in the areas that own them.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"


class VietnamesePDF(FPDF):
    """A4 portrait, 20 mm margins, DejaVu Sans registered as "dejavu" (regular and bold)."""

    def __init__(self, title: str = "") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font("dejavu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("dejavu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_font("dejavu", size=11)
        self.set_title(title)
        self.set_creator("SafeCase")

    def national_header(self) -> None:
        """The national motto every Vietnamese official paper starts with."""
        self.set_font("dejavu", "B", 11)
        self.cell(
            0, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT"
        )
        self.cell(0, 6, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_font("dejavu", "", 11)

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("dejavu", "B", size)
        self.multi_cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font("dejavu", "", 11)

    def field(self, label: str, value: str) -> None:
        """A "label: value" line that wraps long values."""
        self.set_font("dejavu", "B", 11)
        self.write(6, f"{label}: ")
        self.set_font("dejavu", "", 11)
        self.write(6, value or "—")
        self.ln(7)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 6, text or "—", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def render(self) -> bytes:
        return bytes(self.output())
