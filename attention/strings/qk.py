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
    "qk.products": {
        "en": "Step 1: the products q_d × k_d (rows: keys, columns: dimensions)",
        "vi": "Bước 1: các tích q_d × k_d (hàng: khóa, cột: chiều)",
    },
    "qk.table": {"en": "Steps 1–3: sum, scale, softmax", "vi": "Bước 1–3: cộng, chia tỉ lệ, softmax"},
    "qk.col.key": {"en": "key token", "vi": "token khóa"},
    "qk.col.score": {"en": "q·k (score)", "vi": "q·k (điểm)"},
    "qk.col.scaled": {"en": "scaled", "vi": "đã chia tỉ lệ"},
    "qk.col.weight": {"en": "weight", "vi": "trọng số"},
    "qk.product": {"en": "product", "vi": "tích"},
    "qk.dim": {"en": "dimension", "vi": "chiều"},
    "qk.output": {
        "en": "Step 4: the output, weights · V ({dim} numbers)",
        "vi": "Bước 4: đầu ra, trọng số · V ({dim} số)",
    },
    "qk.to_toy": {"en": "Work it out by hand on the first page", "vi": "Tự tính tay ở trang đầu"},
    "qk.to_toy.help": {
        "en": "Opens the first page with this query, and the keys and values of up to 12 tokens, loaded as Q, K and V (full width, {digits} significant digits).",
        "vi": "Mở trang đầu với truy vấn này cùng khóa và giá trị của tối đa 12 token, nạp vào Q, K và V (đủ số chiều, {digits} chữ số có nghĩa).",
    },
    # Head roles
    "roles.title": {"en": "Head roles", "vi": "Vai trò của các head"},
    "roles.about": {
        "en": "Every head is measured for the jobs heads are known to do, straight from the attention weights of this text (and, for induction, of a probe of random tokens). Pick a role to light those heads up in the overview; sort the table by any column.",
        "vi": "Mỗi head được đo theo những việc mà các head thường làm, trực tiếp từ trọng số attention của văn bản này (và với induction, từ một chuỗi token ngẫu nhiên dùng để dò). Chọn một vai trò để tô sáng các head đó trong bản tổng quan; sắp xếp bảng theo bất kỳ cột nào.",
    },
    "roles.pick": {"en": "Highlight the heads that act as", "vi": "Tô sáng các head đóng vai"},
    "roles.threshold": {"en": "Score at least", "vi": "Điểm ít nhất"},
    "roles.found": {
        "en": "Heads scoring at least {threshold} ({n}): {heads}",
        "vi": "{n} head đạt ít nhất {threshold}: {heads}",
    },
    "roles.none": {
        "en": "No head scores {threshold} or more for this role.",
        "vi": "Không head nào đạt từ {threshold} trở lên cho vai trò này.",
    },
    "roles.sort": {"en": "Sort the table by", "vi": "Sắp xếp bảng theo"},
    "roles.definitions": {"en": "What the scores mean", "vi": "Ý nghĩa của các điểm"},
    "roles.probe": {
        "en": "Induction (random tokens) uses {n} random tokens shown twice; it is the same for every text of a model.",
        "vi": "Induction (token ngẫu nhiên) dùng {n} token ngẫu nhiên được lặp lại hai lần; với một mô hình, nó giống nhau cho mọi văn bản.",
    },
    "roles.col.layer": {"en": "layer", "vi": "lớp"},
    "roles.col.head": {"en": "head", "vi": "head"},
    "roles.head_name": {"en": "L{layer} H{head}", "vi": "L{layer} H{head}"},
    # Heads at work
    "nav.flow": {"en": "Heads at work", "vi": "Các head khi làm việc"},
    "flow.title": {"en": "Heads at work", "vi": "Các head khi làm việc"},
    "flow.intro": {
        "en": "What the model would write next, what happens when heads are switched off, and how information flows from token to token across the layers. Switching heads off goes through the same hand-written attention that the parity panel proves equal to GPT-2's.",
        "vi": "Mô hình sẽ viết gì tiếp theo, điều gì xảy ra khi tắt một số head, và thông tin chảy từ token này sang token khác qua các lớp ra sao. Việc tắt head đi qua chính attention viết tay mà bảng đối chiếu đã chứng minh là bằng attention của GPT-2.",
    },
    "flow.next": {"en": "Next token, with heads switched off", "vi": "Token tiếp theo, khi tắt một số head"},
    "flow.switch": {"en": "Heads to change", "vi": "Các head cần thay đổi"},
    "flow.switch.help": {
        "en": "Pick heads, then how to replace their attention.",
        "vi": "Chọn head, rồi chọn cách thay attention của chúng.",
    },
    "flow.mode": {"en": "Replace their attention by", "vi": "Thay attention của chúng bằng"},
    "flow.col.token": {"en": "next token", "vi": "token tiếp theo"},
    "flow.col.before": {"en": "the model as it is", "vi": "mô hình nguyên vẹn"},
    "flow.col.after": {"en": "with {n} heads changed", "vi": "khi thay {n} head"},
    "flow.top_change": {
        "en": "The top prediction “{token}” goes from {before} to {after}.",
        "vi": "Dự đoán hàng đầu “{token}” đổi từ {before} thành {after}.",
    },
    "flow.rollout.query": {"en": "Follow the token", "vi": "Theo dõi token"},
    "flow.rollout.layer": {"en": "after layer", "vi": "sau lớp"},
    "flow.rollout.source": {"en": "input token", "vi": "token đầu vào"},
    "flow.rollout.share": {"en": "share", "vi": "tỉ lệ"},
    "flow.lines": {"en": "One head as lines", "vi": "Một head dưới dạng các đường nối"},
    "flow.lines.about": {
        "en": "Layer {layer}, head {head}: a line from each query token (left) to each key token (right) it attends to, thicker for more weight; weights under {min_weight} are left out. Click a token on the left to follow only its lines.",
        "vi": "Lớp {layer}, head {head}: một đường nối từ mỗi token truy vấn (trái) tới mỗi token khóa (phải) mà nó chú ý, càng dày khi trọng số càng lớn; trọng số dưới {min_weight} được bỏ qua. Nhấn vào một token bên trái để chỉ xem các đường của nó.",
    },
}
