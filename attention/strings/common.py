"""Strings shared by the frame and every page."""

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"en": "Attention playground", "vi": "Sân chơi Attention"},
    "app.tagline": {
        "en": "See how a transformer decides which tokens matter: softmax(Q·Kᵀ/√d_k)·V, one step at a time.",
        "vi": "Xem transformer quyết định token nào quan trọng: softmax(Q·Kᵀ/√d_k)·V, từng bước một.",
    },
    "nav.toy": {"en": "Attention step by step", "vi": "Attention từng bước"},
    "nav.gpt2": {"en": "Inside GPT-2", "vi": "Bên trong GPT-2"},
    "sidebar.language": {"en": "Language · Ngôn ngữ", "vi": "Language · Ngôn ngữ"},
    "sidebar.about": {
        "en": "Every page runs the same hand-written attention core (attention/core.py).",
        "vi": "Mọi trang đều chạy cùng một lõi attention viết tay (attention/core.py).",
    },
    "sidebar.present": {"en": "Presenter mode", "vi": "Chế độ trình chiếu"},
    "sidebar.present.help": {
        "en": "For a talk: bigger type, fewer controls, colours that read on a projector and for colour-blind "
        "viewers. On the first page, ← and → step through the four steps. A link with ?present=1 opens "
        "in this mode.",
        "vi": "Dành cho buổi nói chuyện: chữ lớn hơn, ít nút điều khiển hơn, màu dễ đọc trên máy chiếu và với "
        "người mù màu. Ở trang đầu, phím ← và → chuyển qua bốn bước. Liên kết có ?present=1 mở sẵn chế độ này.",
    },
    "present.controls": {"en": "Inputs", "vi": "Dữ liệu vào"},
    "common.query": {"en": "query", "vi": "truy vấn (query)"},
    "common.key": {"en": "key", "vi": "khóa (key)"},
    "common.value": {"en": "value", "vi": "giá trị"},
    "common.weight": {"en": "weight", "vi": "trọng số"},
    "common.score": {"en": "score", "vi": "điểm"},
    "common.dim": {"en": "dimension", "vi": "chiều"},
    "common.masked": {"en": "masked (−∞)", "vi": "bị che (−∞)"},
    "common.unexpected": {
        "en": "Something went wrong while drawing this part of the page. The rest of the page still works; "
        "try other input or reload.",
        "vi": "Đã có lỗi khi vẽ phần này của trang. Phần còn lại vẫn hoạt động; hãy thử dữ liệu khác hoặc tải lại.",
    },
    "export.menu": {"en": "Export", "vi": "Xuất"},
    "export.png": {"en": "Picture (PNG)", "vi": "Ảnh (PNG)"},
    "export.svg": {"en": "Vector drawing (SVG)", "vi": "Hình vector (SVG)"},
    "export.csv": {"en": "The numbers (CSV)", "vi": "Các con số (CSV)"},
    "export.npz": {"en": "The whole trace (NPZ)", "vi": "Toàn bộ kết quả phân tích (NPZ)"},
}
