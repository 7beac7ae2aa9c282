"""Vietnamese messages for the library's error codes, and Vietnamese number format.

The library raises ``BaocaoError(code, **details)``; the page shows
``vi_error(exc)``: the code's Vietnamese sentence with the same details, so no
English reaches an official and no message text is ever parsed. A test checks
that every code of ``rag.errors.MESSAGES`` has a sentence here.
"""

from __future__ import annotations

from rag.errors import BaocaoError

VI: dict[str, str] = {
    "file.missing": "không tìm thấy tệp «{name}»",
    "file.empty": "tệp «{name}» rỗng, không có nội dung",
    "file.no_text": "tệp «{name}» không có chữ nào",
    "file.too_large": "tệp «{name}» {size_mb} MB, lớn hơn giới hạn {limit_mb} MB; hãy tách "
                      "báo cáo hoặc bỏ bớt hình ảnh",
    "file.type": "tệp «{name}»: định dạng {suffix} không hỗ trợ; chỉ nhận {allowed}",
    "file.utf16": "tệp «{name}» mã hoá UTF-16; hãy lưu lại dưới dạng UTF-8",
    "file.binary": "tệp «{name}» là tệp nhị phân, không phải văn bản",
    "file.encoding": "tệp «{name}» không phải văn bản UTF-8 (mã cũ TCVN3/VNI?); hãy lưu lại "
                     "dưới dạng UTF-8",
    "file.bad_name": "tên tệp «{name}» không phải UTF-8 (mã cũ?); hãy đổi tên tệp",
    "folder.no_reports": "thư mục «{folder}» không có tệp báo cáo nào ({allowed})",
    "pdf.not_pdf": "tệp «{name}» không phải PDF (thiếu phần đầu %PDF); hãy kiểm tra loại tệp",
    "pdf.damaged": "tệp PDF «{name}» bị hỏng, không đọc được",
    "pdf.encrypted": "tệp PDF «{name}» được mã hoá, không mở được; hãy lưu một bản không "
                     "khoá",
    "pdf.password": "tệp PDF «{name}» có mật khẩu; hãy lưu một bản không mật khẩu",
    "pdf.no_pages": "tệp PDF «{name}» không có trang nào",
    "pdf.page_damaged": "trang {page} của tệp PDF «{name}» bị hỏng, không đọc được",
    "pdf.no_text_layer": "tệp PDF «{name}» không có lớp chữ (bản quét?) và máy chưa cài OCR "
                         "(tesseract-ocr, tesseract-ocr-vie)",
    "pdf.ocr_poor": "tệp PDF «{name}» là bản quét và OCR không đọc rõ được trang nào ({pages} "
                    "trang); chưa lập chỉ mục tệp này",
    "pdf.ocr_failed": "không đọc được bản quét «{name}» bằng OCR",
    "pdf.ocr_poor_pages": "tệp «{name}»: OCR không đọc rõ trang {pages} của bản quét; các "
                          "trang này không được đưa vào chỉ mục (hãy kiểm tra bản quét)",
    "docx.old_format": "tệp «{name}» là tệp Word .doc cũ hoặc .docx có mật khẩu; hãy lưu lại "
                       "dưới dạng .docx không khoá",
    "docx.not_zip": "tệp «{name}» không phải tệp Word .docx (tệp hỏng hoặc sai đuôi)",
    "docx.too_large": "tệp Word «{name}» khi giải nén lớn {size_mb} MB, vượt giới hạn "
                      "{limit_mb} MB",
    "docx.damaged": "tệp Word «{name}» bị hỏng, không mở được; hãy lưu lại từ Word dưới "
                    "dạng .docx",
    "docx.footnotes_damaged": "phần chú thích của tệp Word «{name}» bị hỏng; hãy lưu lại từ "
                              "Word",
    "docx.no_text": "tệp Word «{name}» không có nội dung chữ",
    "docx.too_many_paragraphs": "tệp Word «{name}» có {count} đoạn, vượt giới hạn {limit} "
                                "đoạn của một báo cáo; hãy tách văn bản",
    "docx.xml_too_large": "phần nội dung của tệp Word «{name}» lớn {size_mb} MB, vượt giới "
                          "hạn {limit_mb} MB; hãy tách văn bản",
    "parse.timeout": "đọc tệp «{name}» quá {limit} giây; tệp quá phức tạp (hãy tách hoặc lưu "
                     "lại dưới dạng .docx thông thường)",
    "html.not_html": "tệp «{name}» không phải trang web (không có mã HTML, hoặc sai đuôi tệp); "
                     "hãy kiểm tra loại tệp",
    "html.charset": "trang web «{name}» khai báo bảng mã không biết «{charset}»; hãy lưu lại "
                    "dưới dạng UTF-8",
    "html.encoding": "trang web «{name}» không đúng bảng mã {charset} (khai báo charset sai "
                     "hoặc thiếu?); hãy lưu lại dưới dạng UTF-8",
    "html.damaged": "trang web «{name}» bị hỏng, không đọc được",
    "html.no_text": "trang web «{name}» không có nội dung bài viết (chỉ có menu, mã lệnh, "
                    "liên kết hoặc hình ảnh); hãy lưu chính trang bài viết",
    "sheet.not_workbook": "tệp «{name}» không phải sổ tính Excel (.xlsx hoặc .xls); hãy "
                          "kiểm tra loại tệp",
    "sheet.damaged": "sổ tính Excel «{name}» bị hỏng, không đọc được; hãy mở bằng Excel và "
                     "lưu lại dưới dạng .xlsx",
    "sheet.encrypted": "sổ tính Excel «{name}» có mật khẩu (được mã hoá); hãy lưu một bản "
                       "không mật khẩu",
    "sheet.macro_only": "sổ tính Excel «{name}» chỉ có macro, không có bảng số liệu (macro "
                        "không bao giờ được chạy); hãy lưu các trang có số liệu dưới dạng .xlsx",
    "sheet.no_table": "sổ tính Excel «{name}» không có trang nào chứa bảng số liệu (dòng tiêu "
                      "đề cột và các dòng có tên chỉ tiêu kèm số liệu)",
    "sheet.too_many_sheets": "sổ tính Excel «{name}» có {count} trang, vượt giới hạn {limit} "
                             "trang; hãy tách thành nhiều tệp",
    "sheet.too_many_cells": "sổ tính Excel «{name}» có {count} ô có dữ liệu, vượt giới hạn "
                            "{limit} ô; hãy tách thành nhiều tệp",
    "sheet.too_large": "sổ tính Excel «{name}» khi giải nén lớn {size_mb} MB, vượt giới hạn "
                       "{limit_mb} MB; hãy bỏ bớt hình ảnh hoặc tách tệp",
    "parse.no_text": "không tìm thấy nội dung chữ trong «{name}»",
    "index.missing": "chưa có chỉ mục; hãy lập chỉ mục trước",
    "index.format": "chỉ mục được lập bằng phiên bản cũ (định dạng {found}, cần {expected}); "
                    "người quản trị cần lập lại chỉ mục",
    "index.format_newer": "chỉ mục được lập bằng phiên bản baocao mới hơn (định dạng {found}, "
                          "phiên bản này đọc {expected}); người quản trị cần nâng cấp baocao",
    "index.damaged": "chỉ mục bị hỏng nên chưa trả lời được; chưa có gì bị thay đổi hay xoá. "
                     "Người quản trị: chạy «baocao index rollback» để quay lại phiên bản "
                     "trước, hoặc «baocao index build --force» để lập lại",
    "index.no_previous": "chỉ mục không còn phiên bản cũ hơn để quay lại",
    "index.embedder_mismatch": "chỉ mục được lập bằng mô hình «{built_with}», không phải "
                               "«{wanted}»",
    "index.no_report": "không có báo cáo «{doc_id}» trong chỉ mục",
    "index.unreadable": "không đọc được chỉ mục hiện có; chưa thay đổi gì. Người quản trị "
                        "cần khôi phục («baocao index rollback») hoặc lập lại chỉ mục",
    "index.replace_unconfirmed": "tệp «{name}» sẽ thay báo cáo đã có «{title}»; cần xác nhận "
                                 "việc thay thế trước",
    "index.no_chunks": "tệp «{name}» không có đoạn nội dung nào để lập chỉ mục (chỉ có tiêu "
                       "đề, đề mục)",
    "index.bad_vectors": "mô hình nhúng trả về giá trị không hợp lệ (NaN) cho tệp «{name}»; "
                         "chưa lập chỉ mục tệp này",
    "index.too_many_chunks": "tệp «{name}» có {count} đoạn, vượt giới hạn {limit} đoạn của "
                             "một báo cáo (lập chỉ mục sẽ mất khoảng {minutes} phút); hãy tách "
                             "báo cáo",
    "write.read_only": "máy chủ đang ở chế độ chỉ đọc; chỉ người quản trị (khởi động với "
                       "BAOCAO_ADMIN_TOKEN) mới thêm, thay hoặc xoá được báo cáo",
    "write.bad_token": "mã quản trị không đúng; chưa thay đổi gì",
    "write.short_token": "mã quản trị phải có ít nhất {minimum} ký tự",
    "write.token_wait": "mã quản trị vừa bị nhập sai từ máy này; hãy thử lại sau {wait} giây",
    "client.rate": "máy của bạn gửi quá nhiều yêu cầu liên tiếp; hãy thử lại sau {wait} giây",
    "client.in_flight": "máy của bạn đang có quá nhiều yêu cầu chờ trả lời (tối đa {limit}); "
                        "hãy đợi các câu hỏi trước xong rồi thử lại",
    "upload.held": "máy chủ đang giữ quá nhiều tệp tải lên chưa được đọc ({held_mb} MB, giới "
                   "hạn {limit_mb} MB); hãy thử lại sau ít phút",
    "embedder.unknown": "không có mô hình nhúng «{name}»",
    "embedder.needs_package": "mô hình nhúng «{name}» cần cài thêm gói {packages}",
    "embedder.prepare": "không chuẩn bị được mô hình nhúng ngoại tuyến",
    "embedder.st_spec": "cần tên hoặc thư mục mô hình sau «st:»",
    "embedder.not_model_folder": "«{folder}» không phải thư mục mô hình sentence-transformers",
    "embedder.no_folder": "không có thư mục mô hình «{folder}»",
    "embedder.load": "không nạp được mô hình «{spec}»",
    "embedder.bad_argument": "tham số mô hình nhúng không hợp lệ",
    "cluster.needs_ray": "chạy trên cụm máy (--ray) cần gói Ray: pip install 'baocao[cluster]'",
    "cluster.unreachable": "không kết nối được cụm Ray tại {address}",
    "cluster.lost": "mất kết nối cụm Ray tại {address}; chưa ghi gì, phiên bản trước của chỉ "
                    "mục vẫn dùng được",
    "cluster.no_workers": "cụm Ray tại {address} không còn máy nào để tính; chưa ghi gì, "
                          "phiên bản trước của chỉ mục vẫn dùng được",
    "cluster.replicas_without_ray": "--replicas cần --ray ADDRESS",
    "cluster.serve_elsewhere": "Ray Serve đã chạy trên cụm tại {host}:{port}",
    "cluster.code_mismatch": "máy {node} của cụm Ray chạy mã baocao khác; hãy cài cùng một "
                             "phiên bản baocao trên mọi máy",
    "config.unknown_segmenter": "không có bộ tách từ «{name}»",
    "data.bad_line": "tệp dữ liệu «{path}» lỗi ở dòng {line}",
    "query.missing": "hãy nhập câu hỏi",
    "query.bad_period": "bộ lọc kỳ «{period}» không phải một kỳ báo cáo; hãy viết ví dụ "
                        "«tháng 5/2024», «5 tháng đầu năm 2024», «quý I/2022», «năm 2023»",
    "query.impossible_period": "câu hỏi nêu «{period}», không phải một kỳ có thật (tháng 1–12, "
                               "quý I–IV)",
    "query.empty": "hãy nhập câu hỏi, ví dụ: giải ngân vốn đầu tư công tháng 5/2024?",
    "query.bad_k": "số đoạn cần tìm (k = {k}) phải là số nguyên từ 1 đến {limit}",
    "query.too_long": "câu hỏi dài {n} ký tự, vượt giới hạn {limit} ký tự; hãy hỏi ngắn gọn "
                      "hơn",
    "series.unknown_indicator": "không có chỉ tiêu nào khớp «{indicator}»; các chỉ tiêu có ở "
                                "nhiều báo cáo: {known}",
    "request.missing": "thiếu tham số «{param}»",
    "request.invalid": "tham số «{param}» không hợp lệ",
    "request.not_found": "không có địa chỉ «{path}»",
    "request.method": "không dùng được phương thức {method} tại «{path}»",
    "request.failed": "lỗi hệ thống (chi tiết trong nhật ký máy chủ)",
    "index.loading": "chỉ mục chưa sẵn sàng ({status}); xin thử lại sau ít giây",
    "index.unavailable": "chưa dùng được chỉ mục: {why}",
    "index.remove_unconfirmed": "cần xác nhận việc xoá báo cáo «{title}» (confirm={confirm})",
    "write.no_token": "cần mã quản trị (tiêu đề «Authorization: Bearer …»)",
    "write.no_files": "chưa gửi tệp báo cáo nào (trường «files»)",
}


def vi_date(iso: str | None) -> str:
    """"2024-06-04" -> "04/06/2024"; "2022-01" (only the month known) -> "tháng 01/2022";
    "2021" -> "năm 2021"; none -> "—": one date format in the page."""
    if not iso:
        return "—"
    parts = iso.split("-")
    if len(parts) == 2:
        return f"tháng {parts[1]}/{parts[0]}"
    if len(parts) == 1:
        return f"năm {parts[0]}"
    return "/".join(reversed(parts))


def vi_number(value: float, decimals: int = 1) -> str:
    """25.8 -> "25,8"; 1234567 -> "1.234.567": the format officials read and write."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _vi_details(details: dict) -> dict:
    out = {}
    for key, value in details.items():
        if isinstance(value, float):
            out[key] = vi_number(value, 1)
        elif isinstance(value, int) and not isinstance(value, bool):
            out[key] = vi_number(value, 0)
        else:
            out[key] = value
    return out


def vi_error(exc: BaocaoError) -> str:
    """The error in Vietnamese, its details in Vietnamese number format."""
    return VI[exc.code].format(**_vi_details(exc.details))
