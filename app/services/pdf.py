"""Printable papers as PDF with fpdf2 and a vendored DejaVu Sans (full Vietnamese coverage).

fpdf2's core fonts are Latin-1 only; Vietnamese needs a Unicode TrueType font, so the
DejaVu Sans files ship in ``app/static/fonts`` (licence beside them) and every paper
uses ``VietnamesePDF``. Papers are built by plain functions in the areas that own them.

Layout rules every paper follows (#15, "papers laid out like the official forms"): the head
of an official paper in two columns — the issuing body and the paper's number top left, the
national motto and the place and date top right (``official_header``, the layout of Decree
30/2020/NĐ-CP Appendix I that the labour forms use); text wraps at spaces only, so a name is
never cut inside a word unless one word is wider than the whole line (``field``); and a
block that belongs together — a signature's title, its note and the name below — is moved
whole to the next page rather than split (``keep_together``).
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The official head's left column (issuing body, number), in mm; the motto takes the rest.
ISSUER_COLUMN_MM = 72


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

    @property
    def usable_width(self) -> float:
        """The width between the margins, in mm."""
        return self.w - self.l_margin - self.r_margin

    def national_header(self) -> None:
        """The national motto every Vietnamese official paper starts with, centred on its own
        (papers without an issuing body of their own: reports)."""
        self.set_font("dejavu", "B", 11)
        self.cell(0, 6, NATIONAL_NAME, align="C", new_x="LMARGIN", new_y="NEXT")
        self.cell(0, 6, NATIONAL_MOTTO, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_font("dejavu", "", 11)

    def official_header(self, issuer: list[str], number: str, place_date: str) -> None:
        """The head of an official paper in two columns, as on the forms.

        Left: ``issuer`` — the issuing body's lines, its superior body first when it has one
        (regular), the body itself last (bold), in capitals — with a short rule under it and
        ``number`` ("Số: …"). Right: the national name and motto (bold, the motto underlined)
        and ``place_date`` ("Hải An, ngày 20 tháng 11 năm 2026") under them. The text below
        starts under the taller column."""
        top = self.get_y()
        left, width = self.l_margin, ISSUER_COLUMN_MM
        right, right_width = left + width, self.usable_width - width
        self.set_xy(left, top)
        for index, line in enumerate(issuer):
            style = "B" if index == len(issuer) - 1 else ""
            self._fit_words(line.upper(), style, 10, width - 2)
            self.multi_cell(width, 5, line.upper(), align="C", new_x="LEFT", new_y="NEXT")
        self._rule(left + width / 2, 18)
        self.set_font("dejavu", "", 10)
        self.multi_cell(width, 5, number, align="C", new_x="LEFT", new_y="NEXT")
        bottom = self.get_y()
        self.set_xy(right, top)
        self.set_font("dejavu", "B", 10)
        if self.get_string_width(NATIONAL_NAME) > right_width - 2:
            self.set_font("dejavu", "B", 9)
        self.cell(right_width, 5, NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
        self.set_font("dejavu", "B", 10)
        self.cell(right_width, 5, NATIONAL_MOTTO, align="C", new_x="LEFT", new_y="NEXT")
        self._rule(right + right_width / 2, self.get_string_width(NATIONAL_MOTTO), gap=2)
        self.set_font("dejavu", "", 10)
        self.multi_cell(right_width, 5, place_date, align="C", new_x="LEFT", new_y="NEXT")
        self.set_xy(self.l_margin, max(bottom, self.get_y()) + 5)
        self.set_font("dejavu", "", 11)

    def _fit_words(self, text: str, style: str, size: float, width: float) -> None:
        """Set the font at ``size`` pt, smaller (down to 7 pt) if the longest word of ``text``
        would not fit ``width`` mm: a name in a narrow column wraps at its spaces, never
        inside a word."""
        self.set_font("dejavu", style, size)
        widest = max(text.split() or [""], key=self.get_string_width)
        while size > 7 and self.get_string_width(widest) > width:
            size -= 0.5
            self.set_font("dejavu", style, size)

    def _rule(self, centre: float, length: float, gap: float = 1) -> None:
        """A horizontal line ``length`` mm long centred on ``centre`` just under the current
        line, then ``gap`` mm of space; the column (x) is kept."""
        x, y = self.get_x(), self.get_y() + 0.5
        self.line(centre - length / 2, y, centre + length / 2, y)
        self.set_xy(x, y + gap)

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("dejavu", "B", size)
        self.multi_cell(0, 7, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)
        self.set_font("dejavu", "", 11)

    def field(self, label: str, value: str) -> None:
        """A "label: value" line that wraps long values at spaces.

        fpdf2 breaks a line inside a word when no space comes before the edge, which happens
        to the value's first word when the label leaves too little room after it (a company
        name cut as "Chínhx-ác"): such a value starts on the next line instead. Only a word
        wider than a whole line is still cut."""
        self.set_font("dejavu", "B", 11)
        self.write(6, f"{label}: ")
        self.set_font("dejavu", "", 11)
        text = value or "—"
        first = self.get_string_width(text.split(" ", 1)[0])
        if first > self.w - self.r_margin - self.get_x() and first <= self.usable_width:
            self.ln(6)
        self.write(6, text)
        self.ln(7)

    def paragraph(self, text: str) -> None:
        self.multi_cell(0, 6, text or "—", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def keep_together(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one: what comes next is a
        block that must not be split (a signature under its title)."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def render(self) -> bytes:
        return bytes(self.output())
