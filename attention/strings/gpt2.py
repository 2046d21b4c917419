"""Strings of the GPT-2 part: loading a model, tracing a text, and what can go wrong."""

STRINGS: dict[str, dict[str, str]] = {
    # Loading a model
    "gpt2.error.unknown_model": {
        "en": "“{name}” is not a model this playground can load. Choose one of {allowed}, "
        "or give the path of a local directory that holds a GPT-2 saved with save_pretrained().",
        "vi": "Playground không tải được mô hình “{name}”. Hãy chọn một trong {allowed}, "
        "hoặc nhập đường dẫn tới một thư mục trên máy chứa GPT-2 đã lưu bằng save_pretrained().",
    },
    "gpt2.error.large_model": {
        "en": "{name} is a large model (several GB of memory), so it is switched off. "
        "Set the environment variable ATTENTION_ALLOW_LARGE=1 to allow it, or choose one of {allowed}.",
        "vi": "{name} là mô hình lớn (cần vài GB bộ nhớ) nên đang bị tắt. "
        "Đặt biến môi trường ATTENTION_ALLOW_LARGE=1 để cho phép, hoặc chọn một trong {allowed}.",
    },
    "gpt2.error.not_reachable": {
        "en": "Could not load {name}: there is no network connection, offline mode is on (HF_HUB_OFFLINE), "
        "or the model is not in the Hugging Face cache ({cache}). While online, download it once with:\n\n"
        "{command}\n\nThe HF_HOME environment variable selects the cache directory. "
        "Or set ATTENTION_MODEL to a local directory that holds a GPT-2 saved with save_pretrained(). "
        "Details: {reason}",
        "vi": "Không tải được {name}: máy không có kết nối mạng, đang bật chế độ ngoại tuyến (HF_HUB_OFFLINE), "
        "hoặc mô hình chưa có trong bộ nhớ đệm của Hugging Face ({cache}). Khi có mạng, hãy tải trước "
        "một lần bằng lệnh:\n\n{command}\n\nBiến môi trường HF_HOME chọn thư mục bộ nhớ đệm. "
        "Hoặc đặt ATTENTION_MODEL là một thư mục trên máy chứa GPT-2 đã lưu bằng save_pretrained(). "
        "Chi tiết: {reason}",
    },
    "gpt2.error.dir_missing": {
        "en": "There is no directory at {path}. Check the path, or choose one of {allowed}.",
        "vi": "Không có thư mục nào ở {path}. Hãy kiểm tra lại đường dẫn, hoặc chọn một trong {allowed}.",
    },
    "gpt2.error.no_config": {
        "en": "{path} has no config.json, so it is not a model saved with save_pretrained(). "
        "Save the model there with model.save_pretrained(path).",
        "vi": "{path} không có tệp config.json nên không phải là mô hình được lưu bằng save_pretrained(). "
        "Hãy lưu mô hình vào đó bằng model.save_pretrained(path).",
    },
    "gpt2.error.bad_config": {
        "en": "The config.json in {path} cannot be read: {reason}",
        "vi": "Không đọc được tệp config.json trong {path}: {reason}",
    },
    "gpt2.error.not_gpt2": {
        "en": "{path} holds a “{model_type}” model ({architectures}); this playground only works with "
        "GPT-2 language models (model_type “gpt2”, GPT2LMHeadModel).",
        "vi": "{path} chứa mô hình “{model_type}” ({architectures}); playground này chỉ làm việc với "
        "mô hình ngôn ngữ GPT-2 (model_type “gpt2”, GPT2LMHeadModel).",
    },
    "gpt2.error.no_tokenizer": {
        "en": "{path} has no tokenizer (tokenizer.json, or vocab.json with merges.txt). "
        "Save it next to the model with tokenizer.save_pretrained(path).",
        "vi": "{path} không có tokenizer (tokenizer.json, hoặc vocab.json kèm merges.txt). "
        "Hãy lưu tokenizer cạnh mô hình bằng tokenizer.save_pretrained(path).",
    },
    "gpt2.error.broken_tokenizer": {
        "en": "The tokenizer in {path} cannot be loaded: {reason}. "
        "Save it again with tokenizer.save_pretrained(path).",
        "vi": "Không tải được tokenizer trong {path}: {reason}. "
        "Hãy lưu lại bằng tokenizer.save_pretrained(path).",
    },
    "gpt2.error.broken_weights": {
        "en": "The model in {path} cannot be loaded (are its weights missing or damaged?): {reason}. "
        "Save it again with model.save_pretrained(path).",
        "vi": "Không tải được mô hình trong {path} (thiếu tệp trọng số hoặc tệp bị hỏng?): {reason}. "
        "Hãy lưu lại bằng model.save_pretrained(path).",
    },
    "gpt2.error.vocab_mismatch": {
        "en": "The tokenizer of {name} has {tokenizer_size} tokens but the model knows only {vocab_size}: "
        "they do not belong together. Save the tokenizer the model was trained with next to it.",
        "vi": "Tokenizer của {name} có {tokenizer_size} token nhưng mô hình chỉ biết {vocab_size}: "
        "hai thứ này không đi cùng nhau. Hãy lưu đúng tokenizer đã dùng để huấn luyện mô hình.",
    },
    # Tracing a text
    "gpt2.error.no_attention": {
        "en": "The model returned no attention weights: it computes attention with “{implementation}”, "
        'which does not expose them. Load it with attn_implementation="eager", as load_model() does.',
        "vi": "Mô hình không trả về trọng số attention: nó tính attention bằng “{implementation}”, "
        'cách này không cho xem trọng số. Hãy tải mô hình với attn_implementation="eager", '
        "như load_model() vẫn làm.",
    },
    "gpt2.error.empty_text": {
        "en": "There is no text to trace yet: type a sentence first.",
        "vi": "Chưa có văn bản để phân tích: hãy nhập một câu trước đã.",
    },
    "gpt2.error.bad_max_tokens": {
        "en": "The token limit must be a whole number of at least 1, not {value}.",
        "vi": "Giới hạn số token phải là một số nguyên từ 1 trở lên, không phải {value}.",
    },
    "gpt2.warning.truncated": {
        "en": "The text has {total} tokens; only the first {kept} are traced.",
        "vi": "Văn bản có {total} token; chỉ {kept} token đầu tiên được phân tích.",
    },
    "gpt2.tokens.legend": {
        "en": "Each box is one GPT-2 token. ␣ marks a space, ⏎ a line break, and <0xF0> one byte of a "
        "character that GPT-2 splits across several tokens.",
        "vi": "Mỗi ô là một token của GPT-2. ␣ là dấu cách, ⏎ là xuống dòng, còn <0xF0> là một byte của "
        "một ký tự mà GPT-2 tách ra thành nhiều token.",
    },
    "gpt2.parity.summary": {
        "en": "Largest difference between our attend() and the model's own attention weights: "
        "{weights_diff:.1e}; in the next-token logits: {logits_diff:.1e}.",
        "vi": "Chênh lệch lớn nhất giữa attend() của chúng ta và trọng số attention của chính mô hình: "
        "{weights_diff:.1e}; ở logit của token tiếp theo: {logits_diff:.1e}.",
    },
    # The GPT-2 page
    "gpt2.title": {"en": "Inside GPT-2", "vi": "Bên trong GPT-2"},
    "gpt2.intro": {
        "en": "Type a text and see where each of GPT-2's attention heads looks. The maps below are computed "
        "twice: by the model itself (Hugging Face transformers) and by this project's hand-written "
        "attend(), the same four steps as on the first page. The parity panel proves the two agree.",
        "vi": "Nhập một đoạn văn bản và xem mỗi head attention của GPT-2 nhìn vào đâu. Các bản đồ bên dưới được "
        "tính hai lần: bởi chính mô hình (Hugging Face transformers) và bởi attend() viết tay của dự án, "
        "cùng bốn bước như ở trang đầu. Bảng đối chiếu chứng minh hai cách cho cùng kết quả.",
    },
    "gpt2.model": {"en": "Model", "vi": "Mô hình"},
    "gpt2.model.other": {
        "en": "Other: a hub id or a local folder…",
        "vi": "Khác: id trên hub hoặc thư mục cục bộ…",
    },
    "gpt2.model.path": {"en": "Hub id or local folder", "vi": "Id trên hub hoặc thư mục cục bộ"},
    "gpt2.model.path_help": {
        "en": "distilgpt2, gpt2 or gpt2-medium from the Hugging Face hub, or a folder saved with save_pretrained.",
        "vi": "distilgpt2, gpt2 hoặc gpt2-medium từ Hugging Face hub, hoặc một thư mục lưu bằng save_pretrained.",
    },
    "gpt2.model.loading": {"en": "Loading {name}…", "vi": "Đang tải {name}…"},
    "gpt2.model.card": {
        "en": "{name}: {layers} layers × {heads} heads, {params} parameters, context {context} tokens.",
        "vi": "{name}: {layers} lớp × {heads} head, {params} tham số, ngữ cảnh {context} token.",
    },
    "gpt2.model.use_bundled": {
        "en": "Use the tiny GPT-2 that comes with the playground (works offline)",
        "vi": "Dùng GPT-2 tí hon đi kèm sân chơi (chạy không cần mạng)",
    },
    "gpt2.model.bundled_card": {"en": "About this tiny model", "vi": "Về mô hình tí hon này"},
    "gpt2.model.failed": {
        "en": "The GPT-2 page needs a model. The other pages work without one.",
        "vi": "Trang GPT-2 cần một mô hình. Các trang khác vẫn hoạt động mà không cần.",
    },
    "gpt2.text": {"en": "Your text", "vi": "Văn bản của bạn"},
    "gpt2.text.help": {
        "en": "A repeated phrase lets you watch induction heads: in the second copy they look at the token "
        "that followed the same token in the first. GPT-2 was trained on English.",
        "vi": "Một cụm từ lặp lại giúp bạn thấy các induction head: ở bản lặp thứ hai chúng nhìn vào token đứng "
        "sau cùng token đó ở bản đầu. GPT-2 được huấn luyện bằng tiếng Anh.",
    },
    "gpt2.max_tokens": {"en": "Token limit", "vi": "Giới hạn token"},
    "gpt2.max_tokens.help": {
        "en": "Longer texts are cut to this many tokens. Memory grows with the square of it: on GPT-2 small "
        "about 500 tokens fit in 1.5 GB, the full 1024 need about 3 GB.",
        "vi": "Văn bản dài hơn sẽ bị cắt còn chừng này token. Bộ nhớ tăng theo bình phương: với GPT-2 small, "
        "khoảng 500 token vừa trong 1,5 GB, đủ 1024 token cần khoảng 3 GB.",
    },
    "gpt2.tracing": {
        "en": "Running {n} tokens through the model, twice…",
        "vi": "Đang chạy {n} token qua mô hình, hai lần…",
    },
    "gpt2.tokens": {"en": "The tokens", "vi": "Các token"},
    "gpt2.tokens.count": {"en": "{n} tokens", "vi": "{n} token"},
    "gpt2.head": {"en": "One head", "vi": "Một head"},
    "gpt2.layer": {"en": "Layer", "vi": "Lớp"},
    "gpt2.head_pick": {"en": "Head", "vi": "Head"},
    "gpt2.head.about": {
        "en": "Row = the query token that is asking, column = the key token it may look at. Each row sums to 1. "
        "Grey cells above the diagonal are masked: GPT never looks at the future.",
        "vi": "Hàng = token truy vấn đang hỏi, cột = token khóa mà nó được nhìn. Tổng mỗi hàng bằng 1. Các ô xám "
        "phía trên đường chéo bị che: GPT không bao giờ nhìn tương lai.",
    },
    "gpt2.head.chart_title": {"en": "Layer {layer}, head {head}", "vi": "Lớp {layer}, head {head}"},
    "gpt2.pooled": {
        "en": "The text is long, so each cell shows the mean weight over a block of {size} × {size} tokens; "
        "the exact numbers are in the trace.",
        "vi": "Văn bản dài nên mỗi ô hiển thị trọng số trung bình của một khối {size} × {size} token; các con số "
        "chính xác nằm trong kết quả phân tích.",
    },
    "gpt2.overview": {"en": "All heads at a glance", "vi": "Tất cả các head"},
    "gpt2.overview.about": {
        "en": "Each small square is one head's map, layers down, heads across (each shrunk to at most 12 × 12 "
        "cells). Click one to look at it above.",
        "vi": "Mỗi ô vuông nhỏ là bản đồ của một head, lớp theo hàng dọc, head theo hàng ngang (mỗi bản đồ thu "
        "nhỏ còn tối đa 12 × 12 ô). Nhấn vào một ô để xem ở phía trên.",
    },
    "gpt2.parity": {
        "en": "Proof: the hand-written attention is GPT-2's attention",
        "vi": "Bằng chứng: attention viết tay chính là attention của GPT-2",
    },
    "gpt2.parity.about": {
        "en": "For every layer and head, the largest difference between the weights transformers computes and "
        "the weights of attend(). Then every layer's attention is replaced by attend() in a hand-written "
        "forward pass and the next-token logits are compared, so the check covers the attention output, "
        "c_proj and everything after.",
        "vi": "Với mỗi lớp và head: chênh lệch lớn nhất giữa trọng số do transformers tính và trọng số của attend(). "
        "Sau đó attention ở mọi lớp được thay bằng attend() trong một lượt forward viết tay và so sánh logit "
        "của token tiếp theo, nên phép kiểm tra bao gồm cả đầu ra attention, c_proj và mọi thứ phía sau.",
    },
    "gpt2.parity.match": {
        "en": "Hand-written attention matches {model} on all {n} heads, max |Δ| = {weights_diff}; next-token logits differ by at most {logits_diff}.",
        "vi": "Attention viết tay khớp với {model} trên cả {n} head, |Δ| lớn nhất = {weights_diff}; logit của token tiếp theo lệch nhau tối đa {logits_diff}.",
    },
    "gpt2.parity.mismatch": {
        "en": "Hand-written attention differs from {model} on {bad} of {n} heads (max |Δ| = {weights_diff}, tolerance {tolerance}); next-token logits differ by up to {logits_diff}.",
        "vi": "Attention viết tay khác {model} ở {bad} trên {n} head (|Δ| lớn nhất = {weights_diff}, dung sai {tolerance}); logit của token tiếp theo lệch tới {logits_diff}.",
    },
    "gpt2.parity.side_by_side": {
        "en": "Layer {layer}, head {head}, side by side",
        "vi": "Lớp {layer}, head {head}, đặt cạnh nhau",
    },
    "gpt2.parity.library": {"en": "transformers (eager)", "vi": "transformers (eager)"},
    "gpt2.parity.ours": {"en": "attend() by hand", "vi": "attend() viết tay"},
    "gpt2.next": {"en": "What GPT-2 would write next", "vi": "GPT-2 sẽ viết gì tiếp theo"},
    "gpt2.next.token": {"en": "next token", "vi": "token tiếp theo"},
    "gpt2.next.probability": {"en": "probability", "vi": "xác suất"},
    "gpt2.axis.query": {"en": "query token", "vi": "token truy vấn"},
    "gpt2.axis.key": {"en": "key token", "vi": "token khóa"},
    "gpt2.axis.weight": {"en": "weight", "vi": "trọng số"},
    "gpt2.axis.layer": {"en": "layer", "vi": "lớp"},
    "gpt2.axis.head": {"en": "head", "vi": "head"},
    "gpt2.axis.diff": {"en": "max |Δ|", "vi": "|Δ| lớn nhất"},
    "gpt2.axis.position": {"en": "position", "vi": "vị trí"},
    "gpt2.axis.token": {"en": "token", "vi": "token"},
}
