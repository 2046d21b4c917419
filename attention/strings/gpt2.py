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
}
