"""Strings of the toy-vector page, which walks through the source notes' example step by step."""

STRINGS: dict[str, dict[str, str]] = {
    "toy.title": {"en": "Attention, step by step", "vi": "Attention, từng bước một"},
    "toy.intro": {
        "en": "Attention lets a model **focus on the important parts** of its input. Each token asks a "
        "question (its **query**, Q), every token offers a label (its **key**, K) and a content (its "
        "**value**, V). Below, the four steps run on the vectors in the boxes, starting with the notes' own "
        "example; every number is computed live by the project's hand-written attention core, and you can edit all of them.",
        "vi": "Cơ chế attention giúp mô hình **tập trung vào các phần quan trọng** của đầu vào. Mỗi token "
        "đặt một câu hỏi (**Query**, Q), mỗi token có một nhãn (**Key**, K) và một nội dung (**Value**, V). "
        "Dưới đây, bốn bước được tính trên các vector trong các ô, bắt đầu từ ví dụ trong ghi chú; mọi con số "
        "đều do lõi attention viết tay của dự án tính trực tiếp, và bạn có thể sửa tất cả.",
    },
    "toy.formula_caption": {
        "en": "Q: the token that is asking · K: the tokens that hold information · V: the information actually "
        "retrieved · softmax: how much to focus on each token",
        "vi": "Q: token đang đặt câu hỏi · K: token chứa thông tin · V: thông tin thực sự cần lấy · "
        "softmax: mức độ “nên tập trung vào token nào nhất”",
    },
    # Inputs
    "toy.inputs": {"en": "Your vectors", "vi": "Các vector của bạn"},
    "toy.preset": {"en": "Example", "vi": "Ví dụ"},
    "toy.preset.seed": {
        "en": "The notes' example (Q = [1, 2, 3])",
        "vi": "Ví dụ trong ghi chú (Q = [1, 2, 3])",
    },
    "toy.preset.seed.about": {
        "en": "Exactly the example of the notes: one query Q = [1, 2, 3] and two keys. V gives each token a "
        "one-hot value ([1, 0] and [0, 1]), so the output reads directly as how much of each token was "
        "retrieved.",
        "vi": "Đúng ví dụ trong ghi chú: một truy vấn Q = [1, 2, 3] và hai khóa. V cho mỗi token một giá trị "
        "one-hot ([1, 0] và [0, 1]), nên đầu ra cho biết trực tiếp đã lấy bao nhiêu thông tin từ mỗi token.",
    },
    "toy.preset.random64": {"en": "Random vectors, d_k = 64", "vi": "Vector ngẫu nhiên, d_k = 64"},
    "toy.preset.random64.about": {
        "en": "Four tokens with random 64-dimensional queries and keys, as in a real GPT-2 head. Switch the "
        "√d_k scaling off and watch the softmax collapse onto a single token.",
        "vi": "Bốn token với truy vấn và khóa ngẫu nhiên 64 chiều, như một head thật của GPT-2. Hãy tắt phép "
        "chia cho √d_k và xem softmax dồn hết vào một token.",
    },
    "toy.preset.identical": {"en": "Identical keys", "vi": "Các khóa giống hệt nhau"},
    "toy.preset.identical.about": {
        "en": "Every key is the same vector, so every score is the same: whatever the query asks, softmax can "
        "only share attention equally (1/3 each).",
        "vi": "Mọi khóa đều là cùng một vector nên mọi điểm đều bằng nhau: truy vấn hỏi gì thì softmax cũng "
        "chỉ chia đều attention (mỗi token 1/3).",
    },
    "toy.preset.orthogonal": {"en": "Orthogonal keys", "vi": "Các khóa trực giao"},
    "toy.preset.orthogonal.about": {
        "en": "The keys point along the axes, so each score just reads one coordinate of the query: "
        "Q = [3, 1, 0] gives scores [3, 1, 0].",
        "vi": "Các khóa nằm dọc theo các trục, nên mỗi điểm chỉ đọc một tọa độ của truy vấn: "
        "Q = [3, 1, 0] cho điểm [3, 1, 0].",
    },
    "toy.preset.sentence": {"en": "A causal 4-token sentence", "vi": "Câu 4 token có mặt nạ nhân quả"},
    "toy.preset.sentence.about": {
        "en": "“The cat sat down”: every token is a query, as in GPT. The causal mask lets each token look "
        "only at itself and earlier tokens, never the future.",
        "vi": "“The cat sat down”: mỗi token đều là một truy vấn, như trong GPT. Mặt nạ nhân quả chỉ cho mỗi "
        "token nhìn chính nó và các token phía trước, không nhìn tương lai.",
    },
    "toy.matrix_help": {
        "en": "One row per token, numbers separated by commas or spaces.",
        "vi": "Mỗi hàng là một token, các số cách nhau bằng dấu phẩy hoặc khoảng trắng.",
    },
    "toy.q_label": {
        "en": "Q: queries (one row per asking token)",
        "vi": "Q: truy vấn (mỗi hàng một token hỏi)",
    },
    "toy.k_label": {"en": "K: keys (one row per token)", "vi": "K: khóa (mỗi hàng một token)"},
    "toy.v_label": {"en": "V: values (one row per token)", "vi": "V: giá trị (mỗi hàng một token)"},
    "toy.t_q": {"en": "Queries (T_q)", "vi": "Số truy vấn (T_q)"},
    "toy.t_k": {"en": "Tokens (T_k)", "vi": "Số token (T_k)"},
    "toy.d_k": {"en": "Dimension d_k", "vi": "Số chiều d_k"},
    "toy.resize_help": {
        "en": "Cuts the matrices or grows them with small whole numbers.",
        "vi": "Cắt bớt ma trận hoặc thêm vào các số nguyên nhỏ.",
    },
    "toy.scale": {"en": "Divide by √d_k", "vi": "Chia cho √d_k"},
    "toy.causal": {"en": "Causal mask (GPT)", "vi": "Mặt nạ nhân quả (GPT)"},
    "toy.temperature": {"en": "Softmax temperature", "vi": "Nhiệt độ softmax"},
    "toy.temperature_help": {
        "en": "Divides the scores before softmax: 1 is plain softmax, larger spreads attention out, "
        "smaller sharpens it.",
        "vi": "Chia các điểm trước softmax: 1 là softmax thông thường, lớn hơn làm attention dàn trải, nhỏ hơn "
        "làm nó sắc nét hơn.",
    },
    "toy.fix_input": {
        "en": "Fix the input above to see the steps. The explanation of √d_k further down still works.",
        "vi": "Hãy sửa dữ liệu phía trên để xem các bước. Phần giải thích √d_k bên dưới vẫn hoạt động.",
    },
    "toy.shape_line": {
        "en": "T_q = {t_q} queries, T_k = {t_k} tokens, d_k = {d_k}, d_v = {d_v}",
        "vi": "T_q = {t_q} truy vấn, T_k = {t_k} token, d_k = {d_k}, d_v = {d_v}",
    },
    # Steps
    "toy.stage.steps": {"en": "Step", "vi": "Bước"},
    "toy.stage.back": {"en": "Back", "vi": "Lùi"},
    "toy.stage.next": {"en": "Next", "vi": "Tiếp"},
    "toy.stage.scores": {"en": "1 · Q·Kᵀ", "vi": "1 · Q·Kᵀ"},
    "toy.stage.scaled": {"en": "2 · ÷√d_k", "vi": "2 · ÷√d_k"},
    "toy.stage.weights": {"en": "3 · softmax", "vi": "3 · softmax"},
    "toy.stage.output": {"en": "4 · × V", "vi": "4 · × V"},
    "toy.stage.why": {"en": "Why √d_k?", "vi": "Vì sao √d_k?"},
    "toy.step1": {
        "en": "1. Dot product: how similar?",
        "vi": "1. Tích vô hướng (dot product): giống nhau đến đâu?",
    },
    "toy.step1.about": {
        "en": "Each query is multiplied with each key, coordinate by coordinate, and the products are added. "
        "Q and K pointing the same way give a high score (relevant); different ways give a low one.",
        "vi": "Mỗi truy vấn được nhân với từng khóa, từng tọa độ một, rồi cộng các tích lại. Nếu Q và K hướng "
        "giống nhau → điểm cao (liên quan); nếu khác hướng → điểm thấp (không liên quan).",
    },
    "toy.explain_cell": {"en": "Write out one score", "vi": "Viết ra một điểm"},
    "toy.explain_query": {"en": "Query row", "vi": "Hàng truy vấn"},
    "toy.explain_key": {"en": "Key column", "vi": "Cột khóa"},
    "toy.step2": {"en": "2. Scaling: keep softmax in range", "vi": "2. Chia tỉ lệ (scaling): giữ ổn định"},
    "toy.step2.about": {
        "en": "The scores are divided by √d_k = √{d_k} = {sqrt_d_k} (and by the temperature, {temperature}). "
        "With many dimensions dot products grow large, softmax saturates and training becomes unstable.",
        "vi": "Các điểm được chia cho √d_k = √{d_k} = {sqrt_d_k} (và cho nhiệt độ, {temperature}). Nếu số "
        "chiều lớn, tích vô hướng quá cao, softmax bão hòa và mô hình học không ổn định.",
    },
    "toy.step2.off": {
        "en": "Scaling is switched off: the scores are only divided by the temperature, {temperature}.",
        "vi": "Đã tắt phép chia tỉ lệ: các điểm chỉ được chia cho nhiệt độ, {temperature}.",
    },
    "toy.step_mask": {"en": "Causal mask: no looking ahead", "vi": "Mặt nạ nhân quả: không nhìn tương lai"},
    "toy.step_mask.about": {
        "en": "GPT predicts one token at a time, so a token may only look at itself and earlier tokens. "
        "Later tokens get −∞ before softmax, which turns them into exactly 0 after it.",
        "vi": "GPT dự đoán từng token một, nên một token chỉ được nhìn chính nó và các token phía trước. "
        "Các token phía sau nhận −∞ trước softmax, và thành đúng 0 sau softmax.",
    },
    "toy.step_mask.offset": {
        "en": "With fewer queries than tokens, the queries are the last {t_q} tokens (as when GPT generates "
        "with earlier tokens cached).",
        "vi": "Khi số truy vấn ít hơn số token, các truy vấn là {t_q} token cuối (như khi GPT sinh văn bản "
        "với các token trước đã được lưu).",
    },
    "toy.step_mask.off": {
        "en": "The causal mask is off: every query may look at every token, so masked = scaled.",
        "vi": "Mặt nạ nhân quả đang tắt: mọi truy vấn được nhìn mọi token, nên masked = scaled.",
    },
    "toy.step3": {"en": "3. Softmax: scores become shares", "vi": "3. Softmax: điểm thành tỉ lệ"},
    "toy.step3.about": {
        "en": "Softmax turns each row of scores into probabilities: each between 0 and 1, summing to 1. "
        "The model now knows what percentage of its attention goes to each token.",
        "vi": "Softmax biến mỗi hàng điểm thành xác suất: giá trị từ 0 đến 1 và tổng = 1. "
        "Mô hình biết nên chú ý bao nhiêu % vào từng token.",
    },
    "toy.step3.rowsums": {"en": "Each row sums to: {sums}", "vi": "Tổng mỗi hàng: {sums}"},
    "toy.step3.nothing": {
        "en": "A query whose tokens are all masked has nothing to look at: its weights are all 0 and its "
        "output is the zero vector.",
        "vi": "Một truy vấn mà mọi token đều bị che thì không có gì để nhìn: trọng số đều bằng 0 và đầu ra là "
        "vector 0.",
    },
    "toy.step4": {"en": "4. Weighted sum of the values", "vi": "4. Nhân trọng số với V"},
    "toy.step4.about": {
        "en": "Each query's output is its weights times V: a blend of the values, mostly of the tokens it "
        "attends to. This is the information actually retrieved.",
        "vi": "Đầu ra của mỗi truy vấn là trọng số nhân với V: một hỗn hợp các giá trị, chủ yếu từ những token "
        "được chú ý. Đây là thông tin thật sự cần lấy.",
    },
    "toy.step4.row": {
        "en": "{query}: {terms}",
        "vi": "{query}: {terms}",
    },
    "toy.table": {"en": "Numbers", "vi": "Các con số"},
    "toy.chart": {"en": "Heatmap", "vi": "Bản đồ nhiệt"},
    "toy.output_dim": {"en": "out {i}", "vi": "ra {i}"},
    # Why √d_k
    "toy.why": {"en": "Why divide by √d_k?", "vi": "Tại sao chia cho √d_k?"},
    "toy.why.about": {
        "en": "Take random queries and keys whose coordinates have mean 0 and variance 1. Their dot product "
        "adds d_k such products, so its spread grows like √d_k (left). Without scaling, large d_k makes "
        "the biggest score dwarf the others and softmax puts almost all attention on one of {tokens} keys "
        "(right, top line); dividing by √d_k keeps the spread at about 1 and softmax stays soft.",
        "vi": "Lấy truy vấn và khóa ngẫu nhiên có các tọa độ trung bình 0, phương sai 1. Tích vô hướng cộng d_k "
        "tích như vậy, nên độ phân tán của nó tăng như √d_k (trái). Không chia tỉ lệ, d_k lớn làm điểm "
        "cao nhất át hẳn các điểm khác và softmax dồn gần hết attention vào một trong {tokens} khóa "
        "(phải, đường trên); chia cho √d_k giữ độ phân tán quanh 1 và softmax vẫn mềm.",
    },
    "toy.why.score_std": {"en": "std of q·k", "vi": "độ lệch chuẩn của q·k"},
    "toy.why.sqrt_d_k": {"en": "√d_k", "vi": "√d_k"},
    "toy.why.spread_axis": {"en": "standard deviation", "vi": "độ lệch chuẩn"},
    "toy.why.spread_title": {"en": "q·k spreads like √d_k", "vi": "q·k phân tán như √d_k"},
    "toy.why.unscaled": {"en": "softmax(q·k)", "vi": "softmax(q·k)"},
    "toy.why.scaled": {"en": "softmax(q·k / √d_k)", "vi": "softmax(q·k / √d_k)"},
    "toy.why.peak_axis": {"en": "largest weight (1 = one-hot)", "vi": "trọng số lớn nhất (1 = one-hot)"},
    "toy.why.peak_title": {
        "en": "Without scaling softmax saturates",
        "vi": "Không chia tỉ lệ, softmax bão hòa",
    },
    "toy.why.table": {"en": "The numbers behind the charts", "vi": "Các con số phía sau biểu đồ"},
    "toy.handover": {
        "en": "These vectors come from {model}, layer {layer}, head {head}: the query of token {query} and the keys and values of {n} tokens up to it, with {digits} significant digits. The scores are GPT-2's own; softmax here runs over the tokens sent, so with fewer tokens than the text the weights are renormalised.",
        "vi": "Các vector này lấy từ {model}, lớp {layer}, head {head}: truy vấn của token {query} cùng khóa và giá trị của {n} token tính đến nó, giữ {digits} chữ số có nghĩa. Các điểm chính là điểm của GPT-2; softmax ở đây chỉ chạy trên các token được gửi, nên khi ít token hơn văn bản thì trọng số được chuẩn hóa lại.",
    },
    "toy.handover.back": {"en": "← Back to what the heads do", "vi": "← Quay lại xem các head làm gì"},
    "toy.handover.examples": {"en": "Show the examples again", "vi": "Quay lại các ví dụ"},
}
