"""Strings of the page that explains what heads do: the q·k view of one real query."""

STRINGS: dict[str, dict[str, str]] = {
    "nav.heads": {"en": "What heads do", "vi": "Các head làm gì"},
    "heads.title": {"en": "What the heads do", "vi": "Các head làm gì"},
    "heads.intro": {
        "en": "A heat map shows where a head looks, not why. Here one real number from GPT-2 is followed back through the four steps of the first page, and every head is measured for the jobs heads are known to do.",
        "vi": "Bản đồ nhiệt cho thấy một head nhìn vào đâu, nhưng không cho biết vì sao. Ở đây một con số thật của GPT-2 được lần ngược qua bốn bước của trang đầu, và mọi head được đo theo những vai trò mà các head thường đảm nhận.",
    },
    "qk.title": {"en": "One query, step by step", "vi": "Một truy vấn, từng bước"},
    "qk.query": {"en": "Query token", "vi": "Token truy vấn"},
    "qk.about": {
        "en": "Token {query} asks with its query vector q ({dim} numbers). Each earlier token answers with its key k: the {dim} products q_d × k_d are added into the score q·k, scaled by {scale}, and softmax over all {n} visible tokens gives the weight. {shown} keys are shown: the ones it attends to most.",
        "vi": "Token {query} hỏi bằng vector truy vấn q ({dim} số). Mỗi token phía trước trả lời bằng khóa k: {dim} tích q_d × k_d được cộng lại thành điểm q·k, nhân với {scale}, và softmax trên cả {n} token nhìn thấy được cho ra trọng số. Hiển thị {shown} khóa: những khóa được chú ý nhiều nhất.",
    },
    "qk.products": {"en": "Step 1: the products q_d × k_d (rows: keys, columns: dimensions)", "vi": "Bước 1: các tích q_d × k_d (hàng: khóa, cột: chiều)"},
    "qk.table": {"en": "Steps 1–3: sum, scale, softmax", "vi": "Bước 1–3: cộng, chia tỉ lệ, softmax"},
    "qk.col.key": {"en": "key token", "vi": "token khóa"},
    "qk.col.score": {"en": "q·k (score)", "vi": "q·k (điểm)"},
    "qk.col.scaled": {"en": "scaled", "vi": "đã chia tỉ lệ"},
    "qk.col.weight": {"en": "weight", "vi": "trọng số"},
    "qk.product": {"en": "product", "vi": "tích"},
    "qk.dim": {"en": "dimension", "vi": "chiều"},
    "qk.output": {"en": "Step 4: the output, weights · V ({dim} numbers)", "vi": "Bước 4: đầu ra, trọng số · V ({dim} số)"},
    "qk.to_toy": {"en": "Work it out by hand on the first page", "vi": "Tự tính tay ở trang đầu"},
    "qk.to_toy.help": {
        "en": "Opens the first page with this query, and the keys and values of up to 12 tokens, loaded as Q, K and V (full width, {digits} significant digits).",
        "vi": "Mở trang đầu với truy vấn này cùng khóa và giá trị của tối đa 12 token, nạp vào Q, K và V (đủ số chiều, {digits} chữ số có nghĩa).",
    },
}
