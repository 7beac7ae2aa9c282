"""Portal news pages built from the bundled sample reports, for the HTML reader's tests.

No real HTML pages are available, so the article text is real report text (paragraphs,
headings and footnotes of the May 2024 Lạng Sơn report) wrapped in the chrome of a
provincial portal: menu, breadcrumb, byline, photo with caption, related links, scripts
and event handlers, inline styles.
"""

from __future__ import annotations

import re
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[1] / "data" / "reports"
F2024 = "lang-son_2024-05_bao-cao-kt-xh.txt"
SECTION_13 = "1.3. Sản xuất công nghiệp; thương mại, dịch vụ và du lịch"
SECTION_14 = "1.4. Đầu tư xây dựng kết cấu hạ tầng và công tác quy hoạch"
TITLE = "Lạng Sơn đẩy mạnh giải ngân vốn đầu tư công"
CAPTION = "Lãnh đạo UBND tỉnh kiểm tra tiến độ dự án Quốc lộ 4B"
ALERT = "alert('xss-marker')"


def report_lines() -> list[str]:
    return [ln for ln in (REPORTS / F2024).read_text(encoding="utf-8").split("\n") if ln.strip()]


def paragraph_with(words: str) -> str:
    return next(ln for ln in report_lines() if words in ln and not ln.startswith("<sup>"))


def footnote(n: int) -> str:
    return next(ln for ln in report_lines() if ln.startswith(f"<sup>{n}</sup>"))


def chrome_top(charset: str = "utf-8", title: str = TITLE) -> str:
    return f"""<!DOCTYPE html>
<html lang="vi"><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{title} - Cổng thông tin điện tử tỉnh Lạng Sơn</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Cổng thông tin điện tử tỉnh Lạng Sơn">
<meta property="article:published_time" content="2024-06-05T08:30:00+07:00">
<style>body {{ font-family: Arial }} .menu li {{ display: inline }}</style>
<script>window.onload = function() {{ {ALERT}; }}</script>
</head><body onload="{ALERT}">
<header class="site-header"><h1 class="logo">CỔNG THÔNG TIN ĐIỆN TỬ TỈNH LẠNG SƠN</h1>
<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a>
</li><li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/kinh-te">Kinh tế</a></li>
<li><a href="/van-ban">Văn bản chỉ đạo điều hành</a></li></ul></header>
<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/tin-tuc">Tin tức</a>
&raquo; <a href="/kinh-te">Kinh tế</a></div>
"""


def chrome_bottom() -> str:
    return f"""<div class="box-tin-lien-quan"><h3>Tin liên quan</h3><ul>
<li><a href="/a1">Lạng Sơn: Thu ngân sách 5 tháng đạt 45% dự toán</a></li>
<li><a href="/a2">Hội nghị xúc tiến đầu tư tỉnh Lạng Sơn năm 2024</a></li>
<li><a href="/a3">Kiểm tra tiến độ các dự án trọng điểm</a></li></ul>
<p>Sáng 04/6, Sở Tài chính tổ chức hội nghị sơ kết công tác thu ngân sách.</p></div>
<aside><p>Lịch công tác tuần của Thường trực UBND tỉnh, lượt truy cập 1.234.567</p></aside>
<script type="text/javascript">document.write('<p>{ALERT}</p>');</script>
<noscript><p>Trình duyệt không hỗ trợ JavaScript</p></noscript>
<footer><p>Cơ quan chủ quản: Văn phòng UBND tỉnh Lạng Sơn. Địa chỉ: số 2 Hùng Vương.</p>
</footer></body></html>
"""


def article_page(charset: str = "utf-8", title: str = TITLE) -> str:
    """A news article of the portal: h1 title, byline, lead, photo, two h3 sections with
    report paragraphs and footnotes, a data table, the author's signature."""
    invest = paragraph_with("816 tỷ đồng")
    tourism = paragraph_with("Tổng lượng khách du lịch tháng 5")
    return chrome_top(charset, title) + f"""
<div class="main-content"><article class="detail">
<header><h1 class="title">{title}</h1>
<div class="byline">Cập nhật: 05/06/2024 08:30 | <a href="/tac-gia/pv">PV</a></div></header>
<p class="sapo"><strong>Trong 5 tháng đầu năm 2024, tỉnh Lạng Sơn tập trung tháo gỡ khó khăn,
đẩy nhanh tiến độ giải ngân vốn đầu tư công.</strong></p>
<p style="text-align:center"><img src="/anh/ql4b.jpg" alt="QL4B" onerror="{ALERT}"></p>
<p style="text-align:center"><em>{CAPTION}</em></p>
<h3>{SECTION_13}</h3>
<p>{tourism}</p>
<h3>{SECTION_14}</h3>
<p style="text-align: justify;">{invest}</p>
<p>Bảng: Kết quả giải ngân vốn đầu tư công 5 tháng năm 2024</p>
<table border="1"><thead><tr><th>STT</th><th>Chỉ tiêu</th><th>ĐVT</th><th>Ước thực hiện</th>
<th>So kế hoạch (%)</th></tr></thead><tbody>
<tr><td>1</td><td>Giá trị khối lượng thực hiện</td><td>tỷ đồng</td><td>854</td><td>24,8</td></tr>
<tr><td>2</td><td>Giải ngân vốn đầu tư công</td><td>tỷ đồng</td><td>816</td><td>23,7</td></tr>
<tr><td>3</td><td>Vốn các chương trình MTQG</td><td>tỷ đồng</td><td>312</td><td>32,7</td></tr>
</tbody></table>
<p>{footnote(10)}</p>
<p>{footnote(11)}</p>
<p style="text-align:right"><strong>THU HÀ</strong></p>
</article></div>
""" + chrome_bottom()


def write_page(folder: Path, name: str, html: str, charset: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(html.encode(charset))
    return path


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
