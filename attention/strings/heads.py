"""Strings of what each head does: role scores, attention rollout, ablation and the line view."""

STRINGS: dict[str, dict[str, str]] = {
    # Role scores (attention.heads.ROLES): a name and one or two sentences each
    "heads.role.entropy": {"en": "Entropy", "vi": "Entropy (độ phân tán)"},
    "heads.role.entropy.about": {
        "en": "How spread out the head's attention is: the entropy of each token's weights, in nats, averaged over the tokens. "
        "0 means every token looks at a single other token; a head that spreads evenly over the i + 1 tokens it may see reaches log(i + 1).",
        "vi": "Mức độ dàn trải sự chú ý của head: entropy của các trọng số của từng token (đơn vị nat), lấy trung bình trên các token. "
        "Bằng 0 khi mỗi token chỉ nhìn đúng một token; head chia đều cho i + 1 token nó được phép nhìn thì đạt log(i + 1).",
    },
    "heads.role.previous_token": {"en": "Previous token", "vi": "Token liền trước"},
    "heads.role.previous_token.about": {
        "en": "The average weight each token gives to the token just before it. "
        "A previous-token head scores close to 1: it passes each token's neighbour along, a building block of induction.",
        "vi": "Trọng số trung bình mà mỗi token dành cho token ngay trước nó. "
        "Head “token liền trước” đạt gần 1: nó chuyển thông tin của token bên cạnh sang, một viên gạch để xây nên cơ chế induction.",
    },
    "heads.role.first_token": {
        "en": "First token (attention sink)",
        "vi": "Token đầu tiên (nơi “xả” attention)",
    },
    "heads.role.first_token.about": {
        "en": "The average weight on the very first token of the text. "
        "Softmax must put the weight somewhere, so many heads park it on the first token when nothing else is relevant.",
        "vi": "Trọng số trung bình dồn vào token đầu tiên của văn bản. "
        "Softmax buộc tổng trọng số bằng 1, nên khi không có gì đáng chú ý, nhiều head dồn trọng số vào token đầu tiên.",
    },
    "heads.role.duplicate_token": {"en": "Duplicate token", "vi": "Token lặp lại"},
    "heads.role.duplicate_token.about": {
        "en": "For tokens that already appeared earlier in the text, the weight they give to those earlier copies of themselves. "
        "A duplicate-token head notices that a word is being repeated.",
        "vi": "Với những token đã xuất hiện trước đó trong văn bản, trọng số mà chúng dành cho các lần xuất hiện trước của chính mình. "
        "Head “token lặp lại” nhận ra rằng một từ đang được nhắc lại.",
    },
    "heads.role.induction": {"en": "Induction (random tokens)", "vi": "Induction (token ngẫu nhiên)"},
    "heads.role.induction.about": {
        "en": "On a sequence of random tokens shown twice, the average weight from each token of the second copy to the token that followed it the first time. "
        "An induction head finds where the current token appeared before and looks at what came next, so the model can predict it again.",
        "vi": "Trên một chuỗi token ngẫu nhiên được lặp lại hai lần, trọng số trung bình từ mỗi token của bản thứ hai tới token đứng ngay sau nó ở lần xuất hiện đầu. "
        "Head induction tìm chỗ token hiện tại từng xuất hiện và nhìn vào token theo sau, để mô hình đoán lại token đó.",
    },
    "heads.role.induction_text": {"en": "Induction (this text)", "vi": "Induction (trên văn bản này)"},
    "heads.role.induction_text.about": {
        "en": "The same measure on your own text: for tokens that appeared before, the weight on the token right after each earlier occurrence. "
        "It only means something if the text repeats itself.",
        "vi": "Cùng phép đo đó trên chính văn bản của bạn: với các token đã xuất hiện trước, trọng số dành cho token đứng ngay sau mỗi lần xuất hiện trước đó. "
        "Chỉ có ý nghĩa khi văn bản có đoạn lặp lại.",
    },
    # Attention rollout
    "heads.rollout": {"en": "Attention rollout", "vi": "Attention rollout (lan truyền attention)"},
    "heads.rollout.about": {
        "en": "How much of each input token has reached each position after a given layer: every layer's heads are averaged, "
        "half of each token is kept for itself (the residual connection), and the layers are multiplied one after the other (Abnar & Zuidema, 2020). "
        "A rough picture of information flow, not an exact explanation.",
        "vi": "Sau mỗi lớp, thông tin của từng token đầu vào đã đến mỗi vị trí được bao nhiêu: các head trong một lớp được lấy trung bình, "
        "mỗi token giữ lại một nửa cho chính mình (kết nối phần dư, residual), rồi nhân các lớp nối tiếp nhau (Abnar & Zuidema, 2020). "
        "Đây là hình dung gần đúng về dòng thông tin, không phải lời giải thích chính xác.",
    },
    # Ablation (attention.gpt2.ABLATION_MODES)
    "heads.ablation.zero": {"en": "Switch off (zero)", "vi": "Tắt hẳn (bằng 0)"},
    "heads.ablation.zero.about": {
        "en": "The head adds nothing: its output is replaced by zeros.",
        "vi": "Head không đóng góp gì nữa: đầu ra của nó được thay bằng toàn số 0.",
    },
    "heads.ablation.uniform": {"en": "Look everywhere (uniform)", "vi": "Nhìn đều mọi nơi (đồng đều)"},
    "heads.ablation.uniform.about": {
        "en": "Each token spreads its attention evenly over itself and every earlier token, as if all scores were equal.",
        "vi": "Mỗi token chia đều sự chú ý cho chính nó và mọi token phía trước, như thể mọi điểm số đều bằng nhau.",
    },
    "heads.ablation.previous": {"en": "Look one back (previous)", "vi": "Nhìn lùi một token (liền trước)"},
    "heads.ablation.previous.about": {
        "en": "Each token puts all its attention on the token just before it; the first token, with none before it, looks at itself.",
        "vi": "Mỗi token dồn toàn bộ sự chú ý vào token ngay trước nó; token đầu tiên không có token nào phía trước nên nhìn vào chính nó.",
    },
    # The line view
    "heads.line.query": {"en": "query", "vi": "truy vấn (query)"},
    "heads.line.key": {"en": "key", "vi": "khóa (key)"},
    "heads.line.weight": {"en": "weight", "vi": "trọng số"},
    "heads.line.position": {"en": "position", "vi": "vị trí"},
}
